"""The one exception type for domain refusals, rendered the same by the portal, the API and EDI."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A domain rule refused an action. `message` is user-facing (already translated or lazy).

    `field` names the form field concerned, when there is one, so that the portal shows the message
    beside it; `extra` carries structured details for the API.
    """

    def __init__(self, message: Any, *, field: str | None = None, extra: dict[str, Any] | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.extra = extra or {}
