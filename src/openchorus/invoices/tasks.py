"""Tasks of the invoices app: the daily archiving (INV-7)."""

from __future__ import annotations

from django_tasks import task

from openchorus.invoices.archiving import invoices_archive


@task()
def invoices_archive_due() -> int:
    """Move to the archives the invoices whose final status is two years old (daily)."""
    return invoices_archive()
