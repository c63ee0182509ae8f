"""Reads of the public directory: search (DIR-1, DIR-3), recipient suggestion (BYD-2), CSV export.

Everything here is public information about public structures: no actor scoping, but private
structures are never returned. How the search stays fast at 150,000 structures is told in
docs/adr/0002-directory-search.md.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Count, Prefetch, Q, QuerySet, prefetch_related_objects
from stdnum.fr import siren as fr_siren
from stdnum.fr import siret as fr_siret

from openchorus.core.text import search_normalize
from openchorus.directory import formats
from openchorus.directory.chunks import batched
from openchorus.directory.models import DirectoryToken
from openchorus.directory.tokens import words
from openchorus.structures.enums import Status, StructureKind
from openchorus.structures.models import Structure, StructureService

# A search looks at most at this many structures; past it, the person is asked to narrow it down.
CANDIDATE_LIMIT = 200
_ESTIMATE_LIMIT = 3000
MAX_QUERY_LENGTH = 200
MAX_TERMS = 8


def public_structures() -> QuerySet[Structure]:
    return Structure.objects.filter(kind=StructureKind.PUBLIC)


def _services_prefetch() -> Prefetch:
    # Creation order, as the real annuaire lists them (FACTURES_PUBLIQUES first in practice).
    return Prefetch("services", queryset=StructureService.objects.only(*SERVICE_FIELDS).order_by("pk"))


def _upper_bound(prefix: str) -> str | None:
    """The shortest [0-9a-z] string above every string starting with `prefix`, or None.

    Computed with carries inside the alphabet ('a9' → 'b', 'az' → 'b') rather than with the next
    code point (':' after '9'), which linguistic collations such as en_US ignore when comparing.
    """
    chars = list(prefix)
    while chars:
        last = chars.pop()
        if last not in "9z":
            return "".join(chars) + chr(ord(last) + 1)
    return None


def _range(field: str, prefix: str) -> Q:
    """Values starting with `prefix` ([0-9a-z] words, digits), as a range the B-tree index serves
    on both databases. No LIKE beside it: PostgreSQL then misjudges the range as one row and
    picked a nested loop 150 times slower (docs/adr/0002-directory-search.md)."""
    upper = _upper_bound(prefix)
    condition = Q(**{f"{field}__gte": prefix})
    return (
        condition & Q(**{f"{field}__lt": upper})
        if upper
        else condition & Q(**{f"{field}__startswith": prefix})
    )


def query_terms(text: str) -> list[str]:
    """The words of a query, longest first, without those that are prefixes of another one."""
    # "344 810 825 00366" or "75 005" are one number typed with spaces: glue digit groups.
    glued = re.sub(r"(?<=\d) (?=\d)", "", search_normalize((text or "")[:MAX_QUERY_LENGTH]))
    terms = sorted(set(words(glued)), key=len, reverse=True)
    kept: list[str] = []
    for term in terms:
        if not any(other.startswith(term) for other in kept):
            kept.append(term)
    return kept[:MAX_TERMS]


@dataclass
class SearchResult:
    text: str
    terms: list[str]
    total: int = 0
    truncated: bool = False  # more than CANDIDATE_LIMIT matches: only that many were ranked
    hits: list[Structure] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)  # every ranked match, for the CSV of the search


# What the result pages and the command line show; the rest of the rows is never loaded.
# In the model's field order: the page's structures are built from these values by Model.from_db.
HIT_FIELDS = (
    "identifier_type", "identifier", "kind", "legal_name", "label", "address_line1", "postcode", "city",
    "status", "service_code_required", "engagement_required", "service_or_engagement_required",
    "payment_status_hidden", "edi_reception", "moa_presence",
)  # fmt: skip
SERVICE_FIELDS = ("structure_id", "code", "label", "start_date", "end_date", "status", "engagement_required")
_HIT_COLUMNS = ("id", *HIT_FIELDS)
_FLAGS = [
    n for n, name in enumerate(_HIT_COLUMNS) if isinstance(Structure._meta.get_field(name), BooleanField)
]
_IDENTIFIER, _KIND, _LEGAL_NAME, _STATUS = (
    _HIT_COLUMNS.index(name) for name in ("identifier", "kind", "legal_name", "status")
)

# The search's statements are written out: building them with the ORM (a join per displayed
# column, a subquery per word) took as long as running them on PostgreSQL (docs/perf.md).
_TOKENS = DirectoryToken._meta.db_table
_ROW_COLUMNS = ", ".join(
    f"s.{Structure._meta.get_field(name).column}" for name in (*HIT_FIELDS, "search_text")
)
_CANDIDATE_ROWS = (
    f"SELECT t.structure_id, {_ROW_COLUMNS} FROM {_TOKENS} t"  # noqa: S608 (model names, no input)
    f" JOIN {Structure._meta.db_table} s ON s.id = t.structure_id"
)


def _range_sql(column: str, prefix: str) -> tuple[str, list[str]]:
    """`column` starts with `prefix`, as a range the B-tree indexes serve (see _range)."""
    upper = _upper_bound(prefix)
    if upper:
        return f"{column} >= %s AND {column} < %s", [prefix, upper]
    # Nothing above "zz9…" in the alphabet: an open range, cut by an exact prefix test.
    return f"{column} >= %s AND substr({column}, 1, {len(prefix)}) = %s", [prefix, prefix]


def _posting_counts(terms: list[str]) -> list[int]:
    """How many index words start with each term, counted up to _ESTIMATE_LIMIT, in one statement."""
    counts, params = [], []
    for term in terms:
        where, where_params = _range_sql("token", term)
        counted = f"SELECT 1 FROM {_TOKENS} WHERE {where} LIMIT {_ESTIMATE_LIMIT}"  # noqa: S608
        counts.append(f"(SELECT COUNT(*) FROM ({counted}) AS p)")  # noqa: S608
        params += where_params
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(counts)}", params)
        return list(cursor.fetchone())


def _candidates(terms: list[str]) -> list[tuple]:
    """Structures having, for every term, a word starting with it (at most the limit + 1), as
    rows of _HIT_COLUMNS then search_text.

    The rarest term drives (an index range scan); each other term is an index seek per candidate
    on (structure, token). The scan stops as soon as the limit is passed.
    """
    if len(terms) == 1:
        driver, others = terms[0], []
    else:
        sizes = dict(zip(terms, _posting_counts(terms), strict=True))
        if not all(sizes.values()):
            return []
        # The rarest term drives; between terms too common to count exactly, the longest one.
        driver, *others = sorted(terms, key=lambda term: (sizes[term], -len(term)))
    # A countable driver: all its postings are read and each other term is checked by a scalar
    # subquery, which PostgreSQL keeps as one seek on (structure, token) per candidate. It turns
    # an EXISTS into a join and, judging a narrow word range at one or two rows even with fresh
    # statistics, then scanned another word's range once per candidate (125 ms instead of 3 ms
    # for "commune plouoles-sur-cher"). Between common words, EXISTS plans well.
    countable = bool(others) and sizes[driver] < _ESTIMATE_LIMIT
    where, params = _range_sql("t.token", driver)
    for term in others:
        other, other_params = _range_sql("o.token", term)
        seek = f"SELECT o.structure_id FROM {_TOKENS} o WHERE o.structure_id = t.structure_id AND {other}"  # noqa: S608
        where += f" AND ({seek} LIMIT 1) IS NOT NULL" if countable else f" AND EXISTS ({seek})"
        params += other_params
    # Each posting comes with its structure's row (a primary-key join): ranking needs no other query.
    sql = f"{_CANDIDATE_ROWS} WHERE {where} ORDER BY t.token, t.structure_id LIMIT %s"
    # Index order puts the exact word first ('paris' before 'parisis'): those are kept when cutting.
    found: dict[int, tuple] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, _ESTIMATE_LIMIT if countable else CANDIDATE_LIMIT * 4])
        for row in cursor:
            found.setdefault(row[0], row)
            if len(found) > CANDIDATE_LIMIT:
                break
    return list(found.values())


_ASCII_NON_WORD = re.compile(r"[^0-9a-z]+")


def _normalize(text: str) -> str:
    """search_normalize, with a fast path for the upper-case ASCII names most structures have."""
    if text.isascii():
        return _ASCII_NON_WORD.sub(" ", text.lower()).strip()
    return search_normalize(text)


def _score(identifier: str, legal_name: str, status: str, text: str, terms: list[str], phrase: str) -> float:
    tokens = set(text.split())
    name = _normalize(legal_name)
    name_words = set(name.split())
    score = 0.0
    for term in terms:
        score += 3 if term == identifier or term in tokens else 1
        if term in name_words:
            score += 0.5
    if name == phrase:
        score += 6
    elif name.startswith(phrase):
        score += 3
    elif phrase in text:
        score += 1.5
    if status == Status.ACTIVE:
        score += 0.5
    return score


def _hit_values(row: tuple) -> list[Any]:
    """A row's displayed fields as Python values (SQLite gives flags as 0 and 1)."""
    values = list(row[:-1])
    for index in _FLAGS:
        values[index] = bool(values[index])
    return values


