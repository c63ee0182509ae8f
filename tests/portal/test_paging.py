"""The pagination and download names every portal list shares (portal/views/paging.py)."""

from __future__ import annotations

from django.test import RequestFactory

from openchorus.portal.views.paging import MAX_PAGE, page_links, page_number, safe_filename


def test_page_number_is_a_page_within_bounds():
    factory = RequestFactory()
    assert page_number(factory.get("/", {"page": "7"})) == 7
    assert page_number(factory.get("/")) == 1
    assert page_number(factory.get("/", {"page": "x"})) == 1
    assert page_number(factory.get("/", {"page": "-3"})) == 1
    assert page_number(factory.get("/", {"page": "9" * 30})) == MAX_PAGE


def test_page_links_with_a_known_and_an_unknown_last_page():
    assert page_links(1, 1) == [1]
    assert page_links(5, 10) == [1, None, 3, 4, 5, 6, 7, None, 10]
    assert page_links(2, 3) == [1, 2, 3]
    # The count was capped: no last page, a trailing gap when there is more.
    assert page_links(5, None, has_next=True) == [1, None, 3, 4, 5, 6, None]
    assert page_links(5, None, has_next=False) == [1, None, 3, 4, 5, 6]


def test_safe_filename_keeps_no_path_nor_header_breaking_character():
    assert safe_filename('../../etc/pa"ss\r\nwd.xml', "f.bin") == "etc_pa_ss_wd.xml"
    assert safe_filename("...", "f.bin") == "f.bin"
    assert len(safe_filename("a" * 400, "f.bin")) == 150
