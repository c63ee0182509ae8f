"""Readers of the values printed on invoices: dates, amounts, references, SIRET, IBAN.

Each reader scans a normalised text (see `normalise`) from an offset and yields
`(value, start, end)` in reading order. Identifiers pass their check algorithm: SIRET with Luhn
and La Poste's exception (python-stdnum), IBAN with its mod-97 check and per-country format.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal, InvalidOperation

from stdnum import iban as stdnum_iban
from stdnum.fr import siret as stdnum_siret

Value = str | Decimal | date
Reader = Callable[[str, int], Iterator[tuple[Value, int, int]]]


_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u00b4": "'", "`": "'"})


def normalise(text: str) -> str:
    """Lower-case, accents removed, typographic quotes made plain; same length as `text`."""
    out: list[str] = []
    for char in text.translate(_QUOTES):
        if char.isascii():
            out.append(char.lower())
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        out.append((base if len(base) == 1 else char).lower()[:1])
    return "".join(out)


_MONTHS = {
    "janvier": 1,
    "janv": 1,
    "january": 1,
    "jan": 1,
    "fevrier": 2,
    "fevr": 2,
    "fev": 2,
    "february": 2,
    "feb": 2,
    "mars": 3,
    "march": 3,
    "mar": 3,
    "avril": 4,
    "avr": 4,
    "april": 4,
    "apr": 4,
    "mai": 5,
    "may": 5,
    "juin": 6,
    "june": 6,
    "jun": 6,
    "juillet": 7,
    "juil": 7,
    "july": 7,
    "jul": 7,
    "aout": 8,
    "august": 8,
    "aug": 8,
    "septembre": 9,
    "sept": 9,
    "september": 9,
    "sep": 9,
    "octobre": 10,
    "oct": 10,
    "october": 10,
    "novembre": 11,
    "nov": 11,
    "november": 11,
    "decembre": 12,
    "dec": 12,
    "december": 12,
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE = re.compile(
    r"(?<![\d/.-])(?:"
    r"(?P<d>\d{1,2})\s?[/.-]\s?(?P<m>\d{1,2})\s?[/.-]\s?(?P<y>\d{4}|\d{2})"
    r"|(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2})"
    rf"|(?P<td>\d{{1,2}})(?:er)?\.?\s+(?P<tm>{_MONTH})\.?\s+(?P<ty>\d{{4}})"
    rf"|(?P<em>{_MONTH})\.?\s+(?P<ed>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<ey>\d{{4}})"
    r")(?![\d/])"
)
_AMOUNT = re.compile(
    r"(?<![\w.,/-])(?P<sign>[-−]\s?)?"
    r"(?P<num>\d{1,3}(?:[ .'’]\d{3})+(?:[.,]\d{1,2})?|\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:[.,]\d{1,2})?)"
    r"(?![\d/]|[.,]\d)(?P<after>\s?(?:%|€|eur\b|euros?\b)?)"
)
_MONEY_AFTER = re.compile(r"\s?(?:€|eur\b|euros?\b|%|[.,]\d)")
_IDENTIFIER = re.compile(r"(?<![\w/-])([a-z0-9][a-z0-9/_.\-]{0,34})(?![\w/-])")
_SIRET = re.compile(r"(?<![\d])(\d{3} ?\d{3} ?\d{3} ?\d{5}|\d{3} \d{3} \d{3} \d{3} \d{2})(?![\d])")
_IBAN = re.compile(r"(?<![a-z0-9])([a-z]{2}\d{2}(?: ?[a-z0-9]){10,32})")


def read_dates(text: str, start: int) -> Iterator[tuple[Value, int, int]]:
    for match in _DATE.finditer(text, start):
        groups = match.groupdict()
        try:
            if groups["d"]:
                year = int(groups["y"])
                year = year + 2000 if year < 100 else year
                value = date(year, int(groups["m"]), int(groups["d"]))
            elif groups["iy"]:
                value = date(int(groups["iy"]), int(groups["im"]), int(groups["id"]))
            elif groups["td"]:
                value = date(int(groups["ty"]), _MONTHS[groups["tm"]], int(groups["td"]))
            else:
                value = date(int(groups["ey"]), _MONTHS[groups["em"]], int(groups["ed"]))
        except ValueError:
            continue
        if 1990 <= value.year <= 2100:
            yield value, match.start(), match.end()


def parse_amount(number: str) -> Decimal | None:
    """Read an amount written the French way ("1 234,56"), or the English or German way."""
    digits = re.sub(r"[ '’]", "", number)
    if "," in digits and "." in digits:
        decimal_mark = "," if digits.rfind(",") > digits.rfind(".") else "."
    elif "," in digits:
        decimal_mark = "," if len(digits) - digits.rfind(",") - 1 != 3 or digits.count(",") == 1 else ""
    elif "." in digits:
        decimal_mark = "." if len(digits) - digits.rfind(".") - 1 != 3 else ""
    else:
        decimal_mark = ""
    thousands = {",", "."} - {decimal_mark}
    for mark in thousands:
        digits = digits.replace(mark, "")
    if decimal_mark:
        digits = digits.replace(decimal_mark, ".")
    try:
        return Decimal(digits)
    except InvalidOperation:
        return None


def read_amounts(text: str, start: int) -> Iterator[tuple[Value, int, int]]:
    for match in _AMOUNT.finditer(text, start):
        after = match.group("after").strip()
        if after == "%":
            continue
        number = match.group("num")
        if "," not in number and "." not in number and not after:
            # A bare integer (a quantity, a rate, a year) is not taken for a total.
            continue
        value = parse_amount(number)
        if value is None:
            continue
        if match.group("sign"):
            value = -value
        yield value, match.start(), match.end()


def read_identifiers(text: str, start: int) -> Iterator[tuple[Value, int, int]]:
    for match in _IDENTIFIER.finditer(text, start):
        token = match.group(1).rstrip(".-/")
        if not any(char.isdigit() for char in token):
            continue
        if _MONEY_AFTER.match(text, match.end()):
            continue  # an amount ("commande > 300 € HT"), not a reference
        if any(True for _ in read_dates(token, 0)):
            continue
        yield token, match.start(1), match.start(1) + len(token)


def read_sirets(text: str, start: int) -> Iterator[tuple[Value, int, int]]:
    for match in _SIRET.finditer(text, start):
        number = match.group(1).replace(" ", "")
        if stdnum_siret.is_valid(number):
            yield number, match.start(1), match.end(1)


def read_ibans(text: str, start: int) -> Iterator[tuple[Value, int, int]]:
    for match in _IBAN.finditer(text, start):
        raw = match.group(1)
        compact = raw.replace(" ", "").upper()
        # The pattern may run into what follows (a BIC, a word): keep the longest valid prefix.
        for length in range(min(len(compact), 34), 14, -1):
            if stdnum_iban.is_valid(compact[:length]):
                end = match.start(1)
                kept = 0
                while kept < length:
                    if text[end] != " ":
                        kept += 1
                    end += 1
                yield compact[:length], match.start(1), end
                break
