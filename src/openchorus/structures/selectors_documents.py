"""Reads of a structure's bank details, attachments and billing mandates, scoped by the acting user.

Every function answers only for a user who may view the structure (`access.can(user, "view", …)`):
otherwise the lists are empty and the single-object reads return None, so a caller cannot tell a
stranger's structure from an empty one.
"""

from __future__ import annotations

from django.db.models import QuerySet

from openchorus.structures import access
from openchorus.structures.enums import Status
from openchorus.structures.models import Attachment, BankAccount, BillingMandate, Structure


def _may_view(user, structure: Structure) -> bool:
    return access.can(user, "view", structure)


def bank_account_list_for_structure(
    *, user, structure: Structure, include_inactive: bool = False
) -> QuerySet[BankAccount]:
    """The structure's bank details: the active ones, or all of them (active first)."""
    if not _may_view(user, structure):
        return BankAccount.objects.none()
    accounts = BankAccount.objects.filter(structure=structure).select_related("document")
    if not include_inactive:
        return accounts.filter(status=Status.ACTIVE).order_by("name", "id")
    return accounts.order_by("status", "name", "id")


def bank_account_get(*, user, structure: Structure, account_id: int) -> BankAccount | None:
    if not _may_view(user, structure):
        return None
    return BankAccount.objects.filter(structure=structure, pk=account_id).select_related("document").first()


def attachment_list_for_structure(
    *, user, structure: Structure, include_removed: bool = False
) -> QuerySet[Attachment]:
    """The structure's attachments, newest first; the withdrawn ones only when asked."""
    if not _may_view(user, structure):
        return Attachment.objects.none()
    attachments = Attachment.objects.filter(structure=structure).select_related("stored", "uploaded_by")
    if not include_removed:
        attachments = attachments.filter(is_active=True)
    return attachments.order_by("-created_at", "-id")


def attachment_get(*, user, structure: Structure, attachment_id: int) -> Attachment | None:
    if not _may_view(user, structure):
        return None
    return Attachment.objects.filter(structure=structure, pk=attachment_id).select_related("stored").first()


def billing_mandate_list_for_structure(*, user, structure: Structure) -> QuerySet[BillingMandate]:
    """Every mandate the structure subscribed, newest first (the one in force, if any, leads)."""
    if not _may_view(user, structure):
        return BillingMandate.objects.none()
    return (
        BillingMandate.objects.filter(structure=structure)
        .select_related("document", "signatory", "revoked_by")
        .order_by("-created_at", "-id")
    )


def billing_mandate_get(*, user, structure: Structure, mandate_id: int) -> BillingMandate | None:
    if not _may_view(user, structure):
        return None
    return (
        BillingMandate.objects.filter(structure=structure, pk=mandate_id).select_related("document").first()
    )
