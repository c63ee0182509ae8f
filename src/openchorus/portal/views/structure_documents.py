"""A structure's bank details, attachments and billing mandate (ORG-4, ORG-5, ORG-6) in the portal.

Thin adapters: rights come from `structures/access.py`, reads from `selectors_documents`, writes from
the services. Members who may view the structure list and download; administrators change. A user
with no right on the structure gets a 404, so that its existence is not even revealed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openchorus.core.errors import ApplicationError
from openchorus.core.models import StoredFile
from openchorus.core.storage import EXTENSIONS, stored_file_read
from openchorus.portal.forms.structure_documents import AttachmentForm, BankAccountForm, MandateForm
from openchorus.structures import access
from openchorus.structures import selectors_documents as selectors
from openchorus.structures.enums import Status
from openchorus.structures.models import Structure
from openchorus.structures.services import bank, files


def _structure(request, structure_id: int, ability: str = "view") -> tuple[Structure, dict]:
    """The structure and the user's abilities on it; 404 for strangers, 403 for a missing right."""
    structure = get_object_or_404(Structure, pk=structure_id)
    abilities = access.structure_abilities(request.user, structure)
    if not abilities["view"]:
        raise Http404
    if not abilities.get(ability, False):
        raise PermissionDenied
    return structure, abilities


def _download(stored: StoredFile, filename: str) -> HttpResponse:
    """The stored bytes as an attachment, typed as sniffed at upload, never rendered inline."""
    data = stored_file_read(stored)
    response = HttpResponse(data, content_type=stored.content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Content-Length"] = str(len(data))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _page(
    request, template: str, structure: Structure, abilities: dict, section: str, status: int = 200, **context
):
    return render(
        request,
        f"portal/structures/documents/{template}",
        {"structure": structure, "abilities": abilities, "section": section, **context},
        status=status,
    )


# --- Bank details (ORG-4) --------------------------------------------------------------------------


@login_required
@require_GET
def bank_accounts(request, structure_id: int):
    structure, abilities = _structure(request, structure_id)
    accounts = list(
        selectors.bank_account_list_for_structure(
            user=request.user, structure=structure, include_inactive=abilities["manage_bank_accounts"]
        )
    )
    for account in accounts:
        # Groups of four, as printed on a RIB, easier to read back than 27 characters in a row.
        account.iban_display = " ".join(account.iban[i : i + 4] for i in range(0, len(account.iban), 4))
        account.country_display = bank.country_name(account.country)
    return _page(request, "bank_accounts.html", structure, abilities, "bank", accounts=accounts)


