"""The two credentials of every call, as the real PISTE gateway and Chorus Pro ask for them:

1. `Authorization: Bearer <token>`, a token of /api/oauth/token (OAuth2 client credentials);
2. `cpro-account: base64("<login>:<password>")`, the technical account bound to one structure.

A failure names the credential that failed, in `message` and `credential` of the JSON body and in
the `WWW-Authenticate` header: 401 for the token (the gateway's layer), 403 for the technical
account (the platform's layer). The account found becomes the actor of the call: `request.auth` is
the `access.TechnicalActor` that selectors and services take like a user.
"""

from __future__ import annotations

import base64
import binascii
import json

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from ninja.security import HttpBearer
from oauth2_provider.views import TokenView

from openchorus.connections.selectors import CredentialError, access_token_check, api_credentials_check
from openchorus.structures.access import TechnicalActor

ACCOUNT_HEADER = "cpro-account"


def _bearer(request: HttpRequest) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _account_header(request: HttpRequest) -> tuple[str, str]:
    raw = request.headers.get(ACCOUNT_HEADER, "").strip()
    if not raw:
        raise CredentialError(
            _(
                "En-tête cpro-account absent : envoyez base64(« identifiant:mot de passe ») du compte technique."
            ),
            credential="cpro-account",
            status=403,
            reason="missing",
        )
    try:
        decoded = base64.b64decode(raw + "=" * (-len(raw) % 4), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        decoded = ""
    login, sep, password = decoded.partition(":")
    if not sep or not login or not password:
        raise CredentialError(
            _("En-tête cpro-account illisible : il doit contenir base64(« identifiant:mot de passe »)."),
            credential="cpro-account",
            status=403,
            reason="malformed",
        )
    return login, password


class CproAuth(HttpBearer):
    """Bearer token plus cpro-account; raises CredentialError, rendered by the API's handler."""

    openapi_description = (
        "Jeton de /api/oauth/token, avec l'en-tête cpro-account : base64(« identifiant:mot de passe ») "
        "du compte technique."
    )

    def __call__(self, request: HttpRequest) -> TechnicalActor:
        token = _bearer(request)
        try:
            login, password = _account_header(request)
        except CredentialError:
            access_token_check(token=token)  # the token's failure is told first (the gateway's layer)
            raise
        account = api_credentials_check(token=token, login=login, password=password)
        request.technical_account = account  # type: ignore[attr-defined]
        if not request.body.strip():
            # An empty body is `{}` (reference lists are called without one); ninja would refuse it.
            request._body = b"{}"  # type: ignore[attr-defined]
        return TechnicalActor(
            account_id=account.pk,
            login=account.login,
            structure_id=account.structure_id,
            structure=account.structure,
        )

    def authenticate(self, request: HttpRequest, token: str):  # pragma: no cover - __call__ does it all
        return None


def credential_response(error: CredentialError) -> HttpResponse:
    body = {
        "codeRetour": error.status,
        "libelle": str(error.message),
        "message": str(error.message),
        "credential": error.credential,
    }
    response = HttpResponse(json.dumps(body), status=error.status, content_type="application/json")
    if error.credential == "token":
        description = str(error.message).replace('"', "'")
        response["WWW-Authenticate"] = f'Bearer error="invalid_token", error_description="{description}"'
    return response


# --- /api/oauth/token ---------------------------------------------------------------------------

_TOKEN_ERRORS = {
    "invalid_client": gettext_lazy("client_id ou client_secret inconnu, ou compte technique révoqué."),
    "invalid_request": gettext_lazy(
        "Requête incomplète : grant_type, client_id et client_secret sont attendus."
    ),
    "unsupported_grant_type": gettext_lazy("Seul grant_type=client_credentials est accepté."),
    "invalid_scope": gettext_lazy("Portée inconnue : demandez scope=openid."),
    "unauthorized_client": gettext_lazy("Ce client n'a pas droit à ce type d'autorisation."),
}


@csrf_exempt
@require_POST
def token(request: HttpRequest) -> HttpResponse:
    """PISTE-like token endpoint: form-encoded client credentials, `scope=openid`, answering
    `{access_token, token_type, expires_in, scope}` or the standard OAuth2 errors, each with a
    French `error_description` saying what to fix."""
    client_id = request.POST.get("client_id", "")
    if client_id and _revoked_client(client_id):
        body = {"error": "invalid_client", "error_description": str(_TOKEN_ERRORS["invalid_client"])}
        return HttpResponse(json.dumps(body), status=401, content_type="application/json")
    response = TokenView.as_view()(request)
    try:
        body = json.loads(response.content or b"{}")
    except ValueError:
        return response
    if "error" in body and not body.get("error_description"):
        body["error_description"] = str(_TOKEN_ERRORS.get(body["error"], body["error"]))
        response.content = json.dumps(body).encode()
    return response


def _revoked_client(client_id: str) -> bool:
    from openchorus.connections.models import TechnicalAccount

    return TechnicalAccount.objects.filter(
        application__client_id=client_id, revoked_at__isnull=False
    ).exists()
