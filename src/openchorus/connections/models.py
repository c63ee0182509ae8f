"""Technical accounts (comptes techniques, RAC-1). Rules live in services.py and access.py."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oauth2_provider.settings import oauth2_settings

from openchorus.core.models import TimeStampedModel
from openchorus.structures.models import Structure


class TechnicalAccountQuerySet(models.QuerySet):
    def live(self) -> TechnicalAccountQuerySet:
        return self.filter(revoked_at__isnull=True)


class TechnicalAccount(TimeStampedModel):
    """A system's access to the API for one structure: the `cpro-account` login and password (the
    password hashed, valid until `password_expires_at`) and the OAuth2 client of the token endpoint."""

    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="technical_accounts")
    login = models.CharField(_("identifiant du compte technique"), max_length=150, unique=True)
    password = models.CharField(max_length=128)
    password_changed_at = models.DateTimeField(default=timezone.now)
    password_expires_at = models.DateTimeField(_("date d'expiration du mot de passe"))
    application = models.OneToOneField(
        oauth2_settings.APPLICATION_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="technical_account",
    )
    label = models.CharField(_("nom du raccordement"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = TechnicalAccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("compte technique")
        ordering = ["structure_id", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(password_expires_at__gt=models.F("password_changed_at")),
                name="technical_password_expires_after_change",
                violation_error_message=_("Le mot de passe doit expirer après sa création."),
            )
        ]

    def __str__(self) -> str:
        return self.login

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def password_expired(self) -> bool:
        return self.password_expires_at <= timezone.now()


# --- Webhooks (BYD-3) ------------------------------------------------------------------------------


class Webhook(TimeStampedModel):
    """A URL a technical account's system listens on: every event of its structure's invoices is
    POSTed there, signed with `secret` (HMAC-SHA256). The secret must be kept to sign, so it is
    stored as is; the portal shows it once, when the URL is added."""

    account = models.ForeignKey(TechnicalAccount, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(_("adresse de notification"), max_length=500)
    secret = models.CharField(max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("webhook")
        ordering = ["account_id", "-created_at", "-id"]

    def __str__(self) -> str:
        return self.url

    @property
    def is_active(self) -> bool:
        return self.removed_at is None


class DeliveryStatus(models.TextChoices):
    PENDING = "EN_ATTENTE", _("En attente")
    DELIVERED = "LIVRE", _("Livré")
    FAILED = "ABANDONNE", _("Abandonné")


class WebhookDelivery(models.Model):
    """One event for one webhook: the exact body signed and sent, and where its delivery stands."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.UUIDField(unique=True)
    # Open vocabulary: "invoice.status_changed" now, "flow.status_changed" with the EDI flows.
    event_type = models.CharField(max_length=60)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["webhook", "-created_at"], name="webhook_delivery_recent"),
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"


class WebhookAttempt(models.Model):
    """The log of one POST: HTTP status (none when the connection failed), duration, error."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField()
    at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["delivery", "number"]

    def __str__(self) -> str:
        return f"{self.delivery_id}#{self.number}"


# --- the API's uploads and idempotent requests (issue #8, Factures) -------------------------------


class ApiUpload(models.Model):
    """A file a technical account sent ahead of an invoice: `ajouter/fichier` (an attachment) or
    `deposer/pdf` (the invoice PDF, then with the draft it became). Its id is the `pieceJointeId`
    that `soumettre` and `completer` name; it is usable only by the technical accounts of the same
    structure."""

    account = models.ForeignKey(TechnicalAccount, on_delete=models.PROTECT, related_name="uploads")
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="+")
    stored = models.ForeignKey("core.StoredFile", on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(_("nom du fichier"), max_length=255)
    invoice = models.ForeignKey(
        "invoices.Invoice", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("fichier envoyé par l'API")
        ordering = ["structure_id", "-created_at", "-id"]

    def __str__(self) -> str:
        return self.filename


class IdempotentRequest(models.Model):
    """The first answer to a request sent with an `Idempotency-Key` header: a replay with the same
    key (per technical account) and the same body gets it again and creates nothing."""

    account = models.ForeignKey(TechnicalAccount, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    operation = models.CharField(max_length=100)
    body_sha256 = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(default=200)
    response = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "key"], name="idempotent_request_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id}:{self.key}"
