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
