"""Archiving (INV-7): an invoice whose final status (Rejetée, Mise en paiement) was reached more than
two years ago leaves the synthèse, the dashboard and the search for the archives.

It is an event, not a condition read by every query: the daily task `invoices_archive_due`
(`openchorus scheduler`, or `openchorus invoices archive` by hand) stamps `Invoice.archived_at` on
the invoices that became due, in batches, and takes them out of the dashboard's counters in the
same transaction. Every list then filters on `archived_at` (`invoices.selectors`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from openchorus.invoices.counts import KEY_FIELDS, counts_add
from openchorus.invoices.models import Invoice
from openchorus.lifecycle.statuses import FINAL_STATUSES

ARCHIVE_AFTER = timedelta(days=2 * 365 + 1)  # two years, leap day included
ARCHIVE_BATCH = 5000


def archive_cutoff(now: datetime | None = None) -> datetime:
    """Invoices whose final status was reached before this moment are due for the archives."""
    return (now or timezone.now()) - ARCHIVE_AFTER


def invoices_archive(*, now: datetime | None = None, batch: int = ARCHIVE_BATCH) -> int:
    """Archive every current invoice whose final status is older than `ARCHIVE_AFTER`, `batch` per
    transaction (each: the rows locked, stamped, their counters decremented); returns how many."""
    now = now or timezone.now()
    due = Invoice.objects.filter(
        status__in=FINAL_STATUSES, archived_at__isnull=True, status_changed_at__lt=archive_cutoff(now)
    ).order_by()
    total = 0
    while True:
        with transaction.atomic():
            rows = list(due.select_for_update(skip_locked=True).values_list("pk", *KEY_FIELDS)[:batch])
            if rows:
                Invoice.objects.filter(pk__in=[row[0] for row in rows]).update(archived_at=now)
                counts_add((tuple(row[1:]), -1) for row in rows)
        total += len(rows)
        if len(rows) < batch:
            return total
