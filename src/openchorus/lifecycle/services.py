"""The only writer of an invoice's status (LIF-1).

`invoice_transition` checks the table, then in one transaction: a conditional UPDATE (the row must
still be in the status the caller saw; 0 rows means someone else moved it first), the history row,
the audit event (with the hashes of the invoice's files) and the notifications, sent on commit.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openchorus.audit.services import audit_event_add
from openchorus.core.errors import ApplicationError
from openchorus.invoices.models import Invoice
from openchorus.lifecycle.models import InvoiceStatusChange
from openchorus.lifecycle.statuses import InvoiceStatus
from openchorus.lifecycle.transitions import Party, transition_for
from openchorus.notifications.enums import FeedEventKind
from openchorus.notifications.services import feed_event_add


def invoice_stream(invoice: Invoice) -> str:
    """The audit chain of one invoice (INV-8)."""
    return f"invoice:{invoice.pk}"


def invoice_files(invoice: Invoice) -> dict[str, str]:
    """The SHA-256 of each file of the invoice, as the audit trail records them."""
    files = {
        "original": invoice.original_file.sha256 if invoice.original_file_id else "",
        "xml": invoice.xml_file.sha256 if invoice.xml_file_id else "",
        "pdf": invoice.pdf_file.sha256 if invoice.pdf_file_id else "",
    }
    for attachment in invoice.attachments.select_related("stored"):
        files[f"attachment:{attachment.filename}"] = attachment.stored.sha256
    return {name: sha for name, sha in files.items() if sha}


def _actor_label(actor) -> str:
    return getattr(actor, "email", "") or "plateforme"


@transaction.atomic
def invoice_transition(
    *,
    invoice: Invoice,
    target: str,
    actor,
    party: Party,
    comment: str = "",
    motif: str = "",
    **changes,
) -> Invoice:
    """Move `invoice` to `target`; `changes` are other fields written by the same UPDATE."""
    source = invoice.status
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
    now = timezone.now()
    updated = Invoice.objects.filter(pk=invoice.pk, status=source).update(
        status=target, status_changed_at=now, updated_at=now, **changes
    )
    if updated == 0:
        raise ApplicationError(
            _("La facture %(number)s vient d'être modifiée par ailleurs ; rechargez la page.")
            % {"number": invoice.number},
            extra={"code": "conflict"},
        )
    invoice.status, invoice.status_changed_at = target, now
    for name, value in changes.items():
        setattr(invoice, name, value)
    InvoiceStatusChange.objects.create(
        invoice=invoice,
        from_status=source,
        to_status=target,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=_actor_label(actor),
        at=now,
        comment=comment,
        motif=motif,
    )
    audit_event_add(
        stream=invoice_stream(invoice),
        actor=actor,
        action=f"status:{target}",
        obj=invoice,
        before={"status": source},
        after={"status": str(target), "comment": comment, "motif": motif, "files": invoice_files(invoice)},
    )
    _notify(invoice, target)
    return invoice


def _notify(invoice: Invoice, target: str) -> None:
    """The supplier's author hears of the invoice reaching its recipient (LIF-7 adds the rest)."""
    if target != InvoiceStatus.AVAILABLE or invoice.created_by_id is None:
        return
    link = reverse("portal:invoice_detail", args=[invoice.pk])
    user, number = invoice.created_by, invoice.number
    recipient = invoice.recipient.designation if invoice.recipient_id else invoice.recipient_identifier
    transaction.on_commit(
        lambda: feed_event_add(
            user=user, kind=FeedEventKind.INVOICE_AVAILABLE, link=link, number=number, recipient=recipient
        )
    )
