"""Recognition of invoice fields in the positioned text of a PDF (INV-3 pre-filling).

The method is meant to be explained to a depositor in one sentence: a value is taken where a
keyword announces it, in the rest of the keyword's segment, in the next segments of the same
line, or in the lines just below in the same column. Candidates are ranked by the keyword's
specificity and by that position; identifiers must pass their check algorithm (SIRET Luhn with
La Poste's exception, IBAN mod 97); totals that add up (excl. VAT + VAT = incl. VAT) gain
confidence. Every field keeps where it was found and the keyword that announced it.

Keywords are in `keywords.py`, value readers in `values.py`, the proximity search in
`proximity.py`, the SIRET roles in `parties.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Generic, TypeVar

from openchorus.einvoice.pdf.parties import assign_sirets, siret_candidates
from openchorus.einvoice.pdf.proximity import (
    Candidate,
    Where,
    confidence_of,
    index_lines,
    keyword_candidates,
    rank,
    where_of,
)
from openchorus.einvoice.pdf.text import Line, TextDocument, document_lines
from openchorus.einvoice.pdf.values import (
    Value,
    read_amounts,
    read_dates,
    read_ibans,
    read_identifiers,
)

V = TypeVar("V", bound=Value)

# --- results --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Found(Generic[V]):
    """A recognised value, how sure the recognition is (0 to 1) and where it was read."""

    value: V
    confidence: float
    where: Where


@dataclass(frozen=True, slots=True)
class Fields:
    recipient_siret: Found[str] | None = None
    supplier_siret: Found[str] | None = None
    invoice_number: Found[str] | None = None
    issue_date: Found[date] | None = None
    delivery_date: Found[date] | None = None
    engagement_number: Found[str] | None = None
    total_excl_vat: Found[Decimal] | None = None
    vat_total: Found[Decimal] | None = None
    total_incl_vat: Found[Decimal] | None = None
    iban: Found[str] | None = None


FIELD_NAMES: tuple[str, ...] = (
    "recipient_siret",
    "supplier_siret",
    "invoice_number",
    "issue_date",
    "delivery_date",
    "engagement_number",
    "total_excl_vat",
    "vat_total",
    "total_incl_vat",
    "iban",
)


@dataclass(frozen=True, slots=True)
class Recognition:
    fields: Fields
    # Every candidate considered per field, best first, for explanation and for the form's
    # "other values found" list.
    candidates: dict[str, tuple[Found[Value], ...]] = field(default_factory=dict)


# --- totals ---------------------------------------------------------------------------------


def _reconcile_totals(
    excl: list[Candidate], vat: list[Candidate], incl: list[Candidate]
) -> tuple[list[Candidate], ...]:
    """Prefer the best-scored triple with excl. VAT + VAT = incl. VAT, and trust it more."""
    best: tuple[float, int, int, int] | None = None
    for i, a in enumerate(excl[:5]):
        for j, b in enumerate(vat[:5]):
            for k, c in enumerate(incl[:5]):
                amounts = (a.value, b.value, c.value)
                if not all(isinstance(amount, Decimal) for amount in amounts):
                    continue
                ht, tva, ttc = (Decimal(str(amount)) for amount in amounts)
                if ht + tva == ttc and ttc != 0:
                    score = a.score + b.score + c.score
                    if best is None or score > best[0]:
                        best = (score, i, j, k)
    if best is None:
        return excl, vat, incl
    _, i, j, k = best
    out = []
    for ranked, index in ((excl, i), (vat, j), (incl, k)):
        chosen = ranked[index]
        boosted = Candidate(chosen.value, min(0.99, max(chosen.score, 0.5) + 0.3), chosen.where)
        out.append([boosted, *[c for n, c in enumerate(ranked) if n != index]])
    return out[0], out[1], out[2]


# --- entry point ----------------------------------------------------------------------------


def recognise_lines(lines: Sequence[Line]) -> Recognition:
    page = index_lines(lines)

    iban_candidates = keyword_candidates(page, "iban", read_ibans)
    masked: set[tuple[int, int, int, int]] = set()
    for li, line_norms in enumerate(page.norms):
        for si, text in enumerate(line_norms):
            for value, start, end in read_ibans(text, 0):
                masked.add((li, si, start, end))
                segment = page.lines[li].segments[si]
                iban_candidates.append(
                    Candidate(value, 0.8, where_of(segment, start, end, "", "unannounced"))
                )

    recipient, supplier = assign_sirets(*siret_candidates(page, masked))
    ranked: dict[str, list[Candidate]] = {
        "recipient_siret": recipient,
        "supplier_siret": supplier,
        "invoice_number": rank(keyword_candidates(page, "invoice_number", read_identifiers, as_printed=True)),
        "issue_date": rank(keyword_candidates(page, "issue_date", read_dates)),
        "delivery_date": rank(keyword_candidates(page, "delivery_date", read_dates)),
        "engagement_number": rank(
            keyword_candidates(page, "engagement_number", read_identifiers, as_printed=True)
        ),
        "iban": rank(iban_candidates),
    }
    if not ranked["issue_date"]:
        # No date is announced: the first date of the document, with low confidence.
        for li, line_norms in enumerate(page.norms):
            for si, text in enumerate(line_norms):
                for value, start, end in read_dates(text, 0):
                    segment = page.lines[li].segments[si]
                    ranked["issue_date"].append(
                        Candidate(value, 0.25, where_of(segment, start, end, "", "unannounced"))
                    )
                    break
        ranked["issue_date"] = ranked["issue_date"][:1]
    totals = _reconcile_totals(
        rank(keyword_candidates(page, "total_excl_vat", read_amounts)),
        rank(keyword_candidates(page, "vat_total", read_amounts)),
        rank(keyword_candidates(page, "total_incl_vat", read_amounts)),
    )
    ranked["total_excl_vat"], ranked["vat_total"], ranked["total_incl_vat"] = totals
    # The same identifier cannot be both the invoice number and the engagement number.
    _separate(ranked, "invoice_number", "engagement_number")

    candidates = {
        name: tuple(Found(c.value, round(min(c.score, 0.99), 3), c.where) for c in ranked[name])
        for name in FIELD_NAMES
    }
    best: dict[str, Found[Value]] = {
        name: Found(items[0].value, confidence_of(items), items[0].where)
        for name, items in ranked.items()
        if items
    }
    fields = Fields(
        recipient_siret=_typed(best, "recipient_siret", str),
        supplier_siret=_typed(best, "supplier_siret", str),
        invoice_number=_typed(best, "invoice_number", str),
        issue_date=_typed(best, "issue_date", date),
        delivery_date=_typed(best, "delivery_date", date),
        engagement_number=_typed(best, "engagement_number", str),
        total_excl_vat=_typed(best, "total_excl_vat", Decimal),
        vat_total=_typed(best, "vat_total", Decimal),
        total_incl_vat=_typed(best, "total_incl_vat", Decimal),
        iban=_typed(best, "iban", str),
    )
    return Recognition(fields=fields, candidates=candidates)


def _typed(best: dict[str, Found[Value]], name: str, kind: type[V]) -> Found[V] | None:
    found = best.get(name)
    if found is None or not isinstance(found.value, kind):
        return None
    return Found(found.value, found.confidence, found.where)


def _separate(ranked: dict[str, list[Candidate]], first: str, second: str) -> None:
    a, b = ranked[first], ranked[second]
    if a and b and str(a[0].value) == str(b[0].value):
        if a[0].score >= b[0].score:
            ranked[second] = b[1:]
        else:
            ranked[first] = a[1:]


def recognise(document: TextDocument) -> Recognition:
    """Recognise the invoice fields of a document's text layer."""
    return recognise_lines(document_lines(document))
