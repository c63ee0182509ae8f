"""`CproRouter`: the router every operation of the API is declared on."""

from __future__ import annotations

from typing import Any

from ninja.constants import NOT_SET
from ninja.router import Router

from openchorus.api.auth import ACCOUNT_HEADER
from openchorus.api.schemas import ErreurOut

ERROR_RESPONSES = {400: ErreurOut, 401: ErreurOut, 403: ErreurOut}
_ACCOUNT_PARAMETER = {
    "in": "header",
    "name": ACCOUNT_HEADER,
    "required": True,
    "description": "base64(« identifiant:mot de passe ») du compte technique",
    "schema": {"type": "string"},
}


class CproRouter(Router):
    """A router whose operations answer with the real (aliased) field names, document their error
    answers and the cpro-account header. Every operation of the API is declared on one."""

    def add_api_operation(self, path: str, methods: list[str], view_func, **kwargs: Any) -> None:
        response = kwargs.get("response", NOT_SET)
        if response is not NOT_SET and not isinstance(response, dict):
            kwargs["response"] = {200: response, **ERROR_RESPONSES}
        if kwargs.get("by_alias") is None:
            kwargs["by_alias"] = True
        if kwargs.get("auth", NOT_SET) is not None:
            extra = dict(kwargs.get("openapi_extra") or {})
            extra.setdefault("parameters", []).append(_ACCOUNT_PARAMETER)
            kwargs["openapi_extra"] = extra
        super().add_api_operation(path, methods, view_func, **kwargs)
