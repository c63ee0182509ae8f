"""What the API's Factures operations keep beside the invoices (issue #8): the user record a
technical account writes as, the files sent ahead of an invoice (`ajouter/fichier`,
`deposer/pdf`) and the answers of idempotent requests.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from openchorus.connections.models import ApiUpload, IdempotentRequest, TechnicalAccount
from openchorus.core.errors import ApplicationError
from openchorus.structures import access
from openchorus.structures.services.files import attachment_file_check

TECHNICAL_USER_DOMAIN = "comptes-techniques.openchorus.invalid"
IDEMPOTENCY_KEY_MAX = 255


# --- the user record of a technical account -------------------------------------------------------


def technical_account_user(account: TechnicalAccount):
    """The user record that the "created by" / "added by" columns name for a technical account's
    writes: one per account, deactivated, without password nor membership (it can never sign in nor
    see anything); its e-mail, on a reserved `.invalid` domain, can be no one's real address."""
    from openchorus.accounts.enums import AccountStatus

    email = f"compte-technique-{account.pk}@{TECHNICAL_USER_DOMAIN}"
    user = get_user_model().objects.filter(email=email).first()
    if user is not None:
        return user
    try:
        with transaction.atomic():
            return get_user_model().objects.create_user(
                email,
                None,
                first_name=str(_("Compte technique")),
                last_name=account.login[:100],
                status=AccountStatus.DEACTIVATED,
            )
    except IntegrityError:  # created at the same moment by another call
        return get_user_model().objects.get(email=email)


def acting_user(actor):
    """The user to record as author: the actor itself, or a technical account's user record."""
    if getattr(actor, "is_technical_account", False):
        return actor.user or technical_account_user(TechnicalAccount.objects.get(pk=actor.account_id))
    return actor


# --- files sent ahead (ajouter/fichier, deposer/pdf) ----------------------------------------------


def _require_sender(actor) -> None:
    if actor.structure_id not in access.invoice_supplier_structures(actor):
        raise ApplicationError(
            _("Ce compte technique n'a pas les droits de l'espace « Factures émises » de sa structure."),
            extra={"code": "forbidden"},
        )


@transaction.atomic
def api_upload_add(*, actor, data: bytes | IO[bytes], filename: str) -> ApiUpload:
    """`ajouter/fichier`: a supporting document (the portal's checks: name, 4 MB, type read from the
    bytes) kept for the technical account's structure until an invoice names it."""
    _require_sender(actor)
    stored, filename = attachment_file_check(data, filename)
    return ApiUpload.objects.create(
        account_id=actor.account_id, structure_id=actor.structure_id, stored=stored, filename=filename
    )


def api_upload_record(*, actor, stored, filename: str, invoice=None) -> ApiUpload:
    """`deposer/pdf`: the deposited PDF, already checked and kept by the deposit pipeline."""
    return ApiUpload.objects.create(
        account_id=actor.account_id,
        structure_id=actor.structure_id,
        stored=stored,
        filename=filename[:255],
        invoice=invoice,
    )


def api_upload_get(*, actor, upload_id: Any) -> ApiUpload | None:
    """An upload of the actor's structure, or None (another structure's answers as a missing one)."""
    try:
        upload_id = int(upload_id)
    except (TypeError, ValueError):
        return None
    if not getattr(actor, "is_technical_account", False):
        return None
    return (
        ApiUpload.objects.select_related("stored", "invoice")
        .filter(pk=upload_id, structure_id=actor.structure_id)
        .first()
    )


# --- idempotent requests --------------------------------------------------------------------------


class IdempotencyConflict(ApplicationError):
    """The key was used before for another operation or another body."""


def body_digest(operation: str, body: bytes) -> str:
    return hashlib.sha256(operation.encode() + b"\n" + body).hexdigest()


def idempotent_run(
    *, actor, key: str, operation: str, body: bytes, run: Callable[[], tuple[int, dict[str, Any]]]
) -> tuple[int, dict[str, Any], bool]:
    """Run `run()` once per (technical account, key): returns (status, answer, replayed).

    The key is reserved in the same transaction as the work, so a concurrent call with the same key
    waits for the first one and then replays its answer; a refused request (an exception) reserves
    nothing and may be sent again. The same key with another operation or body is refused."""
    key = key.strip()
    if len(key) > IDEMPOTENCY_KEY_MAX:
        raise ApplicationError(
            _("L'en-tête Idempotency-Key compte au plus %(max)s caractères.") % {"max": IDEMPOTENCY_KEY_MAX},
            field="Idempotency-Key",
        )
    digest = body_digest(operation, body)
    previous = IdempotentRequest.objects.filter(account_id=actor.account_id, key=key).first()
    if previous is None:
        try:
            with transaction.atomic():
                reserved = IdempotentRequest.objects.create(
                    account_id=actor.account_id, key=key, operation=operation, body_sha256=digest
                )
                status, answer = run()
                reserved.status_code, reserved.response = status, answer
                reserved.save(update_fields=["status_code", "response"])
                return status, answer, False
        except IntegrityError:
            previous = IdempotentRequest.objects.filter(account_id=actor.account_id, key=key).first()
            if previous is None:
                raise
    if previous.operation != operation or previous.body_sha256 != digest:
        raise IdempotencyConflict(
            _(
                "La clé d'idempotence « %(key)s » a déjà servi le %(date)s pour une autre requête "
                "(%(operation)s, corps différent) : utilisez une nouvelle clé pour une nouvelle requête."
            )
            % {
                "key": key[:60],
                "date": previous.created_at.strftime("%d/%m/%Y %H:%M"),
                "operation": previous.operation,
            },
            extra={"code": "idempotency_conflict"},
        )
    return previous.status_code, previous.response, True
