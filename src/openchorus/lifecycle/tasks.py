"""Tasks of the lifecycle: telling the people concerned of a status change (LIF-7)."""

from __future__ import annotations

from django.urls import reverse
from django_tasks import task

from openchorus.invoices.models import Invoice
from openchorus.lifecycle.statuses import InvoiceStatus
from openchorus.notifications.enums import FeedEventKind
from openchorus.notifications.services import feed_event_add
from openchorus.structures import access
from openchorus.structures.enums import Space


@task()
def invoice_notify(*, invoice_id: int, target: str, recipients_only: bool = False) -> None:
    """Recipients hear of an invoice to process (made available, completed, or forwarded to their
    service); the supplier's users hear of every status change they may see (not Déposée, not a
    hidden "Mise en paiement")."""
    invoice = Invoice.objects.select_related("supplier", "recipient").filter(pk=invoice_id).first()
    if invoice is None:
        return
    link = reverse("portal:invoice_detail", args=[invoice.pk])
    to_process = target in (InvoiceStatus.AVAILABLE, InvoiceStatus.COMPLETED)
    if (to_process or recipients_only) and invoice.recipient_id:
        users = access.space_holders(
            invoice.recipient_id, Space.RECEIVED_INVOICES, invoice.recipient_service_id
        )
        for user in users:
            feed_event_add(
                user=user,
                kind=FeedEventKind.INVOICE_TO_PROCESS,
                link=link,
                number=invoice.number,
                supplier=invoice.supplier.designation,
            )
    if recipients_only or target == InvoiceStatus.DEPOSITED:
        return
    if (
        target == InvoiceStatus.PAYMENT_ORDERED
        and invoice.recipient
        and invoice.recipient.payment_status_hidden
    ):
        return
    recipient = invoice.recipient.designation if invoice.recipient_id else invoice.recipient_identifier
    kind = (
        FeedEventKind.INVOICE_AVAILABLE if target == InvoiceStatus.AVAILABLE else FeedEventKind.INVOICE_STATUS
    )
    for user in access.space_holders(invoice.supplier_id, Space.SENT_INVOICES, invoice.supplier_service_id):
        feed_event_add(
            user=user,
            kind=kind,
            link=link,
            number=invoice.number,
            recipient=recipient,
            status=str(InvoiceStatus(target).label),
        )
