"""Supplier follow-up reads (INV-7): scoping by access.py, every search criterion, the synthèse,
the dashboard, the archives cut-off and the CSV export."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from openchorus.invoices.archiving import archive_cutoff, invoices_archive
from openchorus.invoices.counts import count_key, counts_move
from openchorus.invoices.models import Invoice
from openchorus.invoices.selectors import (
    SearchCriteria,
    sent_invoices_archives,
    sent_invoices_dashboard,
    sent_invoices_export_lines,
    sent_invoices_search,
    sent_invoices_synthesis,
)
from openchorus.invoices.services import invoice_draft_save, invoice_route, invoice_submit
from openchorus.lifecycle.services import invoice_transition
from openchorus.lifecycle.statuses import InvoiceStatus
from openchorus.lifecycle.transitions import Party
from openchorus.structures.enums import Level, Space
from openchorus.structures.models import Habilitation, StructureSpace
from tests.invoices.factories import Setting, header, lines, setting
from tests.structures.factories import MembershipFactory, ServiceFactory, StructureFactory

pytestmark = pytest.mark.django_db


# --- helpers (also used by tests/portal/test_invoices_followup.py) ------------------------------


def make_draft(s: Setting, *, supplier_service=None, **overrides) -> Invoice:
    return invoice_draft_save(
        actor=s.manager,
        supplier=s.supplier,
        values=header(**overrides),
        lines=lines(overrides.pop("line_count", 2) if "line_count" in overrides else 2),
        bank_account=s.bank_account,
        supplier_service=supplier_service,
    )


def make_sent(s: Setting, *, files: bool = False, **overrides) -> Invoice:
    """A sent invoice (Mise à disposition). With `files`, through the whole sending service (checks,
    Factur-X); else through the lifecycle alone, much faster, without files."""
    invoice = make_draft(s, **overrides)
    if files:
        return invoice_submit(actor=s.manager, invoice=invoice)
    invoice_transition(
        invoice=invoice,
        target=InvoiceStatus.DEPOSITED,
        actor=s.manager,
        party=Party.SUPPLIER,
        submitted_at=timezone.now(),
    )
    return invoice_route(invoice=invoice)


def outsider():
    """The manager of another supplier structure."""
    return MembershipFactory(structure=StructureFactory(), primary=True).user


def force_status(invoice: Invoice, status: str, *, at: datetime | None = None) -> Invoice:
    """Put an invoice in a status without its transition (test data only): the status the supplier
    sees and the dashboard's counters follow, as the lifecycle keeps them."""
    before = count_key(invoice)
    Invoice.objects.filter(pk=invoice.pk).update(
        status=status, supplier_status=status, status_changed_at=at or timezone.now()
    )
    invoice.refresh_from_db()
    counts_move(before, count_key(invoice))
    return invoice


def service_user(s: Setting, service, *, space=Space.SENT_INVOICES, level=Level.VIEW, structure=None):
    structure = structure or s.supplier
    user = MembershipFactory(structure=structure).user
    Habilitation.objects.create(user=user, structure=structure, service=service, space=space, level=level)
    return user


def recipient_user(s: Setting):
    StructureSpace.objects.get_or_create(structure=s.recipient, space=Space.RECEIVED_INVOICES)
    return MembershipFactory(structure=s.recipient, primary=True).user


def numbers(page) -> list[str]:
    return sorted(invoice.number for invoice in page.items)


# --- scoping ------------------------------------------------------------------------------------


def test_search_service_habilitated_user_sees_only_its_service():
    s = setting()
    north, south = ServiceFactory(structure=s.supplier), ServiceFactory(structure=s.supplier)
    make_sent(s, number="N-1", supplier_service=north)
    make_sent(s, number="S-1", supplier_service=south)
    make_sent(s, number="NONE-1")
    user = service_user(s, north)

    assert numbers(sent_invoices_search(user=user)) == ["N-1"]
    assert numbers(sent_invoices_search(user=s.manager)) == ["N-1", "NONE-1", "S-1"]


def test_search_other_structure_user_sees_nothing():
    s = setting()
    make_sent(s)
    other = outsider()
    assert sent_invoices_search(user=other).items == []
    assert sent_invoices_synthesis(user=other)[0].count == 0
    assert sent_invoices_dashboard(user=other).total == 0


