"""What the source document holds beyond the model: which business groups are present at all.

The model keeps no empty group: an empty ``cac:PostalAddress`` or ``cac:LegalMonetaryTotal`` reads
as a missing one. The official rules distinguish the two (a present but empty address breaks
BR-09, not BR-08), so the rules that depend on group presence ask a `SourceView` when the document
is at hand, and fall back on the model otherwise.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from typing import Protocol, TypeVar, cast

from lxml import etree

from ..detect import NS_CII, NS_UBL_CREDIT_NOTE, NS_UBL_INVOICE
from ..xml import location_of

_CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
_RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
_NS = {"cac": _CAC, "cbc": _CBC, "ram": _RAM, "rsm": NS_CII}
# Every element, then its attribute: a third faster in libxml2 than "//@currencyID", same nodes.
_CURRENCY_IDS = etree.XPath("/descendant::*/@currencyID", smart_strings=False)
_UBL_VAT_TOTALS = "cac:TaxTotal/cbc:TaxAmount"
_CII_VAT_TOTALS = (
    "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/"
    "ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:TaxTotalAmount"
)
_T = TypeVar("_T")
_MISSING = object()
_LINE = re.compile(r"lines\[(\d+)\]\.(.+)")

_UBL = {
    "seller.address": "cac:AccountingSupplierParty/cac:Party/cac:PostalAddress",
    "buyer.address": "cac:AccountingCustomerParty/cac:Party/cac:PostalAddress",
    "tax_representative.address": "cac:TaxRepresentativeParty/cac:PostalAddress",
    "totals": "cac:LegalMonetaryTotal",
    "invoicing_period": "cac:InvoicePeriod",
    "preceding_invoices": "cac:BillingReference",
}
_UBL_LINE = {"period": "cac:InvoicePeriod"}
_UBL_LINES = ("cac:InvoiceLine", "cac:CreditNoteLine")
_UBL_LINE_TAGS = (f"{{{_CAC}}}InvoiceLine", f"{{{_CAC}}}CreditNoteLine")

_CII_AGREEMENT = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
_CII_SETTLEMENT = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
_CII = {
    "seller.address": f"{_CII_AGREEMENT}/ram:SellerTradeParty/ram:PostalTradeAddress",
    "buyer.address": f"{_CII_AGREEMENT}/ram:BuyerTradeParty/ram:PostalTradeAddress",
    "tax_representative.address": f"{_CII_AGREEMENT}/ram:SellerTaxRepresentativeTradeParty/ram:PostalTradeAddress",
    "totals": f"{_CII_SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation",
    "invoicing_period": f"{_CII_SETTLEMENT}/ram:BillingSpecifiedPeriod",
    "preceding_invoices": f"{_CII_SETTLEMENT}/ram:InvoiceReferencedDocument",
}
_CII_LINES = "rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem"
_CII_LINE = {"period": "ram:SpecifiedLineTradeSettlement/ram:BillingSpecifiedPeriod"}


@functools.cache
def _counter(path: str) -> etree.XPath:
    return etree.XPath(f"count({path})", namespaces=_NS)


@functools.cache
def _selector(path: str) -> etree.XPath:
    return etree.XPath(path, namespaces=_NS)


def _count(element: etree._Element, path: str) -> int:
    """How many elements a child path ("cac:Party/cac:PostalAddress") reaches, counted by libxml2
    (lxml's ``findall`` walks the children in Python: slower, for the same answer)."""
    return int(_counter(path)(element))


_STEP = re.compile(r"(cac|cbc|ram|rsm):[A-Za-z]+")


@functools.cache
def _clark_steps(path: str) -> tuple[str, ...] | None:
    """The Clark tags of a plain child path ("cac:Party/cac:PostalAddress"), None for any other."""
    steps = path.split("/")
    if not all(_STEP.fullmatch(step) for step in steps):
        return None
    return tuple(f"{{{_NS[prefix]}}}{local}" for prefix, _, local in (step.partition(":") for step in steps))


Children = Mapping[etree._Element, Mapping[str, list[etree._Element]]]
_NO_CHILDREN: Mapping[str, list[etree._Element]] = {}


class SourceView(Protocol):
    """Questions about the source document that the model cannot answer."""

    def count(self, group: str) -> int:
        """How many elements of a business group the document holds (by model path; ``lines[*].x``
        counts the groups ``x`` of all the lines)."""
        ...

    def currency_ids(self) -> list[str]:
        """The distinct ``currencyID`` attribute values of the document, in document order."""
        ...

    def locate_currency_id(self, currency: str) -> str:
        """The location of the first element whose ``currencyID`` is `currency`."""
        ...

    def vat_total_currencies(self) -> list[str]:
        """The currency of each invoice total VAT amount (BT-110 and BT-111 candidates)."""
        ...

    def memo(self, key: str, compute: Callable[[etree._Element], _T]) -> _T:
        """``compute(root)`` of the document, computed once per key (rules sharing one walk)."""
        ...


class XmlSourceView:
    """A `SourceView` over a parsed UBL or CII document."""

    __slots__ = (
        "_children",
        "_counts",
        "_groups",
        "_line_groups",
        "_line_paths",
        "_lines",
        "_memo",
        "_root",
        "_vat_totals",
    )

    def __init__(self, root: etree._Element, children: Children | None = None) -> None:
        """`children` is the reader's index of the same tree (`ReadResult.children`): with it, group
        counts are dictionary lookups instead of XPath calls."""
        tag = str(root.tag)
        self._children = children if children is not None and root in children else None
        namespace = tag[1:].partition("}")[0] if tag.startswith("{") else ""
        self._root = root
        self._counts: dict[str, int] = {}
        self._memo: dict[str, object] = {}
        self._line_paths: tuple[str, ...]
        if namespace in (NS_UBL_INVOICE, NS_UBL_CREDIT_NOTE):
            # Like the artefact (and the reader), either line element in either document.
            self._groups, self._line_groups, self._line_paths = _UBL, _UBL_LINE, _UBL_LINES
            self._lines = list(root.iterchildren(*_UBL_LINE_TAGS))
            self._vat_totals = _UBL_VAT_TOTALS
        elif namespace == NS_CII:
            self._groups, self._line_groups, self._line_paths = _CII, _CII_LINE, (_CII_LINES,)
            self._lines = _selector(_CII_LINES)(root)
            self._vat_totals = _CII_VAT_TOTALS
        else:
            self._groups, self._line_groups, self._line_paths = {}, {}, ()
            self._lines, self._vat_totals = [], ""

    def count(self, group: str) -> int:
        found = self._counts.get(group)
        if found is not None:
            return found
        if group.startswith("lines[*]."):
            path = self._line_groups.get(group[len("lines[*].") :])
            found = (
                sum(self._count_at(self._root, f"{line}/{path}") for line in self._line_paths) if path else 0
            )
            self._counts[group] = found
            return found
        match = _LINE.fullmatch(group)
        if match:
            index, sub = int(match.group(1)), match.group(2)
            path = self._line_groups.get(sub)
            parent = self._lines[index] if index < len(self._lines) else None
            if path is None or parent is None or not self._any_line_has(sub, path):
                found = 0
            else:
                found = self._count_at(parent, path)
        else:
            path = self._groups.get(group)
            found = self._count_at(self._root, path) if path is not None else 0
        self._counts[group] = found
        return found

    def _any_line_has(self, sub: str, path: str) -> bool:
        """Whether any line has the group (one search instead of one per line, usually none)."""
        key = f"lines[*].{sub}"
        found = self._counts.get(key)
        if found is None:
            found = int(any(self._count_at(self._root, f"{line}/{path}") for line in self._line_paths))
            self._counts[key] = found
        return found > 0

    def _count_at(self, element: etree._Element, path: str) -> int:
        steps = _clark_steps(path) if self._children is not None else None
        if self._children is None or steps is None:
            return _count(element, path)
        index = self._children
        found = [element]
        for tag in steps:
            found = [child for parent in found for child in index.get(parent, _NO_CHILDREN).get(tag, ())]
        return len(found)

    def currency_ids(self) -> list[str]:
        values: list[str] = [str(value) for value in _CURRENCY_IDS(self._root)]
        return list(dict.fromkeys(values))

    def locate_currency_id(self, currency: str) -> str:
        for element in self._root.iter():
            if element.get("currencyID") == currency:
                return location_of(element)
        return ""

    def vat_total_currencies(self) -> list[str]:
        if not self._vat_totals:
            return []
        return [(e.get("currencyID") or "").strip() for e in _selector(self._vat_totals)(self._root)]

    def memo(self, key: str, compute: Callable[[etree._Element], _T]) -> _T:
        # One dictionary get on the usual path (the ~80 UBL syntax rules each ask the same key).
        found = self._memo.get(key, _MISSING)
        if found is _MISSING:
            found = self._memo[key] = compute(self._root)
        return cast(_T, found)
