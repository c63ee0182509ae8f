"""Checks that a reader left no business data of a source file behind."""

from __future__ import annotations

from lxml import etree

from openchorus.einvoice import ReadResult
from openchorus.einvoice.xml import parse_xml

# Values that belong to the syntax, not to the EN 16931 model (fixed codes, repeats, qualifiers),
# or that the CEN rules themselves flag as outside the model (UBL-CR / CII-SR warnings).
SYNTAX_ONLY = (
    "TaxScheme/ID",
    "ApplicableTradeTax/TypeCode",
    "CategoryTradeTax/TypeCode",
    "ChargeIndicator",
    "ChargeIndicator/Indicator",
    "AdditionalReferencedDocument/TypeCode",
    "AdditionalDocumentReference/DocumentTypeCode",
    "DocumentReference/DocumentTypeCode",
    "SpecifiedProcuringProject/Name",
    "CardAccount/NetworkID",
    "UBLVersionID",
    "SpecifiedTradeSettlementPaymentMeans/TypeCode",  # repeated per credit transfer
    "PaymentMeans/PaymentMeansCode",  # repeated per credit transfer
    "PaymentMeans/PaymentID",  # repeated per credit transfer
    "GrossPriceProductTradePrice/BasisQuantity",  # same as the net price's
    "DefinedTradeContact/DepartmentName",  # BT-41 is the person name when both are given
    "ApplicableTradeTax/DueDateTypeCode",  # BT-8, repeated per VAT breakdown
    "ApplicableTradeTax/TaxPointDate/DateString",  # BT-7, repeated per VAT breakdown
    "SpecifiedLineTradeSettlement/ApplicableTradeTax/ExemptionReason",  # CII-SR: not at line level
    "BuyerTradeParty/SpecifiedTaxRegistration/ID",  # non-VAT buyer tax id: not in EN 16931
    "AccountingCustomerParty/Party/PartyTaxScheme/CompanyID",  # same, UBL
    "FaxUniversalCommunication/CompleteNumber",  # CII-SR: fax numbers are not in EN 16931
    "AppliedTradeAllowanceCharge/CalculationPercent",  # CII-SR: price discount is an amount only
    "AppliedTradeAllowanceCharge/BasisAmount",  # same (the base is the gross price, BT-148)
)


def _price_charge(element: etree._Element) -> bool:
    """A charge on the price: EN 16931 knows only price discounts (CII-SR rules flag charges)."""
    parent = element.getparent()
    if parent is None or etree.QName(parent).localname != "AppliedTradeAllowanceCharge":
        return False
    indicator = "".join(parent.itertext()).split()
    return bool(indicator) and indicator[0].lower() in ("true", "1")


def _short_path(element: etree._Element) -> str:
    names = [etree.QName(node).localname for node in reversed(list(element.iterancestors()))][1:]
    return "/".join([*names, etree.QName(element).localname])


def unread_values(result: ReadResult) -> list[str]:
    """Paths of the source's non-empty leaf values that the reader did not take into the model."""
    root = parse_xml(result.xml)
    read_lines = {
        (location.element.sourceline, location.element.tag) for location in result.locations.values()
    }
    lost = []
    for element in root.iter():
        if not isinstance(element.tag, str) or len(element) or not (element.text or "").strip():
            continue
        if (element.sourceline, element.tag) in read_lines:
            continue
        path = _short_path(element)
        if not path.endswith(SYNTAX_ONLY) and not _price_charge(element):
            lost.append(f"{path} (line {element.sourceline})")
    return lost
