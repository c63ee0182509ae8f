"""Audit events: who did what, when, to which object, with the state before and after.

Events form hash chains, one per stream (an invoice, a structure…): each event's hash covers its
content and the previous event's hash, so any edit or deletion breaks the chain (BYD-5). Rows are
never updated or deleted by the application.
"""

from django.conf import settings
from django.db import models


class AuditChainHead(models.Model):
    """The last hash of a stream; locked while an event is appended, so chains never fork."""

    stream = models.CharField(max_length=100, primary_key=True)
    last_hash = models.CharField(max_length=64)
    length = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.stream} ({self.length})"


class AuditEvent(models.Model):
    stream = models.CharField(max_length=100, db_index=True)  # e.g. "structure:42"
    sequence = models.PositiveBigIntegerField()
    created_at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    actor_label = models.CharField(max_length=254, blank=True)  # kept even if the account changes
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["stream", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["stream", "sequence"], name="audit_event_stream_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.stream}#{self.sequence} {self.action}"

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are append-only.")
