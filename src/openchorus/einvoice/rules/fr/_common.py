"""The code lists, formats and helpers the BR-FR rule modules share."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from decimal import Decimal

from ...model import Identifier, Invoice
from ..engine import Hit

TYPE_CODES = frozenset(
    [
        "380",
        "389",
        "393",
        "501",
        "386",
        "500",
        "384",
        "471",
        "472",
        "473",
        "261",
        "262",
        "381",
        "396",
        "502",
        "503",
    ]
)
BILLING_FRAMES = frozenset(
    [
        "B1",
        "S1",
        "M1",
        "B2",
        "S2",
        "M2",
        "S3",
        "B4",
        "S4",
        "M4",
        "S5",
        "S6",
        "B7",
        "S7",
        "B8",
        "S8",
        "M8",
        "B9",
        "S9",
        "M9",
    ]
)
VAT_CATEGORIES = frozenset({"S", "E", "AE", "K", "G", "O", "Z"})
VAT_RATES = frozenset(
    [
        "0",
        "0.0",
        "0.00",
        "10",
        "10.0",
        "10.00",
        "13",
        "13.0",
        "13.00",
        "20",
        "20.0",
        "20.00",
        "8.5",
        "8.50",
        "19.6",
        "19.60",
        "2.1",
        "2.10",
        "5.5",
        "5.50",
        "7",
        "7.0",
        "7.00",
        "20.6",
        "20.60",
        "1.05",
        "0.9",
        "0.90",
        "1.75",
        "9.2",
        "9.20",
        "9.6",
        "9.60",
    ]
)
BAR_TREATMENTS = frozenset({"B2B", "B2BINT", "B2C", "B2CINT", "OUTOFSCOPE", "ARCHIVEONLY"})
CORRECTIVE_TYPES = frozenset({"384", "471", "472", "473"})
CREDIT_TYPES = frozenset({"261", "381", "396", "502", "503"})
ADVANCE_TYPES = frozenset({"386", "500", "503"})
MANDATORY_NOTES = ("PMT", "PMD", "AAB")

_ID_FORMAT = re.compile(r"[A-Za-z0-9+\-_/]+")
_ADDRESS_FORMAT = re.compile(r"[A-Za-z0-9+\-_.]+")
_SIRET = re.compile(r"\d{14}")
_SIREN = re.compile(r"\d{9}")


def _blank(value: str | None) -> bool:
    return value is None or not value.strip()


def _fmt(value: Decimal) -> str:
    """A decimal as written, without an exponent (``str`` is faster and agrees when it has none)."""
    text = str(value)
    return text if "E" not in text else format(value, "f")


def _digits_ok(value: Decimal | None, decimals: int, positive: bool = False) -> bool:
    """The BR-FR decimal formats: at most 19 digits, at most `decimals` decimals."""
    if value is None:
        return True
    text = str(value)  # fast, and as written unless the exponent form is needed
    if "E" not in text:
        if positive and text.startswith("-"):
            return False
        whole, _, fraction = text.lstrip("-").partition(".")
        return len(fraction) <= decimals and len(whole) + len(fraction) <= 19
    sign, digits, exponent = value.as_tuple()
    if (positive and sign) or not isinstance(exponent, int):
        return False
    fraction_digits = -exponent if exponent < 0 else 0
    whole_digits = max(1, len(digits) + exponent)  # as format(value, "f") writes it
    return fraction_digits <= decimals and whole_digits + fraction_digits <= 19


def _value(detail: str | None) -> Hit:
    return Hit("", f"(valeur : « {detail} »)", f"(value: '{detail}')")


def _at(path: str, hit: Hit) -> Hit:
    return Hit(path, hit.detail_fr, hit.detail_en)


def _siren_of(legal: Identifier | None) -> str | None:
    return legal.value if legal is not None and legal.scheme_id == "0002" else None


def _rate_values(inv: Invoice) -> list[Decimal | None]:
    """The VAT rates `_rates` yields, without their paths: the rules test these first (they
    hold on almost every invoice) and only build the paths of the values that break them."""
    values: list[Decimal | None] = [vat.rate for vat in inv.vat_breakdown]
    values += [item.vat_rate for item in inv.allowances]
    values += [item.vat_rate for item in inv.charges]
    values += [line.vat.rate for line in inv.lines]
    return values


@functools.cache
def _surely_ok(decimals: int, positive: bool) -> re.Pattern[str]:
    """Comma-terminated numbers, as ``str`` writes them, that `_digits_ok` accepts for sure: no
    exponent, at most `decimals` decimals and 19 - `decimals` whole digits (so 19 digits at most)."""
    sign = "" if positive else "-?"
    return re.compile(rf"(?:{sign}\d{{1,{19 - decimals}}}(?:\.\d{{1,{decimals}}})?,)*", re.ASCII)


def _all_digits_ok(values: list[Decimal | None], decimals: int, positive: bool = False) -> bool:
    """Whether `_digits_ok` holds for every value: one pattern match over all of them first (the
    usual answer), value by value when it does not match (it may still hold, e.g. 19 whole digits)."""
    present = [value for value in values if value is not None]
    if not present or _surely_ok(decimals, positive).fullmatch(",".join(map(str, present)) + ","):
        return True
    return all(_digits_ok(value, decimals, positive) for value in present)


def _french_rates(rates: list[Decimal | None]) -> bool:
    """Whether every rate is written as one of `VAT_RATES` (``str``, the usual case, is what
    `_fmt` writes without an exponent; with one, the rules look value by value)."""
    return {str(rate) for rate in rates if rate is not None} <= VAT_RATES


def _rates(inv: Invoice) -> Iterator[tuple[str, Decimal | None]]:
    for i, vat in enumerate(inv.vat_breakdown):
        yield f"vat_breakdown[{i}].rate", vat.rate
    for kind in ("allowances", "charges"):
        for i, item in enumerate(getattr(inv, kind)):
            yield f"{kind}[{i}].vat_rate", item.vat_rate
    for i, line in enumerate(inv.lines):
        yield f"lines[{i}].vat.rate", line.vat.rate


def _frame(inv: Invoice) -> str:
    return (inv.business_process_type or "").strip()
