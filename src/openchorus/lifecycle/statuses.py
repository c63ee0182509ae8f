"""The statuses of an invoice (LIF-1, seed 001), with the Chorus Pro codes as values.

This module holds no model so that the invoice record can name its status field's choices without
importing the lifecycle's tables. Only `lifecycle.services.invoice_transition` writes a status.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InvoiceStatus(models.TextChoices):
    DRAFT = "BROUILLON", _("Brouillon")
    DEPOSITED = "DEPOSEE", _("Déposée")
    AVAILABLE = "MISE_A_DISPOSITION", _("Mise à disposition")
    COMPLETED = "COMPLETEE", _("Complétée")
    TO_RECYCLE = "A_RECYCLER", _("A recycler")
    SUSPENDED = "SUSPENDUE", _("Suspendue")
    REJECTED = "REJETEE", _("Rejetée")
    SERVICE_DONE = "SERVICE_FAIT", _("Service fait")
    MANDATED = "MANDATEE", _("Mandatée")
    AVAILABLE_TO_ACCOUNTANT = "MISE_A_DISPOSITION_COMPTABLE", _("Mise à disposition du comptable")
    ACCOUNTED = "COMPTABILISEE", _("Comptabilisée")
    PAYMENT_ORDERED = "MISE_EN_PAIEMENT", _("Mise en paiement")


# What the supplier must act on (INV-7 "synthèse").
SUPPLIER_ACTION_STATUSES = (
    InvoiceStatus.DRAFT,
    InvoiceStatus.REJECTED,
    InvoiceStatus.TO_RECYCLE,
    InvoiceStatus.SUSPENDED,
)
# Statuses after which nothing more happens to an invoice; "processed" for the archives (INV-7).
FINAL_STATUSES = (InvoiceStatus.REJECTED, InvoiceStatus.PAYMENT_ORDERED)
# Sent invoices: every status but the draft.
SENT_STATUSES = tuple(s for s in InvoiceStatus if s != InvoiceStatus.DRAFT)
