""" "Saisir une facture" (INV-2, INV-6): the draft's form, its live totals, checks and sending.

Thin adapters: rights come from `structures/access.py`, writes from `invoices.services`, totals from
`invoices.totals` (the very function the service records with). A draft is saved whatever it
holds; "Vérifier" runs every check without sending (BYD-1) and shows each finding beside its field;
"Envoyer" sends, or shows why not the same way. A stranger gets a 404, a viewer without the right
to send a 403, and a sent invoice is never edited again: its page is the follow-up's.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openchorus.core.errors import ApplicationError
from openchorus.invoices import services
from openchorus.invoices import totals as totals_module
from openchorus.invoices.enums import Channel, SourceSyntax
from openchorus.invoices.models import Invoice, InvoiceAttachment
from openchorus.invoices.services import InvoiceRefused
from openchorus.portal.forms import form_add_application_error
from openchorus.portal.forms.invoices import (
    LINES_PREFIX,
    InvoiceAttachmentForm,
    InvoiceEntryForm,
    LineFormSet,
    StructureChoiceForm,
    line_initial,
)
from openchorus.structures import access
from openchorus.structures.enums import Space, Status
from openchorus.structures.models import Attachment, BankAccount, Structure, StructureService
from openchorus.structures.services.files import billing_mandate_active

TEMPLATES = "portal/invoices/"
# What the PDF reading names each recognised value, and the form field it pre-filled (INV-3).
READING_FIELDS = {
    "recipient_siret": "recipient_identifier",
    "invoice_number": "number",
    "issue_date": "issue_date",
    "delivery_date": "delivery_date",
    "engagement_number": "engagement_number",
    "iban": "bank_account",
}
READING_TOTALS = ("total_excl_vat", "vat_total", "total_incl_vat")


# --- rights and reads ---------------------------------------------------------------------------


def _sender_services(user, structure: Structure) -> tuple[list[StructureService], bool]:
    """The supplier services a user may send for, and whether one must be chosen: a habilitation
    bound to services (Manuela on "traiteur", seed 001) sends only for them."""
    rights = access.rights_for(user, [structure.pk]).get(structure.pk)
    grant = rights.spaces.get(Space.SENT_INVOICES) if rights else None
    active = structure.services.filter(status=Status.ACTIVE).order_by("code")
    if grant is None or grant.services is None:
        return list(active), False
    return list(structure.services.filter(pk__in=grant.services).order_by("code")), True


def _supplier(request, structure_id: int) -> Structure:
    if structure_id not in access.invoice_supplier_structures(request.user):
        raise Http404
    return get_object_or_404(Structure, pk=structure_id)


def _sent_redirect(request, invoice: Invoice):
    messages.info(
        request,
        _("La facture %(number)s a été envoyée : elle ne peut plus être modifiée.") % {"number": invoice},
    )
    return redirect("portal:invoice_detail", invoice_id=invoice.pk)


def _editable(request, invoice_id: int):
    """The draft to edit, or the response to give instead (sent invoice → its page)."""
    invoice = Invoice.objects.filter(pk=invoice_id).first()
    if invoice is None:
        raise Http404
    abilities = access.invoice_abilities(request.user, invoice)
    if not abilities["view"]:
        raise Http404
    if not invoice.is_draft:
        return invoice, _sent_redirect(request, invoice)
    if not abilities["edit"]:
        raise PermissionDenied
    return invoice, None


def _recipient_services(identifier: str) -> tuple[Structure | None, list[StructureService]]:
    """The public structure a SIRET names and its services active today (ORG-3)."""
    identifier = "".join((identifier or "").split())
    if not identifier:
        return None, []
    structure = Structure.objects.filter(identifier=identifier).order_by("-kind").first()
    if structure is None or not structure.is_public:
        return structure, []
    today = date.today()
    active = structure.services.filter(status=Status.ACTIVE).order_by("code")
    return structure, [s for s in active if s.is_active_on(today)]


def _bank_accounts(structure: Structure, invoice: Invoice | None) -> list[BankAccount]:
    """The structure's active bank details (ORG-4), and the one the draft already names."""
    condition = Q(status=Status.ACTIVE)
    if invoice is not None and invoice.bank_account_id:
        condition |= Q(pk=invoice.bank_account_id)
    return list(BankAccount.objects.filter(condition, structure=structure).order_by("name"))


# --- building the form ----------------------------------------------------------------------------


