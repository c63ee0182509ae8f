"""BR-FR-DEC: the number formats of amounts, quantities, prices and rates."""

from __future__ import annotations

import operator
from collections.abc import Iterator
from decimal import Decimal

from ...model import Invoice
from ..engine import Hit, RuleRegistry
from ._common import (
    _all_digits_ok,
    _at,
    _digits_ok,
    _fmt,
    _frame,
    _french_rates,
    _rate_values,
    _rates,
    _value,
)

_registry = RuleRegistry()
rule = _registry.rule


_TOTALS = (
    "line_net_total",
    "allowance_total",
    "charge_total",
    "total_without_vat",
    "vat_total",
    "vat_total_accounting_currency",
    "total_with_vat",
    "paid_amount",
    "rounding_amount",
    "amount_due",
)
_TOTAL_VALUES = operator.attrgetter(*_TOTALS)
_PRICE_NAMES = ("net_price", "discount", "gross_price")
_PRICES = operator.attrgetter(*_PRICE_NAMES)


def _amount_values(inv: Invoice) -> list[Decimal | None]:
    """The amounts `_amounts` yields, without their paths: the rule tests these first (they hold on
    almost every invoice) and only builds the paths of the amounts that break it."""
    values: list[Decimal | None] = list(_TOTAL_VALUES(inv.totals))
    for item in (*inv.allowances, *inv.charges):
        values += (item.amount, item.base_amount)
    for vat in inv.vat_breakdown:
        values += (vat.taxable_amount, vat.tax_amount)
    for line in inv.lines:
        values.append(line.net_amount)
        for line_item in (*line.allowances, *line.charges):
            values += (line_item.amount, line_item.base_amount)
    return values


def _amounts(inv: Invoice) -> Iterator[tuple[str, Decimal | None]]:
    t = inv.totals
    for name in _TOTALS:
        yield f"totals.{name}", getattr(t, name)
    for kind in ("allowances", "charges"):
        for i, item in enumerate(getattr(inv, kind)):
            yield f"{kind}[{i}].amount", item.amount
            yield f"{kind}[{i}].base_amount", item.base_amount
    for i, vat in enumerate(inv.vat_breakdown):
        yield f"vat_breakdown[{i}].taxable_amount", vat.taxable_amount
        yield f"vat_breakdown[{i}].tax_amount", vat.tax_amount
    for i, line in enumerate(inv.lines):
        yield f"lines[{i}].net_amount", line.net_amount
        for kind in ("allowances", "charges"):
            for j, item in enumerate(getattr(line, kind)):
                yield f"lines[{i}].{kind}[{j}].amount", item.amount
                yield f"lines[{i}].{kind}[{j}].base_amount", item.base_amount


@rule(
    "BR-FR-DEC-01",
    "BT-106",
    "Amounts shall have at most 2 decimals, a point as separator and at most 19 digits; a minus sign is "
    "allowed.",
    "Les montants doivent comporter au plus 2 décimales, un point comme séparateur et au plus 19 chiffres ; "
    "le signe « - » est autorisé.",
)
def _frdec01(inv: Invoice) -> Iterator[Hit]:
    if _all_digits_ok(_amount_values(inv), 2):
        return
    for path, amount in _amounts(inv):
        if not _digits_ok(amount, 2):
            yield _at(path, _value(_fmt(amount) if amount is not None else ""))


@rule(
    "BR-FR-DEC-02",
    "BT-129",
    "Quantities (BT-129, BT-149) shall have at most 4 decimals and at most 19 digits.",
    "Les quantités (BT-129, BT-149) doivent comporter au plus 4 décimales et au plus 19 chiffres.",
)
def _frdec02(inv: Invoice) -> Iterator[Hit]:
    quantities = [line.quantity for line in inv.lines]
    quantities += [line.price.base_quantity for line in inv.lines]
    if _all_digits_ok(quantities, 4):
        return
    for i, line in enumerate(inv.lines):
        for path, value in (
            (f"lines[{i}].quantity", line.quantity),
            (f"lines[{i}].price.base_quantity", line.price.base_quantity),
        ):
            if not _digits_ok(value, 4):
                yield _at(path, _value(_fmt(value) if value is not None else ""))


@rule(
    "BR-FR-DEC-03",
    "BT-146",
    "Prices (BT-146, BT-147, BT-148) shall not be negative (except in billing frames B9, S9, M9), with at most 6 "
    "decimals and at most 19 digits.",
    "Les prix (BT-146, BT-147, BT-148) doivent être positifs (sauf cadre de facturation B9, S9, M9), avec au "
    "plus 6 décimales et au plus 19 chiffres.",
)
def _frdec03(inv: Invoice) -> Iterator[Hit]:
    positive = _frame(inv) not in {"B9", "S9", "M9"}
    prices = [value for line in inv.lines for value in _PRICES(line.price)]
    if _all_digits_ok(prices, 6, positive):
        return
    for i, line in enumerate(inv.lines):
        for name in _PRICE_NAMES:
            value = getattr(line.price, name)
            if not _digits_ok(value, 6, positive=positive):
                yield _at(f"lines[{i}].price.{name}", _value(_fmt(value) if value is not None else ""))


@rule(
    "BR-FR-DEC-04",
    "BT-119",
    "VAT rates (BT-96, BT-103, BT-119, BT-152) shall not be negative, with at most 2 decimals and at most 4 "
    "digits.",
    "Les taux de TVA (BT-96, BT-103, BT-119, BT-152) doivent être positifs, avec au plus 2 décimales et au plus "
    "4 chiffres.",
)
def _frdec04(inv: Invoice) -> Iterator[Hit]:
    rates = _rate_values(inv)
    # Every French rate holds (asserted by the tests): a set inclusion settles the usual case.
    if _french_rates(rates) or all(rate is None or _rate_holds(rate) for rate in rates):
        return
    for path, rate in _rates(inv):
        if rate is None:
            continue
        if not _rate_holds(rate):
            yield _at(path, _value(_fmt(rate)))


def _rate_holds(rate: Decimal) -> bool:
    text = _fmt(rate)
    return not text.startswith("-") and _digits_ok(rate, 2) and len(text.replace(".", "")) <= 4
