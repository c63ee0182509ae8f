"""The history of an invoice's statuses: one row per transition, never updated."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from openchorus.invoices.models import Invoice
from openchorus.lifecycle.statuses import InvoiceStatus
from openchorus.structures.models import Structure, StructureService


class InvoiceStatusChange(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=30, choices=InvoiceStatus.choices, blank=True)
    to_status = models.CharField(max_length=30, choices=InvoiceStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    actor_label = models.CharField(max_length=254)  # "plateforme" for the platform's own steps
    at = models.DateTimeField()
    comment = models.TextField(_("commentaire"), blank=True)
    motif = models.CharField(_("motif"), max_length=100, blank=True)
    # Where the invoice was at that moment: a recipient it was recycled away from keeps a trace.
    recipient = models.ForeignKey(
        Structure, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recipient_service = models.ForeignKey(
        StructureService, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["invoice", "at", "id"]
        indexes = [models.Index(fields=["invoice", "at"], name="status_change_invoice_at")]

    def __str__(self) -> str:
        return f"{self.invoice_id}: {self.from_status} → {self.to_status}"
