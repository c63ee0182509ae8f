"""INV-5: every refusal names the field and says the fix; nothing is sent."""

from __future__ import annotations

from datetime import date

import pytest

from openchorus.invoices.checks import invoice_findings
from openchorus.invoices.services import InvoiceRefused, invoice_submit
from openchorus.lifecycle.statuses import InvoiceStatus
from openchorus.structures.enums import Status
from tests.invoices.factories import draft, setting
from tests.structures.factories import StructureFactory

pytestmark = pytest.mark.django_db


def _refusal(s, invoice) -> dict[str, object]:
    with pytest.raises(InvoiceRefused) as refused:
        invoice_submit(actor=s.manager, invoice=invoice)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.DRAFT and invoice.submitted_at is None
    assert invoice.status_changes.count() == 0
    return {f.rule_id: f for f in refused.value.findings if f.fatal}


def test_unknown_recipient():
    s = setting()
    fatal = _refusal(s, draft(s, header_overrides={"recipient_identifier": "21750001600019"}))
    finding = fatal["INV-5-DESTINATAIRE-INCONNU"]
    assert finding.field == "recipient_identifier" and "21750001600019" in finding.message_fr
    assert "annuaire" in finding.fix_fr and "directory" in finding.fix_en


def test_missing_recipient():
    s = setting()
    fatal = _refusal(s, draft(s, header_overrides={"recipient_identifier": ""}))
    assert fatal["INV-5-DESTINATAIRE"].field == "recipient_identifier"


def test_private_recipient_is_refused():
    s = setting()
    private = StructureFactory()
    fatal = _refusal(s, draft(s, header_overrides={"recipient_identifier": private.identifier}))
    assert "n'est pas une structure publique" in fatal["INV-5-DESTINATAIRE-PRIVE"].message_fr


def test_inactive_recipient_is_refused():
    s = setting(status=Status.INACTIVE)
    fatal = _refusal(s, draft(s))
    assert "inactive" in fatal["INV-5-DESTINATAIRE-INACTIF"].message_fr


def test_inactive_supplier_is_refused():
    s = setting()
    s.supplier.status = Status.INACTIVE
    s.supplier.save()
    fatal = _refusal(s, draft(s))
    assert "inactive" in fatal["INV-5-FOURNISSEUR-INACTIF"].message_fr


def test_unknown_service_lists_the_active_ones():
    s = setting()
    fatal = _refusal(s, draft(s, header_overrides={"service_code": "COMPTA"}))
    finding = fatal["INV-5-SERVICE-INCONNU"]
    assert finding.field == "service_code"
    assert "« COMPTA » n'existe pas" in finding.message_fr
    assert "BC, CT, FACTURES_PUBLIQUES, FL, SIT" in finding.fix_fr


def test_inactive_service_is_refused():
    s = setting()
    service = s.services["FL"]
    service.end_date = date(2025, 1, 1)
    service.save()
    fatal = _refusal(s, draft(s, header_overrides={"service_code": "FL"}))
    assert "n'est pas actif" in fatal["INV-5-SERVICE-INACTIF"].message_fr
    assert "FL" not in fatal["INV-5-SERVICE-INACTIF"].fix_fr.split(":")[1].split(", ")


def test_engagement_required_by_the_structure():
    s = setting(engagement_required=True)
    fatal = _refusal(s, draft(s, header_overrides={"engagement_number": ""}))
    assert fatal["INV-5-ENGAGEMENT-OBLIGATOIRE"].field == "engagement_number"


def test_engagement_required_by_the_service():
    s = setting()
    s.services["BC"].engagement_required = True
    s.services["BC"].save()
    fatal = _refusal(s, draft(s, header_overrides={"engagement_number": ""}))
    assert "Le service BC exige" in fatal["INV-5-ENGAGEMENT-OBLIGATOIRE"].message_fr


def test_service_or_engagement_required():
    s = setting(service_or_engagement_required=True)
    fatal = _refusal(s, draft(s, header_overrides={"engagement_number": "", "service_code": ""}))
    assert "INV-5-SERVICE-OU-ENGAGEMENT" in fatal
    # Either one is enough.
    assert not [
        f
        for f in invoice_findings(draft(s, header_overrides={"engagement_number": ""}))
        if f.rule_id.startswith("INV-5")
    ]


def test_duplicate_number_per_supplier_and_year():
    s = setting()
    invoice_submit(actor=s.manager, invoice=draft(s))
    fatal = _refusal(s, draft(s))
    finding = fatal["INV-5-DOUBLON"]
    assert finding.field == "number" and "F2026-001" in finding.message_fr and "2026" in finding.message_fr
    # The same number in another year is another invoice.
    later = draft(s, header_overrides={"issue_date": date(2027, 1, 5), "due_date": date(2027, 2, 5)})
    assert "INV-5-DOUBLON" not in {f.rule_id for f in invoice_findings(later)}


def test_en16931_rules_are_located_on_the_form_fields():
    s = setting()
    invoice = draft(s, header_overrides={"number": "", "issue_date": None})
    fields = {f.field for f in invoice_findings(invoice) if f.fatal}
    assert {"number", "issue_date"} <= fields


def test_english_messages_are_there_for_every_finding():
    s = setting(service_code_required=True)
    findings = invoice_findings(
        draft(s, header_overrides={"service_code": "", "recipient_identifier": "nope"})
    )
    assert findings and all(f.message_en and f.message_fr for f in findings)