def test_search_recipient_side_user_sees_no_sent_invoice_in_supplier_lists():
    s = setting()
    make_sent(s)
    assert sent_invoices_search(user=recipient_user(s)).items == []


# --- search criteria ------------------------------------------------------------------------------


@pytest.fixture
def searchable():
    s = setting()
    s.services["CT"].engagement_required = False
    first = make_sent(
        s,
        number="A-100",
        issue_date=date(2026, 1, 10),
        engagement_number="EJ-1",
        service_code="BC",
    )
    second = make_sent(
        s,
        number="B-200",
        issue_date=date(2026, 3, 5),
        engagement_number="EJ-2",
        service_code="CT",
        line_count=1,
    )
    Invoice.objects.filter(pk=first.pk).update(submitted_at=timezone.make_aware(datetime(2026, 1, 12, 9)))
    Invoice.objects.filter(pk=second.pk).update(submitted_at=timezone.make_aware(datetime(2026, 3, 7, 9)))
    draft = make_draft(s, number="C-300", issue_date=date(2026, 4, 1), engagement_number="EJ-3")
    return s, first, second, draft


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        ({"number": "A-100"}, ["A-100"]),
        ({"number": " B-200 "}, ["B-200"]),
        ({"number": "A-10"}, []),  # the number is matched whole
        ({"issue_date_from": date(2026, 3, 1)}, ["B-200", "C-300"]),
        ({"issue_date_to": date(2026, 3, 5)}, ["A-100", "B-200"]),
        ({"deposit_date_from": date(2026, 3, 7)}, ["B-200"]),
        ({"deposit_date_to": date(2026, 1, 12)}, ["A-100"]),
        ({"deposit_date_from": date(2026, 1, 13), "deposit_date_to": date(2026, 3, 6)}, []),
        ({"engagement_number": "EJ-2"}, ["B-200"]),
        ({"service_code": "ct"}, ["B-200"]),
        ({"status": InvoiceStatus.DRAFT}, ["C-300"]),
        ({"status": InvoiceStatus.AVAILABLE}, ["A-100", "B-200"]),
        ({"recipient": "34481082"}, ["A-100", "B-200", "C-300"]),
        ({"recipient": "paris habitat"}, ["A-100", "B-200", "C-300"]),
        ({"recipient": "mairie"}, []),
        ({"recipient": "99999999"}, []),
    ],
)
def test_search_each_criterion_selects_its_invoices(searchable, criteria, expected):
    s = searchable[0]
    page = sent_invoices_search(user=s.manager, criteria=SearchCriteria(**criteria))
    assert numbers(page) == expected


def test_search_amount_bounds_use_the_total_including_vat(searchable):
    s, first, second, _draft = searchable
    assert first.total_incl_vat > second.total_incl_vat
    exact = SearchCriteria(amount_min=second.total_incl_vat, amount_max=second.total_incl_vat)
    assert numbers(sent_invoices_search(user=s.manager, criteria=exact)) == ["B-200"]
    above = SearchCriteria(amount_min=second.total_incl_vat + Decimal("0.01"))
    assert "B-200" not in numbers(sent_invoices_search(user=s.manager, criteria=above))
    assert "A-100" in numbers(sent_invoices_search(user=s.manager, criteria=above))


def test_search_supplier_structure_criterion(searchable):
    s = searchable[0]
    assert (
        len(sent_invoices_search(user=s.manager, criteria=SearchCriteria(supplier_id=s.supplier.pk)).items)
        == 3
    )
    assert (
        sent_invoices_search(user=s.manager, criteria=SearchCriteria(supplier_id=s.recipient.pk)).items == []
    )


def test_search_sorts_by_deposit_or_issue_date(searchable):
    s = searchable[0]
    by_issue = sent_invoices_search(user=s.manager, criteria=SearchCriteria(sort="date"))
    assert [i.number for i in by_issue.items] == ["A-100", "B-200", "C-300"]
    by_issue_desc = sent_invoices_search(user=s.manager, criteria=SearchCriteria(sort="-date"))
    assert [i.number for i in by_issue_desc.items] == ["C-300", "B-200", "A-100"]
    deposited = SearchCriteria(status=InvoiceStatus.AVAILABLE)
    assert [i.number for i in sent_invoices_search(user=s.manager, criteria=deposited).items] == [
        "B-200",
        "A-100",
    ]


