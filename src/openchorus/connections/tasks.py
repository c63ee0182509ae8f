"""Background work of the Raccordements app: webhook deliveries (BYD-3)."""

from __future__ import annotations

from django_tasks import task


@task()
def webhook_deliver(*, delivery_id: int) -> str:
    """One attempt at delivering a webhook event; a failure re-enqueues this task with `run_after`
    (exponential back-off) until the attempts run out (connections/webhooks.py)."""
    from openchorus.connections.webhooks import delivery_attempt

    return delivery_attempt(delivery_id=delivery_id)


@task()
def webhooks_retry() -> int:
    """Re-enqueue the deliveries whose next attempt is due (run every 5 minutes by the scheduler:
    covers task backends that cannot defer a task and tasks lost with a worker)."""
    from openchorus.connections.webhooks import webhooks_retry_due

    return webhooks_retry_due()
