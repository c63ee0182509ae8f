"""The counters of current invoices (`InvoiceCount`): what the dashboard and the synthèse's counts
read, in constant time whatever the number of invoices (docs/perf.md, "Sending invoices").

One counter per (supplier, supplier service, billing frame, author, supplier's status) holds how many
current (not archived) invoices have these values. Every write that creates, deletes or archives an
invoice, or changes one of these values, calls `counts_add` (or `counts_move`) in its own
transaction: a draft saved or deleted (`invoices.services`), a deposited file
(`ingestion.pipeline.persist`), a status change (`lifecycle.services.invoice_transition`), the
archiving (`invoices.archiving`). `counts_rebuild` recounts everything from the invoices
(`openchorus invoices recount`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection, transaction
from django.db.models import Count

from openchorus.invoices.models import Invoice, InvoiceCount

# supplier_id, supplier_service_id, billing_frame, created_by_id, supplier_status
CountKey = tuple[int, int | None, str, int, str]
KEY_FIELDS = ("supplier_id", "supplier_service_id", "billing_frame", "created_by_id", "supplier_status")
UPSERT_ROWS = 500  # rows per INSERT … ON CONFLICT statement

_grouped: ContextVar[dict[CountKey, int] | None] = ContextVar("invoice_counts_grouped", default=None)


def count_key(invoice: Invoice) -> CountKey:
    """The counter an invoice adds to (whether or not it is current)."""
    return (
        invoice.supplier_id,
        invoice.supplier_service_id,
        invoice.billing_frame,
        invoice.created_by_id,
        str(invoice.supplier_status),
    )


def _upsert_sql(rows: int) -> str:
    table = InvoiceCount._meta.db_table
    values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * rows)
    # The conflict target is the unique index `invoice_count_key` (a NULL service counts as 0), so
    # that both databases add to the existing row atomically, whoever wrote it first.
    return (
        f"INSERT INTO {table} (supplier_id, supplier_service_id, billing_frame, created_by_id, "  # noqa: S608
        f"supplier_status, n) VALUES {values} "
        "ON CONFLICT (supplier_id, COALESCE(supplier_service_id, 0), billing_frame, created_by_id, "
        f"supplier_status) DO UPDATE SET n = {table}.n + excluded.n"
    )


def counts_add(deltas: Iterable[tuple[CountKey, int]]) -> None:
    """Add each delta to its counter (creating it when needed): one statement per `UPSERT_ROWS`
    distinct keys, in the caller's transaction. Keys are summed first and written in a fixed order,
    so two transactions touching the same counters wait for each other instead of deadlocking.
    Within `counts_grouped`, the deltas are only summed, and written when the block ends."""
    grouped = _grouped.get()
    summed: dict[CountKey, int] = defaultdict(int) if grouped is None else grouped
    for key, delta in deltas:
        summed[key] += delta
    if grouped is not None:
        return
    rows = sorted(
        ((key, delta) for key, delta in summed.items() if delta),
        key=lambda item: (item[0][0], item[0][1] or 0, *item[0][2:]),
    )
    if not rows:
        return
    with connection.cursor() as cursor:
        for start in range(0, len(rows), UPSERT_ROWS):
            chunk = rows[start : start + UPSERT_ROWS]
            params = [value for key, delta in chunk for value in (*key, delta)]
            cursor.execute(_upsert_sql(len(chunk)), params)


@contextmanager
def counts_grouped() -> Iterator[None]:
    """Sum the deltas of the writes made in this block and write them once when it ends, in the
    caller's transaction (enter it inside `transaction.atomic`): an invoice deposited and sent at
    once (new draft, Déposée, Mise à disposition) costs one upsert instead of three, a batch of
    invoices one statement per `UPSERT_ROWS` counters. When the block raises, nothing is written
    (the transaction rolls back anyway). A nested block adds to the outer one."""
    if _grouped.get() is not None:
        yield
        return
    buffer: dict[CountKey, int] = defaultdict(int)
    token = _grouped.set(buffer)
    try:
        yield
    finally:
        _grouped.reset(token)
    counts_add(list(buffer.items()))


def counts_move(before: CountKey | None, after: CountKey | None) -> None:
    """One invoice leaves the counter `before` (None: it was not counted, e.g. new) for `after`
    (None: it is no longer counted, e.g. deleted)."""
    if before == after:
        return
    counts_add([*([(before, -1)] if before else []), *([(after, 1)] if after else [])])


def counted(invoice: Invoice) -> CountKey | None:
    """The counter of an invoice if it is counted (current), else None."""
    return None if invoice.pk is None or invoice.archived_at is not None else count_key(invoice)


def counts_recounted() -> dict[CountKey, int]:
    """The counters as a GROUP BY over the current invoices computes them (zeros left out)."""
    grouped = (
        Invoice.objects.filter(archived_at__isnull=True)
        .order_by()
        .values_list(*KEY_FIELDS)
        .annotate(n=Count("id"))
    )
    return {tuple(row[:-1]): row[-1] for row in grouped}


def counts_stored() -> dict[CountKey, int]:
    """The counters as stored (zeros left out)."""
    rows = InvoiceCount.objects.exclude(n=0).values_list(*KEY_FIELDS, "n")
    return {tuple(row[:-1]): row[-1] for row in rows}


@transaction.atomic
def counts_rebuild() -> int:
    """Recount every counter from the invoices; returns the number of counters. Writers wait for
    the rebuild (PostgreSQL: the table is locked first; SQLite: the DELETE takes the write lock), so
    a change committed during it is neither lost nor counted twice."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {InvoiceCount._meta.db_table} IN EXCLUSIVE MODE")
    InvoiceCount.objects.all().delete()
    counters = [
        InvoiceCount(n=n, **dict(zip(KEY_FIELDS, key, strict=True))) for key, n in counts_recounted().items()
    ]
    InvoiceCount.objects.bulk_create(counters, batch_size=1000)
    return len(counters)
