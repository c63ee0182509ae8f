"""Appending to and verifying the audit trail."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from openchorus.audit.models import AuditChainHead, AuditEvent

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


@transaction.atomic
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
) -> AuditEvent:
    """Append one event to a stream's chain, inside the caller's transaction."""
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(
        stream=stream, defaults={"last_hash": GENESIS, "length": 0}
    )
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    event = AuditEvent(
        stream=stream,
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
    event.save()
    head.last_hash, head.length = event.hash, event.sequence
    head.save(update_fields=["last_hash", "length"])
    return event


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
