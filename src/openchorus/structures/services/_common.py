"""Helpers shared by the organisation services: the rights gate and the audit trail."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from openchorus.audit.services import audit_event_add, snapshot
from openchorus.core.errors import ApplicationError
from openchorus.structures import access
from openchorus.structures.models import Structure


def require(actor, action: str, structure: Structure) -> None:
    """Refuse unless access.py grants `action` on the structure to the actor."""
    if not access.can(actor, action, structure):
        raise ApplicationError(
            _("Vous n'avez pas les droits nécessaires sur la structure %(structure)s.")
            % {"structure": structure.identifier},
            extra={"code": "forbidden"},
        )


def audit(
    *,
    actor,
    structure: Structure,
    action: str,
    obj: Any,
    before: dict | None = None,
    after: dict | None = None,
) -> None:
    audit_event_add(
        stream=f"structure:{structure.pk}", actor=actor, action=action, obj=obj, before=before, after=after
    )


__all__ = ["audit", "require", "snapshot"]