def _ranked(rows: list[tuple], terms: list[str], text: str) -> list[tuple]:
    """The public structures among the candidate rows, best first."""
    rows = [row for row in rows if row[_KIND] == StructureKind.PUBLIC]
    phrase = " ".join(words(text))
    scores = {
        row[0]: _score(row[_IDENTIFIER], row[_LEGAL_NAME], row[_STATUS], row[-1], terms, phrase)
        for row in rows
    }
    rows.sort(key=lambda row: (-scores[row[0]], row[_LEGAL_NAME], row[0]))
    return rows


def directory_search(*, text: str, limit: int = 20, offset: int = 0) -> SearchResult:
    """DIR-1/DIR-3: public structures matching every word of `text` (prefixes, any order,
    accents and case ignored; SIRET or SIREN prefix; postcode; city), best first."""
    terms = query_terms(text)
    result = SearchResult(text=text, terms=terms)
    if not terms:
        return result
    rows = _candidates(terms)
    if len(rows) > CANDIDATE_LIMIT:
        result.truncated = True
        rows = rows[:CANDIDATE_LIMIT]
    rows = _ranked(rows, terms, text)
    result.ids = [row[0] for row in rows]
    result.total = len(result.ids)
    # The page's structures come from the rows already read for ranking, as only(*HIT_FIELDS)
    # would have built them: no second read of the same 20 rows.
    result.hits = [
        Structure.from_db(connection.alias, _HIT_COLUMNS, _hit_values(row))
        for row in rows[offset : offset + limit]
    ]
    prefetch_related_objects(result.hits, _services_prefetch())
    return result


