"""The record and the EN 16931 model made from each other: what is written is what is read back."""

from __future__ import annotations

import pytest

from openchorus import einvoice
from openchorus.einvoice import rules
from openchorus.invoices.documents import document_from_record, record_from_document
from tests.invoices.factories import draft, setting

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("syntax", ["ubl", "cii"])
def test_record_written_and_read_back_is_the_same_record(syntax):
    s = setting()
    invoice = draft(s, line_count=3)
    data = einvoice.write(document_from_record(invoice), syntax)
    result = einvoice.read(data)
    assert not [
        i for i in rules.validate_read(result, rule_sets=("en16931", "chorus")) if i.severity == "fatal"
    ]
    values = record_from_document(result.invoice)
    for name in ("number", "issue_date", "type_code", "recipient_identifier", "service_code", "engagement_number",
                 "billing_frame", "due_date", "payment_terms", "total_excl_vat", "vat_total", "total_incl_vat",
                 "amount_due", "iban"):  # fmt: skip
        assert values.header[name] == getattr(invoice, name), name
    assert [line["net_amount"] for line in values.lines] == [line.net_amount for line in invoice.lines.all()]
    assert [line["item_name"] for line in values.lines] == [line.item_name for line in invoice.lines.all()]
    assert [line["discount"] for line in values.lines] == [line.discount for line in invoice.lines.all()]


def test_entered_invoice_satisfies_the_french_rules(settings):
    """An entered invoice carries the seller's SIREN as legal registration (BR-FR-10) and the Commercial
    Code's mentions as notes (BR-FR-05): with the French rules fatal it is still sent, with no warning."""
    from openchorus.invoices.checks import invoice_findings
    from openchorus.invoices.documents import LEGAL_NOTES

    settings.OPENCHORUS_BR_FR_FATAL = True
    s = setting()
    invoice = draft(s, header_overrides={"note": "Livraison le 3 mars."})
    document = document_from_record(invoice)
    assert document.seller.legal_registration.value == s.supplier.identifier[:9]
    assert document.seller.legal_registration.scheme_id == "0002"
    assert {note.subject_code for note in document.notes} >= {"PMT", "PMD", "AAB"}
    findings = [f for f in invoice_findings(invoice) if f.rule_id.startswith("BR-FR")]
    assert findings == []
    # Written and read back, the notes keep their subject codes, the supplier's own note first.
    read = einvoice.read(einvoice.write(document, "cii")).invoice
    assert [(n.subject_code, n.text) for n in read.notes] == [
        (None, "Livraison le 3 mars."),
        *((n.subject_code, n.text) for n in LEGAL_NOTES),
    ]
