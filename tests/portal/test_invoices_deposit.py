"""Déposer une facture and Dépôt par lot in the portal (INV-3, INV-4): upload, outcome, rights."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from openchorus.invoices.models import Invoice, InvoiceLine
from openchorus.lifecycle.statuses import InvoiceStatus
from tests.ingestion import files
from tests.invoices.factories import setting, structured_file
from tests.structures.factories import MembershipFactory, StructureFactory, UserFactory

pytestmark = pytest.mark.django_db

DEPOSIT = "portal:sent_invoices_deposit"
BATCH = "portal:sent_invoices_batch"


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.fixture
def s():
    return setting()


@pytest.fixture
def client_in(client, s):
    client.force_login(s.manager)
    return client


def test_deposit_page_explains_formats_size_and_golden_rules(client_in):
    response = client_in.get(reverse(DEPOSIT))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Déposer une facture" in page and "Factur-X" in page and "UBL 2.1" in page
    assert "20 Mo" in page and "4 règles d'or" in page
    assert 'enctype="multipart/form-data"' in page and 'name="file"' in page


def test_deposit_of_a_ubl_makes_a_draft_and_redirects_to_its_form(client_in, s):
    response = client_in.post(
        reverse(DEPOSIT), {"supplier": s.supplier.pk, "file": upload("f.xml", structured_file(s, "ubl"))}
    )
    invoice = Invoice.objects.get()
    assert response.status_code == 302
    assert response.url.rstrip("/").endswith(str(invoice.pk)) or str(invoice.pk) in response.url
    assert invoice.status == InvoiceStatus.DRAFT and invoice.number == "F2026-001"
    assert invoice.lines.count() == 2


def test_scanned_pdf_is_refused_on_the_page_with_the_golden_rules(client_in, s):
    response = client_in.post(
        reverse(DEPOSIT), {"supplier": s.supplier.pk, "file": upload("scan.pdf", files.scanned_pdf())}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "« scan.pdf » est refusé" in page and 'data-rule="PDF-SCANNED"' in page
    assert 'id="golden-rules-refusal"' in page and "noir sur fond blanc" in page
    assert not Invoice.objects.exists() and not InvoiceLine.objects.exists()


def test_oversize_file_is_refused_on_the_page(client_in, s, settings):
    settings.OPENCHORUS_INVOICE_FILE_MAX_BYTES = 1024 * 1024
    data = b"%PDF-1.7\n" + b"0" * (1024 * 1024 + 10)
    response = client_in.post(reverse(DEPOSIT), {"supplier": s.supplier.pk, "file": upload("gros.pdf", data)})
    assert response.status_code == 422 and 'data-rule="DEPOT-TAILLE"' in response.content.decode()
    assert not Invoice.objects.exists()


def test_user_without_sent_invoices_modification_gets_403(client, s):
    client.force_login(UserFactory())
    assert client.get(reverse(DEPOSIT)).status_code == 403
    data = {"supplier": s.supplier.pk, "file": upload("f.xml", structured_file(s, "ubl"))}
    assert client.post(reverse(DEPOSIT), data).status_code == 403
    assert (
        client.post(
            reverse(BATCH), {"supplier": s.supplier.pk, "files": [upload("f.xml", b"<x/>")]}
        ).status_code
        == 403
    )
    assert not Invoice.objects.exists()


def test_member_of_another_structure_cannot_deposit_for_this_one(client, s):
    other = MembershipFactory(structure=StructureFactory(), primary=True).user
    client.force_login(other)
    data = {"supplier": s.supplier.pk, "file": upload("f.xml", structured_file(s, "ubl"))}
    response = client.post(reverse(DEPOSIT), data)
    assert response.status_code == 400
    assert not Invoice.objects.exists()


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse(DEPOSIT))
    assert response.status_code == 302 and "next=" in response.url


def test_deposit_without_csrf_token_is_refused(s):
    client = Client(enforce_csrf_checks=True)
    client.force_login(s.manager)
    data = {"supplier": s.supplier.pk, "file": upload("f.xml", structured_file(s, "ubl"))}
    assert client.post(reverse(DEPOSIT), data).status_code == 403
    assert not Invoice.objects.exists()


def test_batch_shows_one_outcome_per_file(client_in, s):
    batch = [
        upload("a.xml", structured_file(s, "ubl", number="LOT-1")),
        upload("scan.pdf", files.scanned_pdf()),
        upload("texte.pdf", files.text_pdf()),
        upload("bombe.xml", files.BILLION_LAUGHS),
    ]
    response = client_in.post(reverse(BATCH), {"supplier": s.supplier.pk, "files": batch})
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('class="oc-batch-row"') == 4
    assert page.count('data-outcome="sent"') == 1 and page.count('data-outcome="draft"') == 1
    assert page.count('data-outcome="refused"') == 2
    assert 'data-rule="PDF-SCANNED"' in page and 'data-rule="XML-DOCTYPE"' in page
    assert "Mise à disposition" in page and "Facture LOT-1" in page
    sent = Invoice.objects.get(number="LOT-1")
    assert sent.status == InvoiceStatus.AVAILABLE
    assert reverse("portal:invoice_detail", args=[sent.pk]) in page
    assert Invoice.objects.count() == 2
