"""Tasks of the invoices app: the Factur-X PDF of an invoice entered as data, after its deposit;
the daily archiving (INV-7)."""

from __future__ import annotations

from django_tasks import task

from openchorus.invoices import services
from openchorus.invoices.archiving import invoices_archive
from openchorus.invoices.models import Invoice


@task()
def invoice_pdf_render(*, invoice_id: int) -> None:
    """Render and keep the PDF of a just-deposited invoice (nothing when it has one already)."""
    invoice = Invoice.objects.select_related("xml_file", "pdf_file").filter(pk=invoice_id).first()
    if invoice is not None:
        services.invoice_pdf_write(invoice=invoice)


@task()
def invoices_pdf_catch_up() -> int:
    """Render the PDFs whose task never ran to its end (every five minutes, by the scheduler)."""
    return services.invoices_pdf_catch_up()


@task()
def invoices_archive_due() -> int:
    """Move to the archives the invoices whose final status is two years old (daily)."""
    return invoices_archive()
