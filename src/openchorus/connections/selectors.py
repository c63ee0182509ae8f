"""Reads of the Raccordements app: the technical accounts a manager sees, and the API's checks."""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import AccessToken

from openchorus.connections.models import TechnicalAccount
from openchorus.connections.services import password_matches
from openchorus.core.errors import ApplicationError
from openchorus.core.fixed import FixedRead
from openchorus.structures import access
from openchorus.structures.enums import Status


def technical_accounts_for_user(*, user) -> QuerySet[TechnicalAccount]:
    """The technical accounts of the structures a user manages, live ones first."""
    return (
        TechnicalAccount.objects.filter(structure_id__in=access.technical_account_structures(user))
        .select_related("structure", "application")
        .order_by("structure__legal_name", "revoked_at", "-created_at")
    )


def technical_account_for_user(*, user, account_id: int) -> TechnicalAccount | None:
    return technical_accounts_for_user(user=user).filter(pk=account_id).first()


class CredentialError(ApplicationError):
    """An API credential is missing or wrong. `credential` names it ("token" or "cpro-account");
    `status` is the HTTP status to answer: 401 for the token (the gateway's layer), 403 for the
    technical account (the platform's layer), as the real PISTE and Chorus Pro split them."""

    def __init__(self, message, *, credential: str, status: int, reason: str):
        super().__init__(message, extra={"credential": credential, "reason": reason})
        self.credential = credential
        self.status = status
        self.reason = reason


def access_token_check(*, token: str) -> AccessToken:
    """The live access token behind a Bearer value, or CredentialError."""
    if not token:
        raise CredentialError(
            _("Jeton OAuth2 absent : envoyez l'en-tête « Authorization: Bearer <jeton> »."),
            credential="token",
            status=401,
            reason="missing",
        )
    checksum = hashlib.sha256(token.encode()).hexdigest()
    found = AccessToken.objects.select_related("application").filter(token_checksum=checksum).first()
    if found is None:
        raise CredentialError(
            _("Jeton OAuth2 inconnu : demandez-en un à /api/oauth/token."),
            credential="token",
            status=401,
            reason="unknown",
        )
    if found.is_expired():
        raise CredentialError(
            _("Jeton OAuth2 expiré : demandez-en un nouveau à /api/oauth/token."),
            credential="token",
            status=401,
            reason="expired",
        )
    return found


def technical_account_check(*, login: str, password: str, token: AccessToken) -> TechnicalAccount:
    """The technical account named by the cpro-account header, checked against the token's client."""
    account = TechnicalAccount.objects.select_related("structure").filter(login=login).first()
    if account is None or not password_matches(password, account.password):
        raise CredentialError(
            _("En-tête cpro-account refusé : identifiant ou mot de passe du compte technique incorrect."),
            credential="cpro-account",
            status=403,
            reason="wrong",
        )
    if account.is_revoked:
        raise CredentialError(
            _("Compte technique révoqué : un gestionnaire de la structure doit en demander un nouveau."),
            credential="cpro-account",
            status=403,
            reason="revoked",
        )
    if account.password_expires_at <= timezone.now():
        raise CredentialError(
            _(
                "Mot de passe du compte technique expiré le %(date)s : renouvelez-le dans l'espace Raccordements."
            )
            % {"date": timezone.localtime(account.password_expires_at).strftime("%d/%m/%Y")},
            credential="cpro-account",
            status=403,
            reason="expired",
        )
    if account.application_id != token.application_id:
        raise CredentialError(
            _(
                "Le jeton OAuth2 n'a pas été délivré au client de ce compte technique : utilisez le "
                "client_id remis avec le compte %(login)s."
            )
            % {"login": account.login},
            credential="cpro-account",
            status=403,
            reason="mismatch",
        )
    if not account.structure.is_active:
        raise CredentialError(
            _("La structure du compte technique est inactive."),
            credential="cpro-account",
            status=403,
            reason="inactive_structure",
        )
    return account


# The account of a login, live, joined to the unexpired token of its own client: read at every API
# call, so compiled once (core.fixed).
_live_account = FixedRead(
    lambda login, checksum, now: (
        TechnicalAccount.objects.select_related("structure")
        .filter(
            login=login,
            revoked_at__isnull=True,
            password_expires_at__gt=now,
            structure__status=Status.ACTIVE,
            application__accesstoken__token_checksum=checksum,
            application__accesstoken__expires__gt=now,
        )
        .order_by()[:1]
    ),
    login=str,
    checksum=str,
    now=datetime,
)


def api_credentials_check(*, token: str, login: str, password: str) -> TechnicalAccount:
    """The technical account of an API call, both credentials checked; CredentialError otherwise.

    One statement when all is well: the account of that login, live (not revoked, password not
    expired, structure active), joined to the unexpired access token of its own client. Nothing is
    cached: a revoked account or token, a rotated password, fails the very next call. When that
    read finds nothing, the checks above run one by one to say which credential failed.
    """
    if token and login and password:
        checksum = hashlib.sha256(token.encode()).hexdigest()
        found = _live_account(login=login, checksum=checksum, now=timezone.now())
        if found and password_matches(password, found[0].password):
            return found[0]
    return technical_account_check(login=login, password=password, token=access_token_check(token=token))