def _initial(invoice: Invoice | None, structure: Structure, accounts: list[BankAccount]) -> dict:
    if invoice is None:
        return {
            "issue_date": date.today(),
            "billing_frame": "A1_FACTURE_FOURNISSEUR",
            "type_code": "380",
            "currency": "EUR",
            "bank_account": accounts[0].pk if len(accounts) == 1 else None,
        }
    initial = {name: getattr(invoice, name) for name in InvoiceEntryForm.SERVICE_FIELDS}
    initial["supplier_service"] = invoice.supplier_service_id
    initial["bank_account"] = invoice.bank_account_id
    initial["exemption_reason"] = next((v["reason"] for v in invoice.vat_breakdown if v.get("reason")), "")
    return initial


def _forms(request, structure: Structure, invoice: Invoice | None, data=None, initial_override=None):
    supplier_services, service_required = _sender_services(request.user, structure)
    accounts = _bank_accounts(structure, invoice)
    initial = {**_initial(invoice, structure, accounts), **(initial_override or {})}
    identifier = (data or {}).get("recipient_identifier", initial.get("recipient_identifier") or "")
    recipient, recipient_services = _recipient_services(identifier)
    form = InvoiceEntryForm(
        data,
        initial=initial,
        supplier_services=supplier_services,
        service_required=service_required,
        bank_accounts=accounts,
        recipient_services=recipient_services,
        structured=bool(invoice and invoice.is_structured_deposit),
    )
    form.recipient, form.recipient_services = recipient, recipient_services
    if data is not None and not form.structured:
        formset = LineFormSet(data, prefix=LINES_PREFIX)
    else:
        lines = [line_initial(line) for line in invoice.lines.all()] if invoice else []
        formset = LineFormSet(initial=lines or [{}], prefix=LINES_PREFIX)
    return form, formset


def _line_inputs(formset) -> list[totals_module.LineInput | None]:
    """What each row holds, read leniently (a half-typed number counts as nothing yet)."""
    rows: list[totals_module.LineInput | None] = []
    for form in formset.forms:
        if formset.is_bound:
            raw = {name: form.data.get(form.add_prefix(name), "") for name in form.fields}
            removed = raw.get("DELETE") in ("on", "true", "1", True)
        else:
            raw = {name: form.initial.get(name, form.fields[name].initial) for name in form.fields}
            removed = False
        quantity = totals_module.decimal_or_none(raw.get("quantity"))
        price = totals_module.decimal_or_none(raw.get("unit_price"))
        if removed or (quantity is None and price is None):
            rows.append(None)
            continue
        rows.append(
            totals_module.LineInput(
                quantity or totals_module.ZERO,
                price or totals_module.ZERO,
                totals_module.decimal_or_none(raw.get("discount")) or totals_module.ZERO,
                raw.get("vat_category") or "S",
                totals_module.decimal_or_none(raw.get("vat_rate")),
            )
        )
    return rows


def _totals_context(formset, exemption_reason: str = "") -> dict:
    rows = _line_inputs(formset)
    kept = [row for row in rows if row is not None]
    computed = totals_module.compute(kept, exemption_reason=exemption_reason)
    amounts = iter(computed.line_amounts)
    line_amounts = [None if row is None else next(amounts) for row in rows]
    return {"totals": computed, "line_amounts": line_amounts}


def _attach_findings(form, formset, findings) -> None:
    """Each finding beside its field: "number", "lines-<i>-<field>", or the summary only."""
    for finding in findings:
        name = finding.field
        target, field = None, None
        if name.startswith(LINES_PREFIX + "-"):
            _prefix, index, field = name.split("-", 2)
            if index.isdigit() and int(index) < len(formset.forms):
                target = formset.forms[int(index)]
        elif name in form.fields:
            target, field = form, name
        if target is None or field not in target.fields:
            continue
        bound = target[field]
        bound.oc_findings = [*getattr(bound, "oc_findings", []), finding]
        if finding.fatal and not target.fields[field].disabled:
            if not hasattr(target, "cleaned_data"):
                target.cleaned_data = {}
            text = f"{finding.message} {finding.fix}".strip()
            if text not in target.errors.get(field, []):
                target.add_error(field, text)


def _reading(invoice: Invoice | None) -> dict:
    """What was recognised in a deposited text PDF, by form field, and the suggested recipients."""
    if invoice is None or invoice.source_syntax != SourceSyntax.PDF or not invoice.reading:
        return {}
    fields = invoice.reading.get("fields", {})
    by_field = {}
    for name, target in READING_FIELDS.items():
        if name in fields:
            found = fields[name]
            by_field[target] = {
                "value": found["value"],
                "confidence": round(100 * float(found["confidence"])),
            }
    totals = [
        {
            "name": name,
            "value": fields[name]["value"],
            "confidence": round(100 * float(fields[name]["confidence"])),
        }
        for name in READING_TOTALS
        if name in fields
    ]
    return {
        "by_field": by_field,
        "totals": totals,
        "suggestions": invoice.reading.get("suggestions", []),
        "warnings": invoice.reading.get("warnings", []),
    }


