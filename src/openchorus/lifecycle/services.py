"""The only writer of an invoice's status (LIF-1), the recipient's processing (LIF-2..6) and the
notifications of status changes (LIF-7).

`invoice_transition` checks the table, then in one transaction: a conditional UPDATE (the row must
still be in the status the caller saw; 0 rows means someone else moved it first), the history row,
the audit event (with the hashes of the invoice's files), the dashboard's counters
(`invoices.counts`) and the notifications, sent on commit.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openchorus.audit.services import AuditBatch, audit_event_add
from openchorus.core.errors import ApplicationError
from openchorus.invoices.counts import counted, counts_move
from openchorus.invoices.models import Invoice
from openchorus.lifecycle.models import InvoiceStatusChange
from openchorus.lifecycle.statuses import InvoiceStatus
from openchorus.lifecycle.tasks import invoice_notify
from openchorus.lifecycle.transitions import MOTIFS, Party, reform_code, targets_from, transition_for
from openchorus.structures import access
from openchorus.structures.models import StructureService


def invoice_stream(invoice: Invoice) -> str:
    """The audit chain of one invoice (INV-8)."""
    return f"invoice:{invoice.pk}"


def invoice_files(invoice: Invoice, *, attachments: bool = True) -> dict[str, str]:
    """The SHA-256 of each file of the invoice, as the audit trail records them (`attachments`
    False for an invoice that cannot have any yet: one just created)."""
    # The records themselves, not their ids: an EDI batch's invoice holds its files before they
    # are inserted (ingestion.bulk); a NULL key reads nothing.
    files = {
        name: stored.sha256 if stored is not None else ""
        for name, stored in (
            ("original", invoice.original_file),
            ("xml", invoice.xml_file),
            ("pdf", invoice.pdf_file),
        )
    }
    for attachment in invoice.attachments.select_related("stored") if attachments else ():
        files[f"attachment:{attachment.filename}"] = attachment.stored.sha256
    return {name: sha for name, sha in files.items() if sha}


def _actor_label(actor) -> str:
    return getattr(actor, "email", "") or "plateforme"


def _rule_check(invoice: Invoice, source: str, target: str, party: Party, comment: str, motif: str) -> None:
    """The table's verdict on this transition: raises when it is not allowed as asked."""
    rule = transition_for(source, target)
    if rule is None or party not in rule.parties:
        raise ApplicationError(
            _(
                "La facture %(number)s est au statut « %(source)s » : elle ne peut pas passer au statut « %(target)s »."
            )
            % {
                "number": invoice.number,
                "source": InvoiceStatus(source).label,
                "target": InvoiceStatus(target).label,
            },
            extra={"code": "transition_impossible", "from": source, "to": str(target)},
        )
    if rule.comment_required and not comment.strip():
        raise ApplicationError(
            _("Un commentaire est obligatoire pour ce changement de statut."), field="comment"
        )
    motifs = dict(MOTIFS.get(InvoiceStatus(target), ()))
    if rule.motif_required and motif not in motifs:
        raise ApplicationError(
            _("Choisissez un motif parmi : %(motifs)s.")
            % {"motifs": ", ".join(str(m) for m in motifs.values())},
            field="motif",
        )


def _with_supplier_status(invoice: Invoice, target: str, changes: dict) -> dict:
    """The fields a transition writes besides the status: the caller's, and the status the
    supplier sees (LIF-6)."""
    hidden = (
        target == InvoiceStatus.PAYMENT_ORDERED
        and invoice.recipient_id
        and invoice.recipient.payment_status_hidden
    )
    changes.setdefault("supplier_status", invoice.supplier_status if hidden else target)
    return changes


def invoice_transition(
    *,
    invoice: Invoice,
    target: str,
    actor,
    party: Party,
    comment: str = "",
    motif: str = "",
    files: dict[str, str] | None = None,
    **changes,
) -> Invoice:
    """Move `invoice` to `target`; `changes` are other fields written by the same UPDATE; `files`
    the invoice's file hashes when the caller has them (else they are read)."""
    source = invoice.status
    # Every refusal is raised before the transaction's block and a conflict after it, so a caller's
    # own transaction stays usable; the writes need no savepoint of their own.
    _rule_check(invoice, source, target, party, comment, motif)
    now = timezone.now()
    changes = _with_supplier_status(invoice, target, changes)
    counter = counted(invoice)
    with transaction.atomic(savepoint=False):
        updated = Invoice.objects.filter(pk=invoice.pk, status=source).update(
            status=target, status_changed_at=now, updated_at=now, **changes
        )
        if updated:
            step = _applied(invoice, source, target, now, actor, comment, motif, files, changes)
            _history(step).save()
            audit_event_add(stream=invoice_stream(invoice), **_event(step))
            _notify(invoice, target, source)
            counts_move(counter, counted(invoice))  # the dashboard's counters (invoices.counts)
    if updated == 0:
        raise ApplicationError(
            _("La facture %(number)s vient d'être modifiée par ailleurs ; rechargez la page.")
            % {"number": invoice.number},
            extra={"code": "conflict"},
        )
    return invoice


