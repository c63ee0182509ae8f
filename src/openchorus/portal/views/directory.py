"""Public directory pages: search, a structure's page, CSV of a search and of the whole directory.

No login: the directory is public information (DIR-1). Thin adapters over directory.selectors.
"""

from __future__ import annotations

from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from openchorus.directory.selectors import (
    MAX_QUERY_LENGTH,
    directory_export_lines,
    directory_search,
    directory_structure_get,
)
from openchorus.portal.views.paging import page_links, page_number

PAGE_SIZE = 20


def _csv_response(lines, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def search(request):
    text = request.GET.get("q", "")[:MAX_QUERY_LENGTH].strip()
    page = page_number(request)
    result = directory_search(text=text, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE) if text else None
    last_page = max((result.total - 1) // PAGE_SIZE + 1, 1) if result else 1
    context = {
        "text": text,
        "result": result,
        "page": page,
        "last_page": last_page,
        "page_links": page_links(min(page, last_page), last_page),
        "first_rank": (page - 1) * PAGE_SIZE + 1,
    }
    return render(request, "portal/directory/search.html", context)


@require_GET
def detail(request, structure_id: int):
    structure = directory_structure_get(structure_id=structure_id)
    if structure is None:
        raise Http404
    return render(
        request,
        "portal/directory/detail.html",
        {"structure": structure, "back": request.GET.get("q", "")[:200]},
    )


@require_GET
def export(request):
    """The current search as CSV (every match ranked, not only the page shown)."""
    text = request.GET.get("q", "")[:MAX_QUERY_LENGTH].strip()
    ids = directory_search(text=text, limit=0).ids if text else []
    return _csv_response(directory_export_lines(structure_ids=ids), "annuaire-recherche.csv")


@require_GET
def export_all(request):
    """The whole directory, streamed (a million lines at national scale)."""
    day = timezone.localdate().isoformat()
    return _csv_response(directory_export_lines(), f"annuaire-structures-publiques-{day}.csv")
