"""Supplier follow-up of "Factures émises" (INV-7): synthèse, dashboard, search and its CSV export,
archives, the invoice page and its downloads. Thin adapters over invoices.selectors.

The invoice page and downloads answer 404 to whoever may not see the invoice (nothing leaks about
its existence); the space's lists answer 403 to a user who holds no "Factures émises" space.
"""

from __future__ import annotations

import io
from decimal import Decimal, InvalidOperation
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from openchorus.core.storage import EXTENSIONS, StoredFileCorruptedError, stored_file_read
from openchorus.invoices import selectors
from openchorus.invoices.services import invoice_pdf_write
from openchorus.portal.forms.invoices_search import HIDDEN_CRITERIA, InvoiceSearchForm
from openchorus.portal.views.paging import page_number, pager, safe_filename
from openchorus.structures import access
from openchorus.structures.enums import Space

PAGE_SIZE = selectors.PAGE_SIZE
DOWNLOAD_KINDS = ("original", "pdf", "xml", "attachment")


def sent_space_required(view):
    """Sign-in, then the "Factures émises" space on at least one structure (403 otherwise)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if Space.SENT_INVOICES not in access.spaces_held(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@sent_space_required
@require_GET
def synthesis(request):
    """The space's home: what needs my action (drafts, rejected, to recycle, suspended)."""
    groups = selectors.sent_invoices_synthesis(user=request.user)
    can_send = bool(access.invoice_supplier_structures(request.user))
    return render(
        request,
        "portal/invoices/sent_synthesis.html",
        {"groups": groups, "can_send": can_send, "section": "synthesis"},
    )


@sent_space_required
@require_GET
def dashboard(request):
    board = selectors.sent_invoices_dashboard(user=request.user)
    return render(request, "portal/invoices/sent_dashboard.html", {"board": board, "section": "dashboard"})


def _search_form(request) -> InvoiceSearchForm:
    return InvoiceSearchForm(
        request.GET or None, suppliers=selectors.sent_invoices_suppliers(user=request.user)
    )


def search_page(request, form, search, hidden_criteria, template: str):
    """A search page of either side: the form, a page of `search(user=, criteria=, page=,
    page_size=)` when the form is valid (everything when it is empty), the CSV link's query."""
    result = None
    export_query = ""
    if form.is_bound and form.is_valid():
        result = search(
            user=request.user, criteria=form.criteria(), page=page_number(request), page_size=PAGE_SIZE
        )
        export = request.GET.copy()
        export.pop("page", None)
        export_query = export.urlencode()
    elif not form.is_bound:
        result = search(user=request.user, page=page_number(request), page_size=PAGE_SIZE)
    context = {
        "form": form,
        "result": result,
        "export_query": export_query,
        "hidden_criteria": [form[name] for name in hidden_criteria if form.data.get(name)],
        "section": "search",
    }
    if result is not None:
        context.update(pager(request, result))
    return render(request, template, context)


def csv_export(request, form, export_lines, search_url: str, name: str):
    """The search's matches as CSV (all of them, not only the page shown), streamed."""
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Corrigez les critères de recherche avant de télécharger les résultats."))
        return redirect(f"{reverse(search_url)}?{request.GET.urlencode()}")
    criteria = form.criteria() if form.is_bound else None
    lines = export_lines(user=request.user, criteria=criteria)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    return response


@sent_space_required
@require_GET
def search(request):
    return search_page(
        request, _search_form(request), selectors.sent_invoices_search, HIDDEN_CRITERIA,
        "portal/invoices/sent_search.html",
    )  # fmt: skip


@sent_space_required
@require_GET
def export(request):
    return csv_export(
        request, _search_form(request), selectors.sent_invoices_export_lines,
        "portal:sent_invoices_search", "factures-emises",
    )  # fmt: skip


@sent_space_required
@require_GET
def archives(request):
    page = selectors.sent_invoices_archives(user=request.user, page=page_number(request), page_size=PAGE_SIZE)
    return render(
        request,
        "portal/invoices/sent_archives.html",
        {"result": page, "section": "archives", **pager(request, page)},
    )


