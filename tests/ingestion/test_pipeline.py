"""The deposit pipeline (INV-3, INV-4): every bad file refused with its own reason and nothing
created; structured files fill the record exactly; text PDFs become drafts to complete."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from decimal import Decimal

import pytest

from openchorus.core.models import StoredFile
from openchorus.core.storage import stored_file_read
from openchorus.directory.services import directory_index_refresh
from openchorus.ingestion.pipeline import deposit, deposit_batch
from openchorus.invoices.enums import Channel, SourceSyntax
from openchorus.invoices.models import Invoice, InvoiceLine
from openchorus.lifecycle.statuses import InvoiceStatus
from tests.ingestion import files
from tests.invoices.factories import PARIS_HABITAT_SIRET, setting, structured_file

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int]:
    return Invoice.objects.count(), InvoiceLine.objects.count(), StoredFile.objects.count()


def _refused(s, data: bytes, filename: str = "facture.xml", **kwargs):
    before = _counts()
    outcome = deposit(actor=s.manager, supplier=s.supplier, data=data, filename=filename, **kwargs)
    assert outcome.invoice is None and not outcome.accepted
    assert _counts() == before, "a refused file must create no invoice, line or stored file"
    return outcome


def _rules(outcome) -> set[str]:
    return {f.rule_id for f in outcome.findings}


# --- refusals ------------------------------------------------------------------------------------


def test_scanned_pdf_is_refused_with_the_four_golden_rules():
    s = setting()
    outcome = _refused(s, files.scanned_pdf(), "scan.pdf")
    assert outcome.refused_at == "read"
    finding = next(f for f in outcome.findings if f.rule_id == "PDF-SCANNED")
    assert finding.fatal
    assert "4 règles d'or" in finding.message_fr and "PDF texte" in finding.message_fr
    assert "« SIRET client »" in finding.message_fr and "noir sur fond blanc" in finding.message_fr


def test_broken_xml_is_refused_as_unparsable():
    outcome = _refused(setting(), files.BROKEN_XML)
    assert outcome.refused_at == "detect"
    assert _rules(outcome) == {"XML-PARSE"}


@pytest.mark.parametrize("data", [files.BILLION_LAUGHS, files.EXTERNAL_ENTITY], ids=["bomb", "xxe"])
def test_xml_with_entities_is_refused_before_any_expansion(data):
    outcome = _refused(setting(), data)
    assert outcome.refused_at == "detect"
    assert _rules(outcome) == {"XML-DOCTYPE"}
    assert "root:" not in " ".join(f.message_fr for f in outcome.findings)


def test_wrong_total_is_refused_with_the_en16931_rule():
    s = setting()
    ubl = structured_file(s, "ubl").decode()
    wrong = re.sub(r"(<cbc:TaxInclusiveAmount[^>]*>)[^<]+(<)", r"\g<1>999.99\g<2>", ubl, count=1).encode()
    outcome = _refused(s, wrong)
    assert outcome.refused_at == "validate"
    assert "BR-CO-15" in {f.rule_id for f in outcome.findings if f.fatal}


def test_duplicate_number_of_the_same_supplier_and_year_is_refused():
    s = setting()
    first = deposit(actor=s.manager, supplier=s.supplier, data=structured_file(s, "ubl"),
                    filename="a.xml", submit=True)  # fmt: skip
    assert first.sent
    outcome = _refused(s, structured_file(s, "cii"), "b.xml")
    assert outcome.refused_at == "duplicates"
    finding = outcome.findings[0]
    assert finding.rule_id == "INV-5-DOUBLON" and "F2026-001" in finding.message_fr
    assert "2026" in finding.message_fr


def test_same_number_another_year_is_accepted():
    s = setting()
    deposit(
        actor=s.manager, supplier=s.supplier, data=structured_file(s, "ubl"), filename="a.xml", submit=True
    )
    later = structured_file(s, "ubl", issue_date=date(2027, 1, 5), due_date=date(2027, 2, 5))
    assert deposit(actor=s.manager, supplier=s.supplier, data=later, filename="b.xml", submit=True).sent


def test_oversize_file_is_refused_naming_the_cap(settings):
    settings.OPENCHORUS_INVOICE_FILE_MAX_BYTES = 2 * 1024 * 1024
    s = setting()
    outcome = _refused(s, b"%PDF-1.7\n" + b"0" * (2 * 1024 * 1024), "gros.pdf")
    assert outcome.refused_at == "preflight"
    assert _rules(outcome) == {"DEPOT-TAILLE"}
    assert "2 Mo" in outcome.findings[0].message_fr and "gros.pdf" in outcome.findings[0].message_fr


def test_empty_file_is_refused():
    outcome = _refused(setting(), b"", "vide.pdf")
    assert outcome.refused_at == "preflight" and _rules(outcome) == {"DEPOT-VIDE"}


def test_image_file_is_refused_as_unknown_format():
    outcome = _refused(setting(), files.png_file(), "photo.png")
    assert outcome.refused_at == "detect" and _rules(outcome) == {"DEPOT-FORMAT"}
    assert "photo.png" in outcome.findings[0].message_fr


def test_other_xml_is_refused_as_unknown_format():
    outcome = _refused(setting(), b"<?xml version='1.0'?><commande><n>1</n></commande>")
    assert _rules(outcome) == {"DEPOT-FORMAT"}


def test_zugferd_1_is_refused_as_unsupported():
    outcome = _refused(setting(), files.ZUGFERD_1)
    assert outcome.refused_at == "detect" and _rules(outcome) == {"SYNTAX-UNSUPPORTED"}
    assert "ZUGFeRD 1.0" in outcome.findings[0].message_fr


def test_cpp_pivot_is_refused_with_the_accepted_formats():
    outcome = _refused(setting(), files.CPP_PIVOT)
    assert _rules(outcome) == {"DEPOT-PIVOT"}
    assert "UBL 2.1" in outcome.findings[0].fix_fr


def test_damaged_pdf_is_refused_by_the_pdf_reader():
    outcome = _refused(setting(), b"%PDF-1.7\nthis is not a pdf at all\n%%EOF", "abime.pdf")
    assert outcome.refused_at == "read"
    assert outcome.findings and all(f.rule_id.startswith("PDF-") for f in outcome.findings)


def test_user_without_sent_invoices_modification_is_refused():
    from tests.structures.factories import UserFactory

    s = setting()
    stranger = UserFactory()
    before = _counts()
    outcome = deposit(actor=stranger, supplier=s.supplier, data=structured_file(s, "ubl"), filename="f.xml")
    assert outcome.refused_at == "rights" and _rules(outcome) == {"DEPOT-DROITS"}
    assert _counts() == before


def test_unknown_recipient_in_a_sent_batch_is_refused_at_the_recipient_step():
    s = setting()
    data = structured_file(s, "ubl", recipient_identifier="13002526500013")
    outcome = _refused(s, data, submit=True)
    assert outcome.refused_at == "recipient" and "INV-5-DESTINATAIRE-INCONNU" in _rules(outcome)


# --- structured files fill the record exactly -----------------------------------------------------


@pytest.mark.parametrize(("syntax", "source"), [("ubl", SourceSyntax.UBL), ("cii", SourceSyntax.CII),
                                                 ("facturx", SourceSyntax.FACTURX)])  # fmt: skip
def test_structured_file_fills_the_draft_exactly_and_keeps_the_original(syntax, source):
    s = setting()
    data = structured_file(s, syntax)
    outcome = deposit(actor=s.manager, supplier=s.supplier, data=data, filename=f"facture.{syntax}")

    assert outcome.accepted and not outcome.sent and not [f for f in outcome.findings if f.fatal]
    invoice = outcome.invoice
    assert invoice.status == InvoiceStatus.DRAFT
    assert invoice.channel == Channel.PORTAL_DEPOSIT and invoice.source_syntax == source
    assert invoice.number == "F2026-001"
    assert invoice.issue_date == date(2026, 11, 2) and invoice.due_date == date(2026, 12, 2)
    assert invoice.recipient_identifier == PARIS_HABITAT_SIRET and invoice.recipient == s.recipient
    assert invoice.service_code == "BC" and invoice.recipient_service == s.services["BC"]
    assert invoice.engagement_number == "EJ-2026-0042"
    assert invoice.payment_terms == "Paiement à 30 jours par virement"
    assert (invoice.total_excl_vat, invoice.vat_total, invoice.total_incl_vat, invoice.amount_due) == (
        Decimal("302.00"), Decimal("28.21"), Decimal("330.21"), Decimal("330.21"))  # fmt: skip
    assert invoice.iban == s.bank_account.iban and invoice.bank_account == s.bank_account
    assert {(Decimal(row["rate"]), row["taxable"], row["tax"]) for row in invoice.vat_breakdown} == {
        (Decimal("5.5"), "222.00", "12.21"), (Decimal("20"), "80.00", "16.00")}  # fmt: skip
    lines = list(invoice.lines.order_by("position"))
    assert [(ln.item_name, ln.quantity, ln.unit_price, ln.discount, ln.net_amount, ln.vat_category, ln.vat_rate)
            for ln in lines] == [
        ("Plateau de fromages de Savoie 1", Decimal("12"), Decimal("18.5"), Decimal("0"), Decimal("222.00"),
         "S", Decimal("5.5")),
        ("Service traiteur (2 heures) 2", Decimal("2"), Decimal("45"), Decimal("10.00"), Decimal("80.00"),
         "S", Decimal("20")),
    ]  # fmt: skip
    assert lines[1].unit_code == "HUR"
    original = invoice.original_file
    assert original.sha256 == hashlib.sha256(data).hexdigest()
    assert stored_file_read(original) == data
    assert invoice.original_filename == f"facture.{syntax}"
    assert invoice.xml_file is not None
    if syntax == "facturx":
        assert invoice.pdf_file == original and invoice.xml_file != original
    else:
        assert invoice.xml_file == original


def test_structured_file_with_submit_is_made_available_to_the_recipient():
    s = setting()
    outcome = deposit(actor=s.manager, supplier=s.supplier, data=structured_file(s, "cii"),
                      filename="f.xml", submit=True)  # fmt: skip
    assert outcome.sent
    assert outcome.invoice.status == InvoiceStatus.AVAILABLE
    assert outcome.invoice.recipient_service == s.services["BC"]


# --- text PDFs: pre-filled drafts -------------------------------------------------------------------


def test_text_pdf_prefills_a_draft_to_complete():
    s = setting()
    data = files.text_pdf()
    outcome = deposit(actor=s.manager, supplier=s.supplier, data=data, filename="facture.pdf")
    assert outcome.accepted and not outcome.sent
    invoice = outcome.invoice
    assert invoice.status == InvoiceStatus.DRAFT and invoice.source_syntax == SourceSyntax.PDF
    assert invoice.number == "FA2026-0107"
    assert invoice.issue_date == date(2026, 10, 14) and invoice.delivery_date == date(2026, 10, 10)
    assert invoice.recipient_identifier == PARIS_HABITAT_SIRET and invoice.recipient == s.recipient
    assert invoice.engagement_number == "EJ482913"
    assert (invoice.total_excl_vat, invoice.vat_total, invoice.total_incl_vat) == (
        Decimal("350.00"), Decimal("70.00"), Decimal("420.00"))  # fmt: skip
    assert invoice.iban == files.IBAN
    assert invoice.original_file.sha256 == hashlib.sha256(data).hexdigest() and invoice.pdf_file_id
    assert invoice.reading["fields"]["recipient_siret"]["value"] == PARIS_HABITAT_SIRET
    assert "suggestions" not in invoice.reading


def test_text_pdf_with_a_wrong_siret_proposes_the_directory_suggestion():
    s = setting()
    directory_index_refresh(structure_ids=[s.recipient.pk])
    data = files.text_pdf(files.text_invoice(recipient_siret="34481082500374"))
    outcome = deposit(actor=s.manager, supplier=s.supplier, data=data, filename="facture.pdf")
    invoice = outcome.invoice
    assert invoice is not None and invoice.recipient is None
    assert "INV-5-DESTINATAIRE-INCONNU" in _rules(outcome)
    suggestions = invoice.reading["suggestions"]
    assert suggestions and suggestions[0]["identifier"] == PARIS_HABITAT_SIRET
    assert suggestions[0]["designation"] and suggestions[0]["reasons"]


# --- batch ----------------------------------------------------------------------------------------


def test_batch_gives_each_file_its_outcome_and_a_refusal_stops_nothing():
    s = setting()
    batch = [
        ("a.xml", structured_file(s, "ubl", number="LOT-1")),
        ("scan.pdf", files.scanned_pdf()),
        ("b.pdf", structured_file(s, "facturx", number="LOT-2")),
        ("texte.pdf", files.text_pdf()),
        ("bombe.xml", files.BILLION_LAUGHS),
        ("c.xml", structured_file(s, "cii", number="LOT-1")),  # same number as a.xml
    ]
    outcomes = deposit_batch(actor=s.manager, supplier=s.supplier, files=batch)

    assert [o.filename for o in outcomes] == [name for name, _ in batch]
    assert [o.refused_at for o in outcomes] == ["", "read", "", "", "detect", "duplicates"]
    assert outcomes[0].sent and outcomes[0].invoice.status == InvoiceStatus.AVAILABLE
    assert outcomes[2].sent and outcomes[2].invoice.number == "LOT-2"
    assert outcomes[3].accepted and not outcomes[3].sent and outcomes[3].invoice.is_draft
    assert Invoice.objects.filter(supplier=s.supplier).count() == 3
