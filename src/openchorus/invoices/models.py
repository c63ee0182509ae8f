"""The invoice record (INV-1): an EN 16931-aligned header, lines, VAT breakdown, totals and files.

The columns hold what the platform routes, checks, searches and shows; the complete document is
the structured XML (`xml_file`): the deposited UBL/CII itself, or the CII the platform wrote from
the record. The deposited file (`original_file`) is the legal original, kept byte for byte.
Only `lifecycle.services.invoice_transition` writes `status`.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from openchorus.core.models import StoredFile, TimeStampedModel
from openchorus.invoices.enums import AttachmentKind, BillingFrame, Channel, InvoiceType, SourceSyntax
from openchorus.lifecycle.statuses import FINAL_STATUSES, InvoiceStatus
from openchorus.structures.models import (
    Attachment,
    BankAccount,
    Structure,
    StructureService,
)

AMOUNT = {"max_digits": 19, "decimal_places": 2}
ZERO = Decimal("0.00")


# Entered as data (portal or API) and given its CII, not yet its Factur-X PDF, which a task renders
# just after the deposit (`services.invoice_pdf_write`); drafts aside (`Invoice.pdf_pending`).
PDF_PENDING = Q(pdf_file__isnull=True, xml_file__isnull=False, source_syntax=SourceSyntax.NONE)


class Invoice(TimeStampedModel):
    # --- parties (BG-4 seller = supplier structure, BG-7 buyer = recipient structure) -------------
    supplier = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="invoices_sent")
    supplier_service = models.ForeignKey(
        StructureService, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recipient = models.ForeignKey(
        Structure, null=True, blank=True, on_delete=models.PROTECT, related_name="invoices_received"
    )
    recipient_service = models.ForeignKey(
        StructureService, null=True, blank=True, on_delete=models.PROTECT, related_name="invoices_received"
    )
    # As entered or read from the file (BT-47 / BT-10); the foreign keys above are what they resolve
    # to. A draft may name a recipient that does not resolve yet: the checks say why.
    recipient_identifier = models.CharField(_("identifiant du destinataire"), max_length=80, blank=True)
    service_code = models.CharField(_("code service"), max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    # --- header ---------------------------------------------------------------------------------
    number = models.CharField(_("numéro de facture"), max_length=40, blank=True)  # BT-1
    issue_date = models.DateField(_("date de facture"), null=True, blank=True)  # BT-2
    year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)  # of issue_date
    type_code = models.CharField(
        _("type de facture"), max_length=3, choices=InvoiceType.choices, default=InvoiceType.INVOICE
    )  # BT-3
    billing_frame = models.CharField(
        _("cadre de facturation"), max_length=40, choices=BillingFrame.choices, default=BillingFrame.A1
    )  # BT-23
    currency = models.CharField(_("devise"), max_length=3, default="EUR")  # BT-5
    engagement_number = models.CharField(_("numéro d'engagement"), max_length=50, blank=True)  # BT-13
    contract_reference = models.CharField(_("numéro de marché"), max_length=50, blank=True)  # BT-12
    preceding_invoice_number = models.CharField(
        _("numéro de la facture d'origine"), max_length=40, blank=True
    )  # BT-25
    delivery_date = models.DateField(_("date de livraison"), null=True, blank=True)  # BT-72
    due_date = models.DateField(_("date d'échéance"), null=True, blank=True)  # BT-9
    payment_terms = models.CharField(_("conditions de paiement"), max_length=500, blank=True)  # BT-20
    payment_means_code = models.CharField(_("mode de paiement"), max_length=3, default="30")  # BT-81
    note = models.TextField(_("commentaire"), blank=True)  # BT-22
    bank_account = models.ForeignKey(
        BankAccount, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)  # BT-84, kept as sent
    bic = models.CharField(_("BIC"), max_length=11, blank=True)  # BT-86

    # --- totals (BG-22) and VAT breakdown (BG-23) -----------------------------------------------
    line_total = models.DecimalField(_("somme des montants HT des lignes"), default=ZERO, **AMOUNT)  # BT-106
    allowance_total = models.DecimalField(_("remises"), default=ZERO, **AMOUNT)  # BT-107
    charge_total = models.DecimalField(_("frais"), default=ZERO, **AMOUNT)  # BT-108
    total_excl_vat = models.DecimalField(_("montant HT"), default=ZERO, **AMOUNT)  # BT-109
    vat_total = models.DecimalField(_("montant de TVA"), default=ZERO, **AMOUNT)  # BT-110
    total_incl_vat = models.DecimalField(_("montant TTC"), default=ZERO, **AMOUNT)  # BT-112
    paid_amount = models.DecimalField(_("montant déjà payé"), default=ZERO, **AMOUNT)  # BT-113
    amount_due = models.DecimalField(_("net à payer"), default=ZERO, **AMOUNT)  # BT-115
    # [{"category": "S", "rate": "20.00", "taxable": "100.00", "tax": "20.00", "reason": "", "reason_code": ""}]
    vat_breakdown = models.JSONField(default=list, blank=True)

    # --- lifecycle --------------------------------------------------------------------------------
    status = models.CharField(
        _("statut"), max_length=30, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT
    )
    # The status the supplier sees (LIF-6): the same, except that a "Mise en paiement" the recipient
    # structure does not report leaves the one before it. Written with `status`, by the lifecycle.
    supplier_status = models.CharField(
        max_length=30, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # When the daily archiving (`invoices.archiving`) moved the invoice to the archives: its final
    # status had been reached more than two years before. NULL: a current invoice.
    archived_at = models.DateTimeField(_("archivée le"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("date de dépôt"), null=True, blank=True)

    # --- source and files -------------------------------------------------------------------------
    channel = models.CharField(_("mode de dépôt"), max_length=10, choices=Channel.choices)
    source_syntax = models.CharField(
        _("format"), max_length=10, choices=SourceSyntax.choices, default=SourceSyntax.NONE, blank=True
    )
    original_file = models.ForeignKey(
        StoredFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    original_filename = models.CharField(_("nom du fichier déposé"), max_length=255, blank=True)
    xml_file = models.ForeignKey(
        StoredFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    pdf_file = models.ForeignKey(
        StoredFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # What was recognised in a deposited PDF (value, confidence, where) and the recipients the
    # directory suggested (BYD-2), shown beside the pre-filled form until the invoice is sent.
    reading = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # INV-5: one number per supplier and year once sent (drafts may repeat while being written).
            models.UniqueConstraint(
                fields=["supplier", "year", "number"],
                condition=~Q(status=InvoiceStatus.DRAFT),
                name="invoice_number_unique_per_supplier_year",
            ),
        ]
        # The lists' orders with the id as tie-breaker, so a page is read straight off an index
        # (docs/perf.md, "Sending invoices"): the supplier's side, then the recipient's.
        indexes = [
            models.Index(fields=["supplier", "status", "-created_at"], name="invoice_supplier_status"),
            models.Index(fields=["supplier", "-submitted_at", "-id"], name="invoice_supplier_submitted"),
            models.Index(
                fields=["supplier", "supplier_status", "-submitted_at", "-id"],
                name="invoice_supplier_status_sub",
            ),
            models.Index(fields=["supplier", "issue_date"], name="invoice_supplier_issue"),
            models.Index(fields=["supplier", "total_incl_vat"], name="invoice_supplier_amount"),
            models.Index(
                fields=["supplier", "service_code", "-submitted_at"], name="invoice_supplier_service"
            ),
            models.Index(
                fields=["supplier", "recipient", "-submitted_at"], name="invoice_supplier_recipient"
            ),
            models.Index(fields=["recipient", "-submitted_at", "-id"], name="invoice_recipient_submitted"),
            models.Index(
                fields=["recipient", "status", "-submitted_at", "-id"], name="invoice_recipient_status"
            ),
            models.Index(
                fields=["recipient_service", "-submitted_at", "-id"], name="invoice_service_submitted"
            ),
            models.Index(fields=["number"], name="invoice_number"),
            models.Index(fields=["engagement_number"], name="invoice_engagement"),
            # What the daily archiving looks for: current invoices in a final status, by date.
            models.Index(
                fields=["status_changed_at"],
                condition=Q(status__in=FINAL_STATUSES, archived_at__isnull=True),
                name="invoice_archivable",
            ),
            # What the PDF catch-up looks for: entered invoices whose Factur-X is still to render.
            models.Index(
                fields=["submitted_at"],
                condition=PDF_PENDING,
                name="invoice_pdf_pending",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"

    @property
    def is_draft(self) -> bool:
        return self.status == InvoiceStatus.DRAFT

    @property
    def is_structured_deposit(self) -> bool:
        """Made from a UBL, CII or Factur-X file: its data is the file's, only routing can change."""
        return self.source_syntax in (SourceSyntax.UBL, SourceSyntax.CII, SourceSyntax.FACTURX)

    @property
    def pdf_pending(self) -> bool:
        """Sent as data (portal or API entry): its CII is written, its Factur-X PDF not yet (a task
        renders it just after the deposit; services.invoice_pdf_write)."""
        return (
            not self.pdf_file_id
            and bool(self.xml_file_id)
            and self.source_syntax == SourceSyntax.NONE
            and self.status != "BROUILLON"
        )


