"""Keyword proximity: where the value announced by a keyword may be, and how much it counts.

A value is looked for in the rest of the keyword's segment, in the next segments of the same line,
then in the lines just below in the same column (a header cell's column runs to the next header
cell). Its score is the keyword's weight times a factor for that position and for its order in the
region; equal values found several times add up their evidence.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from openchorus.einvoice.pdf.keywords import KEYWORDS, Keyword
from openchorus.einvoice.pdf.text import Line, Segment
from openchorus.einvoice.pdf.values import Reader, Value, normalise


@dataclass(frozen=True, slots=True)
class Where:
    """Where a value was read: page, box (points from the top-left corner) and how it was found."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    keyword: str = ""  # the text of the keyword that announced the value, as printed
    relation: str = ""  # "same segment", "same line", "below", "block" or "unannounced"

    def as_dict(self) -> dict[str, object]:
        return {
            "page": self.page,
            "box": [round(self.x0, 1), round(self.top, 1), round(self.x1, 1), round(self.bottom, 1)],
            "keyword": self.keyword,
            "relation": self.relation,
        }


_RELATION_SAME_LINE = (0.9, 0.75, 0.6)
_RELATION_BELOW = (0.85, 0.65, 0.5)
# How much later values in the same region count, by order.
_ORDER = (1.0, 0.6, 0.4)


@dataclass(frozen=True, slots=True)
class Hit:
    """A keyword found at [start, end) of a segment's normalised text."""

    keyword: Keyword
    line: int
    segment: int
    start: int
    end: int


@dataclass(slots=True)
class Index:
    """The lines of a document, their segments' normalised texts and keyword hits per segment."""

    lines: Sequence[Line]
    norms: list[list[str]]
    hits: dict[tuple[int, int], list[Hit]]


@dataclass(slots=True)
class Candidate:
    """A possible value of a field, with its score (evidence, 0 to 1) and where it was read."""

    value: Value
    score: float
    where: Where


def index_lines(lines: Sequence[Line]) -> Index:
    norms = [[normalise(segment.text) for segment in line.segments] for line in lines]
    hits: dict[tuple[int, int], list[Hit]] = {}
    for li, line_norms in enumerate(norms):
        for si, text in enumerate(line_norms):
            found = [
                Hit(keyword, li, si, match.start(), match.end())
                for keyword in KEYWORDS
                for match in keyword.pattern.finditer(text)
            ]
            # The longest keyword wins where keywords overlap ("date de livraison" over "date").
            found.sort(key=lambda hit: (hit.start, -(hit.end - hit.start)))
            kept: list[Hit] = []
            for hit in found:
                if any(hit.start < other.end and other.start < hit.end for other in kept):
                    continue
                kept.append(hit)
            if kept:
                hits[(li, si)] = kept
    return Index(lines=lines, norms=norms, hits=hits)


def _regions(page: Index, hit: Hit) -> Iterator[tuple[int, int, int, str, float]]:
    """(line, segment, start offset, relation, factor) where the value of a keyword may be."""
    lines = page.lines
    line = lines[hit.line]
    yield hit.line, hit.segment, hit.end, "same segment", 1.0
    if hit.keyword.same_segment_only:
        return
    for k, si in enumerate(range(hit.segment + 1, min(hit.segment + 4, len(line.segments)))):
        yield hit.line, si, 0, "same line", _RELATION_SAME_LINE[k]
    segment = line.segments[hit.segment]
    words = segment.words_in(hit.start, hit.end)
    kx0 = min(word.x0 for word in words) if words else segment.x0
    kx1 = max(segment.x1, kx0)
    # A header cell's column runs to the start of the next header cell: values right-aligned
    # under left-aligned headers belong to it.
    if hit.segment + 1 < len(line.segments):
        column_end = line.segments[hit.segment + 1].x0
    else:
        column_end = float("inf") if hit.segment > 0 else kx0
    height = max(line.bottom - line.top, 6.0)
    found = 0
    previous_bottom = line.bottom
    for li in range(hit.line + 1, min(hit.line + 8, len(lines))):
        below = lines[li]
        if below.page != line.page or below.top - previous_bottom > 2.5 * height:
            return
        previous_bottom = below.bottom
        overlapping = [
            si
            for si, other in enumerate(below.segments)
            if (other.x0 < kx1 + 12 and other.x1 > kx0 - 12)
            or kx0 - 12 <= (other.x0 + other.x1) / 2 < column_end
        ]
        if not overlapping:
            continue
        for si in overlapping:
            yield li, si, 0, "below", _RELATION_BELOW[found]
        found += 1
        if found == len(_RELATION_BELOW):
            return


def where_of(segment: Segment, start: int, end: int, keyword: str, relation: str) -> Where:
    words = segment.words_in(start, end) or segment.words
    return Where(
        page=segment.page,
        x0=min(word.x0 for word in words),
        top=min(word.top for word in words),
        x1=max(word.x1 for word in words),
        bottom=max(word.bottom for word in words),
        keyword=keyword,
        relation=relation,
    )


def keyword_candidates(
    page: Index, name: str, reader: Reader, *, as_printed: bool = False
) -> list[Candidate]:
    candidates: list[Candidate] = []
    for (li, si), hits in page.hits.items():
        for hit in hits:
            if hit.keyword.field != name:
                continue
            keyword_segment = page.lines[li].segments[si]
            keyword_text = keyword_segment.text[hit.start : hit.end]
            weight = hit.keyword.weight
            if hit.keyword.same_segment_only and any(
                other.keyword.field == "invoice_number" and other.start < hit.start for other in hits
            ):
                # "Facture n° F-42 du 12/03/2026": a date right after the invoice number is its date.
                weight = min(1.0, 2 * weight)
            for rli, rsi, start, relation, factor in _regions(page, hit):
                text = page.norms[rli][rsi]
                # A value belongs to the nearest keyword before it: stop at the next keyword.
                others = [
                    other.start
                    for other in page.hits.get((rli, rsi), ())
                    if other is not hit and other.start >= start
                ]
                limit = min(others, default=len(text))
                segment = page.lines[rli].segments[rsi]
                for order, (value, vstart, vend) in enumerate(reader(text, start)):
                    if vstart >= limit or order >= len(_ORDER):
                        break
                    if as_printed:
                        value = segment.text[vstart:vend]
                    candidates.append(
                        Candidate(
                            value=value,
                            score=weight * factor * _ORDER[order],
                            where=where_of(segment, vstart, vend, keyword_text, relation),
                        )
                    )
    return candidates


def rank(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Merge candidates of equal value (evidence adds up) and rank them, best first."""
    merged: dict[Value, Candidate] = {}
    for candidate in sorted(candidates, key=lambda c: -c.score):
        best = merged.get(candidate.value)
        if best is None:
            merged[candidate.value] = Candidate(candidate.value, candidate.score, candidate.where)
        else:
            best.score = 1 - (1 - best.score) * (1 - 0.5 * candidate.score)
    return sorted(merged.values(), key=lambda c: -c.score)


def confidence_of(ranked: Sequence[Candidate]) -> float:
    if not ranked:
        return 0.0
    first = min(ranked[0].score, 0.99)
    second = ranked[1].score if len(ranked) > 1 else 0.0
    return round(max(0.01, first * (1 - 0.4 * min(second / first, 1.0))), 3) if first else 0.0
