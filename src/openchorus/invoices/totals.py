"""Line amounts, VAT breakdown and totals of an entered invoice, in Decimal, as EN 16931 computes them.

- a line's net amount (BT-131) = quantity × net unit price − line discount, rounded to the cent;
- one VAT breakdown per (category, rate): taxable amount (BT-116) = sum of its lines' net amounts,
  tax (BT-117) = taxable × rate / 100 rounded to the cent (BR-CO-17);
- BT-106 = Σ BT-131; BT-109 = BT-106 (no document-level allowance in the form); BT-110 = Σ BT-117;
  BT-112 = BT-109 + BT-110; BT-115 = BT-112 − BT-113 (paid amount).

The form (live, through htmx) and the service (on save) call the same function, so what the user
sees is what is recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from openchorus.invoices.enums import EXEMPTION_CATEGORIES

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def decimal_or_none(value) -> Decimal | None:
    """A Decimal from user input ("1 234,50" accepted), or None when it is not a number."""
    if value is None or isinstance(value, Decimal):
        return value
    text = str(value).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


@dataclass(frozen=True)
class LineInput:
    quantity: Decimal
    unit_price: Decimal
    discount: Decimal = ZERO
    vat_category: str = "S"
    vat_rate: Decimal | None = None

    @property
    def net_amount(self) -> Decimal:
        return money(self.quantity * self.unit_price - self.discount)


@dataclass(frozen=True)
class VatLine:
    category: str
    rate: Decimal | None
    taxable: Decimal
    tax: Decimal
    reason: str = ""
    reason_code: str = ""

    def as_json(self) -> dict[str, str]:
        return {
            "category": self.category,
            "rate": "" if self.rate is None else str(self.rate),
            "taxable": str(self.taxable),
            "tax": str(self.tax),
            "reason": self.reason,
            "reason_code": self.reason_code,
        }


@dataclass(frozen=True)
class Totals:
    line_total: Decimal = ZERO
    total_excl_vat: Decimal = ZERO
    vat_total: Decimal = ZERO
    total_incl_vat: Decimal = ZERO
    paid_amount: Decimal = ZERO
    amount_due: Decimal = ZERO
    vat_breakdown: tuple[VatLine, ...] = field(default_factory=tuple)
    line_amounts: tuple[Decimal, ...] = field(default_factory=tuple)


def compute(
    lines: Iterable[LineInput],
    *,
    paid_amount: Decimal = ZERO,
    exemption_reason: str = "",
    exemption_reason_code: str = "",
) -> Totals:
    lines = list(lines)
    amounts = tuple(line.net_amount for line in lines)
    groups: dict[tuple[str, Decimal | None], Decimal] = {}
    for line, amount in zip(lines, amounts, strict=True):
        rate = None if line.vat_rate is None else line.vat_rate.quantize(CENT)
        if line.vat_category in EXEMPTION_CATEGORIES or line.vat_category == "Z":
            rate = ZERO
        key = (line.vat_category, rate)
        groups[key] = groups.get(key, ZERO) + amount
    breakdown = []
    for (category, rate), taxable in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or ZERO)):
        tax = money(taxable * (rate or ZERO) / 100)
        exempt = category in EXEMPTION_CATEGORIES
        breakdown.append(
            VatLine(
                category,
                rate,
                money(taxable),
                tax,
                exemption_reason if exempt else "",
                exemption_reason_code if exempt else "",
            )
        )
    line_total = money(sum(amounts, ZERO))
    vat_total = money(sum((v.tax for v in breakdown), ZERO))
    total_incl = line_total + vat_total
    return Totals(
        line_total=line_total,
        total_excl_vat=line_total,
        vat_total=vat_total,
        total_incl_vat=total_incl,
        paid_amount=money(paid_amount),
        amount_due=money(total_incl - paid_amount),
        vat_breakdown=tuple(breakdown),
        line_amounts=amounts,
    )