def directory_structure_get(*, structure_id: int) -> Structure | None:
    """A public structure with its services, or None (private structures are not in the directory)."""
    return public_structures().prefetch_related(_services_prefetch()).filter(pk=structure_id).first()


def structure_as_dict(structure: Structure) -> dict[str, Any]:
    """The JSON form of a directory entry (command line, API)."""
    return {
        "identifier": structure.identifier,
        "designation": structure.legal_name,
        "label": structure.label,
        "postcode": structure.postcode,
        "city": structure.city,
        "status": structure.status,
        "service_required": structure.service_code_required,
        "engagement_required": structure.engagement_required,
        "service_or_engagement_required": structure.service_or_engagement_required,
        "payment_status_reported": not structure.payment_status_hidden,
        "services": [
            {
                "code": service.code,
                "label": service.label,
                "status": service.status,
                "engagement_required": service.engagement_required,
            }
            for service in structure.services.all()
        ],
    }


# --- Recipient suggestion (BYD-2) ------------------------------------------------------------------

_SIRET_IN_TEXT = re.compile(r"(?<!\d)(\d{3}[ .]?\d{3}[ .]?\d{3}[ .]?\d{5})(?!\d)")
_SIREN_IN_TEXT = re.compile(r"(?<!\d)(\d{3}[ .]?\d{3}[ .]?\d{3})(?![ .]?\d)")
_POSTCODE_IN_TEXT = re.compile(r"(?<![\d.])(\d{5})(?![\d.])|(?<![\d ])(\d{2} \d{3})(?![ \d])")
MAX_SUGGESTION_WORDS = 60
COMMON_WORD_POSTINGS = 5000


@dataclass
class ServiceSuggestion:
    service: StructureService
    score: float


@dataclass
class Suggestion:
    structure: Structure
    score: float
    reasons: list[str]
    services: list[ServiceSuggestion]


