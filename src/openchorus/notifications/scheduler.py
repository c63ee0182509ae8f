"""Periodic tasks: django-tasks runs tasks but schedules none, so `openchorus scheduler` does.

Each minute, every scheduler computes for each periodic task the key of the run due now (e.g. the
digest of "2026-11-23"), or None when none is due yet, and claims it by inserting a
`ScheduledRun(name, period)` row: the unique constraint lets exactly one scheduler win, which then
enqueues the task in the same transaction. Any number of schedulers may therefore run, on any
number of machines sharing the database; a run missed while none was up is made later in its period.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks.base import Task

from openchorus.connections.tasks import webhooks_retry
from openchorus.flows import tasks as flow_tasks
from openchorus.invoices.tasks import invoices_archive_due, invoices_pdf_catch_up
from openchorus.notifications import digests, tasks
from openchorus.notifications.models import ScheduledRun


def digest_period(local: datetime) -> str | None:
    """Daily: each day from OPENCHORUS_DIGEST_HOUR; weekly: each ISO week from Monday at that hour."""
    hour = digests.digest_hour()
    if digests.digest_frequency() == "weekly":
        year, week, weekday = local.isocalendar()
        if weekday == 1 and local.hour < hour:
            return None
        return f"{year}-W{week:02d}"
    return local.date().isoformat() if local.hour >= hour else None


@dataclass(frozen=True)
class PeriodicTask:
    name: str
    task: Task[[], int]
    period: Callable[[datetime], str | None]  # local time → key of the run due, or None


def every_minute(local: datetime) -> str:
    return f"{local:%Y-%m-%dT%H:%M}"


def every_five_minutes(local: datetime) -> str:
    return f"{local:%Y-%m-%dT%H}:{local.minute // 5 * 5:02d}"


def every_day(local: datetime) -> str:
    return local.date().isoformat()


PERIODIC_TASKS = [
    PeriodicTask("digest", tasks.digests_send, digest_period),
    PeriodicTask("webhooks-retry", webhooks_retry, every_five_minutes),
    PeriodicTask("flows-folders", flow_tasks.flows_folders_scan, every_minute),
    PeriodicTask("flows-resume", flow_tasks.flows_stale_resume, every_five_minutes),
    PeriodicTask("flows-returns", flow_tasks.flows_returns_write, every_five_minutes),
    PeriodicTask("invoices-pdf", invoices_pdf_catch_up, every_five_minutes),
    PeriodicTask("invoices-archive", invoices_archive_due, every_day),
]
KEEP_RUNS = timedelta(days=30)  # claimed runs older than this are forgotten


def scheduled_run_claim(*, name: str, period: str) -> bool:
    """Insert the run's row; False when another scheduler already has."""
    try:
        with transaction.atomic():
            ScheduledRun.objects.create(name=name, period=period)
    except IntegrityError:
        return False
    return True


def scheduler_tick(*, now: datetime | None = None) -> list[str]:
    """Enqueue every periodic task due and not yet claimed; the "name period" of those enqueued."""
    local = timezone.localtime(now or timezone.now())
    enqueued = []
    for periodic in PERIODIC_TASKS:
        period = periodic.period(local)
        if period is None:
            continue
        with transaction.atomic():
            if not scheduled_run_claim(name=periodic.name, period=period):
                continue
            periodic.task.enqueue()
        enqueued.append(f"{periodic.name} {period}")
    if local.minute == 0:
        ScheduledRun.objects.filter(claimed_at__lt=local - KEEP_RUNS).delete()
    return enqueued
