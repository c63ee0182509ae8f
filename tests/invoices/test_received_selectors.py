"""Recipient-side reads (LIF-2): scoping by access.py, the search criteria, the synthèse, the
dashboard and the CSV export; and what the supplier sees of a hidden "Mise en paiement" (LIF-6)."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from openchorus.invoices import selectors
from openchorus.invoices.selectors import (
    ReceivedSearchCriteria,
    SearchCriteria,
    invoice_view_for_user,
    received_invoices_dashboard,
    received_invoices_export_lines,
    received_invoices_search,
    received_invoices_services,
    received_invoices_synthesis,
    sent_invoices_dashboard,
    sent_invoices_export_lines,
    sent_invoices_search,
)
from openchorus.lifecycle.services import invoice_process, supplier_visible_status
from openchorus.lifecycle.statuses import InvoiceStatus
from openchorus.structures.enums import Level, Space
from openchorus.structures.models import StructureSpace
from tests.invoices.factories import Setting, setting
from tests.invoices.test_selectors import (
    force_status,
    make_draft,
    make_sent,
    outsider,
    recipient_user,
    service_user,
)
from tests.structures.factories import StructureFactory

pytestmark = pytest.mark.django_db


def numbers(page) -> list[str]:
    return sorted(invoice.number for invoice in page.items)


def recipient_service_user(s: Setting, code: str, *, level=Level.EDIT):
    StructureSpace.objects.get_or_create(structure=s.recipient, space=Space.RECEIVED_INVOICES)
    return service_user(
        s, s.services[code], space=Space.RECEIVED_INVOICES, level=level, structure=s.recipient
    )


def paid(s: Setting, agent, number: str):
    """An invoice taken through Comptabilisée to Mise en paiement by the recipient."""
    invoice = make_sent(s, number=number)
    invoice = invoice_process(actor=agent, invoice=invoice, target=InvoiceStatus.ACCOUNTED)
    return invoice_process(actor=agent, invoice=invoice, target=InvoiceStatus.PAYMENT_ORDERED)


# --- scoping ------------------------------------------------------------------------------------


def test_received_search_service_user_sees_only_its_service_and_never_drafts():
    s = setting()
    make_sent(s, number="BC-1", service_code="BC")
    make_sent(s, number="FL-1", service_code="FL")
    make_draft(s, number="DRAFT-1", service_code="BC")
    agent = recipient_user(s)
    bc_agent = recipient_service_user(s, "BC")

    assert numbers(received_invoices_search(user=agent)) == ["BC-1", "FL-1"]
    assert numbers(received_invoices_search(user=bc_agent)) == ["BC-1"]
    assert [service.code for service in received_invoices_services(user=bc_agent)] == ["BC"]
    assert len(received_invoices_services(user=agent)) == len(s.services)


def test_received_lists_are_empty_for_the_supplier_and_outsiders():
    s = setting()
    make_sent(s)
    for user in (s.manager, outsider()):
        assert received_invoices_search(user=user).items == []
        assert received_invoices_synthesis(user=user).total == 0
        assert received_invoices_dashboard(user=user).total == 0


# --- search criteria ------------------------------------------------------------------------------


def test_received_search_filters_on_each_criterion():
    s = setting()
    other = StructureFactory(legal_name="Fromagerie Alpine", identifier="55210055400013")
    first = make_sent(
        s, number="A-1", issue_date=date(2026, 1, 10), engagement_number="EJ-1", service_code="BC"
    )
    make_sent(s, number="B-2", issue_date=date(2026, 3, 10), engagement_number="EJ-2", service_code="FL")
    agent = recipient_user(s)

    def found(**criteria) -> list[str]:
        return numbers(received_invoices_search(user=agent, criteria=ReceivedSearchCriteria(**criteria)))

    assert found(number="A-1") == ["A-1"]
    assert found(engagement_number="EJ-2") == ["B-2"]
    assert found(recipient_service_id=s.services["FL"].pk) == ["B-2"]
    assert found(issue_date_from=date(2026, 2, 1)) == ["B-2"]
    assert found(issue_date_to=date(2026, 2, 1)) == ["A-1"]
    assert found(amount_min=first.total_incl_vat, amount_max=first.total_incl_vat) == ["A-1", "B-2"]
    assert found(amount_min=first.total_incl_vat + Decimal("0.01")) == []
    assert found(supplier=s.supplier.identifier[:9]) == ["A-1", "B-2"]
    assert found(supplier="délices savoie") == ["A-1", "B-2"]
    assert found(supplier="Alpine") == []
    assert found(supplier_id=other.pk) == []
    assert found(status=InvoiceStatus.AVAILABLE) == ["A-1", "B-2"]
    assert found(status=InvoiceStatus.SUSPENDED) == []


# --- synthèse and dashboard -----------------------------------------------------------------------


def test_received_synthesis_lists_invoices_to_process_and_counts_by_status(monkeypatch):
    s = setting()
    agent = recipient_user(s)
    for i in range(4):
        make_sent(s, number=f"NEW-{i}")
    force_status(make_sent(s, number="DONE-1"), InvoiceStatus.COMPLETED)
    invoice_process(actor=agent, invoice=make_sent(s, number="SF-1"), target=InvoiceStatus.SERVICE_DONE)
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)

    summary = received_invoices_synthesis(user=agent, rows=2)

    available, completed = summary.groups
    assert available.status == InvoiceStatus.AVAILABLE and (available.count, available.count_capped) == (
        3,
        True,
    )
    assert [i.number for i in available.latest] == ["NEW-3", "NEW-2"]  # latest deposit first
    assert completed.count == 1 and [i.number for i in completed.latest] == ["DONE-1"]
    counts = {c.status: (c.count, c.count_capped) for c in summary.counts}
    assert counts == {
        InvoiceStatus.AVAILABLE: (3, True),
        InvoiceStatus.COMPLETED: (1, False),
        InvoiceStatus.SERVICE_DONE: (1, False),
    }
    assert summary.to_process == 4


def test_received_dashboard_counts_by_service_and_supplier():
    s = setting()
    agent = recipient_user(s)
    make_sent(s, number="BC-1", service_code="BC")
    make_sent(s, number="BC-2", service_code="BC")
    invoice_process(
        actor=agent, invoice=make_sent(s, number="FL-1", service_code="FL"), target="SERVICE_FAIT"
    )

    board = received_invoices_dashboard(user=agent)

    assert board.total == 3
    assert board.totals == {InvoiceStatus.AVAILABLE: 2, InvoiceStatus.SERVICE_DONE: 1}
    tables = {table.key: table for table in board.tables}
    assert set(tables) == {"recipient_service_id", "supplier_id"}  # one structure: no table for it
    by_service = {row.label: row.counts for row in tables["recipient_service_id"].rows}
    assert by_service == {
        "Service BC (BC)": {InvoiceStatus.AVAILABLE: 2},
        "Service FL (FL)": {InvoiceStatus.SERVICE_DONE: 1},
    }
    (supplier_row,) = tables["supplier_id"].rows
    assert supplier_row.total == 3 and supplier_row.criterion == {"supplier_id": s.supplier.pk}
    assert received_invoices_dashboard(user=recipient_service_user(s, "FL")).total == 1


# --- export -------------------------------------------------------------------------------------


def test_received_export_has_the_real_status_and_its_reform_code():
    s = setting(payment_status_hidden=True)
    agent = recipient_user(s)
    paid(s, agent, "PAY-1")
    make_sent(s, number="NEW-1")

    text = "".join(received_invoices_export_lines(user=agent, criteria=ReceivedSearchCriteria(sort="depot")))

    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][4:7] == ["Statut", "Statut (réforme 2026)", "Date du statut"]
    lines = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert lines["PAY-1"]["Statut"] == "Mise en paiement"
    assert lines["PAY-1"]["Statut (réforme 2026)"] == "211 Paiement transmis"
    assert lines["NEW-1"]["Statut (réforme 2026)"] == "203 Mise à disposition"
    assert "".join(received_invoices_export_lines(user=s.manager)).count("\r\n") == 1


# --- LIF-6: a hidden "Mise en paiement" on the supplier's side -------------------------------------


def test_supplier_sees_the_status_before_a_hidden_payment_everywhere():
    s = setting(payment_status_hidden=True)
    agent = recipient_user(s)
    invoice = paid(s, agent, "PAY-1")
    assert supplier_visible_status(invoice) == InvoiceStatus.ACCOUNTED

    (item,) = sent_invoices_search(user=s.manager).items
    assert (item.shown_status, item.shown_status_label) == (InvoiceStatus.ACCOUNTED, "Comptabilisée")
    assert (
        numbers(sent_invoices_search(user=s.manager, criteria=SearchCriteria(status="MISE_EN_PAIEMENT")))
        == []
    )
    assert numbers(sent_invoices_search(user=s.manager, criteria=SearchCriteria(status="COMPTABILISEE"))) == [
        "PAY-1"
    ]
    assert sent_invoices_dashboard(user=s.manager).totals == {InvoiceStatus.ACCOUNTED: 1}
    export = "".join(sent_invoices_export_lines(user=s.manager))
    assert "Mise en paiement" not in export and "Comptabilisée" in export

    view = invoice_view_for_user(user=s.manager, invoice_id=invoice.pk)
    assert view.invoice.shown_status == InvoiceStatus.ACCOUNTED
    assert InvoiceStatus.PAYMENT_ORDERED not in [change.to_status for change in view.history]
    assert any(event.masked for event in view.audit_events)

    recipient_view = invoice_view_for_user(user=agent, invoice_id=invoice.pk)
    assert recipient_view.invoice.shown_status == InvoiceStatus.PAYMENT_ORDERED
    assert recipient_view.history[-1].to_status == InvoiceStatus.PAYMENT_ORDERED
    assert recipient_view.history[-1].reform_code == "211"


def test_supplier_sees_payment_when_the_recipient_does_not_hide_it():
    s = setting()
    agent = recipient_user(s)
    paid(s, agent, "PAY-1")

    (item,) = sent_invoices_search(user=s.manager, criteria=SearchCriteria(status="MISE_EN_PAIEMENT")).items
    assert item.shown_status == InvoiceStatus.PAYMENT_ORDERED
    assert sent_invoices_dashboard(user=s.manager).totals == {InvoiceStatus.PAYMENT_ORDERED: 1}