def _numbers(pattern: re.Pattern, text: str) -> list[str]:
    return [re.sub(r"\D", "", next(g for g in match.groups() if g)) for match in pattern.finditer(text)]


def _rank_services(
    structure: Structure, text_words: set[str], upper_words: set[str]
) -> list[ServiceSuggestion]:
    ranked = []
    for service in structure.services.all():
        score = 0.0
        if service.code.lower() in text_words or service.code in upper_words:
            score += 5
        label_words = set(words(service.label))
        if label_words:
            score += 3 * len(label_words & text_words) / len(label_words)
        if service.code == "FACTURES_PUBLIQUES":
            score += 0.5
        if service.status == Status.ACTIVE:
            score += 1
        ranked.append(ServiceSuggestion(service=service, score=score))
    ranked.sort(key=lambda s: (-s.score, s.service.code))
    return ranked


def directory_suggest(*, text: str, limit: int = 5) -> list[Suggestion]:
    """BYD-2: the public structures (and their services) an invoice's text most likely names.

    Evidence, strongest first: a valid SIRET of a public structure, a SIREN, rare words of its
    name, its postcode. Used by the deposit to propose the recipient.
    """
    text = text or ""
    sirets = [n for n in _numbers(_SIRET_IN_TEXT, text) if fr_siret.is_valid(n)]
    sirens = [n for n in _numbers(_SIREN_IN_TEXT, text) if fr_siren.is_valid(n)]
    postcodes = set(_numbers(_POSTCODE_IN_TEXT, text))
    text_words = list(dict.fromkeys(w for w in words(text) if not w.isdigit() and len(w) > 2))
    text_words = text_words[:MAX_SUGGESTION_WORDS]
    scores: dict[int, float] = {}
    reasons: dict[int, list[str]] = {}

    def add(pk: int, points: float, reason: str) -> None:
        scores[pk] = scores.get(pk, 0.0) + points
        reasons.setdefault(pk, []).append(reason)

    for pk, identifier in public_structures().filter(identifier__in=sirets).values_list("pk", "identifier"):
        add(pk, 20, f"siret:{identifier}")
    for siren in sirens:
        # A range on the identifier index (startswith is a LIKE that SQLite cannot index).
        same_company = public_structures().filter(_range("identifier", siren))
        for pk in same_company.order_by().values_list("pk", flat=True)[:20]:
            add(pk, 8, f"siren:{siren}")
    postings = dict(
        DirectoryToken.objects.filter(token__in=text_words)
        .values("token")
        .annotate(n=Count("id"))
        .values_list("token", "n")
    )
    # Only relative weights matter: the highest id stands in for the number of structures
    # (an exact COUNT over 150,000 rows cost more than the rest of the suggestion).
    total = max(Structure.objects.order_by("-pk").values_list("pk", flat=True).first() or 1, 1)
    useful = [w for w in text_words if 0 < postings.get(w, 0) <= COMMON_WORD_POSTINGS]
    if useful:
        matches = (
            DirectoryToken.objects.filter(token__in=useful)
            .values_list("structure_id", "token")
            .order_by("structure_id")[:20_000]
        )
        for pk, token in matches:
            add(pk, math.log(1 + total / postings[token]), f"mot:{token}")
    if not scores:
        return []
    # Keep the best candidates, then add what needs their rows: postcode, status.
    best = sorted(scores, key=scores.__getitem__, reverse=True)[:200]
    rows = public_structures().filter(pk__in=best).values_list("pk", "postcode", "status")
    for pk, postcode, status in rows:
        if postcode and postcode in postcodes:
            add(pk, 4, f"code postal:{postcode}")
        if status == Status.ACTIVE:
            scores[pk] += 0.5
    top = sorted(best, key=lambda pk: (-scores[pk], pk))[:limit]
    found = public_structures().filter(pk__in=top).prefetch_related(_services_prefetch()).in_bulk()
    lowered = set(words(text))
    upper_words = set(re.findall(r"[A-Z0-9_]{2,}", text))
    return [
        Suggestion(
            structure=found[pk],
            score=round(scores[pk], 2),
            reasons=reasons[pk],
            services=_rank_services(found[pk], lowered, upper_words),
        )
        for pk in top
        if pk in found
    ]


# --- CSV export ------------------------------------------------------------------------------------


