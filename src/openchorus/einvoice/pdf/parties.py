"""Roles of the SIRET numbers printed on an invoice: the recipient's and the supplier's.

A valid SIRET gets its role from the label announcing it ("SIRET client", "SIRET fournisseur",
or a generic "SIRET" after a role word), else from the party block it sits in (the nearest
heading above it in its column: "Client", "Destinataire", "Ministère…", "Fournisseur", …), else
from its place (the page footer holds the supplier's legal mentions). The stronger claim on a
value keeps it: the two roles never share one.
"""

from __future__ import annotations

from openchorus.einvoice.pdf.keywords import (
    RECIPIENT_HEADINGS,
    RECIPIENT_LABEL,
    SUPPLIER_HEADINGS,
    SUPPLIER_LABEL,
)
from openchorus.einvoice.pdf.proximity import Candidate, Index, rank, where_of
from openchorus.einvoice.pdf.text import Line
from openchorus.einvoice.pdf.values import read_sirets


def siret_candidates(
    page: Index, masked: set[tuple[int, int, int, int]]
) -> tuple[list[Candidate], list[Candidate]]:
    """Candidates for the recipient's and the supplier's SIRET, from labels and blocks."""
    recipient: list[Candidate] = []
    supplier: list[Candidate] = []
    for li, line in enumerate(page.lines):
        for si, segment in enumerate(line.segments):
            text = page.norms[li][si]
            for value, start, end in read_sirets(text, 0):
                if any(m[:2] == (li, si) and m[2] <= start < m[3] for m in masked):
                    continue  # digits of an IBAN
                label, label_keyword = _siret_label(page, li, si, start)
                block, block_keyword, block_strength = _siret_block(page, li, si)
                rec, sup = _role_scores(label, block, block_strength, _in_page_margin(page, line))
                if label in ("", "siret"):
                    relation = "block" if block else ("same segment" if label else "unannounced")
                else:
                    relation = "same segment"
                where = where_of(
                    segment, start, end, block_keyword if relation == "block" else label_keyword, relation
                )
                if rec > 0:
                    recipient.append(Candidate(value, rec, where))
                if sup > 0:
                    supplier.append(Candidate(value, sup, where))
    return recipient, supplier


def _siret_label(page: Index, li: int, si: int, start: int) -> tuple[str, str]:
    """The label announcing a SIRET: in its segment before it, in the segment before, or just above."""
    places: list[tuple[int, int, int]] = [(li, si, start)]
    if si > 0:
        places.append((li, si - 1, 10_000))
    line = page.lines[li]
    segment = line.segments[si]
    if li > 0 and page.lines[li - 1].page == line.page:
        for above_si, above in enumerate(page.lines[li - 1].segments):
            if above.x0 < segment.x1 and above.x1 > segment.x0:
                places.append((li - 1, above_si, 10_000))
    for pli, psi, before in places:
        hits = [hit for hit in page.hits.get((pli, psi), ()) if hit.end <= before]
        for hit in reversed(hits):
            if hit.keyword.field in ("recipient_siret", "supplier_siret", "siret"):
                text = page.lines[pli].segments[psi].text[hit.start : hit.end]
                role = hit.keyword.field
                if role == "siret":
                    # A generic "SIRET" label preceded by a role word in the same segment.
                    prefix = page.norms[pli][psi][: hit.start]
                    if RECIPIENT_LABEL.search(prefix):
                        role = "recipient_siret"
                    elif SUPPLIER_LABEL.search(prefix):
                        role = "supplier_siret"
                return role, text
        if pli == li and psi == si:
            # "Client : Mairie de Troyes, 123 456 789 00012": a role word before it in its segment.
            match = RECIPIENT_LABEL.search(page.norms[li][si][:before])
            if match:
                return "recipient_siret", segment.text[match.start() : match.end()]
    return "", ""


def _siret_block(page: Index, li: int, si: int) -> tuple[str, str, float]:
    """The party block a SIRET sits in, from the nearest heading above it in the same column."""
    line = page.lines[li]
    segment = line.segments[si]
    own = page.norms[li][si]
    for pattern, role in ((RECIPIENT_HEADINGS, "recipient"), (SUPPLIER_HEADINGS, "supplier")):
        if pattern.match(own):
            return role, segment.text.split()[0], 1.0
    for distance, above_li in enumerate(range(li - 1, max(li - 12, -1), -1), start=1):
        above = page.lines[above_li]
        if above.page != line.page:
            break
        for above_si, heading in enumerate(above.segments):
            if not (heading.x0 < segment.x1 + 5 and heading.x1 > segment.x0 - 5):
                continue
            text = page.norms[above_li][above_si]
            for pattern, role in ((RECIPIENT_HEADINGS, "recipient"), (SUPPLIER_HEADINGS, "supplier")):
                match = pattern.match(text)
                if match:
                    return role, heading.text[: match.end()], max(0.5, 1.0 - 0.04 * distance)
    return "", "", 0.0


def _in_page_margin(page: Index, line: Line) -> bool:
    """True for a line in the bottom tenth of its page, where the supplier's legal mentions go."""
    bottoms = [other.bottom for other in page.lines if other.page == line.page]
    tops = [other.top for other in page.lines if other.page == line.page]
    span = max(bottoms) - min(tops)
    return span > 0 and line.top >= max(bottoms) - 0.1 * span


def _role_scores(label: str, block: str, block_strength: float, in_margin: bool) -> tuple[float, float]:
    if label == "recipient_siret":
        return 1.0, 0.0
    if label == "supplier_siret":
        return 0.0, 1.0
    generic = 1.0 if label == "siret" else 0.75
    if block == "recipient":
        return 0.9 * generic * block_strength, 0.05
    if block == "supplier":
        return 0.05, 0.9 * generic * block_strength
    if in_margin:
        return 0.1, 0.6 * generic
    return 0.3 * generic, 0.35 * generic


def assign_sirets(
    recipient: list[Candidate], supplier: list[Candidate]
) -> tuple[list[Candidate], list[Candidate]]:
    """The two roles never share a value: the stronger claim keeps it."""
    recipient = rank(recipient)
    supplier = rank(supplier)
    if recipient and supplier and recipient[0].value == supplier[0].value:
        if recipient[0].score >= supplier[0].score:
            supplier = [c for c in supplier if c.value != recipient[0].value]
        else:
            recipient = [c for c in recipient if c.value != supplier[0].value]
    return recipient, supplier