@dataclass
class Transitioned:
    """One transition made: what its history row and audit event are written from."""

    invoice: Invoice
    source: str
    target: str
    at: datetime
    actor: Any
    comment: str
    motif: str
    files: dict[str, str] | None


def _applied(invoice, source, target, now, actor, comment, motif, files, changes) -> Transitioned:
    """The transition on the instance: its status, the time and the other fields written."""
    invoice.status, invoice.status_changed_at = target, now
    for name, value in changes.items():
        setattr(invoice, name, value)
    return Transitioned(invoice, source, target, now, actor, comment, motif, files)


def _history(step: Transitioned) -> InvoiceStatusChange:
    invoice, actor = step.invoice, step.actor
    return InvoiceStatusChange(
        invoice=invoice,
        from_status=step.source,
        to_status=step.target,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=_actor_label(actor),
        at=step.at,
        comment=step.comment,
        motif=step.motif,
        recipient_id=invoice.recipient_id,
        recipient_service_id=invoice.recipient_service_id,
    )


def _event(step: Transitioned) -> dict[str, Any]:
    """The audit event of a transition (`audit_event_add`'s arguments but the stream)."""
    invoice = step.invoice
    return {
        "actor": step.actor,
        "action": f"status:{step.target}",
        "obj": invoice,
        "before": {"status": step.source},
        "after": {
            "status": str(step.target),
            "comment": step.comment,
            "motif": step.motif,
            "files": invoice_files(invoice) if step.files is None else step.files,
        },
    }


def invoice_transition_apply(
    *,
    invoice: Invoice,
    target: str,
    actor,
    party: Party,
    comment: str = "",
    motif: str = "",
    files: dict[str, str] | None = None,
    **changes,
) -> Transitioned:
    """`invoice_transition` for an invoice not inserted yet (an EDI batch writes its invoices in
    bulk): the same rule and the same fields, set on the instance only. Once the invoices are
    inserted, `transitions_record` writes the history and audit events of the transitions returned
    and `transitions_notify` queues their notices. The counters are the caller's (the invoice is
    counted once, in its final status)."""
    source = invoice.status
    _rule_check(invoice, source, target, party, comment, motif)
    changes = _with_supplier_status(invoice, target, changes)
    return _applied(invoice, source, target, timezone.now(), actor, comment, motif, files, changes)


def transitions_record(steps: list[Transitioned], audit: AuditBatch) -> None:
    """The history rows of transitions made by `invoice_transition_apply` (one statement) and their
    audit events, added to `audit` (written by the caller with the invoices' other events)."""
    InvoiceStatusChange.objects.bulk_create([_history(step) for step in steps])
    for step in steps:
        audit.add(stream=invoice_stream(step.invoice), **_event(step))


def transitions_notify(steps: list[Transitioned]) -> None:
    """The notices of recorded transitions, as `invoice_transition` queues them: each told of the
    invoice as that transition left it (its status and time; `steps` in the order they were made,
    so each invoice ends as its last one left it)."""
    from openchorus.connections.webhooks import webhook_deliveries_grouped

    with webhook_deliveries_grouped():
        for step in steps:
            step.invoice.status, step.invoice.status_changed_at = step.target, step.at
            _notify(step.invoice, step.target, step.source)


# --- the recipient's side -----------------------------------------------------------------------


def _locked(invoice: Invoice) -> Invoice:
    return (
        Invoice.objects.select_for_update(of=("self",))
        .select_related("recipient", "supplier")
        .get(pk=invoice.pk)
    )


def processing_choices(user, invoice: Invoice) -> list[InvoiceStatus]:
    """The statuses the recipient's "Traiter" offers this user for this invoice."""
    if not access.invoice_abilities(user, invoice)["process"]:
        return []
    return targets_from(invoice.status, Party.RECIPIENT)