def _structure_cells(s: dict[str, Any]) -> list[str]:
    return [
        s["identifier"],
        s["identifier_type"],
        s["legal_name"],
        s["label"],
        s["address_line1"],
        s["postcode"],
        s["city"],
        s["country"],
        s["status"],
        formats.flag_render(s["service_code_required"]),
        formats.flag_render(s["engagement_required"]),
        formats.flag_render(s["service_or_engagement_required"]),
        formats.flag_render(not s["payment_status_hidden"]),
        formats.flag_render(s["edi_reception"]),
        s["moa_presence"],
    ]


_STRUCTURE_VALUES = (
    "pk", "identifier", "identifier_type", "legal_name", "label", "address_line1", "postcode", "city",
    "country", "status", "service_code_required", "engagement_required", "service_or_engagement_required",
    "payment_status_hidden", "edi_reception", "moa_presence",
)  # fmt: skip
_SERVICE_VALUES = ("structure_id", "code", "label", "start_date", "end_date", "status", "engagement_required")
EXPORT_BATCH = 2000


_NEEDS_QUOTES = re.compile(r'[;"\r\n]')


def _cell(value: str) -> str:
    """One CSV field as csv.QUOTE_MINIMAL writes it with the `;` separator."""
    return '"' + value.replace('"', '""') + '"' if _NEEDS_QUOTES.search(value) else value


def _raw_date(value: Any) -> str:
    """A date as the database driver gives it (ISO text on SQLite, a date on PostgreSQL)."""
    if not value:
        return ""
    if isinstance(value, str):
        return f"{value[8:10]}/{value[5:7]}/{value[0:4]}"
    return formats.date_render(value)


def _service_rows(structure_ids: list[int]) -> Iterator[tuple]:
    """Services of these structures as raw database rows: a national export reads a million of
    them, and Django's per-value converters were a third of its time (docs/perf.md)."""
    query = (
        StructureService.objects.filter(structure_id__in=structure_ids)
        .order_by("structure_id", "pk")
        .values_list(*_SERVICE_VALUES)
    )
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        yield from cursor.fetchall()


def _export_batches(structure_batches: Iterable[list[dict[str, Any]]]) -> Iterator[str]:
    empty_service = ";" * len(formats.SERVICE_COLUMNS) + "\r\n"
    for structures in structure_batches:
        services: dict[int, list[tuple]] = {}
        for row in _service_rows([s["pk"] for s in structures]):
            services.setdefault(row[0], []).append(row)
        lines: list[str] = []
        for structure in structures:
            prefix = ";".join(map(_cell, _structure_cells(structure)))
            own = services.get(structure["pk"])
            if not own:
                lines.append(prefix + empty_service)
                continue
            for _sid, code, label, start, end, status, engagement in own:
                lines.append(
                    f"{prefix};{_cell(code)};{_cell(label)};{_raw_date(start)};{_raw_date(end)};"
                    f"{status};{formats.YES if engagement else formats.NO}\r\n"
                )
        yield "".join(lines)


def _all_batches() -> Iterator[list[dict[str, Any]]]:
    query = public_structures().order_by("identifier", "pk").values(*_STRUCTURE_VALUES)
    batch = list(query[:EXPORT_BATCH])
    while batch:
        yield batch
        last = batch[-1]
        after = Q(identifier__gt=last["identifier"]) | Q(identifier=last["identifier"], pk__gt=last["pk"])
        batch = list(query.filter(after)[:EXPORT_BATCH])


def _id_batches(ids: list[int]) -> Iterator[list[dict[str, Any]]]:
    for chunk in batched(ids, 900):
        found = {
            row["pk"]: row for row in public_structures().filter(pk__in=chunk).values(*_STRUCTURE_VALUES)
        }
        yield [found[pk] for pk in chunk if pk in found]


def directory_export_lines(*, structure_ids: list[int] | None = None) -> Iterator[str]:
    """The directory as CSV text, in pieces of whole CRLF-ended lines (one piece per batch of
    structures; the first starts with the byte-order mark and the title line): the whole
    directory ordered by identifier, or the given structures in the given order."""
    yield "\ufeff" + ";".join(map(_cell, formats.HEADER)) + "\r\n"
    yield from _export_batches(_all_batches() if structure_ids is None else _id_batches(structure_ids))
