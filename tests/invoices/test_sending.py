"""Drafts and sending (INV-2, INV-5, INV-6): the checks refuse with the field and the fix."""

from __future__ import annotations

import pytest

from openchorus.audit.services import audit_chain_verify
from openchorus.invoices.services import InvoiceRefused, invoice_submit
from openchorus.lifecycle.models import InvoiceStatusChange
from openchorus.lifecycle.statuses import InvoiceStatus
from tests.invoices.factories import draft, setting

pytestmark = pytest.mark.django_db


def test_entered_invoice_is_sent_and_made_available_with_its_factur_x(django_capture_on_commit_callbacks):
    s = setting()
    invoice = draft(s)
    assert str(invoice.total_excl_vat) == "302.00"  # 12 × 18.50 + (2 × 45 − 10)
    assert str(invoice.vat_total) == "28.21"  # 222 × 5.5 % = 12.21 ; 80 × 20 % = 16.00

    with django_capture_on_commit_callbacks(execute=True):
        sent = invoice_submit(actor=s.manager, invoice=invoice)

    assert sent.status == InvoiceStatus.AVAILABLE
    assert sent.recipient == s.recipient and sent.recipient_service == s.services["BC"]
    sent.refresh_from_db()
    assert sent.pdf_file.content_type == "application/pdf" and sent.xml_file is not None
    history = list(InvoiceStatusChange.objects.filter(invoice=sent).values_list("to_status", flat=True))
    assert history == [InvoiceStatus.DEPOSITED, InvoiceStatus.AVAILABLE]
    assert audit_chain_verify(stream=f"invoice:{sent.pk}").valid


def test_missing_service_code_is_refused_naming_the_active_services():
    s = setting(service_code_required=True)
    invoice = draft(s, header_overrides={"service_code": ""})
    with pytest.raises(InvoiceRefused) as refused:
        invoice_submit(actor=s.manager, invoice=invoice)
    finding = next(f for f in refused.value.findings if f.rule_id == "INV-5-SERVICE-OBLIGATOIRE")
    assert finding.field == "service_code"
    assert "BC, CT, FACTURES_PUBLIQUES, FL, SIT" in finding.fix_fr
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.DRAFT