def _page(
    request,
    structure: Structure,
    form,
    formset,
    invoice: Invoice | None = None,
    findings=None,
    status: int = 200,
    verified: bool = False,
):
    findings = list(findings or [])
    if findings:
        _attach_findings(form, formset, findings)
    reading = _reading(invoice)
    for name, found in reading.get("by_field", {}).items():
        if name in form.fields:
            form[name].oc_reading = found
    exemption = (
        form.data.get("exemption_reason", "") if form.is_bound else form.initial.get("exemption_reason", "")
    )
    attachments = []
    structure_attachments = []
    if invoice is not None:
        attachments = list(invoice.attachments.select_related("stored"))
        structure_attachments = list(
            Attachment.objects.filter(structure=structure, is_active=True).order_by("filename")
        )
    context = {
        "structure": structure,
        "invoice": invoice,
        "form": form,
        "formset": formset,
        "rows": list(zip(formset.forms, _totals_context(formset, exemption)["line_amounts"], strict=True)),
        **_totals_context(formset, exemption),
        "findings": findings,
        "has_fatal": any(f.fatal for f in findings),
        "verified": verified,
        "reading": reading,
        "structured": bool(invoice and invoice.is_structured_deposit),
        "attachments": attachments,
        "attachment_form": InvoiceAttachmentForm(structure_attachments=structure_attachments),
        "has_structure_attachments": bool(structure_attachments),
        "follow_up_url": _follow_up_url(),
    }
    return render(request, TEMPLATES + "entry.html", context, status=status)


def _follow_up_url() -> str:
    try:
        return reverse("portal:sent_invoices")
    except NoReverseMatch:
        return reverse("portal:dashboard")


def _no_mandate(request, structure: Structure, invoice: Invoice | None = None):
    abilities = access.structure_abilities(request.user, structure)
    return render(
        request,
        TEMPLATES + "entry_no_mandate.html",
        {
            "structure": structure,
            "invoice": invoice,
            "may_subscribe": abilities.get("manage_mandate", False),
            "follow_up_url": _follow_up_url(),
        },
    )


def _needs_mandate(invoice: Invoice | None, structure: Structure) -> bool:
    """ORG-6: entering an invoice in the form needs a billing mandate; a deposited file does not."""
    channel = Channel.ENTRY if invoice is None else invoice.channel
    return channel == Channel.ENTRY and billing_mandate_active(structure) is None


# --- saving, checking, sending ----------------------------------------------------------------------


def _save(request, structure: Structure, invoice: Invoice | None, form, formset) -> Invoice | None:
    """Save the draft from the posted form; None (with the errors on the form) when refused."""
    lines_valid = formset.is_valid() if formset.is_bound else True
    if not (form.is_valid() and lines_valid):
        return None
    data = form.cleaned_data
    supplier_service = None
    if data.get("supplier_service"):
        supplier_service = StructureService.objects.filter(
            pk=data["supplier_service"], structure=structure
        ).first()
    account = None
    if data.get("bank_account"):
        account = BankAccount.objects.filter(pk=data["bank_account"], structure=structure).first()
    try:
        return services.invoice_draft_save(
            actor=request.user,
            supplier=structure,
            invoice=invoice,
            values=form.service_values(),
            lines=formset.service_values() if formset.is_bound else [],
            supplier_service=supplier_service,
            bank_account=account,
            exemption_reason=data.get("exemption_reason", "").strip(),
        )
    except ApplicationError as error:
        if error.field == "lines":
            form.add_error(None, str(error.message))
        else:
            form_add_application_error(form, error)
        return None


def _act(request, structure: Structure, invoice: Invoice | None, form, formset, action: str):
    """Save the posted draft, then verify or send it as asked."""
    if request.POST.get("remove_line", "").isdigit():
        # Without JavaScript, "Retirer" posts the form: show it again without that row, unsaved.
        data = request.POST.copy()
        data[f"{LINES_PREFIX}-{request.POST['remove_line']}-DELETE"] = "on"
        form, formset = _forms(request, structure, invoice, data)
        return _page(request, structure, form, formset, invoice)
    saved = _save(request, structure, invoice, form, formset)
    if saved is None:
        return _page(request, structure, form, formset, invoice, status=400)
    if action == "verify":
        return _verify_page(request, saved)
    if action == "submit":
        return _submit(request, saved)
    messages.success(request, _("Le brouillon de la facture %(number)s est enregistré.") % {"number": saved})
    return redirect("portal:invoice_edit", invoice_id=saved.pk)


