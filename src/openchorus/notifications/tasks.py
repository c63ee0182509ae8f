"""Background tasks of the notifications app: thin, idempotent (each user's window is claimed)."""

from __future__ import annotations

from django_tasks import task

from openchorus.notifications import digests


@task()
def digests_send() -> int:
    return digests.digests_send()
