"""Rules that ask the source document what the model does not keep (empty groups, currencyID)."""

from __future__ import annotations

from openchorus.einvoice import read, write
from openchorus.einvoice.rules import validate_file, validate_read
from openchorus.einvoice.rules.source import XmlSourceView
from openchorus.einvoice.xml import parse_xml
from tests.einvoice.rules.factories import build_invoice, typical_lines

UBL_HEAD = (
    '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" '
    'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
    'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">'
)


def fired(xml: str) -> set[str]:
    return {i.rule_id for i in validate_read(read(xml.encode()), rule_sets=("en16931",))}


def test_an_empty_address_is_present_but_lacks_its_country() -> None:
    xml = UBL_HEAD + "<cac:AccountingSupplierParty><cac:Party><cac:PostalAddress/></cac:Party>"
    xml += "</cac:AccountingSupplierParty></Invoice>"
    found = fired(xml)
    assert "BR-09" in found and "BR-08" not in found


def test_an_empty_totals_group_lacks_its_amounts() -> None:
    found = fired(UBL_HEAD + "<cac:LegalMonetaryTotal/></Invoice>")
    assert {"BR-12", "BR-13", "BR-14", "BR-15"} <= found
    assert not {"BR-12", "BR-13"} & fired(UBL_HEAD + "</Invoice>")


def test_currency_ids_are_checked_in_the_source() -> None:
    data = write(build_invoice(typical_lines(2)), "ubl").replace(b'currencyID="EUR"', b'currencyID="EUX"', 1)
    report = validate_file(data, rule_sets=("en16931",), xsd=False)
    found = [i for i in report.issues if i.rule_id == "BR-CL-03"]
    assert len(found) == 1 and "EUX" in found[0].message_en and found[0].location.startswith("/Invoice")


def test_source_view_counts_groups_in_both_syntaxes() -> None:
    invoice = build_invoice(typical_lines(2))
    for syntax in ("ubl", "cii"):
        view = XmlSourceView(parse_xml(write(invoice, syntax)))  # type: ignore[arg-type]
        assert view.count("seller.address") == 1
        assert view.count("totals") == 1
        assert view.count("invoicing_period") == 0
        assert view.count("lines[1].period") == 0
        assert view.count("lines[9].period") == 0
        assert view.vat_total_currencies() == ["EUR"]


def test_source_view_counts_from_the_reader_index_as_xpath_does() -> None:
    # Two lines of three with a period, an empty preceding invoice group: with the
    # reader's child index the counts are lookups, and they must agree with the XPath counts.
    invoice = build_invoice(typical_lines(3))
    groups = (
        "seller.address",
        "buyer.address",
        "tax_representative.address",
        "totals",
        "invoicing_period",
        "preceding_invoices",
        "lines[*].period",
        "lines[0].period",
        "lines[1].period",
        "lines[2].period",
        "lines[7].period",
    )
    for syntax in ("ubl", "cii"):
        xml = write(invoice, syntax)  # type: ignore[arg-type]
        if syntax == "ubl":
            line_period = b"<cac:InvoicePeriod><cbc:StartDate>2026-01-01</cbc:StartDate></cac:InvoicePeriod>"
            xml = xml.replace(b"</cac:InvoiceLine>", line_period + b"</cac:InvoiceLine>", 2)
            xml = xml.replace(
                b"</cbc:DocumentCurrencyCode>", b"</cbc:DocumentCurrencyCode><cac:BillingReference/>"
            )
        result = read(xml)
        root = next(iter(result.locations.values())).element.getroottree().getroot()
        assert root in result.children
        indexed, by_xpath = XmlSourceView(root, result.children), XmlSourceView(root)
        counts = [indexed.count(group) for group in groups]
        assert counts == [by_xpath.count(group) for group in groups]
        if syntax == "ubl":
            assert counts[5:10] == [1, 2, 1, 1, 0]
    # An index of another tree (the document parsed again) is not used.
    other = parse_xml(write(invoice, "ubl"))
    assert XmlSourceView(other, read(write(invoice, "ubl")).children).count("seller.address") == 1
