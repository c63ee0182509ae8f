"""Writes of the directory: its word index, the import/refresh from a CSV file (DIR-2), the generator.

The directory's records are the organisation app's public `Structure` and `StructureService`; the
import writes them in bulk (a national file holds 150,000 structures and a million services), in
one transaction, after every line has been checked.
"""

from __future__ import annotations

import csv
import hashlib
import io
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openchorus.audit.services import audit_event_add
from openchorus.core.errors import ApplicationError
from openchorus.core.identifiers import IdentifierType, identifier_validate
from openchorus.directory import formats, synthetic
from openchorus.directory.chunks import batched
from openchorus.directory.models import DirectoryToken
from openchorus.directory.tokens import structure_tokens
from openchorus.structures.enums import MoaPresence, Status, StructureKind
from openchorus.structures.models import Structure, StructureService
from openchorus.structures.services.structures import _search_text

CHUNK = 900  # ids per IN (…) clause, under SQLite's variable limit with room to spare
MAX_REPORTED_ERRORS = 20
AUDIT_STREAM = "directory"

STRUCTURE_KEYS = [key for _title, key in formats.STRUCTURE_COLUMNS]
# Structure fields the file sets (payment_status_reported is stored inverted as payment_status_hidden).
STRUCTURE_FIELDS = [
    "legal_name", "label", "address_line1", "postcode", "city", "country", "status",
    "service_code_required", "engagement_required", "service_or_engagement_required",
    "payment_status_hidden", "edi_reception", "moa_presence",
]  # fmt: skip
TOKEN_FIELDS = {"legal_name", "label", "city", "postcode"}
SERVICE_FIELDS = ["label", "start_date", "end_date", "status", "engagement_required"]
STATUSES = frozenset(Status.values)
MOA_VALUES = frozenset(MoaPresence.values)
STRUCTURE_TITLES = {key: title for title, key in formats.STRUCTURE_COLUMNS}
SERVICE_TITLES = {key: title for title, key in formats.SERVICE_COLUMNS}
MAX_LENGTHS = {
    "legal_name": 200, "label": 200, "address_line1": 200, "postcode": 20, "city": 100,
    "service_code": 100, "service_label": 200,
}  # fmt: skip


# --- Word index ------------------------------------------------------------------------------------


