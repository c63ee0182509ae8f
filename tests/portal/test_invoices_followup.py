"""The "Factures émises" follow-up pages over HTTP (INV-7): lists scoped by access.py, search and
CSV export, archives, the invoice page with its history and audit verdict, exact downloads."""

from __future__ import annotations

import hashlib
from datetime import datetime

import pytest
import time_machine
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from openchorus.audit.models import AuditEvent
from openchorus.core.storage import stored_file_read
from openchorus.invoices.archiving import invoices_archive
from openchorus.invoices.services import invoice_attachment_add, invoice_submit
from openchorus.lifecycle.statuses import InvoiceStatus
from openchorus.structures.enums import Level, Space
from openchorus.structures.models import Habilitation
from tests.invoices.factories import setting
from tests.invoices.test_selectors import (
    force_status,
    make_draft,
    make_sent,
    outsider,
    recipient_user,
    service_user,
)
from tests.structures.factories import MembershipFactory, ServiceFactory
from tests.structures.factories_documents import PDF_BYTES

pytestmark = pytest.mark.django_db

LIST_PAGES = [
    "portal:sent_invoices",
    "portal:sent_invoices_dashboard",
    "portal:sent_invoices_search",
    "portal:sent_invoices_archives",
    "portal:sent_invoices_export",
]


def _text(response) -> str:
    return response.content.decode()


# --- access -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", LIST_PAGES)
def test_list_pages_need_sign_in_and_the_space(client, name):
    s = setting()
    assert client.get(reverse(name)).status_code == 302
    client.force_login(MembershipFactory(structure=s.supplier).user)  # no habilitation at all
    assert client.get(reverse(name)).status_code == 403
    client.force_login(s.manager)
    assert client.get(reverse(name)).status_code == 200


def test_detail_and_download_answer_404_to_another_structure(client):
    s = setting()
    invoice = make_sent(s, files=True)
    client.force_login(outsider())
    assert client.get(reverse("portal:invoice_detail", args=[invoice.pk])).status_code == 404
    assert client.get(reverse("portal:invoice_download", args=[invoice.pk, "pdf"])).status_code == 404
    assert client.get(reverse("portal:invoice_detail", args=[999_999])).status_code == 404


