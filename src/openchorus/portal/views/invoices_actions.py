"""The actions of the invoice page (LIF-2..5): the recipient's "Traiter" and "Transmettre à un autre
service"; the supplier's answers to a return — recycle, add the missing documents and send the
completed invoice, create a new invoice from a rejected one. Thin adapters over the lifecycle and
invoices services, which check the rights and the transition table.

Whoever may not see the invoice gets 404; whoever sees it without the right to act gets 403. A
refusal re-renders the invoice page with the form, its errors and what was typed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openchorus.core.errors import ApplicationError
from openchorus.invoices import selectors
from openchorus.invoices import services as invoice_services
from openchorus.invoices.models import Invoice
from openchorus.lifecycle import services as lifecycle_services
from openchorus.lifecycle.statuses import InvoiceStatus
from openchorus.lifecycle.transitions import MOTIFS
from openchorus.portal.forms import form_add_application_error
from openchorus.portal.forms.invoices import InvoiceAttachmentForm
from openchorus.portal.forms.invoices_processing import CopyForm, ForwardForm, ProcessForm, RecycleForm
from openchorus.structures import access
from openchorus.structures.enums import Status
from openchorus.structures.models import Attachment, StructureService

FORWARD_MOTIF = "TRANSMISE"  # the history row of a forward (lifecycle.services.invoice_forward)


def _motif_labels() -> dict[tuple[str, str], str]:
    labels = {(status.value, code): str(label) for status, motifs in MOTIFS.items() for code, label in motifs}
    return labels


def _forward_services(invoice) -> list[StructureService]:
    """The other active services of the invoice's recipient structure, active today."""
    if invoice.recipient_id is None:
        return []
    today = timezone.localdate()
    services = StructureService.objects.filter(structure_id=invoice.recipient_id, status=Status.ACTIVE)
    services = services.exclude(pk=invoice.recipient_service_id).order_by("code")
    return [service for service in services if service.is_active_on(today)]


def _structure_attachments(invoice):
    return Attachment.objects.filter(structure=invoice.supplier, is_active=True)


def action_forms(user, view: selectors.InvoiceView, bound: dict) -> dict:
    """The forms of the invoice page's actions this user may take (bound ones replace blank ones),
    and the motifs' labels on the history rows."""
    invoice, abilities = view.invoice, view.abilities
    labels = _motif_labels()
    for change in view.history:
        if change.motif == FORWARD_MOTIF and change.from_status == change.to_status:
            change.motif_label = _("Transmise à un autre service")
        else:
            change.motif_label = labels.get((change.to_status, change.motif), change.motif)
    returns = (InvoiceStatus.TO_RECYCLE, InvoiceStatus.SUSPENDED, InvoiceStatus.REJECTED)
    returned = [c for c in view.history if invoice.status in returns and c.to_status == invoice.status]
    context: dict = {
        "findings": bound.get("findings", []),
        "has_fatal": True,
        "return_change": returned[-1] if returned else None,  # why the recipient sent it back
    }
    if abilities.get("process"):
        choices = lifecycle_services.processing_choices(user, invoice)
        if choices:
            form = bound.get("process") or ProcessForm(invoice=invoice, choices=choices)
            context["process_form"] = form
            context["motifs_by_status"] = form.motifs_by_status
    if abilities.get("forward"):
        services = _forward_services(invoice)
        if services:
            context["forward_form"] = bound.get("forward") or ForwardForm(services=services)
    if abilities.get("recycle"):
        context["recycle_form"] = bound.get("recycle") or RecycleForm(
            initial={
                "recipient_identifier": invoice.recipient.identifier
                if invoice.recipient_id
                else invoice.recipient_identifier,
                "service_code": invoice.recipient_service.code
                if invoice.recipient_service_id
                else invoice.service_code,
                "engagement_number": invoice.engagement_number,
            }
        )
    if abilities.get("complete"):
        context["attachment_form"] = bound.get("attachment") or InvoiceAttachmentForm(
            structure_attachments=_structure_attachments(invoice)
        )
    if abilities.get("copy"):
        context["copy_form"] = bound.get("copy") or CopyForm()
    return context


def _view(request, invoice_id: int, side: str) -> selectors.InvoiceView:
    """The invoice (404 if the user may not see it) of a user with the modification right of the
    side it acts on (403 otherwise). Whether the action fits the invoice's status is the services'
    to say, with their message."""
    view = selectors.invoice_view_for_user(user=request.user, invoice_id=invoice_id)
    if view is None:
        raise Http404
    if side == "recipient":
        allowed = view.abilities.get("process", False)
    else:
        allowed = Invoice.objects.filter(pk=invoice_id).filter(
            access.sent_invoices_scope(request.user, edit=True)
        )
        allowed = view.abilities["view_as_supplier"] and allowed.exists()
    if not allowed:
        raise PermissionDenied
    return view


def _refused(request, view, name: str, form, *, ability: str, error: ApplicationError | None = None, **extra):
    """The invoice page again: with the refused form when the action is still open on it, else
    (the status moved on meanwhile) with the refusal as a message."""
    from openchorus.portal.views.invoices_followup import render_invoice_detail

    fresh = selectors.invoice_view_for_user(user=request.user, invoice_id=view.invoice.pk) or view
    if not fresh.abilities.get(ability):
        message = (
            error.message if error is not None else _("Cette action n'est pas possible sur cette facture.")
        )
        messages.error(request, str(message))
        return _detail(fresh.invoice)
    return render_invoice_detail(request, fresh, forms={name: form, **extra})


def _detail(invoice, anchor: str = ""):
    return redirect(reverse("portal:invoice_detail", args=[invoice.pk]) + (f"#{anchor}" if anchor else ""))


# --- the recipient's side (LIF-2, LIF-3) ------------------------------------------------------------


