"""Appending to and verifying the audit trail."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import datetime
from decimal import Decimal
from itertools import groupby
from typing import IO, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from openchorus.audit.models import AuditChainHead, AuditEvent
from openchorus.core.models import StoredFile
from openchorus.core.storage import StoredFileCorruptedError, stored_file_read

GENESIS = "0" * 64


def _canonical(value: Any) -> Any:
    """JSON-safe, deterministic form of a snapshot (dates ISO, Decimals as strings)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True))


def event_hash(*, previous_hash: str, fields: dict[str, Any]) -> str:
    payload = json.dumps({"previous": previous_hash, **fields}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def _hashed_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "stream": event.stream,
        "sequence": event.sequence,
        "created_at": event.created_at.isoformat(),
        "actor": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "before": event.before,
        "after": event.after,
    }


def audit_event_build(
    *,
    head: AuditChainHead,
    actor,
    action: str,
    obj: Any = None,
    object_type: str = "",
    object_id: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """The next event of `head`'s chain, hashed, and `head` moved on to it; nothing is written."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    event = AuditEvent(
        stream=head.stream,
        sequence=head.length + 1,
        created_at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=(getattr(actor, "email", "") or "plateforme") if actor is not None else "plateforme",
        action=action,
        object_type=object_type,
        object_id=object_id,
        before=_canonical(before) if before is not None else None,
        after=_canonical(after) if after is not None else None,
        previous_hash=head.last_hash,
    )
    event.hash = event_hash(previous_hash=event.previous_hash, fields=_hashed_fields(event))
    head.last_hash, head.length = event.hash, event.sequence
    return event


def audit_stream_new(stream: str) -> AuditChainHead:
    """The head of a chain not written yet (its first event is being added)."""
    return AuditChainHead(stream=stream, last_hash=GENESIS, length=0)


@transaction.atomic(savepoint=False)
def audit_event_add(
    *,
    stream: str,
    actor,
    action: str,
    obj: Any = None,
    object_type: str = "",
    object_id: str = "",
    before: dict | None = None,
    after: dict | None = None,
    new_stream: bool = False,
) -> AuditEvent:
    """Append one event to a stream's chain, inside the caller's transaction. `new_stream` is for
    the first event of an object created in that transaction: its chain head is inserted without
    being looked for (an existing one makes the insert fail)."""
    if new_stream:
        head = audit_stream_new(stream)
    else:
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            stream=stream, defaults={"last_hash": GENESIS, "length": 0}
        )
    event = audit_event_build(
        head=head,
        actor=actor,
        action=action,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        before=before,
        after=after,
    )
    event.save()
    if new_stream:
        head.save(force_insert=True)
    else:
        head.save(update_fields=["last_hash", "length"])
    return event


class AuditBatch:
    """Events of streams all new in the caller's transaction (the invoices of an EDI batch), built
    in memory exactly as `audit_event_add` builds them and written by `write` in two statements: the
    events, then the chain heads (a stream that already existed makes that insert fail)."""

    def __init__(self) -> None:
        self.heads: dict[str, AuditChainHead] = {}
        self.events: list[AuditEvent] = []

    def add(self, *, stream: str, **event: Any) -> AuditEvent:
        head = self.heads.get(stream)
        if head is None:
            head = self.heads[stream] = audit_stream_new(stream)
        built = audit_event_build(head=head, **event)
        self.events.append(built)
        return built

    def write(self) -> None:
        AuditEvent.objects.bulk_create(self.events)
        AuditChainHead.objects.bulk_create(self.heads.values())


@dataclass(frozen=True)
class ChainVerdict:
    stream: str
    valid: bool
    length: int
    broken_at: int | None = None
    reason: str = ""


def audit_chain_verify(*, stream: str) -> ChainVerdict:
    """Recompute every hash of a stream; report the first event that does not match."""
    previous = GENESIS
    count = 0
    for count, event in enumerate(AuditEvent.objects.filter(stream=stream).order_by("sequence"), start=1):
        if event.sequence != count:
            return ChainVerdict(stream, False, count, event.sequence, "missing event before this one")
        if event.previous_hash != previous:
            return ChainVerdict(stream, False, count, event.sequence, "previous hash does not match")
        if event_hash(previous_hash=previous, fields=_hashed_fields(event)) != event.hash:
            return ChainVerdict(stream, False, count, event.sequence, "content was altered")
        previous = event.hash
    head = AuditChainHead.objects.filter(stream=stream).first()
    if head and (head.length != count or head.last_hash != previous):
        return ChainVerdict(stream, False, count, count + 1, "events were removed from the end")
    return ChainVerdict(stream, True, count)


def snapshot(obj, fields: list[str]) -> dict[str, Any]:
    """The audited state of a model instance: the named fields, JSON-safe."""
    values: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        if hasattr(value, "pk"):
            value = value.pk
        elif isinstance(value, Decimal | datetime):
            value = str(value)
        values[name] = value
    return _canonical(values)


# --- Whole-trail verification and export (`openchorus audit verify|export`) -----------------------

# What an export's header promises, so that anyone can check the file without OpenChorus (BYD-5).
EXPORT_FORMAT = "openchorus-audit-export"
EXPORT_VERSION = 1
HASHED_FIELDS = (
    "stream", "sequence", "created_at", "actor", "action", "object_type", "object_id", "before", "after",
)  # fmt: skip
CANONICAL_FORM = (
    "hash = SHA-256 (lowercase hex) of the UTF-8 bytes of the JSON object made of the event's "
    "hashed_fields plus 'previous' (the previous event's hash, the genesis value for the first "
    "event of a stream), keys sorted, separators ',' and ':' with no spaces, non-ASCII characters "
    "escaped as \\u and four hex digits (Python json.dumps(obj, sort_keys=True, separators=(',', ':')))"
)
# The events of this many streams are read between two reads of their chain heads.
STREAM_BATCH = 500
_SHA256 = re.compile(r"[0-9a-f]{64}")
_EVENT_COLUMNS = (
    "stream", "sequence", "created_at", "actor_label", "action", "object_type", "object_id", "before",
    "after", "previous_hash", "hash",
)  # fmt: skip


@dataclass(frozen=True)
class BrokenLink:
    """Where a chain (or a file it vouches for) stops being trustworthy, and why."""

    stream: str
    sequence: int
    action: str
    reason: str  # "content altered", "previous hash mismatch", "missing event", "truncated", …
    detail: str = ""

    def __str__(self) -> str:
        action = f", action {self.action}" if self.action else ""
        detail = f" ({self.detail})" if self.detail else ""
        return f"stream {self.stream}, sequence {self.sequence}{action}: {self.reason}{detail}"


@dataclass
class TrailReport:
    """The outcome of verifying the whole trail (or an export of it)."""

    streams: int = 0
    events: int = 0
    files_checked: int = 0
    files_not_stored: int = 0
    broken: list[BrokenLink] = dataclass_field(default_factory=list)
    broken_streams: int = 0

    @property
    def valid(self) -> bool:
        return not self.broken


def event_fields(row: dict[str, Any]) -> dict[str, Any]:
    """The hashed fields of an event read as a dict of its columns (same as `_hashed_fields`)."""
    return {
        "stream": row["stream"],
        "sequence": row["sequence"],
        "created_at": row["created_at"].isoformat(),
        "actor": row["actor_label"],
        "action": row["action"],
        "object_type": row["object_type"],
        "object_id": row["object_id"],
        "before": row["before"],
        "after": row["after"],
    }


class ChainChecker:
    """Checks one stream's events in order; shared by the database and the offline verifications."""

    def __init__(self, stream: str):
        self.stream = stream
        self.length = 0
        self.previous = GENESIS
        self.last_action = ""

    def add(self, *, fields: dict[str, Any], previous_hash: str, digest: str) -> BrokenLink | None:
        sequence, action = fields["sequence"], fields["action"]
        expected = self.length + 1
        if sequence != expected:
            return BrokenLink(
                self.stream, sequence, action, "missing event",
                f"sequence {expected} expected" if sequence > expected else f"sequence {expected} expected, "
                f"found {sequence} again or out of order",
            )  # fmt: skip
        if previous_hash != self.previous:
            return BrokenLink(
                self.stream, sequence, action, "previous hash mismatch",
                "the previous event was altered or replaced" if sequence > 1 else "the first event does not "
                "start from the genesis hash",
            )  # fmt: skip
        if event_hash(previous_hash=previous_hash, fields=fields) != digest:
            return BrokenLink(self.stream, sequence, action, "content altered", "its hash does not match")
        self.length, self.previous, self.last_action = sequence, digest, action
        return None

    def close(self, *, head_length: int | None, head_hash: str | None) -> BrokenLink | None:
        """Compare the end of the chain with its head (the last hash the platform recorded)."""
        if head_length is None:
            return BrokenLink(
                self.stream, self.length, self.last_action, "chain head missing",
                "no recorded head for this stream",
            )  # fmt: skip
        if head_length != self.length or head_hash != self.previous:
            return BrokenLink(
                self.stream, self.length + 1, "", "truncated",
                f"the head records {head_length} event(s), {self.length} found intact",
            )  # fmt: skip
        return None


def recorded_file_hashes(values: Any) -> set[str]:
    """The SHA-256 of files an event vouches for: `files` maps, `sha256` and `document` values."""
    found: set[str] = set()
    if not isinstance(values, dict):
        return found
    for key, value in values.items():
        if key == "files" and isinstance(value, dict):
            found.update(v for v in value.values() if isinstance(v, str) and _SHA256.fullmatch(v))
        elif key in ("sha256", "document") and isinstance(value, str) and _SHA256.fullmatch(value):
            found.add(value)
    return found


def audit_streams(*, stream: str | None = None) -> Iterator[tuple[str, list[dict[str, Any]], dict | None]]:
    """Every stream with its events in order and its head: one ordered scan of the events, the heads
    read per batch of streams (never one query per stream). Heads without any event come last."""
    events = AuditEvent.objects.order_by("stream", "sequence")
    if stream is not None:
        events = events.filter(stream=stream)
    rows = events.values(*_EVENT_COLUMNS).iterator(chunk_size=5000)
    batch: list[tuple[str, list[dict[str, Any]]]] = []

    def flush():
        heads = {
            head["stream"]: head
            for head in AuditChainHead.objects.filter(stream__in=[name for name, _ in batch]).values(
                "stream", "length", "last_hash"
            )
        }
        for name, stream_events in batch:
            yield name, stream_events, heads.get(name)
        batch.clear()

    for name, group in groupby(rows, key=lambda row: row["stream"]):
        batch.append((name, list(group)))
        if len(batch) >= STREAM_BATCH:
            yield from flush()
    if batch:
        yield from flush()
    orphans = AuditChainHead.objects.filter(length__gt=0).exclude(
        Exists(AuditEvent.objects.filter(stream=OuterRef("stream")))
    )
    if stream is not None:
        orphans = orphans.filter(stream=stream)
    for head in orphans.order_by("stream").values("stream", "length", "last_hash").iterator():
        yield head["stream"], [], head


def _file_problem(stored: StoredFile | None) -> str:
    if stored is None:
        return ""
    try:
        stored_file_read(stored)
    except StoredFileCorruptedError:
        return "file altered"
    except OSError:
        return "file missing from storage"
    return ""


def audit_trail_verify(*, stream: str | None = None, files: bool = True) -> TrailReport:
    """Verify every chain (or one), then the stored files whose hashes the events record."""
    report = TrailReport()
    pending: dict[str, BrokenLink] = {}  # file hash -> the first event vouching for it
    checked: set[str] = set()  # hashes already read; cleared when large (a re-read is harmless)
    for name, events, head in audit_streams(stream=stream):
        report.streams += 1
        report.events += len(events)
        checker = ChainChecker(name)
        broken = None
        for row in events:
            broken = checker.add(
                fields=event_fields(row), previous_hash=row["previous_hash"], digest=row["hash"]
            )
            if broken:
                break
            if files:
                for sha in recorded_file_hashes(row["after"]) | recorded_file_hashes(row["before"]):
                    if sha not in checked:
                        pending.setdefault(sha, BrokenLink(name, row["sequence"], row["action"], ""))
        if broken is None:
            broken = checker.close(
                head_length=head["length"] if head else None, head_hash=head["last_hash"] if head else None
            )
        if broken is not None:
            report.broken_streams += 1
            report.broken.append(broken)
        if len(pending) >= 1000:
            _files_verify(pending, checked, report)
    _files_verify(pending, checked, report)
    return report


def _files_verify(pending: dict[str, BrokenLink], checked: set[str], report: TrailReport) -> None:
    """Read back the stored files of `pending` (one query per batch) and check their SHA-256."""
    if not pending:
        return
    if len(checked) > 200_000:
        checked.clear()
    stored_by_sha = {f.sha256: f for f in StoredFile.objects.filter(sha256__in=list(pending))}
    for sha, where in pending.items():
        checked.add(sha)
        stored = stored_by_sha.get(sha)
        if stored is None:  # recorded by an event, not held here (e.g. an export from elsewhere)
            report.files_not_stored += 1
            continue
        report.files_checked += 1
        if problem := _file_problem(stored):
            report.broken_streams += 1
            report.broken.append(
                BrokenLink(where.stream, where.sequence, where.action, problem, f"SHA-256 {sha}")
            )
    pending.clear()


def _export_line(value: dict[str, Any]) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode() + b"\n"


def audit_trail_export(*, output: IO[bytes], stream: str | None = None) -> TrailReport:
    """Write the trail (or one stream) as JSON Lines anyone can verify with no database (BYD-5):
    a header (algorithm, canonical form), each stream's events then its head, and a closing line
    with the counts and the SHA-256 of every byte before it."""
    report = TrailReport()
    whole = hashlib.sha256()

    def write(value: dict[str, Any]) -> None:
        line = _export_line(value)
        whole.update(line)
        output.write(line)

    write(
        {
            "type": "header",
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "hash_algorithm": "sha256",
            "genesis": GENESIS,
            "hashed_fields": list(HASHED_FIELDS),
            "previous_key": "previous",
            "canonical_form": CANONICAL_FORM,
            "stream": stream,
            "exported_at": timezone.now().isoformat(),
        }
    )
    for name, events, head in audit_streams(stream=stream):
        report.streams += 1
        for row in events:
            report.events += 1
            write(
                {
                    "type": "event",
                    **event_fields(row),
                    "previous_hash": row["previous_hash"],
                    "hash": row["hash"],
                }
            )
        write(
            {
                "type": "head",
                "stream": name,
                "length": head["length"] if head else None,
                "last_hash": head["last_hash"] if head else None,
            }
        )
    output.write(
        _export_line(
            {"type": "end", "streams": report.streams, "events": report.events, "sha256": whole.hexdigest()}
        )
    )
    return report


def audit_export_verify(*, source: IO[bytes]) -> TrailReport:
    """Verify an export offline: nothing but the file (no database, no settings)."""
    report = TrailReport()
    whole = hashlib.sha256()
    checker: ChainChecker | None = None
    skip = ""  # a broken stream's remaining events are not judged again
    end: dict[str, Any] | None = None

    def fail(link: BrokenLink) -> TrailReport:
        report.broken_streams += 1
        report.broken.append(link)
        return report

    for number, line in enumerate(source, start=1):
        try:
            record = json.loads(line)
        except (UnicodeDecodeError, json.JSONDecodeError):
            record = None
        if not isinstance(record, dict) or end is not None:
            where = f"line {number}"
            return fail(BrokenLink(where, 0, "", "unreadable line" if end is None else "data after the end"))
        kind = record.get("type")
        if number == 1:
            if (kind, record.get("format"), record.get("version")) != (
                "header",
                EXPORT_FORMAT,
                EXPORT_VERSION,
            ) or (record.get("hash_algorithm"), record.get("hashed_fields"), record.get("genesis")) != (
                "sha256",
                list(HASHED_FIELDS),
                GENESIS,
            ):
                return fail(BrokenLink("line 1", 0, "", "not an OpenChorus audit export (version 1)"))
        elif kind == "event":
            name = str(record.get("stream"))
            if checker is None or checker.stream != name:
                if checker is not None and skip != checker.stream:
                    fail(
                        BrokenLink(
                            checker.stream, checker.length + 1, "", "truncated", "its head line is missing"
                        )
                    )
                checker, skip = ChainChecker(name), ""
                report.streams += 1
            report.events += 1
            if skip == name:
                continue
            try:
                fields = {key: record[key] for key in HASHED_FIELDS}
                broken = checker.add(
                    fields=fields, previous_hash=record["previous_hash"], digest=record["hash"]
                )
            except (KeyError, TypeError):
                broken = BrokenLink(
                    name, int(record.get("sequence") or 0), "", "unreadable event", f"line {number}"
                )
            if broken:
                fail(broken)
                skip = name
        elif kind == "head":
            name = str(record.get("stream"))
            if checker is None or checker.stream != name:  # a head whose events are all gone
                checker, skip = ChainChecker(name), ""
                report.streams += 1
            if skip != name and (
                broken := checker.close(head_length=record.get("length"), head_hash=record.get("last_hash"))
            ):
                fail(broken)
            checker, skip = None, ""
        elif kind == "end":
            end = record
            continue  # the closing line is not part of its own digest
        else:
            return fail(BrokenLink(f"line {number}", 0, "", "unreadable line", f"unknown type {kind!r}"))
        whole.update(line)
    if end is None:
        return fail(BrokenLink("(end of file)", 0, "", "truncated", "the closing line is missing"))
    if checker is not None:
        fail(BrokenLink(checker.stream, checker.length + 1, "", "truncated", "its head line is missing"))
    if (end.get("streams"), end.get("events")) != (report.streams, report.events):
        fail(BrokenLink("(end of file)", 0, "", "truncated", "the counts of the closing line do not match"))
    elif end.get("sha256") != whole.hexdigest():
        fail(
            BrokenLink(
                "(end of file)", 0, "", "file altered", "the digest of the closing line does not match"
            )
        )
    return report