def _insert(model, columns: list[str], rows: list[tuple]) -> int:
    """Plain multi-row INSERT of prepared values.

    Used for the million services and index words of a national import: Django's bulk_create
    builds and prepares a model per row, which was three quarters of the import's time
    (docs/adr/0002-directory-search.md). Values must already be in database form (`_db_date`).
    """
    if not rows:
        return 0
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(model._meta.get_field(name).column) for name in columns)
    if connection.vendor == "postgresql":
        # COPY: the same rows, an order of magnitude faster than INSERT statements there.
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return len(rows)
    row_markers = "(" + ", ".join(["%s"] * len(columns)) + ")"
    # Multi-row VALUES, as many rows per statement as SQLite's parameter limit allows.
    per_statement = min(1000, (connection.features.max_query_params or 30000) // len(columns))
    with connection.cursor() as cursor:
        for chunk in batched(rows, per_statement):
            values = ", ".join([row_markers] * len(chunk))
            sql = f"INSERT INTO {table} ({names}) VALUES {values}"  # noqa: S608 (names from _meta)
            cursor.execute(sql, [value for row in chunk for value in row])
    return len(rows)


def _db_date(value: date | None):
    return connection.ops.adapt_datefield_value(value)


def _token_rows(rows: Iterable[dict[str, Any]]) -> list[tuple[str, int]]:
    return [
        (token, row["id"])
        for row in rows
        for token in structure_tokens(
            legal_name=row["legal_name"],
            label=row["label"],
            city=row["city"],
            postcode=row["postcode"],
            identifier=row["identifier"],
        )
    ]


def _insert_tokens(rows: Iterable[dict[str, Any]]) -> int:
    return _insert(DirectoryToken, ["token", "structure"], _token_rows(rows))


def _insert_services(rows: list[tuple]) -> int:
    """rows: (structure_id, code, label, start_date, end_date, status, engagement_required)."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    prepared = [
        (sid, code, label, "", _db_date(start), _db_date(end), status, engagement, now, now)
        for sid, code, label, start, end, status, engagement in rows
    ]
    columns = ["structure", "code", "label", "description", "start_date", "end_date", "status",
               "engagement_required", "created_at", "updated_at"]  # fmt: skip
    return _insert(StructureService, columns, prepared)


_INDEX_VALUES = ("id", "legal_name", "label", "city", "postcode", "identifier")


@transaction.atomic
def directory_index_refresh(*, structure_ids: Iterable[int] | None = None) -> int:
    """Rebuild the word index of these structures (of every structure when None).

    The organisation services call it after creating or renaming a structure; private structures
    are never indexed. Returns the number of index entries written.
    """
    written = 0
    public = Structure.objects.filter(kind=StructureKind.PUBLIC)
    if structure_ids is None:
        DirectoryToken.objects.all().delete()
        last = 0
        while rows := list(public.filter(pk__gt=last).order_by("pk").values(*_INDEX_VALUES)[:5000]):
            written += _insert_tokens(rows)
            last = rows[-1]["id"]
        return written
    for chunk in batched(sorted(set(structure_ids)), CHUNK):
        DirectoryToken.objects.filter(structure_id__in=chunk).delete()
        written += _insert_tokens(public.filter(pk__in=chunk).order_by().values(*_INDEX_VALUES))
    return written


# --- Import / refresh (DIR-2) ----------------------------------------------------------------------


@dataclass
class ImportReport:
    lines: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    services_created: int = 0
    services_updated: int = 0
    services_deactivated: int = 0
    sha256: str = ""

    def as_dict(self) -> dict[str, int | str]:
        return dict(self.__dict__)


@dataclass
class _ServiceRow:
    line: int
    values: dict[str, Any]


@dataclass
class _StructureRow:
    line: int
    values: dict[str, Any]
    services: dict[str, _ServiceRow] = field(default_factory=dict)


class _Errors:
    """Line-level errors, collected so that one run of the import reports several at once."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def add(self, line: int, message: str) -> None:
        self.items.append({"line": line, "message": message})
        if len(self.items) >= MAX_REPORTED_ERRORS:
            self.raise_if_any()

    def raise_if_any(self) -> None:
        if not self.items:
            return
        text = "\n".join(_("Ligne %(line)d : %(message)s") % item for item in self.items)
        raise ApplicationError(
            _("Le fichier n'a pas été importé ; rien n'a été modifié.") + "\n" + text,
            extra={"code": "invalid_file", "errors": self.items},
        )


def _flag(errors: _Errors, line: int, title: str, raw: str) -> bool:
    value = formats.flag_parse(raw)
    if value is None:
        errors.add(
            line,
            _("valeur « %(value)s » inconnue dans la colonne « %(column)s » (attendu : oui ou non).")
            % {"value": raw, "column": title},
        )
        return False
    return value


def _length(errors: _Errors, line: int, title: str, value: str, key: str) -> str:
    if len(value) > MAX_LENGTHS[key]:
        errors.add(
            line,
            _("la colonne « %(column)s » dépasse %(max)d caractères.")
            % {"column": title, "max": MAX_LENGTHS[key]},
        )
    return value


def _structure_values(errors: _Errors, line: int, cells: dict[str, str]) -> dict[str, Any] | None:
    titles = STRUCTURE_TITLES
    identifier_type = cells["identifier_type"].strip().upper() or IdentifierType.SIRET
    try:
        identifier = identifier_validate(identifier_type, cells["identifier"])
    except ApplicationError as error:
        errors.add(line, str(error.message))
        return None
    values: dict[str, Any] = {"identifier_type": identifier_type, "identifier": identifier}
    for key in ("legal_name", "label", "address_line1", "postcode", "city"):
        values[key] = _length(errors, line, titles[key], " ".join(cells[key].split()), key)
    if not values["legal_name"]:
        errors.add(line, _("la raison sociale est obligatoire."))
    values["country"] = cells["country"].strip().upper() or "FR"
    if len(values["country"]) != 2 or not values["country"].isalpha():
        errors.add(
            line,
            _("le pays « %(value)s » n'est pas un code pays à deux lettres.") % {"value": cells["country"]},
        )
    values["status"] = cells["status"].strip().upper() or Status.ACTIVE
    if values["status"] not in STATUSES:
        errors.add(
            line, _("statut « %(value)s » inconnu (attendu : ACTIF ou INACTIF).") % {"value": cells["status"]}
        )
    for key in formats.STRUCTURE_FLAGS:
        values[key] = _flag(errors, line, titles[key], cells[key])
    values["payment_status_hidden"] = not values.pop("payment_status_reported")
    values["moa_presence"] = cells["moa_presence"].strip().upper()
    if values["moa_presence"] and values["moa_presence"] not in MOA_VALUES:
        errors.add(
            line,
            _("présence MOA « %(value)s » inconnue (attendu : %(choices)s ou vide).")
            % {"value": cells["moa_presence"], "choices": ", ".join(MoaPresence.values)},
        )
    return values


def _service_values(errors: _Errors, line: int, cells: dict[str, str]) -> dict[str, Any] | None:
    titles = SERVICE_TITLES
    code = cells["code"].strip().upper()
    if not code:
        if any(cells[key].strip() for _title, key in formats.SERVICE_COLUMNS):
            errors.add(line, _("un service est décrit sans code service."))
        return None
    values: dict[str, Any] = {
        "code": _length(errors, line, titles["code"], code, "service_code"),
        "label": _length(errors, line, titles["label"], " ".join(cells["label"].split()), "service_label"),
    }
    if not values["label"]:
        errors.add(line, _("le libellé du service %(code)s est obligatoire.") % {"code": code})
    for key in ("start_date", "end_date"):
        try:
            values[key] = formats.date_parse(cells[key])
        except ValueError:
            errors.add(
                line,
                _("date « %(value)s » illisible dans la colonne « %(column)s » (attendu : JJ/MM/AAAA).")
                % {"value": cells[key], "column": titles[key]},
            )
            values[key] = None
    if values["start_date"] and values["end_date"] and values["end_date"] <= values["start_date"]:
        errors.add(
            line, _("la date de fin du service %(code)s doit suivre sa date de début.") % {"code": code}
        )
    values["status"] = cells["status"].strip().upper() or Status.ACTIVE
    if values["status"] not in STATUSES:
        errors.add(
            line,
            _("statut du service « %(value)s » inconnu (attendu : ACTIF ou INACTIF).")
            % {"value": cells["status"]},
        )
    values["engagement_required"] = _flag(
        errors, line, titles["engagement_required"], cells["engagement_required"]
    )
    return values


def _read(source: IO[bytes], errors: _Errors) -> tuple[dict[tuple[str, str], _StructureRow], int]:
    """Check every line; return the structures (in file order) and the number of data lines."""
    text = io.TextIOWrapper(source, encoding=formats.ENCODING, newline="")
    reader = csv.reader(text, delimiter=formats.DELIMITER)
    try:
        header = [title.strip() for title in next(reader, [])]
    except UnicodeDecodeError:
        raise ApplicationError(
            _("Le fichier doit être encodé en UTF-8."), extra={"code": "encoding"}
        ) from None
    missing = [title for title in formats.HEADER if title not in header]
    if missing:
        errors.add(1, _("colonne(s) manquante(s) : %(columns)s.") % {"columns": ", ".join(missing)})
        errors.raise_if_any()
    position = {title: header.index(title) for title in formats.HEADER}
    structures: dict[tuple[str, str], _StructureRow] = {}
    lines = 0
    previous_raw: tuple[str, ...] | None = None
    previous_values: dict[str, Any] | None = None
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            lines += 1
            if len(row) < len(header):
                row = row + [""] * (len(header) - len(row))
            raw = tuple(row[position[title]] for title, _key in formats.STRUCTURE_COLUMNS)
            # A structure's lines follow one another with the same cells: check them once.
            if raw != previous_raw:
                struct_cells = dict(zip(STRUCTURE_KEYS, raw, strict=True))
                previous_raw, previous_values = raw, _structure_values(errors, line, struct_cells)
            values = previous_values
            service_cells = {key: row[position[title]] for title, key in formats.SERVICE_COLUMNS}
            service = _service_values(errors, line, service_cells)
            if values is None:
                continue
            key = (values["identifier_type"], values["identifier"])
            record = structures.get(key)
            if record is None:
                record = structures[key] = _StructureRow(line=line, values=values)
            elif record.values != values:
                errors.add(
                    line,
                    _("la structure %(identifier)s est décrite autrement qu'à la ligne %(first)d.")
                    % {"identifier": values["identifier"], "first": record.line},
                )
            if service is None:
                continue
            earlier = record.services.get(service["code"])
            if earlier is not None:
                errors.add(
                    line,
                    _(
                        "le code service %(code)s apparaît deux fois pour la structure %(identifier)s (déjà ligne %(first)d)."
                    )
                    % {"code": service["code"], "identifier": values["identifier"], "first": earlier.line},
                )
                continue
            record.services[service["code"]] = _ServiceRow(line=line, values=service)
    except UnicodeDecodeError:
        raise ApplicationError(
            _("Le fichier doit être encodé en UTF-8."), extra={"code": "encoding"}
        ) from None
    except csv.Error as error:
        errors.add(reader.line_num, _("ligne CSV illisible (%(reason)s).") % {"reason": error})
    finally:
        text.detach()
    errors.raise_if_any()
    return structures, lines


ANALYZE_AFTER = 10_000


def _analyze() -> None:
    """Fresh planner statistics after a bulk load: PostgreSQL planned the search's word checks
    as nested loops over thousands of rows with the statistics of an empty table (220 ms
    instead of 1 ms a query)."""
    with connection.cursor() as cursor:
        for model in (Structure, StructureService, DirectoryToken):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


class _HashingReader(io.RawIOBase):
    """Passes bytes through while computing their SHA-256 (recorded in the audit event)."""

    def __init__(self, source: IO[bytes]) -> None:
        self.source = source
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.source.read(len(buffer))
        self.digest.update(data)
        buffer[: len(data)] = data
        return len(data)


def directory_import(*, source: IO[bytes] | str | Path, full: bool = False, actor=None) -> ImportReport:
    """Create or update public structures and services from a directory CSV file (DIR-2).

    All or nothing: every line is checked first, and a refused file changes nothing. Importing the
    same file twice changes nothing the second time. With `full`, the file is the whole directory:
    public structures and services absent from it become INACTIF (never deleted).
    """
    if isinstance(source, str | Path):
        with Path(source).open("rb") as handle:
            return directory_import(source=handle, full=full, actor=actor)
    hashing = _HashingReader(source)
    errors = _Errors()
    records, lines = _read(io.BufferedReader(hashing, buffer_size=1 << 20), errors)
    report = ImportReport(lines=lines, sha256=hashing.digest.hexdigest())
    with transaction.atomic():
        _apply(records, full=full, report=report, errors=errors)
        errors.raise_if_any()
        if report.created + report.updated + report.services_created > ANALYZE_AFTER:
            _analyze()
        audit_event_add(
            stream=AUDIT_STREAM,
            actor=actor,
            action="directory.import_full" if full else "directory.import",
            object_type="directory",
            object_id=report.sha256,
            after=report.as_dict(),
        )
    return report


def _apply(
    records: dict[tuple[str, str], _StructureRow], *, full: bool, report: ImportReport, errors: _Errors
) -> None:
    """Write what differs from the database, in chunks of structures (rows are compared as plain
    values: building a model per unchanged row cost most of a national refresh's time)."""
    now = timezone.now()
    today = timezone.localdate()
    seen: set[int] = set()
    reindex: list[int] = []
    for keys in batched(records, CHUNK):
        existing = {
            (row["identifier_type"], row["identifier"]): row
            for row in Structure.objects.filter(identifier__in=[k[1] for k in keys])
            .order_by()
            .values("id", "kind", "identifier_type", "identifier", *STRUCTURE_FIELDS)
        }
        to_create, to_update = [], []
        pks: dict[tuple[str, str], int] = {}
        for key in keys:
            record = records[key]
            current = existing.get(key)
            if current is None:
                structure = Structure(kind=StructureKind.PUBLIC, **record.values)
                structure.search_text = _search_text(structure)
                to_create.append(structure)
                continue
            if current["kind"] != StructureKind.PUBLIC:
                errors.add(
                    record.line,
                    _("la structure %(identifier)s existe déjà comme structure privée.")
                    % {"identifier": current["identifier"]},
                )
                continue
            pks[key] = current["id"]
            seen.add(current["id"])
            changed = [name for name in STRUCTURE_FIELDS if current[name] != record.values[name]]
            if not changed:
                report.unchanged += 1
                continue
            structure = Structure(pk=current["id"], kind=StructureKind.PUBLIC, **record.values)
            structure.search_text = _search_text(structure)
            structure.updated_at = now
            to_update.append(structure)
            if TOKEN_FIELDS.intersection(changed):
                reindex.append(current["id"])
        Structure.objects.bulk_create(to_create, batch_size=500)
        Structure.objects.bulk_update(
            to_update, [*STRUCTURE_FIELDS, "search_text", "updated_at"], batch_size=500
        )
        report.created += len(to_create)
        report.updated += len(to_update)
        for structure in to_create:
            pks[(structure.identifier_type, structure.identifier)] = structure.pk
            seen.add(structure.pk)
        # New structures have no index entries yet: write them from memory, no re-read.
        _insert_tokens({"id": s.pk, **{k: getattr(s, k) for k in _INDEX_VALUES[1:]}} for s in to_create)
        _apply_services(
            [(pks[key], records[key]) for key in keys if key in pks],
            full=full,
            report=report,
            now=now,
            today=today,
        )
    directory_index_refresh(structure_ids=reindex)
    if full:
        absent = [
            pk
            for pk in Structure.objects.filter(kind=StructureKind.PUBLIC, status=Status.ACTIVE)
            .order_by()
            .values_list("pk", flat=True)
            if pk not in seen
        ]
        for chunk in batched(absent, CHUNK):
            report.deactivated += Structure.objects.filter(pk__in=chunk).update(
                status=Status.INACTIVE, updated_at=now
            )


def _apply_services(
    pairs: list[tuple[int, _StructureRow]], *, full: bool, report: ImportReport, now, today
) -> None:
    existing: dict[tuple[int, str], tuple] = {
        (row[1], row[2]): row
        for row in StructureService.objects.filter(structure_id__in=[pk for pk, _record in pairs])
        .order_by()
        .values_list("id", "structure_id", "code", *SERVICE_FIELDS)
    }
    to_create, to_update = [], []
    for structure_id, record in pairs:
        for code, row in record.services.items():
            values = dict(row.values)
            current = existing.pop((structure_id, code), None)
            if current is None:
                to_create.append(
                    (structure_id, code, values["label"], values["start_date"] or today, values["end_date"],
                     values["status"], values["engagement_required"])
                )  # fmt: skip
                continue
            stored = dict(zip(SERVICE_FIELDS, current[3:], strict=True))
            values["start_date"] = values["start_date"] or stored["start_date"]
            if any(stored[name] != values[name] for name in SERVICE_FIELDS):
                service = StructureService(pk=current[0], structure_id=structure_id, **values)
                service.updated_at = now
                to_update.append(service)
    _insert_services(to_create)
    StructureService.objects.bulk_update(to_update, [*SERVICE_FIELDS, "updated_at"], batch_size=500)
    report.services_created += len(to_create)
    report.services_updated += len(to_update)
    if full:
        # Services of a structure in the file but not listed under it any more: INACTIF, kept.
        gone = [
            row[0] for row in existing.values() if row[3 + SERVICE_FIELDS.index("status")] == Status.ACTIVE
        ]
        for chunk in batched(gone, CHUNK):
            report.services_deactivated += StructureService.objects.filter(pk__in=chunk).update(
                status=Status.INACTIVE, updated_at=now
            )


# --- Synthetic directory for benchmarks ------------------------------------------------------------


@dataclass
class GenerateReport:
    structures: int
    services: int


def directory_generate(*, structures: int, services: int, seed: int = 0) -> GenerateReport:
    """Add a synthetic national-size directory: valid SIRETs, realistic names and services.

    The same seed gives the same directory; identifiers already present are skipped.
    """
    if structures < 0 or services < 0:
        raise ApplicationError(_("Les nombres de structures et de services doivent être positifs."))
    rng = random.Random(seed)  # noqa: S311 (synthetic benchmark data, not a secret)
    existing = set(Structure.objects.values_list("identifier", flat=True))
    counts = synthetic.service_counts(rng, structures, services)
    made_structures = made_services = 0
    today = date(2017, 1, 1)
    with transaction.atomic():
        for batch in batched(synthetic.structures(rng, structures, existing), 2000):
            objects = []
            for values in batch:
                structure = Structure(
                    kind=StructureKind.PUBLIC, identifier_type=IdentifierType.SIRET, **values
                )
                structure.search_text = _search_text(structure)
                objects.append(structure)
            Structure.objects.bulk_create(objects, batch_size=500)
            rows = [{"id": s.pk, **{k: getattr(s, k) for k in _INDEX_VALUES[1:]}} for s in objects]
            _insert_tokens(rows)
            service_rows = [
                (structure.pk, v["code"], v["label"], today, None, v["status"], v["engagement_required"])
                for structure in objects
                for v in synthetic.services(rng, counts.pop())
            ]
            made_services += _insert_services(service_rows)
            made_structures += len(objects)
    return GenerateReport(structures=made_structures, services=made_services)
