""" "Factures reçues" (LIF-2), the public structure's side: synthèse of the invoices to process,
dashboard, search and its CSV export. Thin adapters over invoices.selectors, scoped by access.py
(a user habilitated on one service sees only that service's invoices; drafts never).

The invoice page and its actions are shared with the supplier's side (invoices_followup,
invoices_actions). The lists answer 403 to a user who holds no "Factures reçues" space.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from openchorus.invoices import selectors
from openchorus.portal.forms.invoices_processing import RECEIVED_HIDDEN_CRITERIA, ReceivedSearchForm
from openchorus.portal.views.invoices_followup import PAGE_SIZE, _page_number, _pager
from openchorus.structures import access
from openchorus.structures.enums import Space


def received_space_required(view):
    """Sign-in, then the "Factures reçues" space on at least one structure (403 otherwise)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if Space.RECEIVED_INVOICES not in access.spaces_held(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@received_space_required
@require_GET
def synthesis(request):
    """The space's home: the invoices to process (Mise à disposition, Complétée), counts by status."""
    summary = selectors.received_invoices_synthesis(user=request.user)
    return render(
        request, "portal/invoices/received_synthesis.html", {"summary": summary, "section": "synthesis"}
    )


@received_space_required
@require_GET
def dashboard(request):
    board = selectors.received_invoices_dashboard(user=request.user)
    return render(
        request, "portal/invoices/received_dashboard.html", {"board": board, "section": "dashboard"}
    )


def _search_form(request) -> ReceivedSearchForm:
    return ReceivedSearchForm(
        request.GET or None,
        structures=selectors.received_invoices_structures(user=request.user),
        services=selectors.received_invoices_services(user=request.user),
    )


@received_space_required
@require_GET
def search(request):
    form = _search_form(request)
    result = None
    export_query = ""
    if form.is_bound and form.is_valid():
        result = selectors.received_invoices_search(
            user=request.user, criteria=form.criteria(), page=_page_number(request), page_size=PAGE_SIZE
        )
        export = request.GET.copy()
        export.pop("page", None)
        export_query = export.urlencode()
    elif not form.is_bound:
        result = selectors.received_invoices_search(
            user=request.user, page=_page_number(request), page_size=PAGE_SIZE
        )
    context = {
        "form": form,
        "result": result,
        "export_query": export_query,
        "hidden_criteria": [form[name] for name in RECEIVED_HIDDEN_CRITERIA if form.data.get(name)],
        "section": "search",
    }
    if result is not None:
        context.update(_pager(request, result))
    return render(request, "portal/invoices/received_search.html", context)


@received_space_required
@require_GET
def export(request):
    """The search's matches as CSV (all of them, not only the page shown), streamed."""
    form = _search_form(request)
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Corrigez les critères de recherche avant de télécharger les résultats."))
        return redirect(f"{reverse('portal:received_invoices_search')}?{request.GET.urlencode()}")
    criteria = form.criteria() if form.is_bound else None
    lines = selectors.received_invoices_export_lines(user=request.user, criteria=criteria)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="factures-recues-{stamp}.csv"'
    return response
