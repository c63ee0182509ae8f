"""The API object: routers per domain mounted under /cpro/<api>/v1/, the lenient body parser, the
handlers that turn every refusal into the `{codeRetour, libelle, message}` envelope, OpenAPI 3 at
/cpro/openapi.json and its docs page at /cpro/docs."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from openchorus.api import envelope
from openchorus.api.auth import CproAuth, credential_response
from openchorus.api.routing import CproRouter
from openchorus.connections.selectors import CredentialError
from openchorus.core.errors import ApplicationError

logger = logging.getLogger(__name__)


class LenientParser(Parser):
    """JSON bodies as clients really send them: empty (reference lists: `{}` or nothing), with or
    without `;charset=utf-8`, in UTF-8 or a declared other charset, with a byte-order mark."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        raw = request.body
        if not raw.strip():
            return {}
        charset = (request.encoding or "").strip().lower() or "utf-8"
        try:
            text = raw.decode("utf-8-sig" if charset.replace("-", "") == "utf8" else charset)
        except (LookupError, UnicodeDecodeError):
            text = raw.decode("utf-8", errors="replace")
        data = json.loads(text)
        if not isinstance(data, dict):
            raise HttpError(400, _("Le corps de la requête doit être un objet JSON."))
        return data


api = NinjaAPI(
    title="OpenChorus — API compatible Chorus Pro",
    version="1",
    description=(
        "Les services de Chorus Pro en mode API (factures, structures, transverses, utilisateurs), "
        "avec leurs noms de champs. Jeton : POST /api/oauth/token (client credentials, scope=openid), "
        "puis chaque appel avec « Authorization: Bearer JETON » et « cpro-account: "
        "base64(identifiant:mot de passe) » du compte technique. Voir docs/api.md."
    ),
    urls_namespace="cpro",
    auth=CproAuth(),
    parser=LenientParser(),
    default_router=CproRouter(),
    openapi_url="/openapi.json",
    docs_url="/docs",
)


def _json(body: dict[str, Any], status: int) -> HttpResponse:
    return HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type="application/json")


@api.exception_handler(CredentialError)
def _credential(request: HttpRequest, error: CredentialError) -> HttpResponse:
    return credential_response(error)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return credential_response(
        CredentialError(_("Authentification requise."), credential="token", status=401, reason="missing")
    )


@api.exception_handler(envelope.CproError)
def _cpro_error(request: HttpRequest, error: envelope.CproError) -> HttpResponse:
    return _json(error.body(), error.status)


@api.exception_handler(ApplicationError)
def _application_error(request: HttpRequest, error: ApplicationError) -> HttpResponse:
    status = 403 if error.extra.get("code") == "forbidden" else 400
    code = envelope.FORBIDDEN if status == 403 else envelope.REFUSED_CODE
    body = {"codeRetour": code, "libelle": str(error.message), "message": str(error.message)}
    if error.field:
        body["erreurs"] = [{"champ": error.field, "message": str(error.message)}]
    return _json(body, status)


def _location(loc: tuple) -> str:
    parts = [str(part) for part in loc if part not in ("body", "payload")]
    return ".".join(parts[1:] if parts and parts[0] in ("data", "body") else parts) or "corps"


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    erreurs = [
        {"champ": _location(tuple(item.get("loc", ()))), "message": item.get("msg", "")}
        for item in error.errors
    ]
    message = _("Requête mal formulée : %(fields)s.") % {"fields": ", ".join(e["champ"] for e in erreurs)}
    body = {"codeRetour": envelope.BAD_REQUEST, "libelle": message, "message": message, "erreurs": erreurs}
    return _json(body, 400)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    message = str(getattr(error, "message", error))
    if error.status_code == 400 and message.startswith("Cannot parse request body"):
        message = _body_problem(request)
    return _json({"codeRetour": error.status_code, "libelle": message, "message": message}, error.status_code)


def _body_problem(request: HttpRequest) -> str:
    """What is wrong with a body the parser refused, said precisely."""
    try:
        api.parser.parse_body(request)
    except json.JSONDecodeError as error:
        return _(
            "Le corps de la requête n'est pas du JSON valide (ligne %(line)s, colonne %(col)s : %(what)s)."
        ) % {
            "line": error.lineno,
            "col": error.colno,
            "what": error.msg,
        }
    except HttpError as error:
        return str(getattr(error, "message", error))
    except Exception:  # noqa: S110 - any other refusal gets the general message below
        pass
    return _("Le corps de la requête est illisible : un objet JSON en UTF-8 est attendu.")


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, error: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
    message = _("Le corps de la requête dépasse %(limit)s Mo.") % {"limit": limit}
    return _json({"codeRetour": 413, "libelle": message, "message": message}, 413)


@api.exception_handler(Exception)
def _crash(request: HttpRequest, error: Exception) -> HttpResponse:
    logger.exception("API operation failed: %s", request.path)
    message = _("Erreur interne : l'incident est enregistré ; réessayez plus tard.")
    return _json({"codeRetour": envelope.SERVER_ERROR, "libelle": message, "message": message}, 500)


def _mount() -> None:
    from openchorus.api.routers import (
        factures,
        factures_recipient,
        flux,
        structures,
        transverses,
        utilisateurs,
    )

    api.add_router("/transverses/v1/", transverses.router, tags=["transverses"])
    api.add_router("/structures/v1/", structures.router, tags=["structures"])
    api.add_router("/utilisateurs/v1/", utilisateurs.router, tags=["utilisateurs"])
    api.add_router("/factures/v1/", factures.router, tags=["factures"])
    api.add_router("/factures/v1/", factures_recipient.router, tags=["factures"])
    api.add_router("/factures/v1/", flux.factures_router, tags=["factures"])
    api.add_router("/transverses/v1/", flux.transverses_router, tags=["transverses"])


_mount()
