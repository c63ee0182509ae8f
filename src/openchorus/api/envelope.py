"""The answer envelope of every operation: `codeRetour` and `libelle`, with the real message codes.

Success is HTTP 200 with `codeRetour` 0. Refusals raise `CproError` (or a domain
`ApplicationError`), which the API's handlers turn into the real shape `{codeRetour, libelle}` plus
our clearer `message` (and `erreurs` for invalid bodies), so that a client reading only the real
fields still works and a person reading the answer knows what to fix.
"""

from __future__ import annotations

from typing import Any

# Message codes of the real platform (research notes §1.3).
OK = "TRA_MSG_00.000"  # transverses and structures
OK_DEPOSIT = "GCU_MSG_01_000"  # soumettre, ajouter/fichier, annuaire, deposer/pdf
NO_RESULT_CODE, NO_RESULT = 20000, "TRA_MSG_00.015"  # "La recherche n'a retourné aucun résultat"

# Our codes for what the real platform answers without a documented code.
BAD_REQUEST = 400  # body unreadable or not matching the operation's schema (HTTP 400)
UNAUTHORIZED = 401  # the OAuth2 token is missing, unknown or expired (HTTP 401)
FORBIDDEN = 403  # the cpro-account header is missing, wrong, expired or revoked (HTTP 403)
NOT_FOUND_CODE = 20001  # the object asked for does not exist or is not visible to the account
REFUSED_CODE = 20002  # a domain rule refused the request
SERVER_ERROR = 500


def ok(libelle: str = OK, **fields: Any) -> dict[str, Any]:
    """A success answer: the operation's fields plus `codeRetour` 0 and `libelle`."""
    return {"code_retour": 0, "libelle": libelle, **fields}


def no_result(**fields: Any) -> dict[str, Any]:
    """A search that found nothing: HTTP 200 with code 20000, as the real services answer."""
    return {"code_retour": NO_RESULT_CODE, "libelle": NO_RESULT, **fields}


class CproError(Exception):
    """A refusal rendered as `{codeRetour, libelle, message}` with an HTTP status."""

    def __init__(
        self,
        message: Any,
        *,
        code: int = REFUSED_CODE,
        libelle: str = "",
        status: int = 400,
        extra: dict[str, Any] | None = None,
    ):
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.libelle = libelle
        self.status = status
        self.extra = extra or {}

    def body(self) -> dict[str, Any]:
        message = str(self.message)
        return {"codeRetour": self.code, "libelle": self.libelle or message, "message": message, **self.extra}


def not_found(message: Any) -> CproError:
    """The object does not exist, or exists for another tenant: the same answer, nothing leaks."""
    return CproError(message, code=NOT_FOUND_CODE, status=400)
