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

PAGE_SIZE = 20


def _page_number(request) -> int:
    try:
        return max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        return 1


def _csv_response(lines, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _page_links(current: int, last: int) -> list[int | None]:
    """Page numbers to show: the first, the last, and two around the current one (None = gap)."""
    shown = sorted({1, last, *range(max(current - 2, 1), min(current + 2, last) + 1)})
    links: list[int | None] = []
    for number in shown:
        if links and number - (links[-1] or 0) > 1:
            links.append(None)
        links.append(number)
    return links


@require_GET
def search(request):
    text = request.GET.get("q", "")[:MAX_QUERY_LENGTH].strip()
    page = _page_number(request)
    result = directory_search(text=text, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE) if text else None
    last_page = max((result.total - 1) // PAGE_SIZE + 1, 1) if result else 1
    context = {
        "text": text,
        "result": result,
        "page": page,
        "last_page": last_page,
        "page_links": _page_links(min(page, last_page), last_page),
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
