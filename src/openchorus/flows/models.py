"""EDI flows (RAC-3): a flow is one file holding one or many invoices; each invoice is an item with
its own outcome. Rules live in services.py; processing in tasks.py."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openchorus.connections.models import TechnicalAccount
from openchorus.core.models import StoredFile, TimeStampedModel
from openchorus.flows.enums import FlowChannel, FlowStatus, FlowSyntax, ItemOutcome
from openchorus.invoices.models import Invoice
from openchorus.structures.models import Structure


class Flow(TimeStampedModel):
    number = models.CharField(_("numéro de flux"), max_length=30, unique=True)  # numeroFluxDepot
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="flows")
    account = models.ForeignKey(
        TechnicalAccount, null=True, blank=True, on_delete=models.PROTECT, related_name="flows"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("canal"), max_length=20, choices=FlowChannel.choices)
    syntax = models.CharField(_("syntaxe"), max_length=40, choices=FlowSyntax.choices)
    filename = models.CharField(_("nom du fichier"), max_length=255)
    size = models.PositiveBigIntegerField(_("taille"))
    sha256 = models.CharField(max_length=64)
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("état"), max_length=40, choices=FlowStatus.choices, default=FlowStatus.RECEIVED
    )
    status_at = models.DateTimeField(_("date de l'état"), default=timezone.now)
    # A flow-level refusal or fault: findings as `Finding.as_dict()` gives them.
    errors = models.JSONField(default=list, blank=True)
    item_count = models.PositiveIntegerField(default=0)
    chunk_count = models.PositiveIntegerField(default=0)
    integrated_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    # Last sign of life of the worker processing it: a stale one is taken over (tasks.flows_resume).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    # The compte-rendu PDF of a concluded flow, rendered once per language: {"fr": sha256, …}.
    report_files = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("flux")
        ordering = ["-created_at", "-id"]
        constraints = [
            # The same file twice is refused; a flow that met an internal fault may be sent again.
            models.UniqueConstraint(
                fields=["structure", "sha256"],
                condition=~Q(status=FlowStatus.INCIDENT),
                name="flow_unique_file",
            )
        ]
        indexes = [
            models.Index(fields=["structure", "-created_at"], name="flow_structure_recent"),
            models.Index(fields=["status", "heartbeat_at"], name="flow_status_heartbeat"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def syntax_short(self) -> str:
        from openchorus.flows.enums import SYNTAX_SHORT

        return SYNTAX_SHORT.get(self.syntax, self.syntax)

    @property
    def channel_short(self) -> str:
        from openchorus.flows.enums import CHANNEL_SHORT

        return CHANNEL_SHORT.get(self.channel, self.channel)

    @property
    def is_final(self) -> bool:
        from openchorus.flows.enums import FINAL_STATUSES

        return self.status in FINAL_STATUSES


class FlowItem(models.Model):
    """One invoice of a flow: its place, what it was read as, and its outcome."""

    flow = models.ForeignKey(Flow, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()  # 1-based, in the order of the flow
    chunk = models.PositiveIntegerField(default=0)
    name = models.CharField(_("nom dans le flux"), max_length=255, blank=True)
    # The invoice's bytes until it is processed; kept for a refused one (an integrated invoice keeps
    # its file as its original).
    content = models.BinaryField(null=True, blank=True, editable=False)
    number = models.CharField(_("numéro de facture"), max_length=40, blank=True)
    supplier_identifier = models.CharField(max_length=80, blank=True)
    recipient_identifier = models.CharField(max_length=80, blank=True)
    outcome = models.CharField(max_length=20, choices=ItemOutcome.choices, default=ItemOutcome.PENDING)
    errors = models.JSONField(default=list, blank=True)  # findings, each `Finding.as_dict()`
    invoice = models.ForeignKey(Invoice, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("facture du flux")
        ordering = ["flow_id", "position"]
        constraints = [models.UniqueConstraint(fields=["flow", "position"], name="flow_item_position")]
        indexes = [models.Index(fields=["flow", "chunk", "outcome"], name="flow_item_chunk")]

    def __str__(self) -> str:
        return f"{self.flow_id}#{self.position}"


class ReturnCursor(models.Model):
    """How far the return flow of a technical account has gone: the last status change written to
    its drop folder's out/ (returns.py)."""

    account = models.OneToOneField(TechnicalAccount, on_delete=models.CASCADE, related_name="return_cursor")
    last_change_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.account_id}:{self.last_change_id}"