def _bank_account_save(request, structure, abilities, form: BankAccountForm, action, account=None):
    if form.is_valid():
        upload = form.cleaned_data.get("document")
        try:
            saved = action(
                **form.service_values(),
                document_data=upload,
                document_name=upload.name if upload else "",
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(
                request, _("Les coordonnées bancaires « %(name)s » sont enregistrées.") % {"name": saved.name}
            )
            return redirect("portal:structure_bank_accounts", structure_id=structure.pk)
    return _page(
        request,
        "bank_account_form.html",
        structure,
        abilities,
        "bank",
        status=400,
        form=form,
        account=account,
    )


@login_required
@require_http_methods(["GET", "POST"])
def bank_account_create(request, structure_id: int):
    structure, abilities = _structure(request, structure_id, "manage_bank_accounts")
    if request.method == "GET":
        return _page(request, "bank_account_form.html", structure, abilities, "bank", form=BankAccountForm())
    form = BankAccountForm(request.POST, request.FILES)

    def create(**values):
        return bank.bank_account_create(actor=request.user, structure=structure, **values)

    return _bank_account_save(request, structure, abilities, form, create)


@login_required
@require_http_methods(["GET", "POST"])
def bank_account_edit(request, structure_id: int, account_id: int):
    structure, abilities = _structure(request, structure_id, "manage_bank_accounts")
    account = selectors.bank_account_get(user=request.user, structure=structure, account_id=account_id)
    if account is None:
        raise Http404
    if request.method == "GET":
        form = BankAccountForm(initial=BankAccountForm.initial_for(account), document_required=False)
        return _page(
            request, "bank_account_form.html", structure, abilities, "bank", form=form, account=account
        )
    form = BankAccountForm(request.POST, request.FILES, document_required=False)

    def update(**values):
        return bank.bank_account_update(actor=request.user, account=account, **values)

    return _bank_account_save(request, structure, abilities, form, update, account)


@login_required
@require_POST
def bank_account_status(request, structure_id: int, account_id: int):
    structure, _abilities = _structure(request, structure_id, "manage_bank_accounts")
    account = selectors.bank_account_get(user=request.user, structure=structure, account_id=account_id)
    if account is None:
        raise Http404
    status = request.POST.get("status", "")
    try:
        bank.bank_account_set_status(actor=request.user, account=account, status=status)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        if status == Status.ACTIVE:
            message = _("Les coordonnées bancaires « %(name)s » sont réactivées.")
        else:
            message = _(
                "Les coordonnées bancaires « %(name)s » sont désactivées : elles ne sont plus proposées."
            )
        messages.success(request, message % {"name": account.name})
    return redirect("portal:structure_bank_accounts", structure_id=structure.pk)


@login_required
@require_GET
def bank_account_document(request, structure_id: int, account_id: int):
    structure, _abilities = _structure(request, structure_id)
    account = selectors.bank_account_get(user=request.user, structure=structure, account_id=account_id)
    if account is None:
        raise Http404
    extension = EXTENSIONS.get(account.document.content_type, "bin")
    return _download(
        account.document, account.document_name or f"RIB-{slugify(account.name) or account.pk}.{extension}"
    )


# --- Attachments (ORG-5) ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def attachments(request, structure_id: int):
    structure, abilities = _structure(request, structure_id)
    form = AttachmentForm()
    status = 200
    if request.method == "POST":
        if not abilities["manage_attachments"]:
            raise PermissionDenied
        form = AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                attachment = files.attachment_add(
                    actor=request.user,
                    structure=structure,
                    filename=upload.name,
                    data=upload,
                    description=form.cleaned_data["description"],
                )
            except ApplicationError as error:
                form.add_application_error(error)
            else:
                messages.success(
                    request, _("La pièce jointe « %(name)s » est ajoutée.") % {"name": attachment.filename}
                )
                return redirect("portal:structure_attachments", structure_id=structure.pk)
        status = 400
    items = list(selectors.attachment_list_for_structure(user=request.user, structure=structure))
    for item in items:
        uploader = item.uploaded_by
        item.uploaded_by_name = f"{uploader.first_name} {uploader.last_name}".strip() or uploader.email
    return _page(
        request, "attachments.html", structure, abilities, "attachments", status, form=form, attachments=items
    )


@login_required
@require_GET
def attachment_download(request, structure_id: int, attachment_id: int):
    structure, _abilities = _structure(request, structure_id)
    attachment = selectors.attachment_get(user=request.user, structure=structure, attachment_id=attachment_id)
    if attachment is None or not attachment.is_active:
        raise Http404
    return _download(attachment.stored, attachment.filename)


@login_required
@require_POST
def attachment_remove(request, structure_id: int, attachment_id: int):
    structure, _abilities = _structure(request, structure_id, "manage_attachments")
    attachment = selectors.attachment_get(user=request.user, structure=structure, attachment_id=attachment_id)
    if attachment is None:
        raise Http404
    try:
        files.attachment_remove(actor=request.user, attachment=attachment)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("La pièce jointe « %(name)s » est retirée.") % {"name": attachment.filename}
        )
    return redirect("portal:structure_attachments", structure_id=structure.pk)


# --- Billing mandate (ORG-6) -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def mandate(request, structure_id: int):
    structure, abilities = _structure(request, structure_id)
    full_name = f"{request.user.first_name} {request.user.last_name}".strip()
    form = MandateForm(initial={"signatory_name": full_name})
    status = 200
    if request.method == "POST":
        if not abilities["manage_mandate"]:
            raise PermissionDenied
        form = MandateForm(request.POST)
        if form.is_valid():
            try:
                files.billing_mandate_subscribe(
                    actor=request.user,
                    structure=structure,
                    signatory_name=form.cleaned_data["signatory_name"],
                    signatory_capacity=form.cleaned_data["signatory_capacity"],
                )
            except ApplicationError as error:
                form.add_application_error(error)
            else:
                messages.success(
                    request,
                    _(
                        "Le mandat de facturation est souscrit : vous pouvez saisir des factures dans le formulaire."
                    ),
                )
                return redirect("portal:structure_mandate", structure_id=structure.pk)
        status = 400
    history = list(selectors.billing_mandate_list_for_structure(user=request.user, structure=structure))
    current = next((m for m in history if m.is_active), None)
    return _page(
        request,
        "mandate.html",
        structure,
        abilities,
        "mandate",
        status,
        form=form,
        current=current,
        history=history,
    )


@login_required
@require_POST
def mandate_revoke(request, structure_id: int, mandate_id: int):
    structure, _abilities = _structure(request, structure_id, "manage_mandate")
    mandate_obj = selectors.billing_mandate_get(user=request.user, structure=structure, mandate_id=mandate_id)
    if mandate_obj is None:
        raise Http404
    try:
        files.billing_mandate_revoke(actor=request.user, mandate=mandate_obj)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _(
                "Le mandat de facturation est révoqué : la saisie de factures dans le formulaire n'est plus possible."
            ),
        )
    return redirect("portal:structure_mandate", structure_id=structure.pk)


@login_required
@require_GET
def mandate_document(request, structure_id: int, mandate_id: int):
    structure, _abilities = _structure(request, structure_id)
    mandate_obj = selectors.billing_mandate_get(user=request.user, structure=structure, mandate_id=mandate_id)
    if mandate_obj is None:
        raise Http404
    day = timezone.localtime(mandate_obj.created_at).date().isoformat()
    return _download(mandate_obj.document, f"mandat-de-facturation-{structure.identifier}-{day}.pdf")
