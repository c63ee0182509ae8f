"""The arithmetic and model helpers the EN 16931 rule modules share."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import ROUND_FLOOR, Decimal

from ...model import DocumentAllowanceCharge, Invoice, PostalAddress
from ..engine import Hit
from ..source import SourceView

Values = Callable[[Invoice], Iterable[tuple[str, str | None]]]

_HUNDRED = Decimal(100)
_ONE = Decimal(1)


# --- Helpers ------------------------------------------------------------------------------------


def _blank(value: str | None) -> bool:
    return value is None or not value.strip()


def _round2(value: Decimal) -> Decimal:
    """XPath ``round(value * 100) div 100``: half up towards positive infinity."""
    return (value * _HUNDRED + Decimal("0.5")).to_integral_value(rounding=ROUND_FLOOR) / _HUNDRED


def _round0(value: Decimal) -> Decimal:
    """XPath ``round(value)``."""
    return (value + Decimal("0.5")).to_integral_value(rounding=ROUND_FLOOR)


def _decimals(value: Decimal) -> int:
    """The number of decimals written in the source (the model keeps the scale)."""
    # ``str`` writes the scale as is unless it needs an exponent (a positive exponent, or a value
    # under 1e-6), and is several times faster than ``as_tuple``, which builds a named tuple.
    text = str(value)
    if "E" not in text:
        return len(text.partition(".")[2])
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _amount(value: Decimal | None) -> str:
    return "absent" if value is None else format(value, "f")


def _montant(value: Decimal | None) -> str:
    return "absent" if value is None else format(value, "f")


def _expected(found: Decimal | None, expected: Decimal) -> Hit:
    return Hit(
        "",
        f"(trouvé : {_montant(found)}, attendu : {_montant(expected)})",
        f"(found: {_amount(found)}, expected: {_amount(expected)})",
    )


def _at(path: str, hit: Hit) -> Hit:
    return Hit(path, hit.detail_fr, hit.detail_en)


def _address_missing(address: PostalAddress) -> bool:
    return address == PostalAddress()


def _group_present(present_in_model: bool, source: SourceView | None, group: str) -> bool:
    """Whether a business group is in the document (even empty), or in the model without one."""
    return source.count(group) > 0 if source is not None else present_in_model


def _has_totals(inv: Invoice, source: SourceView | None = None) -> bool:
    """Whether the document has a totals group at all (BG-22 context of the artefacts)."""
    if source is not None:
        return source.count("totals") > 0
    t = inv.totals
    return any(
        v is not None
        for v in (
            t.line_net_total,
            t.allowance_total,
            t.charge_total,
            t.total_without_vat,
            t.total_with_vat,
            t.paid_amount,
            t.rounding_amount,
            t.amount_due,
        )
    )


def _seller_vat(inv: Invoice) -> bool:
    """BT-31 or BT-63 present."""
    rep = inv.tax_representative
    return not _blank(inv.seller.vat_identifier) or (rep is not None and not _blank(rep.vat_identifier))


def _seller_tax_ids(inv: Invoice) -> bool:
    """BT-31, BT-32 or BT-63 present."""
    return _seller_vat(inv) or not _blank(inv.seller.tax_registration_identifier)


def _line_categories(inv: Invoice) -> set[str]:
    return {line.vat.category_code for line in inv.lines}


def _doc_categories(items: Iterable[DocumentAllowanceCharge]) -> set[str]:
    return {item.vat_category_code for item in items}


def _all_categories(inv: Invoice) -> set[str]:
    return _line_categories(inv) | _doc_categories(inv.allowances) | _doc_categories(inv.charges)


def _sum(values: Iterable[Decimal | None]) -> Decimal:
    return sum((v for v in values if v is not None), Decimal(0))


def _base_of(inv: Invoice, category: str, rate: Decimal | None = None, by_rate: bool = False) -> Decimal:
    """Σ line net amounts + Σ charges − Σ allowances of a VAT category (and rate)."""

    # Plain loops (no predicate call per item): BR-x-08 runs this once per VAT breakdown.
    lines = charges = allowances = Decimal(0)
    if by_rate and rate is None:
        return lines
    for line in inv.lines:
        vat = line.vat
        if (
            vat.category_code == category
            and line.net_amount is not None
            and (not by_rate or (vat.rate is not None and vat.rate == rate))
        ):
            lines += line.net_amount
    for charge in inv.charges:
        if (
            charge.vat_category_code == category
            and charge.amount is not None
            and (not by_rate or (charge.vat_rate is not None and charge.vat_rate == rate))
        ):
            charges += charge.amount
    for allowance in inv.allowances:
        if (
            allowance.vat_category_code == category
            and allowance.amount is not None
            and (not by_rate or (allowance.vat_rate is not None and allowance.vat_rate == rate))
        ):
            allowances += allowance.amount
    return lines + charges - allowances


def _too_many_decimals(value: Decimal | None) -> bool:
    """More than 2 decimals (BR-DEC-*). The rules test first and build a hit's path only then."""
    return value is not None and _decimals(value) > 2


def _decimals_hit(value: Decimal | None, path: str) -> Hit:
    return Hit(path, f"(valeur : {_montant(value)})", f"(value: {_amount(value)})")
