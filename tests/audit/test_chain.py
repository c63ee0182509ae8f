"""The audit trail's hash chains: appended in order, and any tampering is detected (BYD-5)."""

from __future__ import annotations

import pytest

from openchorus.audit.models import AuditChainHead, AuditEvent
from openchorus.audit.services import audit_chain_verify, audit_event_add
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def make_chain(n=3):
    user = UserFactory(email="auditor@example.fr")
    for i in range(n):
        audit_event_add(stream="structure:1", actor=user, action="structure.update", object_type="x", object_id="1",
                        before={"v": i}, after={"v": i + 1})  # fmt: skip


def test_audit_chain_intact_is_valid_and_ordered():
    make_chain()
    verdict = audit_chain_verify(stream="structure:1")
    assert verdict.valid and verdict.length == 3
    events = list(AuditEvent.objects.filter(stream="structure:1"))
    assert [e.sequence for e in events] == [1, 2, 3]
    assert events[1].previous_hash == events[0].hash
    assert events[0].actor_label == "auditor@example.fr"


def test_audit_chain_altered_content_detected():
    make_chain()
    AuditEvent.objects.filter(stream="structure:1", sequence=2).update(after={"v": 999})
    verdict = audit_chain_verify(stream="structure:1")
    assert not verdict.valid and verdict.broken_at == 2 and verdict.reason == "content was altered"


def test_audit_chain_removed_last_event_detected():
    make_chain()
    AuditEvent.objects.filter(stream="structure:1", sequence=3)._raw_delete(AuditEvent.objects.db)
    verdict = audit_chain_verify(stream="structure:1")
    assert not verdict.valid and verdict.reason == "events were removed from the end"


def test_audit_chain_removed_middle_event_detected():
    make_chain()
    AuditEvent.objects.filter(stream="structure:1", sequence=2)._raw_delete(AuditEvent.objects.db)
    assert not audit_chain_verify(stream="structure:1").valid


def test_audit_event_delete_refused():
    make_chain(1)
    with pytest.raises(PermissionError):
        AuditEvent.objects.get().delete()
    assert AuditChainHead.objects.get(stream="structure:1").length == 1


def test_new_stream_starts_a_chain_that_verifies_and_refuses_an_existing_one():
    from django.db import IntegrityError, transaction

    audit_event_add(
        stream="invoice:77", actor=None, action="invoice:deposited", new_stream=True, after={"n": 1}
    )
    audit_event_add(stream="invoice:77", actor=None, action="status:DEPOSEE", after={"n": 2})
    verdict = audit_chain_verify(stream="invoice:77")
    assert verdict.valid and verdict.length == 2
    head = AuditChainHead.objects.get(stream="invoice:77")
    assert head.length == 2 and head.last_hash == AuditEvent.objects.get(stream="invoice:77", sequence=2).hash
    # A stream that exists is never started again: its chain stays whole.
    with pytest.raises(IntegrityError), transaction.atomic():
        audit_event_add(stream="invoice:77", actor=None, action="invoice:deposited", new_stream=True)
    assert audit_chain_verify(stream="invoice:77").length == 2
