"""The transition table is the only way a status changes (LIF-1)."""

from __future__ import annotations

import pytest

from openchorus.core.errors import ApplicationError
from openchorus.invoices.models import Invoice
from openchorus.lifecycle.services import invoice_transition
from openchorus.lifecycle.statuses import InvoiceStatus
from openchorus.lifecycle.transitions import Party
from tests.invoices.factories import draft, setting

pytestmark = pytest.mark.django_db


def test_impossible_transition_is_refused_and_changes_nothing():
    s = setting()
    invoice = draft(s)
    with pytest.raises(ApplicationError) as refused:
        invoice_transition(
            invoice=invoice, target=InvoiceStatus.AVAILABLE, actor=s.manager, party=Party.SUPPLIER
        )
    assert "« Brouillon »" in str(refused.value) and "« Mise à disposition »" in str(refused.value)
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.DRAFT


def test_the_platform_alone_routes_an_invoice():
    s = setting()
    invoice = draft(s)
    invoice_transition(invoice=invoice, target=InvoiceStatus.DEPOSITED, actor=s.manager, party=Party.SUPPLIER)
    with pytest.raises(ApplicationError):
        invoice_transition(
            invoice=invoice, target=InvoiceStatus.AVAILABLE, actor=s.manager, party=Party.SUPPLIER
        )
    invoice_transition(invoice=invoice, target=InvoiceStatus.AVAILABLE, actor=None, party=Party.PLATFORM)
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.AVAILABLE


def test_a_stale_copy_cannot_move_the_invoice_twice():
    s = setting()
    invoice = draft(s)
    stale = Invoice.objects.get(pk=invoice.pk)
    invoice_transition(invoice=invoice, target=InvoiceStatus.DEPOSITED, actor=s.manager, party=Party.SUPPLIER)
    with pytest.raises(ApplicationError) as conflict:
        invoice_transition(
            invoice=stale, target=InvoiceStatus.DEPOSITED, actor=s.manager, party=Party.SUPPLIER
        )
    assert conflict.value.extra["code"] == "conflict"
    assert invoice.status_changes.count() == 1