@login_required
@require_GET
def invoice_detail(request, invoice_id: int):
    view = selectors.invoice_view_for_user(user=request.user, invoice_id=invoice_id)
    if view is None:
        raise Http404
    return render_invoice_detail(request, view)


def render_invoice_detail(
    request, view: selectors.InvoiceView, *, forms: dict | None = None, status: int = 200
):
    """The invoice page, with the actions this user may take on it (LIF-2..5); `forms` replaces an
    action's blank form by the bound one that was refused, shown with its errors."""
    from openchorus.portal.views.invoices_actions import action_forms

    from_recipient = view.abilities["view_as_recipient"] and not view.abilities["view_as_supplier"]
    lines = list(view.invoice.lines.all())
    for line in lines:  # as many decimals as the price has, at least two (24,50 ; 4,123456)
        line.unit_price_text = _decimal_text(line.unit_price, 2)
        line.quantity_text = _decimal_text(line.quantity, 0)
    return render(
        request,
        "portal/invoices/detail.html",
        {
            "view": view,
            "invoice": view.invoice,
            "abilities": view.abilities,
            "from_recipient": from_recipient,
            "lines": lines,
            "vat_rows": [_vat_row(row) for row in view.invoice.vat_breakdown],
            "back_query": urlencode({"page": request.GET["page"]}) if request.GET.get("page") else "",
            **action_forms(request.user, view, forms or {}),
        },
        status=status,
    )


def _decimal_text(value: Decimal, min_places: int) -> str:
    exponent = value.normalize().as_tuple().exponent
    places = max(min_places, -exponent if isinstance(exponent, int) else 0)
    return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


def _vat_row(row: dict) -> dict:
    """A VAT breakdown row (stored as JSON text) with amounts as Decimals, shown localised."""
    converted = dict(row)
    for key in ("rate", "taxable", "tax"):
        try:
            converted[key] = Decimal(str(row.get(key, "")))
        except InvalidOperation:
            converted[key] = row.get(key, "")
    return converted


@login_required
@require_GET
def invoice_download(request, invoice_id: int, kind: str, attachment_id: int | None = None):
    """The stored bytes of one file of the invoice, exactly as kept (checked against their hash)."""
    found = selectors.invoice_get_for_user(user=request.user, invoice_id=invoice_id)
    if found is None or kind not in DOWNLOAD_KINDS or (kind == "attachment") != (attachment_id is not None):
        raise Http404
    invoice, abilities = found
    if not abilities["download"]:
        raise Http404
    base = safe_filename(
        f"facture-{invoice.number}" if invoice.number else f"facture-{invoice.pk}", "facture"
    )
    if kind == "attachment":
        attachment = invoice.attachments.select_related("stored").filter(pk=attachment_id).first()
        if attachment is None:
            raise Http404
        stored, filename = attachment.stored, attachment.filename
    else:
        if kind in ("original", "pdf") and invoice.pdf_pending:
            # Its task renders it a moment after the deposit; asked before, it is rendered now.
            invoice = invoice_pdf_write(invoice=invoice)
        stored = {"original": invoice.original_file, "pdf": invoice.pdf_file, "xml": invoice.xml_file}[kind]
        if stored is None:
            raise Http404
        extension = EXTENSIONS.get(stored.content_type, "bin")
        filename = invoice.original_filename if kind == "original" else f"{base}.{extension}"
        filename = filename or f"{base}-original.{extension}"
    try:
        data = stored_file_read(stored)
    except (StoredFileCorruptedError, OSError):
        messages.error(
            request,
            _("Le fichier ne peut pas être téléchargé : la copie conservée est altérée ou absente."),
        )
        return redirect("portal:invoice_detail", invoice_id=invoice.pk)
    return FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=safe_filename(filename, f"{base}.bin"),
        content_type=stored.content_type or "application/octet-stream",
    )