def test_search_pages_count_and_know_the_next_page():
    s = setting()
    for n in range(5):
        make_draft(s, number=f"D-{n}")
    first = sent_invoices_search(user=s.manager, page=1, page_size=2)
    last = sent_invoices_search(user=s.manager, page=3, page_size=2)
    assert (len(first.items), first.has_next, first.count, first.last_page) == (2, True, 5, 3)
    assert (len(last.items), last.has_next, last.count) == (1, False, 5)


def test_search_count_is_capped(monkeypatch):
    s = setting()
    for n in range(4):
        make_draft(s, number=f"D-{n}")
    monkeypatch.setattr("openchorus.invoices.selectors.COUNT_CAP", 2)
    from openchorus.invoices import selectors

    assert selectors.capped_count(Invoice.objects.all(), 2) == (2, True)
    page = sent_invoices_search(user=s.manager, page_size=1)
    assert page.has_next and page.count_capped and page.count == 2 and page.last_page is None


# --- synthèse and dashboard -----------------------------------------------------------------------


def test_synthesis_counts_each_action_status_and_lists_the_latest():
    s = setting()
    make_draft(s, number="D-1")
    make_draft(s, number="D-2")
    force_status(make_sent(s, number="R-1"), InvoiceStatus.REJECTED)
    force_status(make_sent(s, number="T-1"), InvoiceStatus.TO_RECYCLE)
    make_sent(s, number="OK-1")  # Mise à disposition: nothing to do

    groups = {g.status: g for g in sent_invoices_synthesis(user=s.manager)}

    assert [g for g in groups] == [
        InvoiceStatus.DRAFT,
        InvoiceStatus.REJECTED,
        InvoiceStatus.TO_RECYCLE,
        InvoiceStatus.SUSPENDED,
    ]
    assert {status: g.count for status, g in groups.items()} == {
        InvoiceStatus.DRAFT: 2,
        InvoiceStatus.REJECTED: 1,
        InvoiceStatus.TO_RECYCLE: 1,
        InvoiceStatus.SUSPENDED: 0,
    }
    assert [i.number for i in groups[InvoiceStatus.DRAFT].latest] == ["D-2", "D-1"]


def test_dashboard_counts_by_status_grouped_by_structure_service_frame_user():
    s = setting()
    service = ServiceFactory(structure=s.supplier, label="Agence de Chambéry", code="CHY")
    make_draft(s, number="D-1", supplier_service=service)
    make_sent(s, number="S-1", supplier_service=service)
    make_sent(s, number="S-2", billing_frame="A2_FACTURE_FOURNISSEUR_DEJA_PAYEE")

    board = sent_invoices_dashboard(user=s.manager)

    assert board.total == 3
    assert board.statuses == [InvoiceStatus.DRAFT, InvoiceStatus.AVAILABLE]
    tables = {t.key: t for t in board.tables}
    (structure_row,) = tables["supplier_id"].rows
    assert structure_row.label == "Les Délices de Savoie"
    assert structure_row.counts == {InvoiceStatus.DRAFT: 1, InvoiceStatus.AVAILABLE: 2}
    assert structure_row.cells == [(InvoiceStatus.DRAFT, 1), (InvoiceStatus.AVAILABLE, 2)]
    (service_row,) = tables["supplier_service_id"].rows
    assert service_row.label == "Agence de Chambéry (CHY)" and service_row.total == 2
    frames = {row.criterion["billing_frame"]: row.total for row in tables["billing_frame"].rows}
    assert frames == {"A1_FACTURE_FOURNISSEUR": 2, "A2_FACTURE_FOURNISSEUR_DEJA_PAYEE": 1}
    (user_row,) = tables["created_by_id"].rows
    assert s.manager.email in user_row.label and user_row.total == 3
    assert user_row.query == f"created_by_id={s.manager.pk}"


# --- archives -----------------------------------------------------------------------------------


