"""CII D16B CrossIndustryInvoice: reading, writing, XSD, source locations, corpus sweep."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from openchorus.einvoice import Profile, Syntax, read, write, xsd
from openchorus.einvoice.errors import EInvoiceError
from openchorus.einvoice.model import CUSTOMIZATION_IDS
from openchorus.einvoice.syntaxes import cii
from openchorus.einvoice.xml import parse_xml

from ._lossless import unread_values
from ._samples import full_invoice
from .conftest import corpus_params

CII_VALID = (
    "cen-en16931/cii/examples/*",
    "xrechnung-testsuite/business-cases/standard/*_uncefact.xml",
    "xrechnung-testsuite/technical-cases/*/*_uncefact.xml",
    "zugferd-corpus/XML-Rechnung/CII/*.xml",
    "zugferd-corpus/ZUGFeRDv2/correct/**/*.xml",
)
# Factur-X EXTENDED and XRechnung extensions carry terms beyond EN 16931.
CII_BEYOND_EN = (
    "xrechnung-testsuite/business-cases/extension/*_uncefact.xml",
    "mustangproject/*/UC1*_EXTENDED_*.xml",
)


def test_cii_cen_example1_values_read(corpus: Callable[[str], Path]) -> None:
    result = read(corpus("cen-en16931/cii/examples/CII_example1.xml").read_bytes())
    invoice = result.invoice
    assert result.syntax == Syntax.CII
    assert result.profile == Profile.EN16931
    assert (invoice.number, invoice.issue_date, invoice.type_code) == ("12115118", date(2015, 1, 9), "380")
    assert invoice.notes[0].subject_code == "AAR"
    assert invoice.seller.name == "De Koksmaat"
    assert len(invoice.lines) == 20
    assert (invoice.lines[0].quantity, invoice.lines[0].unit_code) == (Decimal("2"), "H87")
    assert invoice.lines[0].price.net_price == Decimal("9.95")
    assert invoice.totals.vat_total == Decimal("20.73")
    assert invoice.totals.amount_due == Decimal("250.33")


def test_cii_source_locations_point_at_elements_and_lines(corpus: Callable[[str], Path]) -> None:
    result = read(corpus("cen-en16931/cii/examples/CII_example1.xml").read_bytes())
    assert result.location("number") == "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:ID (line 22)"
    assert "ram:IncludedSupplyChainTradeLineItem[1]" in result.location("lines[0].quantity")
    assert result.locations["lines[0].quantity"].line == 47


def test_cii_factur_x_minimum_read_without_lines(corpus: Callable[[str], Path]) -> None:
    result = read(corpus("mustangproject/library-test-resources/facturFrMinimum.xml").read_bytes())
    assert result.profile == Profile.MINIMUM
    assert result.invoice.lines == ()
    assert result.invoice.totals.line_net_total is None  # not invented


def test_cii_full_invoice_written_valid_against_en16931_xsd() -> None:
    root = parse_xml(write(full_invoice(), "cii"))
    assert xsd.schema_path_for(root) == "facturx-en16931/Factur-X_EN16931.xsd"
    assert xsd.validate(root) == []


def test_cii_full_invoice_profile_xsd_follows_customization_id() -> None:
    invoice = replace(full_invoice(), customization_id=CUSTOMIZATION_IDS[Profile.EXTENDED])
    root = parse_xml(write(invoice, "cii"))
    assert xsd.schema_path_for(root) == "facturx-extended/Factur-X_EXTENDED.xsd"
    assert xsd.validate(root) == []


def test_cii_identifiers_with_and_without_scheme_written_in_schema_order() -> None:
    root = cii.build(full_invoice())
    seller = root.find(".//ram:SellerTradeParty", cii.NS)
    assert seller is not None
    names = [child.tag.split("}")[1] for child in seller][:2]
    assert names == ["ID", "GlobalID"]


def test_cii_bad_date_format_reported_as_issue() -> None:
    data = (
        b'<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" '
        b'xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" '
        b'xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"><rsm:ExchangedDocument>'
        b"<ram:ID>1</ram:ID><ram:IssueDateTime>"
        b"<udt:DateTimeString format='102'>2026-01-01</udt:DateTimeString>"
        b"</ram:IssueDateTime></rsm:ExchangedDocument></rsm:CrossIndustryInvoice>"
    )
    result = read(data)
    assert result.invoice.issue_date is None
    assert [issue.rule_id for issue in result.issues] == ["READ-DATE"]
    assert "DateTimeString" in result.issues[0].location


def test_cii_wrong_root_refused() -> None:
    with pytest.raises(EInvoiceError) as caught:
        cii.read(parse_xml(b"<CrossIndustryInvoice/>"))
    assert caught.value.issue.rule_id == "SYNTAX"


def test_cii_zugferd1_refused_as_unsupported(corpus: Callable[[str], Path]) -> None:
    with pytest.raises(EInvoiceError) as caught:
        read(corpus("mustangproject/validator-test-resources/validV1.xml").read_bytes())
    assert caught.value.issue.rule_id == "SYNTAX-UNSUPPORTED"
    assert "ZUGFeRD 1.0" in caught.value.issue.message_fr


@pytest.mark.corpus
@pytest.mark.parametrize("relative", corpus_params(*CII_VALID))
def test_cii_corpus_valid_file_read_without_loss(corpus: Callable[[str], Path], relative: str) -> None:
    data = corpus(relative).read_bytes()
    result = read(data)
    assert result.syntax == Syntax.CII
    assert result.issues == ()
    assert unread_values(result) == []
    written = write(result.invoice, "cii")
    assert read(written).invoice == result.invoice
    if xsd.validate(parse_xml(data)) == []:
        assert xsd.validate(parse_xml(written)) == []


@pytest.mark.corpus
@pytest.mark.parametrize("relative", corpus_params(*CII_BEYOND_EN))
def test_cii_corpus_extended_file_read_with_its_en16931_terms(
    corpus: Callable[[str], Path], relative: str
) -> None:
    result = read(corpus(relative).read_bytes())
    assert result.issues == ()
    assert result.invoice.number and result.invoice.lines
    assert read(write(result.invoice, "cii")).invoice == result.invoice


@pytest.mark.corpus
@pytest.mark.parametrize(
    "relative", corpus_params("cen-en16931/cii/examples/*", "zugferd-corpus/XML-Rechnung/CII/*.xml")
)
def test_cii_corpus_file_converted_to_ubl_and_back_equal(
    corpus: Callable[[str], Path], relative: str
) -> None:
    invoice = read(corpus(relative).read_bytes()).invoice
    written = write(invoice, "ubl")
    assert xsd.validate(parse_xml(written)) == []
    if invoice.totals.vat_total is None and invoice.vat_breakdown:
        # UBL cannot carry BG-23 without BT-110: the writer puts the sum of the BT-117 (BR-CO-14).
        vat_total = sum((vat.tax_amount or Decimal(0) for vat in invoice.vat_breakdown), Decimal(0))
        invoice = replace(invoice, totals=replace(invoice.totals, vat_total=vat_total))
    assert read(written).invoice == invoice
