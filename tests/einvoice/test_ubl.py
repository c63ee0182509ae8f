"""UBL 2.1 Invoice and CreditNote: reading, writing, XSD, source locations, corpus sweep."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from openchorus.einvoice import Profile, Syntax, read, write, xsd
from openchorus.einvoice.errors import EInvoiceError
from openchorus.einvoice.syntaxes import ubl
from openchorus.einvoice.xml import parse_xml

from ._lossless import unread_values
from ._samples import full_invoice
from .conftest import corpus_params

UBL_VALID = (
    "cen-en16931/ubl/examples/*",
    "cen-en16931/test/testfiles/*",
    "xrechnung-testsuite/business-cases/standard/*_ubl.xml",
    "xrechnung-testsuite/technical-cases/*/*_ubl.xml",
    "zugferd-corpus/XML-Rechnung/UBL/*.xml",
)


def test_ubl_cen_example1_values_read(corpus: Callable[[str], Path]) -> None:
    result = read(corpus("cen-en16931/ubl/examples/ubl-tc434-example1.xml").read_bytes())
    invoice = result.invoice
    assert result.syntax == Syntax.UBL_INVOICE
    assert result.profile == Profile.EN16931
    assert (invoice.number, invoice.issue_date, invoice.type_code) == ("12115118", date(2015, 1, 9), "380")
    assert invoice.seller.name == "De Koksmaat"
    assert invoice.buyer.name == "ODIN 59"
    assert len(invoice.lines) == 20
    assert invoice.lines[0].item.name == "PATAT FRITES 10MM 10KG"
    assert (invoice.lines[0].quantity, invoice.lines[0].unit_code) == (Decimal("2"), "EA")
    assert invoice.totals.total_with_vat == Decimal("250.33")
    assert invoice.totals.amount_due == Decimal("250.33")
    assert result.issues == ()


def test_ubl_source_locations_point_at_elements_and_lines(corpus: Callable[[str], Path]) -> None:
    result = read(corpus("cen-en16931/ubl/examples/ubl-tc434-example1.xml").read_bytes())
    assert result.location("number") == "/Invoice/cbc:ID (line 16)"
    assert result.location("lines[0].quantity").startswith("/Invoice/cac:InvoiceLine[1]/cbc:InvoicedQuantity")
    assert result.locations["lines[1].item.name"].line > result.locations["lines[0].item.name"].line
    assert result.location("no.such.path") == ""


def test_ubl_credit_note_read_as_credit_note(corpus: Callable[[str], Path]) -> None:
    result = read(corpus("cen-en16931/ubl/examples/ubl-tc434-creditnote1.xml").read_bytes())
    assert result.syntax == Syntax.UBL_CREDIT_NOTE
    assert result.invoice.is_credit_note
    assert result.invoice.lines[0].quantity == Decimal("1.00")


def test_ubl_full_invoice_written_valid_against_xsd() -> None:
    for type_code in ("380", "381"):
        root = parse_xml(write(full_invoice(type_code=type_code), "ubl"))
        assert xsd.validate(root) == [], type_code


def test_ubl_full_credit_note_written_with_credit_note_root() -> None:
    root = parse_xml(write(full_invoice(type_code="381"), "ubl"))
    assert root.tag == "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote"
    assert root.findtext(f"{{{ubl.CBC}}}CreditNoteTypeCode") == "381"


def test_ubl_charge_indicator_numeric_spelling_read_as_allowance(corpus: Callable[[str], Path]) -> None:
    # ubl-tc434-example2 writes <cbc:ChargeIndicator>0</cbc:ChargeIndicator> (valid xs:boolean).
    invoice = read(corpus("cen-en16931/ubl/examples/ubl-tc434-example2.xml").read_bytes()).invoice
    assert [a.reason for a in invoice.allowances] == ["Promotion discount"]
    assert [c.reason for c in invoice.charges] == ["Freight"]


def _minimal(body: str) -> bytes:
    return (
        '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" '
        'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
        'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">'
        f"{body}</Invoice>"
    ).encode()


def test_ubl_bad_decimal_reported_as_issue_with_location() -> None:
    data = _minimal(
        "<cbc:ID>1</cbc:ID><cac:LegalMonetaryTotal>"
        "<cbc:PayableAmount currencyID='EUR'>12,50</cbc:PayableAmount></cac:LegalMonetaryTotal>"
    )
    result = read(data)
    assert result.invoice.totals.amount_due is None
    assert [issue.rule_id for issue in result.issues] == ["READ-DECIMAL"]
    assert "PayableAmount" in result.issues[0].location
    assert "12,50" in result.issues[0].message_fr


def test_ubl_bad_date_reported_as_issue() -> None:
    result = read(_minimal("<cbc:ID>1</cbc:ID><cbc:IssueDate>2026-02-30</cbc:IssueDate>"))
    assert result.invoice.issue_date is None
    assert [issue.rule_id for issue in result.issues] == ["READ-DATE"]


def test_ubl_date_with_time_zone_read_as_date() -> None:
    result = read(_minimal("<cbc:ID>1</cbc:ID><cbc:IssueDate>2016-04-04+01:00</cbc:IssueDate>"))
    assert result.invoice.issue_date == date(2016, 4, 4)
    assert result.issues == ()


def test_ubl_missing_mandatory_terms_read_as_empty_not_invented() -> None:
    invoice = read(_minimal("<cbc:ID>X</cbc:ID>")).invoice
    assert invoice.number == "X"
    assert invoice.issue_date is None
    assert invoice.seller.name == ""
    assert invoice.totals.amount_due is None
    assert invoice.lines == ()


def test_ubl_wrong_root_refused() -> None:
    with pytest.raises(EInvoiceError) as caught:
        ubl.read(parse_xml(b"<Invoice/>"))
    assert caught.value.issue.rule_id == "SYNTAX"


def test_ubl_xsd_invalid_document_reported_with_location() -> None:
    issues = xsd.validate(parse_xml(_minimal("<cbc:Unknown>1</cbc:Unknown>")))
    assert issues and issues[0].rule_id == "XSD"
    assert "line" in issues[0].location
    assert "Unknown" in issues[0].message_en


def test_ubl_forbidden_xml_character_refused_on_write() -> None:
    from dataclasses import replace

    with pytest.raises(EInvoiceError) as caught:
        write(replace(full_invoice(), number="A\x00B"), "ubl")
    assert caught.value.issue.rule_id == "WRITE-TEXT"


@pytest.mark.corpus
@pytest.mark.parametrize("relative", corpus_params(*UBL_VALID))
def test_ubl_corpus_valid_file_read_without_loss(corpus: Callable[[str], Path], relative: str) -> None:
    data = corpus(relative).read_bytes()
    result = read(data)
    assert result.syntax in (Syntax.UBL_INVOICE, Syntax.UBL_CREDIT_NOTE)
    assert result.issues == ()
    assert unread_values(result) == []
    written = write(result.invoice, "ubl")
    assert read(written).invoice == result.invoice
    if xsd.validate(parse_xml(data)) == []:
        assert xsd.validate(parse_xml(written)) == []


@pytest.mark.corpus
@pytest.mark.parametrize("relative", corpus_params("xrechnung-testsuite/business-cases/extension/*_ubl.xml"))
def test_ubl_corpus_extension_file_read_with_its_en16931_terms(
    corpus: Callable[[str], Path], relative: str
) -> None:
    # XRechnung extensions (sub-lines, ...) go beyond EN 16931: their EN terms are read, the rest is not.
    result = read(corpus(relative).read_bytes())
    assert result.issues == ()
    assert result.invoice.number and result.invoice.lines
    assert read(write(result.invoice, "ubl")).invoice == result.invoice


@pytest.mark.parametrize("syntax", ["ubl", "cii"])
def test_attachment_bad_base64_reported_and_other_terms_kept(syntax: str) -> None:
    """Both readers decode BT-125 the same way: bad base64 is a finding, not a crash."""
    data = write(full_invoice(), syntax)  # type: ignore[arg-type]
    encoded = base64.b64encode(b"%PDF-1.4 annexe")
    assert encoded in data
    result = read(data.replace(encoded, b"@@not base64@@"))
    assert [issue.rule_id for issue in result.issues] == ["READ-BASE64"]
    document = result.invoice.supporting_documents[0]
    assert document.attachment is not None and document.attachment.content == b""
    assert document.attachment.filename == "annexe-1.pdf"
    assert result.invoice.number == full_invoice().number
