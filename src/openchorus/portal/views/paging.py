"""What the portal's paginated lists and downloads share: the page asked for, the page links
around it, and a file name safe to put in a Content-Disposition header."""

from __future__ import annotations

import re

from openchorus.invoices.selectors import Page

MAX_PAGE = 100_000
_UNSAFE_FILENAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def page_number(request) -> int:
    """The `page` query parameter, 1 when absent or not a number, within 1..MAX_PAGE."""
    try:
        return min(max(int(request.GET.get("page", "1")), 1), MAX_PAGE)
    except ValueError:
        return 1


def page_links(current: int, last: int | None, has_next: bool = False) -> list[int | None]:
    """Page numbers around the current one, the first and the last (None = gap); with an unknown
    last page, the current page's neighbours and a trailing gap when there is a next page."""
    if last is None:
        shown = sorted({1, *range(max(current - 2, 1), current + 2)})
    else:
        shown = sorted({1, last, *range(max(current - 2, 1), min(current + 2, last) + 1)})
    links: list[int | None] = []
    for number in shown:
        if links and number - (links[-1] or 0) > 1:
            links.append(None)
        links.append(number)
    if last is None and has_next:
        links.append(None)
    return links


def pager(request, page: Page) -> dict:
    """The template context of a list's pagination: the page, its links, the query without `page`."""
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "page": page,
        "page_links": page_links(page.page, page.last_page, page.has_next),
        "query": query.urlencode(),
    }


def safe_filename(name: str, fallback: str) -> str:
    name = _UNSAFE_FILENAME.sub("_", name).strip(" ._")[:150]
    return name or fallback