class InvoiceCount(models.Model):
    """How many current (not archived) invoices share a supplier, supplier service, billing frame,
    author and supplier's status: what the dashboard and the synthèse's counts read instead of
    counting invoices. Kept by `invoices.counts.counts_add`, in the transaction of every write that
    creates, deletes or archives an invoice or changes one of these values; rebuilt from the
    invoices by `openchorus invoices recount`. The field names are the invoice's, so the same
    `access.sent_invoices_scope` filter applies."""

    supplier = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="+")
    supplier_service = models.ForeignKey(
        StructureService, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    billing_frame = models.CharField(max_length=40)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    supplier_status = models.CharField(max_length=30, choices=InvoiceStatus.choices)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            # The upsert's conflict target (`counts_add`): a service-less key is one row too.
            models.UniqueConstraint(
                F("supplier"),
                Coalesce("supplier_service", 0),
                F("billing_frame"),
                F("created_by"),
                F("supplier_status"),
                name="invoice_count_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier_id}/{self.supplier_service_id}/{self.billing_frame}/{self.created_by_id}/{self.supplier_status}: {self.n}"


class InvoiceLine(models.Model):
    """BG-25. `net_amount` = quantity × unit price − discount (the amount excl. VAT after discount)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    identifier = models.CharField(_("numéro de ligne"), max_length=50)  # BT-126
    item_name = models.CharField(_("désignation"), max_length=300)  # BT-153
    description = models.TextField(_("description"), blank=True)  # BT-154
    item_reference = models.CharField(_("référence produit"), max_length=100, blank=True)  # BT-155
    quantity = models.DecimalField(_("quantité"), max_digits=19, decimal_places=4)  # BT-129
    unit_code = models.CharField(_("unité"), max_length=3, default="C62")  # BT-130
    unit_price = models.DecimalField(_("prix unitaire HT"), max_digits=19, decimal_places=6)  # BT-146
    discount = models.DecimalField(_("remise HT"), default=ZERO, **AMOUNT)  # BT-136
    net_amount = models.DecimalField(_("montant HT"), **AMOUNT)  # BT-131
    vat_category = models.CharField(_("catégorie de TVA"), max_length=2, default="S")  # BT-151
    vat_rate = models.DecimalField(
        _("taux de TVA"), max_digits=5, decimal_places=2, null=True, blank=True
    )  # BT-152

    class Meta:
        ordering = ["invoice_id", "position"]  # the column: "invoice" would join to order by its ordering
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="invoice_line_position_unique")
        ]

    def __str__(self) -> str:
        return f"{self.identifier} {self.item_name}"


class InvoiceAttachment(models.Model):
    """A supporting document sent with the invoice (BG-24), uploaded or taken from the structure's."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(max_length=10, choices=AttachmentKind.choices, default=AttachmentKind.ANNEX)
    stored = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(_("nom du fichier"), max_length=255)
    description = models.CharField(_("description"), max_length=255, blank=True)
    structure_attachment = models.ForeignKey(
        Attachment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["invoice_id", "added_at", "id"]

    def __str__(self) -> str:
        return self.filename