@transaction.atomic
def invoice_process(*, actor, invoice: Invoice, target: str, comment: str = "", motif: str = "") -> Invoice:
    """ "Traiter" (LIF-2): the recipient moves the invoice to a processing or return status."""
    invoice = _locked(invoice)
    if not access.invoice_abilities(actor, invoice)["process"]:
        raise ApplicationError(
            _(
                "Vous n'avez pas les droits de modification de l'espace « Factures reçues » pour cette facture."
            ),
            extra={"code": "forbidden"},
        )
    return invoice_transition(
        invoice=invoice,
        target=target,
        actor=actor,
        party=Party.RECIPIENT,
        comment=comment.strip(),
        motif=motif,
    )


@transaction.atomic
def invoice_forward(*, actor, invoice: Invoice, service: StructureService, comment: str = "") -> Invoice:
    """LIF-3: the recipient sends the invoice straight to the right service of its own structure."""
    invoice = _locked(invoice)
    if not access.invoice_abilities(actor, invoice)["forward"]:
        raise ApplicationError(
            _("Vous ne pouvez pas transmettre cette facture à un autre service."), extra={"code": "forbidden"}
        )
    today = timezone.localdate()
    if (
        service.structure_id != invoice.recipient_id
        or service.status != "ACTIF"
        or not service.is_active_on(today)
    ):
        raise ApplicationError(
            _("Choisissez un service actif de la structure %(structure)s.")
            % {"structure": invoice.recipient.designation},
            field="service",
        )
    if service.pk == invoice.recipient_service_id:
        raise ApplicationError(_("La facture est déjà adressée à ce service."), field="service")
    former = invoice.recipient_service
    Invoice.objects.filter(pk=invoice.pk).update(
        recipient_service=service, service_code=service.code, updated_at=timezone.now()
    )
    invoice.recipient_service, invoice.service_code = service, service.code
    InvoiceStatusChange.objects.create(
        invoice=invoice,
        from_status=invoice.status,
        to_status=invoice.status,
        actor=actor,
        actor_label=_actor_label(actor),
        at=timezone.now(),
        comment=comment.strip() or f"{former.code if former else '—'} → {service.code}",
        motif="TRANSMISE",
        recipient_id=invoice.recipient_id,
        recipient_service_id=former.pk if former else None,
    )
    audit_event_add(
        stream=invoice_stream(invoice),
        actor=actor,
        action="invoice:forwarded",
        obj=invoice,
        before={"service": former.code if former else ""},
        after={"service": service.code, "comment": comment.strip()},
    )
    _notify_recipients(invoice)
    return invoice


def supplier_visible_status(invoice: Invoice) -> str:
    """LIF-6: "Mise en paiement" stays hidden from the supplier when the recipient structure says so
    (ORG-2); the supplier then sees the status before it. Recorded with each transition."""
    return invoice.supplier_status


# --- notifications (LIF-7) ---------------------------------------------------------------------


def _notify_recipients(invoice: Invoice) -> None:
    pk, status = invoice.pk, str(invoice.status)
    transaction.on_commit(lambda: invoice_notify.enqueue(invoice_id=pk, target=status, recipients_only=True))


_grouped = ContextVar("feed_notifications_grouped", default=False)


@contextmanager
def feed_notifications_grouped() -> Iterator[None]:
    """Within this block, status changes queue no feed notification of their own: the caller tells
    the people concerned once for the lot (an EDI flow of 10,000 invoices makes one feed event per
    person, not 10,000). Webhooks still go per invoice."""
    token = _grouped.set(True)
    try:
        yield
    finally:
        _grouped.reset(token)


def _notify(invoice: Invoice, target: str, source: str | None = None) -> None:
    """Who is told is worked out by a task once the change is committed (`lifecycle.tasks`), so a
    transition costs the request one queued row, not the lookups of everyone concerned. Nobody is
    told of Déposée (the invoice is on its way to Mise à disposition)."""
    pk, status = invoice.pk, str(target)
    if target != InvoiceStatus.DEPOSITED and not _grouped.get():
        transaction.on_commit(lambda: invoice_notify.enqueue(invoice_id=pk, target=status))
    from openchorus.connections.webhooks import enqueue_invoice_event  # BYD-3 webhooks

    enqueue_invoice_event(invoice, target, source)


__all__ = [
    "invoice_files",
    "invoice_forward",
    "invoice_process",
    "invoice_stream",
    "invoice_transition",
    "invoice_transition_apply",
    "processing_choices",
    "reform_code",
    "supplier_visible_status",
]