def _fresh(request, invoice: Invoice):
    """The form of a saved draft, bound to what is recorded, so findings can sit on its fields."""
    invoice = Invoice.objects.select_related("supplier").get(pk=invoice.pk)
    form, formset = _forms(request, invoice.supplier, invoice)
    return invoice, form, formset


def _verify_page(request, invoice: Invoice):
    findings = services.invoice_verify(actor=request.user, invoice=invoice)
    invoice, form, formset = _fresh(request, invoice)
    if not findings:
        messages.success(request, _("Aucune anomalie : la facture peut être envoyée."))
    return _page(request, invoice.supplier, form, formset, invoice, findings=findings, verified=True)


def _submit(request, invoice: Invoice):
    try:
        sent = services.invoice_submit(actor=request.user, invoice=invoice)
    except InvoiceRefused as refused:
        invoice, form, formset = _fresh(request, invoice)
        messages.error(request, str(refused.message))
        return _page(request, invoice.supplier, form, formset, invoice, findings=refused.findings, status=400)
    except ApplicationError as error:
        messages.error(request, str(error.message))
        return redirect("portal:invoice_edit", invoice_id=invoice.pk)
    messages.success(
        request,
        _("La facture %(number)s est envoyée : elle est mise à disposition de %(recipient)s.")
        % {"number": sent, "recipient": sent.recipient.designation if sent.recipient else ""},
    )
    return redirect("portal:invoice_detail", invoice_id=sent.pk)


# --- pages ------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def sent_invoices_new(request):
    """Saisir une facture: choose the structure first when the user sends for several."""
    ids = access.invoice_supplier_structures(request.user)
    if not ids:
        raise PermissionDenied
    structures = list(Structure.objects.filter(pk__in=ids).order_by("legal_name"))
    chosen = request.POST.get("structure") or request.GET.get("structure")
    if chosen is None and len(structures) == 1:
        chosen = str(structures[0].pk)
    if not (chosen or "").isdigit():
        choice = StructureChoiceForm(structures=structures)
        return render(
            request, TEMPLATES + "entry_structure.html", {"form": choice, "follow_up_url": _follow_up_url()}
        )
    structure = _supplier(request, int(chosen))
    if _needs_mandate(None, structure):
        return _no_mandate(request, structure)
    if request.method == "GET":
        form, formset = _forms(request, structure, None)
        return _page(request, structure, form, formset)
    form, formset = _forms(request, structure, None, request.POST)
    return _act(request, structure, None, form, formset, request.POST.get("action", "save"))


@login_required
@require_http_methods(["GET", "POST"])
def invoice_edit(request, invoice_id: int):
    invoice, refusal = _editable(request, invoice_id)
    if refusal is not None:
        return refusal
    structure = invoice.supplier
    if _needs_mandate(invoice, structure):
        return _no_mandate(request, structure, invoice)
    if request.method == "GET":
        form, formset = _forms(request, structure, invoice)
        return _page(request, structure, form, formset, invoice)
    form, formset = _forms(request, structure, invoice, request.POST)
    return _act(request, structure, invoice, form, formset, request.POST.get("action", "save"))


@login_required
@require_http_methods(["GET", "POST"])
def invoice_verify(request, invoice_id: int):
    """ "Vérifier" (BYD-1): the posted form is saved first, so what is checked is what is shown."""
    invoice, refusal = _editable(request, invoice_id)
    if refusal is not None:
        return refusal
    if request.method == "GET":
        return _verify_page(request, invoice)
    form, formset = _forms(request, invoice.supplier, invoice, request.POST)
    return _act(request, invoice.supplier, invoice, form, formset, "verify")


@login_required
@require_POST
def invoice_submit(request, invoice_id: int):
    invoice, refusal = _editable(request, invoice_id)
    if refusal is not None:
        return refusal
    if _needs_mandate(invoice, invoice.supplier):
        return _no_mandate(request, invoice.supplier, invoice)
    if "recipient_identifier" not in request.POST:
        return _submit(request, invoice)
    form, formset = _forms(request, invoice.supplier, invoice, request.POST)
    return _act(request, invoice.supplier, invoice, form, formset, "submit")