def test_service_habilitated_user_sees_only_its_service_in_lists_and_pages(client):
    s = setting()
    north, south = ServiceFactory(structure=s.supplier), ServiceFactory(structure=s.supplier)
    mine = make_sent(s, number="NORD-1", supplier_service=north)
    theirs = make_sent(s, number="SUD-1", supplier_service=south)
    client.force_login(service_user(s, north))

    page = _text(client.get(reverse("portal:sent_invoices_search")))
    assert "NORD-1" in page and "SUD-1" not in page
    csv_text = b"".join(client.get(reverse("portal:sent_invoices_export")).streaming_content).decode()
    assert "NORD-1" in csv_text and "SUD-1" not in csv_text
    assert client.get(reverse("portal:invoice_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("portal:invoice_detail", args=[theirs.pk])).status_code == 404


def test_recipient_side_user_sees_a_sent_invoice_but_never_a_draft(client):
    s = setting()
    sent = make_sent(s, number="ENVOYEE-1")
    draft = make_draft(s, number="BROUILLON-1")
    client.force_login(recipient_user(s))

    response = client.get(reverse("portal:invoice_detail", args=[sent.pk]))
    assert response.status_code == 200 and "ENVOYEE-1" in _text(response)
    assert client.get(reverse("portal:invoice_detail", args=[draft.pk])).status_code == 404


# --- synthèse, dashboard, search, export, archives ------------------------------------------------


def test_synthesis_shows_counts_and_the_invoices_needing_action(client):
    s = setting()
    make_draft(s, number="BROUILLON-7")
    force_status(make_sent(s, number="REJETEE-7"), InvoiceStatus.REJECTED)
    make_sent(s, number="DISPO-7")
    client.force_login(s.manager)

    page = _text(client.get(reverse("portal:sent_invoices")))

    assert "BROUILLON-7" in page and "REJETEE-7" in page
    assert "DISPO-7" not in page
    assert 'id="synthesis-brouillon"' in page and 'id="synthesis-suspendue"' not in page


def test_dashboard_links_each_count_to_its_search(client):
    s = setting()
    make_sent(s, number="DISPO-1")
    make_draft(s, number="BROUILLON-1")
    client.force_login(s.manager)

    page = _text(client.get(reverse("portal:sent_invoices_dashboard")))

    assert "Les Délices de Savoie" in page
    link = f"?supplier_id={s.supplier.pk}&amp;status=MISE_A_DISPOSITION"
    assert link in page
    result = _text(client.get(reverse("portal:sent_invoices_search") + link.replace("&amp;", "&")))
    assert "DISPO-1" in result and "BROUILLON-1" not in result


def test_search_page_filters_and_reports_bad_criteria(client):
    s = setting()
    make_sent(s, number="F-1", engagement_number="EJ-111")
    make_sent(s, number="F-2", engagement_number="EJ-222")
    client.force_login(s.manager)
    url = reverse("portal:sent_invoices_search")

    page = _text(client.get(url, {"engagement_number": "EJ-222"}))
    assert "F-2" in page and "F-1<" not in page and 'id="search-count"' in page

    bad = client.get(url, {"amount_min": "100", "amount_max": "10", "issue_date_from": "pas une date"})
    assert bad.status_code == 200
    assert "Le montant maximum est inférieur au montant minimum." in _text(bad)
    assert 'id="search-results"' not in _text(bad)


def test_search_page_paginates(client):
    s = setting()
    for n in range(23):
        make_draft(s, number=f"P-{n:02d}")
    client.force_login(s.manager)
    url = reverse("portal:sent_invoices_search")
    first = _text(client.get(url, {"status": "BROUILLON", "sort": "-date"}))
    second = _text(client.get(url, {"status": "BROUILLON", "sort": "-date", "page": 2}))
    assert first.count("data-invoice=") == 20 and second.count("data-invoice=") == 3
    assert "23 factures" in first
    assert "status=BROUILLON&amp;sort=-date&amp;page=2" in first


def test_export_streams_csv_with_french_headers_and_the_search_criteria(client):
    s = setting()
    make_sent(s, number="CSV-1")
    make_sent(s, number="CSV-2")
    client.force_login(s.manager)

    response = client.get(reverse("portal:sent_invoices_export"), {"number": "CSV-2"})

    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="factures-emises-')
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeffNuméro de facture;".encode())
    lines = body.decode("utf-8-sig").split("\r\n")
    assert lines[1].startswith("CSV-2;Facture;") and lines[2] == "" and len(lines) == 3


def test_archives_page_lists_old_processed_invoices_only(client):
    s = setting()
    tz = timezone.get_current_timezone()
    with time_machine.travel(datetime(2022, 6, 1, 12, tzinfo=tz), tick=False):
        force_status(make_sent(s, number="ARCH-1"), InvoiceStatus.PAYMENT_ORDERED)
        force_status(make_sent(s, number="RECENT-1"), InvoiceStatus.PAYMENT_ORDERED)
    force_status(make_sent(s, number="RECENT-2"), InvoiceStatus.PAYMENT_ORDERED)
    client.force_login(s.manager)

    with time_machine.travel(datetime(2024, 6, 3, 12, tzinfo=tz), tick=False):
        invoices_archive()  # the daily task
        archives = _text(client.get(reverse("portal:sent_invoices_archives")))
        search = _text(client.get(reverse("portal:sent_invoices_search")))
    assert "ARCH-1" in archives and "RECENT-2" not in archives
    assert "ARCH-1" not in search and "RECENT-2" in search


# --- the invoice page and downloads ---------------------------------------------------------------


def test_detail_shows_parties_lines_totals_history_and_a_valid_audit_verdict(client):
    s = setting()
    invoice = make_sent(s, number="F2026-DET", files=True)
    client.force_login(s.manager)

    page = _text(client.get(reverse("portal:invoice_detail", args=[invoice.pk])))

    assert "F2026-DET" in page and "PARIS HABITAT OPH" in page and "Les Délices de Savoie" in page
    assert "Plateau de fromages de Savoie 1" in page
    assert "EJ-2026-0042" in page and s.bank_account.iban in page
    assert f"{invoice.total_incl_vat:.2f}".replace(".", ",") in page
    assert 'data-status="DEPOSEE"' in page and 'data-status="MISE_A_DISPOSITION"' in page
    assert 'id="audit-verdict" data-valid="true"' in page
    for event in AuditEvent.objects.filter(stream=f"invoice:{invoice.pk}"):
        assert event.hash in page
    assert reverse("portal:invoice_download", args=[invoice.pk, "pdf"]) in page
    assert reverse("portal:invoice_download", args=[invoice.pk, "xml"]) in page


def test_detail_names_the_broken_link_when_the_trail_was_altered(client):
    s = setting()
    invoice = make_sent(s)
    second = AuditEvent.objects.filter(stream=f"invoice:{invoice.pk}", sequence=2)
    second.update(actor_label="intrus@example.org")
    client.force_login(s.manager)

    page = _text(client.get(reverse("portal:invoice_detail", args=[invoice.pk])))

    assert 'id="audit-verdict" data-valid="false"' in page
    assert "Chaîne rompue à l&#x27;événement n° 2" in page or "Chaîne rompue à l'événement n° 2" in page


def test_downloads_return_the_exact_stored_bytes(client):
    s = setting()
    draft = make_draft(s, number="F-DL")
    attachment = invoice_attachment_add(
        actor=s.manager, invoice=draft, data=PDF_BYTES, filename="bon de commande.pdf"
    )
    invoice = invoice_submit(actor=s.manager, invoice=draft)
    client.force_login(s.manager)

    for kind in ("pdf", "xml"):  # the PDF asked before its task rendered it: rendered then, kept
        response = client.get(reverse("portal:invoice_download", args=[invoice.pk, kind]))
        body = b"".join(response.streaming_content)
        invoice.refresh_from_db()
        stored = getattr(invoice, f"{kind}_file")
        assert response.status_code == 200
        assert hashlib.sha256(body).hexdigest() == stored.sha256 and body == stored_file_read(stored)
        assert f'filename="facture-F-DL.{kind}"' in response["Content-Disposition"]
    response = client.get(reverse("portal:invoice_download", args=[invoice.pk, "attachment", attachment.pk]))
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert "bon de commande.pdf" in response["Content-Disposition"]


def test_download_refuses_unknown_kinds_and_missing_files(client):
    s = setting()
    invoice = make_sent(s)  # sent through the lifecycle alone: no files
    other = make_draft(s, number="OTHER")
    foreign = invoice_attachment_add(actor=s.manager, invoice=other, data=PDF_BYTES, filename="x.pdf")
    client.force_login(s.manager)
    for args in ([invoice.pk, "pdf"], [invoice.pk, "original"], [invoice.pk, "secret"]):
        assert client.get(reverse("portal:invoice_download", args=args)).status_code == 404
    url = reverse("portal:invoice_download", args=[invoice.pk, "attachment", foreign.pk])
    assert client.get(url).status_code == 404  # another invoice's attachment


def test_detail_of_a_draft_offers_edit_only_to_the_supplier_editor(client):
    s = setting()
    draft = make_draft(s, number="EDIT-1")
    viewer = MembershipFactory(structure=s.supplier).user
    Habilitation.objects.create(
        user=viewer, structure=s.supplier, space=Space.SENT_INVOICES, level=Level.VIEW
    )
    try:
        edit_url = reverse("portal:invoice_edit", args=[draft.pk])
    except NoReverseMatch:  # the entry form is another engineer's; the link appears once it exists
        edit_url = None
    client.force_login(s.manager)
    page = _text(client.get(reverse("portal:invoice_detail", args=[draft.pk])))
    assert "EDIT-1" in page
    if edit_url:
        assert edit_url in page
    client.force_login(viewer)
    page = _text(client.get(reverse("portal:invoice_detail", args=[draft.pk])))
    assert 'id="invoice-edit"' not in page