def test_archives_hold_final_statuses_reached_more_than_two_years_ago():
    s = setting()
    with time_machine.travel(datetime(2023, 3, 1, 12, tzinfo=timezone.get_current_timezone()), tick=False):
        old_paid = force_status(make_sent(s, number="OLD-PAID"), InvoiceStatus.PAYMENT_ORDERED)
        old_rejected = force_status(make_sent(s, number="OLD-REJ"), InvoiceStatus.REJECTED)
        old_open = force_status(make_sent(s, number="OLD-SUSP"), InvoiceStatus.SUSPENDED)
        recent_paid = make_sent(s, number="RECENT-PAID")
    force_status(
        recent_paid, InvoiceStatus.PAYMENT_ORDERED, at=old_paid.status_changed_at + timedelta(days=400)
    )

    with time_machine.travel(datetime(2025, 2, 27, 12, tzinfo=timezone.get_current_timezone()), tick=False):
        # Not yet two years: the daily archiving takes nothing.
        assert invoices_archive() == 0
        assert sent_invoices_archives(user=s.manager).items == []
        assert len(sent_invoices_search(user=s.manager).items) == 4

    with time_machine.travel(datetime(2025, 3, 2, 12, tzinfo=timezone.get_current_timezone()), tick=False):
        # Two years and a day: the final ones are archived, the suspended one is not (not final).
        assert archive_cutoff() > old_paid.status_changed_at
        assert invoices_archive() == 2
        assert numbers(sent_invoices_archives(user=s.manager)) == ["OLD-PAID", "OLD-REJ"]
        current = numbers(sent_invoices_search(user=s.manager))
        assert current == ["OLD-SUSP", "RECENT-PAID"]
        synthesis = {g.status: g.count for g in sent_invoices_synthesis(user=s.manager)}
        assert synthesis[InvoiceStatus.REJECTED] == 0 and synthesis[InvoiceStatus.SUSPENDED] == 1
        assert sent_invoices_dashboard(user=s.manager).total == 2
        assert old_rejected.pk not in {i.pk for i in sent_invoices_search(user=s.manager).items}
    assert old_open.status == InvoiceStatus.SUSPENDED


def test_archives_are_scoped_too():
    s = setting()
    with time_machine.travel(datetime(2020, 1, 1, tzinfo=timezone.get_current_timezone()), tick=False):
        force_status(make_sent(s, number="OLD"), InvoiceStatus.PAYMENT_ORDERED)
    invoices_archive()
    assert numbers(sent_invoices_archives(user=s.manager)) == ["OLD"]
    assert sent_invoices_archives(user=outsider()).items == []


# --- CSV export ---------------------------------------------------------------------------------


def test_export_writes_french_headers_bom_and_one_line_per_match(searchable):
    s, first, _second, _draft = searchable
    Invoice.objects.filter(pk=first.pk).update(engagement_number="=HYPERLINK(1)")
    text = "".join(sent_invoices_export_lines(user=s.manager, criteria=SearchCriteria(sort="date")))

    assert text.startswith("\ufeffNuméro de facture;Type de facture;Date de facture;Date de dépôt;Statut;")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][-4:] == ["Montant TTC", "Devise", "Mode de dépôt"][-3:] or rows[0][-3] == "Montant TTC"
    assert [r[0] for r in rows[1:]] == ["A-100", "B-200", "C-300"]
    a100 = dict(zip(rows[0], rows[1], strict=True))
    assert a100["Date de facture"] == "10/01/2026"
    assert a100["Date de dépôt"] == "12/01/2026"
    assert a100["Statut"] == "Mise à disposition"
    assert a100["Destinataire"] == "PARIS HABITAT OPH"
    assert a100["Identifiant du destinataire"] == "34481082500366"
    assert a100["Code service"] == "BC"
    assert a100["Montant TTC"] == f"{first.total_incl_vat:.2f}".replace(".", ",")
    assert a100["Cadre de facturation"] == "A1"
    assert a100["Numéro d'engagement"] == "'=HYPERLINK(1)"  # never a formula in a spreadsheet
    assert text.endswith("\r\n")


def test_export_is_scoped_and_filtered(searchable):
    s = searchable[0]
    only = "".join(sent_invoices_export_lines(user=s.manager, criteria=SearchCriteria(number="B-200")))
    assert only.count("\r\n") == 2 and "B-200" in only and "A-100" not in only
    stranger = "".join(sent_invoices_export_lines(user=outsider()))
    assert stranger.count("\r\n") == 1