@login_required
@require_http_methods(["GET", "POST"])
def invoice_delete(request, invoice_id: int):
    """Delete a draft (INV-6), after a confirmation page; a sent invoice is never deleted."""
    invoice, refusal = _editable(request, invoice_id)
    if refusal is not None:
        return refusal
    if request.method == "GET":
        return render(
            request, TEMPLATES + "entry_delete.html", {"invoice": invoice, "follow_up_url": _follow_up_url()}
        )
    try:
        services.invoice_draft_delete(actor=request.user, invoice=invoice)
    except ApplicationError as error:
        messages.error(request, str(error.message))
        return redirect("portal:invoice_edit", invoice_id=invoice.pk)
    messages.success(request, _("Le brouillon %(number)s est supprimé.") % {"number": invoice})
    return redirect(_follow_up_url())


# --- htmx fragments -----------------------------------------------------------------------------------


@login_required
@require_POST
def invoice_totals(request):
    """Live totals and VAT breakdown of the rows posted (htmx), with each line's amount (out of band)."""
    if not access.invoice_supplier_structures(request.user):
        raise PermissionDenied
    # A missing or broken management form counts no row (Django reports it, never raises).
    formset = LineFormSet(request.POST, prefix=LINES_PREFIX)
    context = _totals_context(formset, request.POST.get("exemption_reason", ""))
    context["oob"] = True
    context["currency"] = request.POST.get("currency", "EUR")
    return render(request, TEMPLATES + "_entry_totals.html", context)


@login_required
@require_GET
def invoice_line_add(request):
    """One more row of the line formset (htmx), and the management form counting it (out of band)."""
    if not access.invoice_supplier_structures(request.user):
        raise PermissionDenied
    raw = request.GET.get(f"{LINES_PREFIX}-TOTAL_FORMS") or request.GET.get("index") or "0"
    index = int(raw) if raw.isdigit() else 0
    if index >= 2000:
        return HttpResponse(status=204)
    formset = LineFormSet(prefix=LINES_PREFIX)
    line = formset._construct_form(index, empty_permitted=True, use_required_attribute=False)
    return render(
        request,
        TEMPLATES + "_entry_line.html",
        {"line": line, "amount": None, "index": index, "total_forms": index + 1, "oob": True},
    )


@login_required
@require_GET
def invoice_recipient_services(request):
    """The service select for the SIRET typed (htmx): its active services, with their engagement flag."""
    if not access.invoice_supplier_structures(request.user):
        raise PermissionDenied
    identifier = request.GET.get("recipient_identifier", "")
    structure, recipient_services = _recipient_services(identifier)
    form = InvoiceEntryForm(
        initial={"service_code": request.GET.get("service_code", "")}, recipient_services=recipient_services
    )
    return render(
        request,
        TEMPLATES + "_entry_services.html",
        {
            "form": form,
            "recipient": structure,
            "recipient_services": recipient_services,
            "identifier": "".join(identifier.split()),
        },
    )


# --- attachments ------------------------------------------------------------------------------------


@login_required
@require_POST
def invoice_attachment_add(request, invoice_id: int):
    invoice, refusal = _editable(request, invoice_id)
    if refusal is not None:
        return refusal
    choices = Attachment.objects.filter(structure=invoice.supplier, is_active=True)
    form = InvoiceAttachmentForm(request.POST, request.FILES, structure_attachments=choices)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(reverse("portal:invoice_edit", args=[invoice.pk]) + "#pieces-jointes")
    upload = form.cleaned_data.get("file")
    picked = choices.filter(pk=form.cleaned_data.get("structure_attachment") or 0).first()
    try:
        attachment = services.invoice_attachment_add(
            actor=request.user,
            invoice=invoice,
            data=None if picked else upload,
            filename="" if picked else upload.name,
            description=form.cleaned_data.get("description", ""),
            structure_attachment=picked,
        )
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("La pièce jointe « %(name)s » est ajoutée.") % {"name": attachment.filename}
        )
    return redirect(reverse("portal:invoice_edit", args=[invoice.pk]) + "#pieces-jointes")


@login_required
@require_POST
def invoice_attachment_remove(request, invoice_id: int, attachment_id: int):
    invoice, refusal = _editable(request, invoice_id)
    if refusal is not None:
        return refusal
    attachment = get_object_or_404(InvoiceAttachment, pk=attachment_id, invoice=invoice)
    try:
        services.invoice_attachment_remove(actor=request.user, attachment=attachment)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("La pièce jointe « %(name)s » est retirée.") % {"name": attachment.filename}
        )
    return redirect(reverse("portal:invoice_edit", args=[invoice.pk]) + "#pieces-jointes")