@login_required
@require_POST
def invoice_process(request, invoice_id: int):
    view = _view(request, invoice_id, "recipient")
    choices = lifecycle_services.processing_choices(request.user, view.invoice)
    form = ProcessForm(request.POST, invoice=view.invoice, choices=choices)
    if not form.is_valid():
        return _refused(request, view, "process", form, ability="process")
    data = form.cleaned_data
    try:
        invoice = lifecycle_services.invoice_process(
            actor=request.user,
            invoice=view.invoice,
            target=data["target"],
            comment=data["comment"],
            motif=data["motif"],
        )
    except ApplicationError as error:
        form_add_application_error(form, error)
        return _refused(request, view, "process", form, ability="process", error=error)
    messages.success(
        request,
        _("La facture %(number)s est au statut « %(status)s ».")
        % {"number": invoice.number, "status": InvoiceStatus(invoice.status).label},
    )
    return _detail(invoice)


@login_required
@require_POST
def invoice_forward(request, invoice_id: int):
    view = _view(request, invoice_id, "recipient")
    form = ForwardForm(request.POST, services=_forward_services(view.invoice))
    if not form.is_valid():
        return _refused(request, view, "forward", form, ability="forward")
    try:
        invoice = lifecycle_services.invoice_forward(
            actor=request.user,
            invoice=view.invoice,
            service=form.cleaned_data["service"],
            comment=form.cleaned_data["comment"],
        )
    except ApplicationError as error:
        form_add_application_error(form, error)
        return _refused(request, view, "forward", form, ability="forward", error=error)
    messages.success(
        request,
        _("La facture %(number)s est transmise au service %(service)s.")
        % {"number": invoice.number, "service": invoice.recipient_service.code},
    )
    # A user habilitated on one service no longer sees the invoice: back to the list.
    if selectors.invoice_get_for_user(user=request.user, invoice_id=invoice.pk) is None:
        return redirect("portal:received_invoices")
    return _detail(invoice)


# --- the supplier's answers (LIF-3, LIF-4, LIF-5) ---------------------------------------------------


@login_required
@require_POST
def invoice_recycle(request, invoice_id: int):
    view = _view(request, invoice_id, "supplier")
    form = RecycleForm(request.POST)
    if not form.is_valid():
        return _refused(request, view, "recycle", form, ability="recycle")
    try:
        invoice = invoice_services.invoice_recycle(
            actor=request.user, invoice=view.invoice, **form.cleaned_data
        )
    except invoice_services.InvoiceRefused as refusal:
        for finding in refusal.findings:
            if finding.fatal and finding.field in form.fields:
                form.add_error(finding.field, finding.message)
        return _refused(
            request, view, "recycle", form, ability="recycle", error=refusal, findings=refusal.findings
        )
    except ApplicationError as error:
        form_add_application_error(form, error)
        return _refused(request, view, "recycle", form, ability="recycle", error=error)
    recipient = invoice.recipient.designation if invoice.recipient_id else invoice.recipient_identifier
    messages.success(
        request,
        _("La facture %(number)s est renvoyée à %(recipient)s.")
        % {"number": invoice.number, "recipient": recipient},
    )
    return _detail(invoice)


@login_required
@require_POST
def invoice_attachment_add(request, invoice_id: int):
    """A missing supporting document added to a suspended invoice (drafts have their own page)."""
    view = _view(request, invoice_id, "supplier")
    choices = _structure_attachments(view.invoice)
    form = InvoiceAttachmentForm(request.POST, request.FILES, structure_attachments=choices)
    if not form.is_valid():
        return _refused(request, view, "attachment", form, ability="complete")
    picked = choices.filter(pk=form.cleaned_data.get("structure_attachment") or 0).first()
    upload = form.cleaned_data.get("file")
    try:
        attachment = invoice_services.invoice_attachment_add(
            actor=request.user,
            invoice=view.invoice,
            data=None if picked else upload,
            filename="" if picked else upload.name,
            description=form.cleaned_data.get("description", ""),
            structure_attachment=picked,
        )
    except ApplicationError as error:
        form_add_application_error(form, error)
        return _refused(request, view, "attachment", form, ability="complete", error=error)
    messages.success(request, _("La pièce jointe « %(name)s » est ajoutée.") % {"name": attachment.filename})
    return _detail(view.invoice, "suspended-actions")


@login_required
@require_POST
def invoice_complete(request, invoice_id: int):
    view = _view(request, invoice_id, "supplier")
    try:
        invoice = invoice_services.invoice_complete(
            actor=request.user, invoice=view.invoice, comment=request.POST.get("comment", "")[:2000]
        )
    except ApplicationError as error:
        messages.error(request, str(error.message))
        return _detail(view.invoice, "suspended-actions")
    messages.success(
        request,
        _("La facture %(number)s complétée est renvoyée à son destinataire.") % {"number": invoice.number},
    )
    return _detail(invoice)


@login_required
@require_POST
def invoice_copy(request, invoice_id: int):
    view = _view(request, invoice_id, "supplier")
    form = CopyForm(request.POST)
    if not form.is_valid():
        return _refused(request, view, "copy", form, ability="copy")
    try:
        draft = invoice_services.invoice_copy(
            actor=request.user, invoice=view.invoice, number=form.cleaned_data["number"]
        )
    except ApplicationError as error:
        if error.field not in form.fields:
            error.field = "number" if error.extra.get("code") != "transition_impossible" else None
        form_add_application_error(form, error)
        return _refused(request, view, "copy", form, ability="copy", error=error)
    messages.success(
        request,
        _("Le brouillon %(number)s reprend les données de la facture rejetée : vérifiez-le, puis envoyez-le.")
        % {"number": draft.number},
    )
    return redirect("portal:invoice_edit", draft.pk)
