""" "Factures reçues" (LIF-2), the public structure's side: synthèse of the invoices to process,
dashboard, search and its CSV export. Thin adapters over invoices.selectors, scoped by access.py
(a user habilitated on one service sees only that service's invoices; drafts never).

The invoice page and its actions are shared with the supplier's side (invoices_followup,
invoices_actions). The lists answer 403 to a user who holds no "Factures reçues" space.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_GET

from openchorus.invoices import selectors
from openchorus.portal.forms.invoices_processing import RECEIVED_HIDDEN_CRITERIA, ReceivedSearchForm
from openchorus.portal.views.invoices_followup import csv_export, search_page
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
    return search_page(
        request, _search_form(request), selectors.received_invoices_search, RECEIVED_HIDDEN_CRITERIA,
        "portal/invoices/received_search.html",
    )  # fmt: skip


@received_space_required
@require_GET
def export(request):
    return csv_export(
        request, _search_form(request), selectors.received_invoices_export_lines,
        "portal:received_invoices_search", "factures-recues",
    )  # fmt: skip
