"""The platform's user account (ACC-1..6). Logic lives in services.py, not here."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openchorus.accounts.enums import AccountStatus, Language, SecretQuestion
from openchorus.core.identifiers import IdentifierType


def normalize_login_email(email: str) -> str:
    """Login e-mails are compared case-insensitively: they are stored lower-cased."""
    return (email or "").strip().lower()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email=normalize_login_email(username or ""))

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        user = self.model(email=normalize_login_email(email), **fields)
        user.set_password(password) if password else user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.update(is_staff=True, is_superuser=True, status=AccountStatus.ACTIVE)
        fields.setdefault("activated_at", timezone.now())
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(
        _("adresse électronique de connexion"),
        max_length=254,
        unique=True,
        error_messages={"unique": _("Cette adresse électronique de connexion est déjà utilisée.")},
    )
    first_name = models.CharField(_("prénom"), max_length=100, blank=True)
    last_name = models.CharField(_("nom"), max_length=100, blank=True)
    contact_email = models.EmailField(_("adresse électronique de contact"), max_length=254, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    mobile_phone = models.CharField(_("téléphone portable"), max_length=30, blank=True)
    language = models.CharField(_("langue"), max_length=2, choices=Language.choices, default=Language.FRENCH)
    activity_notifications = models.BooleanField(_("notifications périodiques d'activité"), default=False)

    status = models.CharField(
        _("état du compte"), max_length=24, choices=AccountStatus.choices, default=AccountStatus.PENDING
    )
    date_joined = models.DateTimeField(_("date de création"), default=timezone.now)
    activated_at = models.DateTimeField(_("date d'activation"), null=True, blank=True)
    deactivated_at = models.DateTimeField(_("date de désactivation"), null=True, blank=True)
    activation_sent_at = models.DateTimeField(null=True, blank=True)
    previous_login = models.DateTimeField(_("dernière connexion"), null=True, blank=True)

    # What the person gave at sign-up; the organisation app turns it into a structure or a request.
    signup_identifier_type = models.CharField(
        _("type d'identifiant"), max_length=20, choices=IdentifierType.choices, default=IdentifierType.SIRET
    )
    signup_identifier = models.CharField(_("identifiant de la structure"), max_length=80, blank=True)

    secret_question = models.CharField(
        _("question secrète"), max_length=40, choices=SecretQuestion.choices, blank=True
    )
    secret_answer = models.CharField(max_length=128, blank=True)  # a password hash, never the answer
    secret_answer_failures = models.PositiveSmallIntegerField(default=0)
    secret_answer_failed_at = models.DateTimeField(null=True, blank=True)

    is_staff = models.BooleanField(_("équipe de la plateforme"), default=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_unique_ci",
                violation_error_message=_("Cette adresse électronique de connexion est déjà utilisée."),
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def is_active(self) -> bool:  # read by Django's authentication and admin
        return self.status == AccountStatus.ACTIVE

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def notification_email(self) -> str:
        return self.contact_email or self.email
