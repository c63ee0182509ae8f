"""Reads of the audit trail."""

from __future__ import annotations

from openchorus.audit.models import AuditEvent


def audit_events_for_stream(*, stream: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(stream=stream).select_related("actor").order_by("sequence"))
