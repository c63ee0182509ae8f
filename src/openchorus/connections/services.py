"""Writes of the Raccordements app: technical accounts (RAC-1) requested, rotated and revoked.

Secrets are shown once: the functions that make one return it in clear; only hashes are kept. The
`cpro-account` password is 144 random bits, so a salted SHA-256 is as safe as a slow hash for it
and lets every API call check it in microseconds (docs/adr/0004-api.md).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oauth2_provider.generators import generate_client_id, generate_client_secret
from oauth2_provider.models import AccessToken, Application

from openchorus.audit.services import audit_event_add, snapshot
from openchorus.connections.models import TechnicalAccount
from openchorus.core.errors import ApplicationError
from openchorus.structures import access
from openchorus.structures.models import Structure

AUDIT_FIELDS = ["login", "label", "password_changed_at", "password_expires_at", "revoked_at"]
_LOGIN = re.compile(r"^[A-Za-z0-9_.@+-]{6,150}$")


@dataclass(frozen=True)
class TechnicalCredentials:
    """What the integrator receives once: the cpro-account login and password, the OAuth client."""

    account: TechnicalAccount
    login: str
    password: str
    client_id: str
    client_secret: str

    def as_dict(self) -> dict[str, str]:
        return {
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "login": self.login,
            "password": self.password,
            "password_expires_at": self.account.password_expires_at.isoformat(),
        }


def password_hash(password: str, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(8)
    digest = hashlib.sha256(f"{salt}${password}".encode()).hexdigest()
    return f"sha256${salt}${digest}"


def password_matches(password: str, stored: str) -> bool:
    try:
        algorithm, salt, _digest = stored.split("$", 2)
    except ValueError:
        return False
    return algorithm == "sha256" and hmac.compare_digest(password_hash(password, salt), stored)


def _password_validity() -> timedelta:
    return timedelta(days=settings.OPENCHORUS_API_PASSWORD_DAYS)


def _require(actor, ability: str, structure: Structure) -> None:
    """The platform (actor None: the command line) may do anything; a user only what access.py says."""
    if actor is not None and not access.technical_account_abilities(actor, structure).get(ability):
        raise ApplicationError(
            _("Vous n'avez pas les droits nécessaires sur la structure %(structure)s.")
            % {"structure": structure.identifier},
            extra={"code": "forbidden"},
        )


def _audit(*, actor, account: TechnicalAccount, action: str, before: dict | None = None) -> None:
    audit_event_add(
        stream=f"structure:{account.structure_id}",
        actor=actor,
        action=action,
        obj=account,
        before=before,
        after=snapshot(account, AUDIT_FIELDS),
    )


def _login_default(structure: Structure) -> str:
    return f"TECH_{structure.pk}_{secrets.token_hex(4)}@cpro.openchorus"


@transaction.atomic
def technical_account_create(
    *, actor, structure: Structure, login: str = "", label: str = ""
) -> TechnicalCredentials:
    """A new technical account for a structure, with its OAuth2 client (client credentials grant)."""
    _require(actor, "create", structure)
    if not structure.is_active:
        raise ApplicationError(_("La structure est inactive : elle ne peut pas se raccorder."))
    login = (login or _login_default(structure)).strip()
    if not _LOGIN.match(login):
        raise ApplicationError(
            _("L'identifiant doit compter de 6 à 150 lettres, chiffres ou signes _ . @ + -."), field="login"
        )
    if TechnicalAccount.objects.filter(login__iexact=login).exists():
        raise ApplicationError(_("Cet identifiant de compte technique existe déjà."), field="login")
    password = secrets.token_urlsafe(18)
    client_id, client_secret = generate_client_id(), generate_client_secret()
    application = Application.objects.create(
        name=f"{structure.identifier} — {login}"[:255],
        client_id=client_id,
        client_secret=client_secret,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
    )
    now = timezone.now()
    try:
        with transaction.atomic():
            account = TechnicalAccount.objects.create(
                structure=structure,
                login=login,
                password=password_hash(password),
                password_changed_at=now,
                password_expires_at=now + _password_validity(),
                application=application,
                label=label[:100],
                created_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:
        raise ApplicationError(_("Cet identifiant de compte technique existe déjà."), field="login") from None
    _audit(actor=actor, account=account, action="technical_account.create")
    return TechnicalCredentials(account, login, password, client_id, client_secret)


@transaction.atomic
def technical_account_password_rotate(*, actor, account: TechnicalAccount) -> TechnicalCredentials:
    """A new password (the former one stops working at once) and a new expiry date."""
    _require(actor, "rotate", account.structure)
    if account.is_revoked:
        raise ApplicationError(_("Ce compte technique est révoqué."))
    before = snapshot(account, AUDIT_FIELDS)
    password = secrets.token_urlsafe(18)
    now = timezone.now()
    account.password = password_hash(password)
    account.password_changed_at = now
    account.password_expires_at = now + _password_validity()
    account.save(update_fields=["password", "password_changed_at", "password_expires_at", "updated_at"])
    _audit(actor=actor, account=account, action="technical_account.password_rotate", before=before)
    client_id = account.application.client_id if account.application else ""
    return TechnicalCredentials(account, account.login, password, client_id, "")


@transaction.atomic
def technical_account_revoke(*, actor, account: TechnicalAccount) -> TechnicalAccount:
    """Revocation: the login, the OAuth client and every token issued to it stop working at once."""
    _require(actor, "revoke", account.structure)
    if account.is_revoked:
        return account
    before = snapshot(account, AUDIT_FIELDS)
    account.revoked_at = timezone.now()
    account.revoked_by = actor if getattr(actor, "pk", None) else None
    account.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    if account.application_id:
        AccessToken.objects.filter(application_id=account.application_id).delete()
    _audit(actor=actor, account=account, action="technical_account.revoke", before=before)
    return account
