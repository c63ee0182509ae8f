"""Suivi des flux and Rejets EDI (RAC-3): the EDI flows of the user's structures, one flow with its
invoices and errors, its compte-rendu (PDF, JSON) and original file. Thin adapters over
flows.selectors and flows.reports; rights come from structures/access.py (`flows_scope`,
`flow_visible`).

A flow the user may not see answers 404 (nothing says whether it exists); the lists answer 403,
with a page saying how to obtain the space, to a user who holds no "Suivi des flux".
"""

from __future__ import annotations

import io
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from openchorus.core.storage import StoredFileCorruptedError, stored_file_read
from openchorus.flows import reports, selectors
from openchorus.flows.enums import ItemOutcome
from openchorus.portal.forms.flows import OUTCOME_FILTERS, FlowSearchForm
from openchorus.portal.views.paging import page_number, pager, safe_filename
from openchorus.structures import access
from openchorus.structures.enums import Space


def flows_space_required(view):
    """Sign-in, then "Suivi des flux" on at least one structure (403 and how to get it otherwise)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if Space.FLOW_MONITORING not in access.spaces_held(request.user):
            return render(request, "portal/flows/no_access.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def _language(request) -> str:
    return "en" if (getattr(request, "LANGUAGE_CODE", "") or "").startswith("en") else "fr"


@flows_space_required
@require_GET
def flows(request):
    """Suivi des flux: the search form and a page of the flows found, newest first."""
    form = FlowSearchForm(request.GET or None)
    result = None
    if not form.is_bound or form.is_valid():
        criteria = form.criteria() if form.is_bound else None
        result = selectors.flow_search(user=request.user, criteria=criteria, page=page_number(request))
    context = {"form": form, "result": result, "section": "flows"}
    if result is not None:
        context.update(pager(request, result))
    return render(request, "portal/flows/search.html", context)


@login_required
@require_GET
def flow_detail(request, flow_id: int):
    view = selectors.flow_view_for_user(
        user=request.user,
        flow_id=flow_id,
        outcome=request.GET.get("resultat", ""),
        page=page_number(request),
    )
    if view is None:
        raise Http404
    paging = pager(request, view.items)
    return render(
        request,
        "portal/flows/detail.html",
        {
            "view": view,
            "flow": view.flow,
            "lang": _language(request),
            "outcome_filters": OUTCOME_FILTERS,
            "rejected_outcome": ItemOutcome.REJECTED,
            "section": "flows",
            **paging,
        },
    )


def _visible_flow(request, flow_id: int):
    flow = selectors.flow_get_for_user(user=request.user, flow_id=flow_id)
    if flow is None:
        raise Http404
    return flow


@login_required
@require_GET
def flow_report_pdf(request, flow_id: int):
    flow = _visible_flow(request, flow_id)
    pdf = reports.flow_report_pdf_kept(flow, lang=_language(request))
    filename = safe_filename(f"compte-rendu-{flow.number}.pdf", "compte-rendu.pdf")
    return FileResponse(
        io.BytesIO(pdf), as_attachment=True, filename=filename, content_type="application/pdf"
    )


@login_required
@require_GET
def flow_report_json(request, flow_id: int):
    flow = _visible_flow(request, flow_id)
    response = StreamingHttpResponse(
        reports.flow_report_json_chunks(flow), content_type="application/json; charset=utf-8"
    )
    filename = safe_filename(f"compte-rendu-{flow.number}.json", "compte-rendu.json")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def flow_file(request, flow_id: int):
    """The flow's file exactly as deposited (checked against its hash)."""
    flow = _visible_flow(request, flow_id)
    try:
        data = stored_file_read(flow.file)
    except (StoredFileCorruptedError, OSError):
        messages.error(
            request, _("Le fichier ne peut pas être téléchargé : la copie conservée est altérée ou absente.")
        )
        return redirect("portal:flow_detail", flow_id=flow.pk)
    return FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=safe_filename(flow.filename, f"flux-{flow.number}.bin"),
        content_type=flow.file.content_type or "application/octet-stream",
    )


@flows_space_required
@require_GET
def rejections(request):
    """Rejets EDI: the rejected invoices and flows of the user's structures, newest first."""
    page = selectors.flow_rejections(user=request.user, page=page_number(request))
    return render(
        request,
        "portal/flows/rejections.html",
        {"result": page, "lang": _language(request), "section": "rejections", **pager(request, page)},
    )
