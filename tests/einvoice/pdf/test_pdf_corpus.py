"""Recognition on the corpus's real Factur-X / ZUGFeRD PDFs, judged against their embedded XML.

Only the text layer is read for recognition; the embedded CII XML (factur-x's `get_xml_from_pdf`)
is the ground truth. Most of these PDFs are German, laid out by other tools than ours, and some
show values that differ from their XML (the XML of a credit note holds positive amounts while the
PDF prints them negative: amounts are compared without sign). The asserted floor is the share
observed when this test was written, minus a small margin: it guards against regressions, it is
not a target.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from facturx import get_xml_from_pdf
from lxml import etree

from openchorus.einvoice.errors import EInvoiceError
from openchorus.einvoice.pdf import extract_fields
from tests.einvoice.conftest import corpus_dir

pytestmark = pytest.mark.corpus

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
TOTALS = "//ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradeSettlementHeaderMonetarySummation/"
# Observed on 2026-11-22: 302 of 342 fields (88.3 %) on 52 PDFs with a CII XML.
OBSERVED_FLOOR = 0.85


def _first(root: etree._Element, path: str) -> str | None:
    found = root.xpath(path, namespaces=NS)
    return str(found[0]).strip() if found else None


def _date(text: str | None) -> date | None:
    if text and len(text) == 8 and text.isdigit():
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    return None


def ground_truth(xml: bytes) -> dict[str, object] | None:
    """The fields a reader of the PDF should find, from the embedded CII XML (None if not CII)."""
    root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
    if root.tag != f"{{{NS['rsm']}}}CrossIndustryInvoice":
        return None
    truth: dict[str, object | None] = {
        "invoice_number": _first(root, "rsm:ExchangedDocument/ram:ID/text()"),
        "issue_date": _date(
            _first(root, "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString/text()")
        ),
        "delivery_date": _date(
            _first(
                root, "//ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime/udt:DateTimeString/text()"
            )
        ),
        "engagement_number": _first(root, "//ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID/text()"),
    }
    for name, element in (
        ("total_excl_vat", "ram:TaxBasisTotalAmount"),
        ("vat_total", "ram:TaxTotalAmount"),
        ("total_incl_vat", "ram:GrandTotalAmount"),
    ):
        amount = _first(root, f"{TOTALS}{element}/text()")
        truth[name] = abs(Decimal(amount)) if amount else None
    iban = _first(root, "//ram:PayeePartyCreditorFinancialAccount/ram:IBANID/text()")
    truth["iban"] = iban.replace(" ", "") if iban else None
    for name, party in (("supplier_siret", "SellerTradeParty"), ("recipient_siret", "BuyerTradeParty")):
        for path in (
            f"//ram:{party}/ram:SpecifiedLegalOrganization/ram:ID[@schemeID='0009']/text()",
            f"//ram:{party}/ram:GlobalID[@schemeID='0009']/text()",
        ):
            value = _first(root, path)
            if value and len(value) == 14 and value.isdigit():
                truth[name] = value
                break
    return {name: value for name, value in truth.items() if value is not None}


@dataclass
class Tally:
    found: int = 0
    expected: int = 0
    documents: int = 0
    refused: int = 0


@pytest.fixture(scope="module")
def tally() -> Tally:
    root = corpus_dir()
    result = Tally()
    for path in sorted(root.rglob("*.pdf")):
        truth = _truth_of(path)
        if not truth:
            continue
        result.documents += 1
        result.expected += len(truth)
        try:
            fields = extract_fields(path.read_bytes()).fields
        except EInvoiceError:
            result.refused += 1
            continue
        for name, value in truth.items():
            recognised = getattr(fields, name)
            if recognised is None:
                continue
            got = abs(recognised.value) if isinstance(recognised.value, Decimal) else recognised.value
            result.found += got == value
    return result


def _truth_of(path: Path) -> dict[str, object] | None:
    try:
        _, xml = get_xml_from_pdf(path.read_bytes(), check_xsd=False)
    except Exception:  # a PDF the factur-x library cannot open has no ground truth here
        return None
    return ground_truth(xml) if xml else None


def test_corpus_factur_x_pdfs_are_all_read(tally: Tally) -> None:
    assert tally.documents >= 40
    assert tally.refused == 0


def test_corpus_factur_x_recognition_share_stays_above_observed_floor(tally: Tally) -> None:
    share = tally.found / tally.expected

    assert share >= OBSERVED_FLOOR, f"{tally.found}/{tally.expected} = {share:.1%}"
