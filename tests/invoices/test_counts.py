"""The dashboard's counters (invoices.counts) and the archiving as an event (invoices.archiving):
after every kind of write the counters equal a fresh GROUP BY over the current invoices."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openchorus.ingestion.pipeline import deposit
from openchorus.invoices.archiving import ARCHIVE_AFTER, invoices_archive
from openchorus.invoices.counts import (
    count_key,
    counts_add,
    counts_grouped,
    counts_rebuild,
    counts_recounted,
    counts_stored,
)
from openchorus.invoices.models import Invoice, InvoiceCount
from openchorus.invoices.selectors import (
    sent_invoices_archives,
    sent_invoices_dashboard,
    sent_invoices_search,
    sent_invoices_synthesis,
)
from openchorus.invoices.services import (
    invoice_attachment_add,
    invoice_complete,
    invoice_draft_delete,
    invoice_draft_save,
    invoice_recycle,
    invoice_submit,
)
from openchorus.lifecycle.services import invoice_process
from openchorus.lifecycle.statuses import InvoiceStatus as S
from openchorus.notifications.scheduler import scheduler_tick
from tests.invoices.factories import header, lines, recipient_agent, setting, structured_file
from tests.structures.factories import ServiceFactory
from tests.structures.factories_documents import PDF_BYTES

pytestmark = pytest.mark.django_db


def assert_counts_agree() -> None:
    assert counts_stored() == counts_recounted()


def test_counters_follow_every_write_of_a_realistic_scenario():
    s = setting(payment_status_hidden=True)
    agent = recipient_agent(s)
    north, south = ServiceFactory(structure=s.supplier), ServiceFactory(structure=s.supplier)

    def make(number, **values):
        invoice = invoice_draft_save(
            actor=s.manager,
            supplier=s.supplier,
            values=header(number=number, **values),
            lines=lines(),
            bank_account=s.bank_account,
            supplier_service=north,
        )
        assert_counts_agree()
        return invoice

    first, second, third, fourth, fifth = (make(f"F-{n}") for n in range(1, 6))
    doomed = make("F-DEL", billing_frame="A2_FACTURE_FOURNISSEUR_DEJA_PAYEE")
    assert counts_stored() == {count_key(first): 5, count_key(doomed): 1}

    # A draft's service and frame change: the invoice moves from one counter to another.
    first = invoice_draft_save(
        actor=s.manager,
        supplier=s.supplier,
        invoice=first,
        values=header(number="F-1", billing_frame="A2_FACTURE_FOURNISSEUR_DEJA_PAYEE"),
        lines=lines(),
        bank_account=s.bank_account,
        supplier_service=south,
    )
    assert first.supplier_service == south
    assert_counts_agree()
    first = invoice_draft_save(  # the frame back (an A2 invoice needs its payment), the service kept
        actor=s.manager,
        supplier=s.supplier,
        invoice=first,
        values=header(number="F-1"),
        lines=lines(),
        bank_account=s.bank_account,
    )
    assert first.supplier_service == south and first.billing_frame == "A1_FACTURE_FOURNISSEUR"
    assert_counts_agree()
    invoice_draft_delete(actor=s.manager, invoice=doomed)
    assert_counts_agree()

    # A structured file deposited and sent through the pipeline.
    outcome = deposit(
        actor=s.manager,
        supplier=s.supplier,
        data=structured_file(s, number="F-DEPOSIT"),
        filename="f.xml",
        submit=True,
    )
    assert outcome.sent
    assert_counts_agree()

    sent = [invoice_submit(actor=s.manager, invoice=i) for i in (first, second, third, fourth, fifth)]
    assert_counts_agree()
    first, second, third, fourth, fifth = sent
    rejected = invoice_process(
        actor=agent, invoice=first, target=S.REJECTED, comment="Prix", motif="MONTANT_ERRONE"
    )
    assert_counts_agree()
    recycled = invoice_process(
        actor=agent, invoice=second, target=S.TO_RECYCLE, comment="Mauvais service", motif="AUTRE"
    )
    assert_counts_agree()
    invoice_recycle(
        actor=s.manager,
        invoice=recycled,
        recipient_identifier=recycled.recipient_identifier,
        service_code="FL",
        engagement_number="EJ-2",
    )
    assert_counts_agree()
    suspended = invoice_process(
        actor=agent, invoice=third, target=S.SUSPENDED, comment="Bon ?", motif="PJ_MANQUANTE"
    )
    invoice_attachment_add(actor=s.manager, invoice=suspended, data=PDF_BYTES, filename="bon.pdf")
    invoice_complete(actor=s.manager, invoice=suspended, comment="Bon joint")
    assert_counts_agree()
    paid = fourth
    for target in (S.SERVICE_DONE, S.MANDATED, S.ACCOUNTED, S.PAYMENT_ORDERED):
        paid = invoice_process(actor=agent, invoice=paid, target=target, comment="ok")
        assert_counts_agree()
    # The payment is hidden from the supplier (LIF-6): counted under the status before it.
    assert counts_stored()[count_key(paid)] == 1 and paid.supplier_status == S.ACCOUNTED

    later = timezone.now() + ARCHIVE_AFTER + timedelta(days=1)
    with time_machine.travel(later, tick=False):
        assert invoices_archive() == 2  # the rejected and the paid ones
    assert_counts_agree()
    archived = set(Invoice.objects.filter(archived_at__isnull=False).values_list("pk", flat=True))
    assert archived == {rejected.pk, paid.pk}
    assert sent_invoices_dashboard(user=s.manager).total == Invoice.objects.count() - 2


def test_archiving_takes_final_statuses_two_years_and_a_day_old_and_only_those():
    s = setting()
    agent = recipient_agent(s)
    tz = timezone.get_current_timezone()

    def rejected(number):
        invoice = invoice_submit(
            actor=s.manager,
            invoice=invoice_draft_save(
                actor=s.manager,
                supplier=s.supplier,
                values=header(number=number),
                lines=lines(),
                bank_account=s.bank_account,
            ),
        )
        return invoice_process(actor=agent, invoice=invoice, target=S.REJECTED, comment="Non", motif="AUTRE")

    with time_machine.travel(datetime(2023, 3, 1, 12, tzinfo=tz), tick=False):
        old = rejected("OLD")
    with time_machine.travel(datetime(2023, 3, 2, 12, tzinfo=tz), tick=False):
        young = rejected("YOUNG")
        suspended = invoice_process(
            actor=agent,
            invoice=invoice_submit(
                actor=s.manager,
                invoice=invoice_draft_save(
                    actor=s.manager,
                    supplier=s.supplier,
                    values=header(number="SUSP"),
                    lines=lines(),
                    bank_account=s.bank_account,
                ),
            ),
            target=S.SUSPENDED,
            comment="Bon ?",
            motif="PJ_MANQUANTE",
        )
    moment = old.status_changed_at + ARCHIVE_AFTER + timedelta(seconds=1)  # two years + a day, and a second
    with time_machine.travel(moment, tick=False):
        # Before the archiving runs, nothing is archived: it is an event, not a date condition.
        assert sent_invoices_archives(user=s.manager).items == []
        synthesis = {g.status: g.count for g in sent_invoices_synthesis(user=s.manager)}
        assert synthesis[S.REJECTED] == 2
        assert invoices_archive() == 1
        assert invoices_archive() == 0  # done once
    assert [i.number for i in sent_invoices_archives(user=s.manager).items] == ["OLD"]
    assert sorted(i.number for i in sent_invoices_search(user=s.manager).items) == ["SUSP", "YOUNG"]
    synthesis = {g.status: g for g in sent_invoices_synthesis(user=s.manager)}
    assert synthesis[S.REJECTED].count == 1 and [i.number for i in synthesis[S.REJECTED].latest] == ["YOUNG"]
    board = sent_invoices_dashboard(user=s.manager)
    assert board.total == 2 and board.totals == {S.REJECTED: 1, S.SUSPENDED: 1}
    assert Invoice.objects.get(pk=old.pk).archived_at == moment
    assert Invoice.objects.get(pk=young.pk).archived_at is None
    assert suspended.status == S.SUSPENDED
    assert_counts_agree()


def test_archiving_runs_daily_from_the_scheduler(django_capture_on_commit_callbacks):
    moment = datetime(2026, 11, 23, 0, 5, tzinfo=timezone.get_current_timezone())
    assert "invoices-archive 2026-11-23" in scheduler_tick(now=moment)
    assert "invoices-archive 2026-11-23" not in scheduler_tick(now=moment + timedelta(hours=3))


def test_a_file_deposited_and_sent_writes_its_counter_once():
    s = setting()
    data = structured_file(s, number="F-ONCE")
    with CaptureQueriesContext(connection) as queries:
        outcome = deposit(actor=s.manager, supplier=s.supplier, data=data, filename="f.xml", submit=True)
    assert outcome.sent
    upserts = [q["sql"] for q in queries.captured_queries if "ON CONFLICT" in q["sql"]]
    assert len(upserts) == 1  # new draft, Déposée, Mise à disposition: summed, written once
    assert counts_stored() == {count_key(outcome.invoice): 1}
    assert_counts_agree()


def test_grouped_deltas_are_not_written_when_the_block_fails():
    s = setting()
    key = (s.supplier.pk, None, "A1_FACTURE_FOURNISSEUR", s.manager.pk, S.DRAFT.value)
    with pytest.raises(RuntimeError), transaction.atomic(), counts_grouped():
        counts_add([(key, 1)])
        raise RuntimeError
    with transaction.atomic(), counts_grouped():
        counts_add([(key, 2)])
        counts_add([(key, 1)])
        assert counts_stored() == {}  # not yet: written when the block ends
    assert counts_stored() == {key: 3}


def test_counts_add_creates_adds_and_sums_keys_without_a_service():
    s = setting()
    key = (s.supplier.pk, None, "A1_FACTURE_FOURNISSEUR", s.manager.pk, S.DRAFT.value)
    other = (s.supplier.pk, s.services["BC"].pk, "A1_FACTURE_FOURNISSEUR", s.manager.pk, S.DRAFT.value)
    counts_add([(key, 2), (other, 1), (key, 1)])
    counts_add([(key, -1), (other, 0)])
    assert counts_stored() == {key: 2, other: 1}
    assert InvoiceCount.objects.count() == 2  # one row per key, a NULL service included


def test_recount_command_rebuilds_and_checks():
    s = setting()
    invoice_draft_save(
        actor=s.manager, supplier=s.supplier, values=header(), lines=lines(), bank_account=s.bank_account
    )
    InvoiceCount.objects.update(n=7)
    with pytest.raises(CommandError):
        call_command("invoices", "recount", "--check")
    call_command("invoices", "recount")
    call_command("invoices", "recount", "--check")
    assert counts_rebuild() == 1
    assert_counts_agree()
