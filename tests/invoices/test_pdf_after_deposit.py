"""The Factur-X PDF of an invoice entered as data (portal saisie, API SAISIE_API) is rendered by a
task after the deposit commits: the answer does not wait for it, the audit trail records its hash
in its own event, and every download works before and after (rendered on demand when asked first)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from openchorus import einvoice
from openchorus.audit.models import AuditEvent
from openchorus.audit.services import audit_trail_verify
from openchorus.core.storage import stored_file_read
from openchorus.invoices.models import Invoice
from openchorus.invoices.services import invoice_pdf_write, invoice_submit, invoices_pdf_catch_up
from openchorus.lifecycle.statuses import InvoiceStatus
from openchorus.notifications.scheduler import PERIODIC_TASKS
from tests.invoices.factories import draft, setting

pytestmark = pytest.mark.django_db


def _pdf_events(invoice: Invoice) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(stream=f"invoice:{invoice.pk}", action="invoice:pdf_written"))


def test_sending_answers_without_the_pdf_then_the_task_writes_it_once(django_capture_on_commit_callbacks):
    s = setting()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sent = invoice_submit(actor=s.manager, invoice=draft(s))
    sent.refresh_from_db()
    assert sent.status == InvoiceStatus.AVAILABLE and sent.xml_file is not None
    assert sent.pdf_file is None and sent.original_file is None and sent.pdf_pending
    deposit = AuditEvent.objects.get(stream=f"invoice:{sent.pk}", action=f"status:{InvoiceStatus.DEPOSITED}")
    assert deposit.after["files"] == {"xml": sent.xml_file.sha256}

    for callback in callbacks:  # the commit: the task (run at once in tests) renders the PDF
        callback()
    sent.refresh_from_db()
    assert not sent.pdf_pending and sent.pdf_file == sent.original_file
    assert sent.original_filename == f"facture-{sent.number}.pdf"
    data = stored_file_read(sent.pdf_file)
    read = einvoice.read(data)  # a Factur-X whose embedded CII is the deposited XML's content
    assert read.invoice == einvoice.read(stored_file_read(sent.xml_file)).invoice
    [event] = _pdf_events(sent)
    assert event.after == {"number": sent.number, "files": {"pdf": sent.pdf_file.sha256}}

    invoice_pdf_write(invoice=sent)  # idempotent: a second run writes nothing
    assert len(_pdf_events(sent)) == 1
    report = audit_trail_verify(stream=f"invoice:{sent.pk}")
    assert report.valid and report.files_checked >= 2


def test_pdf_never_rendered_is_caught_up_by_the_scheduler_task():
    s = setting()
    sent = invoice_submit(actor=s.manager, invoice=draft(s))  # on_commit never runs: a worker lost it
    sent.refresh_from_db()
    assert sent.pdf_pending
    assert invoices_pdf_catch_up() == 0  # too recent: its task may still be on its way
    Invoice.objects.filter(pk=sent.pk).update(submitted_at=timezone.now() - timedelta(minutes=10))
    assert invoices_pdf_catch_up() == 1
    sent.refresh_from_db()
    assert sent.pdf_file is not None and len(_pdf_events(sent)) == 1
    assert invoices_pdf_catch_up() == 0
    assert "invoices-pdf" in {periodic.name for periodic in PERIODIC_TASKS}


def test_catch_up_goes_past_an_invoice_it_cannot_render(monkeypatch, caplog):
    from openchorus.invoices import services

    s = setting()
    first = invoice_submit(actor=s.manager, invoice=draft(s))
    second = invoice_submit(actor=s.manager, invoice=draft(s, header_overrides={"number": "F2026-002"}))
    Invoice.objects.update(submitted_at=timezone.now() - timedelta(minutes=10))
    first.refresh_from_db()
    lost = first.xml_file.sha256
    read = services.stored_file_read

    def unreadable(stored):
        if stored.sha256 == lost:
            raise OSError("stored file missing")
        return read(stored)

    monkeypatch.setattr(services, "stored_file_read", unreadable)
    assert invoices_pdf_catch_up() == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.pdf_pending and second.pdf_file is not None
    assert f"invoice {first.pk} could not be rendered" in caplog.text


def test_drafts_and_deposited_files_need_no_rendered_pdf():
    s = setting()
    assert not draft(s).pdf_pending
    assert invoices_pdf_catch_up(older_than=timedelta(0)) == 0


def test_portal_download_before_the_task_renders_the_pdf_on_demand(client):
    s = setting()
    sent = invoice_submit(actor=s.manager, invoice=draft(s))
    client.force_login(s.manager)
    page = client.get(reverse("portal:invoice_detail", args=[sent.pk])).content.decode()
    assert reverse("portal:invoice_download", args=[sent.pk, "pdf"]) in page
    response = client.get(reverse("portal:invoice_download", args=[sent.pk, "pdf"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content)
    sent.refresh_from_db()
    assert body == stored_file_read(sent.pdf_file) and len(_pdf_events(sent)) == 1
    again = client.get(reverse("portal:invoice_download", args=[sent.pk, "original"]))
    assert b"".join(again.streaming_content) == body and len(_pdf_events(sent)) == 1
    assert audit_trail_verify(stream=f"invoice:{sent.pk}").valid
