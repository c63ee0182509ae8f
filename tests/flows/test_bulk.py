"""The bulk integration path of EDI flows (`ingestion.bulk`, OPENCHORUS_FLOW_BATCH_SIZE > 1) writes
the same rows as the per-invoice path: invoices, lines, statuses, history, audit events (their
chains verified), counters and item outcomes; and it stays safe when a batch cannot be written."""

from __future__ import annotations

import itertools
import json
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db.models import Model
from django.utils import timezone

from openchorus.audit.models import AuditEvent
from openchorus.audit.services import audit_trail_verify
from openchorus.connections import webhooks
from openchorus.connections.models import WebhookDelivery
from openchorus.connections.services import technical_account_create
from openchorus.flows import services
from openchorus.flows.enums import FlowChannel, FlowStatus, FlowSyntax, ItemOutcome
from openchorus.flows.models import Flow, FlowItem
from openchorus.flows.services import flow_receive
from openchorus.invoices.counts import counts_recounted, counts_stored
from openchorus.invoices.models import Invoice
from openchorus.lifecycle.models import InvoiceStatusChange
from openchorus.lifecycle.statuses import InvoiceStatus
from openchorus.structures.enums import Space
from openchorus.structures.models import StructureSpace
from tests.flows.test_processing import targz, wrong_total
from tests.invoices.factories import sent, setting, structured_file

pytestmark = pytest.mark.django_db

# Differ by nature between two invoices or two runs: keys, times, the files' own bytes.
VOLATILE = {"id", "created_at", "updated_at", "status_changed_at", "submitted_at", "at", "invoice"}
# Compared by presence: the files' bytes differ with the invoices' numbers.
FILE_COLUMNS = {"original_file", "xml_file", "pdf_file", "content"}


def members(s, prefix: str) -> list[tuple[str, bytes]]:
    """A mixed flow: valid invoices, the same number twice within the flow and twice in one batch,
    a wrong total, an unknown recipient, the number of an invoice sent earlier, a garbage file."""
    ok = {n: structured_file(s, "ubl", number=f"{prefix}-{n}") for n in (1, 2, 3)}
    return [
        (f"{prefix}-1.xml", ok[1]),
        (f"{prefix}-2.xml", ok[2]),
        (f"{prefix}-2-bis.xml", ok[2]),
        (f"{prefix}-bad.xml", wrong_total(structured_file(s, "ubl", number=f"{prefix}-4"))),
        (f"{prefix}-1-bis.xml", ok[1]),
        (
            f"{prefix}-away.xml",
            structured_file(s, "ubl", number=f"{prefix}-5", recipient_identifier="11122233344455"),
        ),
        (f"{prefix}-0.xml", structured_file(s, "ubl", number=f"{prefix}-0")),
        (f"{prefix}-3.xml", ok[3]),
        (f"{prefix}-6.xml", structured_file(s, "ubl", number=f"{prefix}-6", line_count=5)),
        (f"{prefix}-junk.xml", b"<Invoice>"),
    ]


def integrate(s, prefix: str, settings, batch: int, capture) -> Flow:
    settings.OPENCHORUS_FLOW_BATCH_SIZE = batch
    sent(s, number=f"{prefix}-0")  # already sent: its number in the flow is a duplicate
    with capture(execute=True):
        flow = flow_receive(
            actor=s.manager,
            structure=s.supplier,
            data=targz(members(s, prefix)),
            filename=f"{prefix}.tar.gz",
            syntax=FlowSyntax.E1_UBL,
            channel=FlowChannel.API,
        )
    flow.refresh_from_db()
    return flow


def _plain(value, prefix: str):
    """`value` with the flow's own number prefix and the files' hashes made neutral."""
    if isinstance(value, dict):
        return {k: _plain(v, prefix) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v, prefix) for v in value]
    if isinstance(value, str):
        return re.sub(r"\b[0-9a-f]{64}\b", "<sha256>", value.replace(prefix, "<P>"))
    return value


def _row(obj: Model, prefix: str, *, drop=()) -> dict:
    values = {}
    for f in obj._meta.concrete_fields:
        if f.name in VOLATILE or f.name in drop:
            continue
        value = getattr(obj, f.attname)
        values[f.name] = (value is not None) if f.name in FILE_COLUMNS else value
    return _plain(values, prefix)


def picture(flow: Flow, prefix: str) -> dict:
    """What a flow made, with nothing that differs by nature between two runs."""
    items = list(flow.items.order_by("position"))
    invoices = []
    for item in items:
        if item.invoice_id is None:
            continue
        invoice = item.invoice
        events = AuditEvent.objects.filter(stream=f"invoice:{invoice.pk}").order_by("sequence")
        invoices.append(
            {
                "invoice": _row(invoice, prefix),
                "lines": [_row(line, prefix) for line in invoice.lines.order_by("position")],
                "history": [
                    _row(change, prefix)
                    for change in InvoiceStatusChange.objects.filter(invoice=invoice).order_by("at", "id")
                ],
                "audit": [
                    _plain(
                        [e.sequence, e.action, e.actor_id, e.actor_label, e.object_type, e.before, e.after],
                        prefix,
                    )
                    for e in events
                ],
                "audit_ids": {e.object_id for e in events} == {str(invoice.pk)},
            }
        )
    return {
        "flow": [flow.status, flow.item_count, flow.integrated_count, flow.rejected_count],
        "items": [_row(item, prefix, drop={"flow", "processed_at"}) for item in items],
        "invoices": invoices,
    }


def told(prefix: str) -> list:
    """The webhook deliveries of the flow's invoices, by account, in the order they were queued."""
    bodies = []
    for delivery in WebhookDelivery.objects.order_by("id"):
        body = json.loads(delivery.body)
        data = body["data"]
        if not data.get("numeroFacture", "").startswith(prefix):
            continue
        data.pop("idFacture")
        data.pop("dateHeureEtatCourant")
        bodies.append([delivery.webhook.account.login, delivery.event_type, _plain(data, prefix)])
    return bodies


def test_bulk_path_writes_what_the_per_invoice_path_writes(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    # Each transition a second after the one before: the webhooks must tell each status its own time.
    clock = itertools.count()
    start = timezone.now()
    monkeypatch.setattr(
        "openchorus.lifecycle.services.timezone",
        SimpleNamespace(now=lambda: start + timedelta(seconds=next(clock))),
    )
    settings.OPENCHORUS_FLOW_CHUNK_SIZE = 250
    settings.OPENCHORUS_WEBHOOK_ALLOW_PRIVATE = True
    s = setting()
    StructureSpace.objects.get_or_create(structure=s.recipient, space=Space.RECEIVED_INVOICES)
    for structure in (s.supplier, s.recipient):
        account = technical_account_create(actor=None, structure=structure).account
        webhooks.webhook_add(actor=None, account=account, url="https://hooks.example.org/a")
    one_by_one = integrate(s, "UN", settings, 1, django_capture_on_commit_callbacks)
    in_bulk = integrate(s, "LOT", settings, 3, django_capture_on_commit_callbacks)

    expected, found = picture(one_by_one, "UN"), picture(in_bulk, "LOT")
    assert found["flow"] == expected["flow"]
    assert found["items"] == expected["items"]
    assert len(found["invoices"]) == len(expected["invoices"]) == 4
    for bulk, single in zip(found["invoices"], expected["invoices"], strict=True):
        for part in ("invoice", "lines", "history", "audit", "audit_ids"):
            assert bulk[part] == single[part], part
    assert in_bulk.status == FlowStatus.PARTIAL
    assert (in_bulk.integrated_count, in_bulk.rejected_count) == (4, 6)
    outcomes = [i.outcome for i in in_bulk.items.order_by("position")]
    assert outcomes[:3] == [ItemOutcome.INTEGRATED, ItemOutcome.INTEGRATED, ItemOutcome.REJECTED]
    duplicates = [i for i in in_bulk.items.all() if any(e["rule_id"] == "INV-5-DOUBLON" for e in i.errors)]
    assert sorted(i.position for i in duplicates) == [3, 5, 7]
    assert all(
        i.invoice.status == InvoiceStatus.AVAILABLE
        for i in in_bulk.items.filter(outcome=ItemOutcome.INTEGRATED)
    )
    report = audit_trail_verify()
    assert report.valid, [str(b) for b in report.broken]
    assert counts_stored() == counts_recounted(), "invoices recount --check finds nothing to fix"
    assert told("LOT") == told("UN")
    assert (
        len(told("LOT")) == 5 * 2 * 2
    )  # the invoice sent before and four integrated: both sides, two statuses
    for delivery in WebhookDelivery.objects.filter(event_type="invoice.status_changed"):
        data = json.loads(delivery.body)["data"]
        change = InvoiceStatusChange.objects.get(
            invoice_id=data["idFacture"], to_status=data["nouveauStatut"]
        )
        assert data["dateHeureEtatCourant"] == webhooks._iso(change.at), "each status told with its own time"


def _split(s, settings, numbers: list[str]) -> tuple[Flow, list[FlowItem]]:
    flow = flow_receive(
        actor=s.manager,
        structure=s.supplier,
        data=targz([(f"{n}.xml", structured_file(s, "ubl", number=n)) for n in numbers]),
        filename="b.tar.gz",
        syntax=FlowSyntax.E1_UBL,
        channel=FlowChannel.FOLDER,
    )  # on_commit never runs
    services._set_status(flow.pk, FlowStatus.PROCESSING, frm=(FlowStatus.RECEIVED,))
    services._split(flow)
    flow = Flow.objects.select_related("structure", "account").get(pk=flow.pk)
    return flow, list(flow.items.order_by("position"))


def test_a_number_sent_meanwhile_rolls_the_batch_back_and_loses_no_other_invoice(settings, monkeypatch):
    """The batch's duplicates query saw nothing, but a deposit sent the number before the batch
    wrote (the unique constraint refuses it): the batch is redone item by item."""
    settings.OPENCHORUS_FLOW_BATCH_SIZE = 10
    s = setting()
    flow, items = _split(s, settings, ["R-1", "R-2", "R-3"])
    sent(s, number="R-2")
    monkeypatch.setattr("openchorus.ingestion.bulk.numbers_taken", lambda supplier_id, keys: set())
    services._process_batch(services._chunk_context(flow), items)
    outcomes = {i.number: i for i in FlowItem.objects.filter(flow=flow)}
    assert outcomes["R-1"].outcome == outcomes["R-3"].outcome == ItemOutcome.INTEGRATED
    assert outcomes["R-2"].outcome == ItemOutcome.REJECTED
    assert [e["rule_id"] for e in outcomes["R-2"].errors] == ["INV-5-DOUBLON"]
    assert Invoice.objects.filter(supplier=s.supplier, number="R-2").count() == 1
    assert audit_trail_verify().valid and counts_stored() == counts_recounted()


def test_an_item_taken_by_another_worker_is_not_written_twice(settings):
    settings.OPENCHORUS_FLOW_BATCH_SIZE = 10
    s = setting()
    flow, items = _split(s, settings, ["W-1", "W-2", "W-3"])
    FlowItem.objects.filter(pk=items[1].pk).update(outcome=ItemOutcome.INTEGRATED)  # the other worker
    services._process_batch(services._chunk_context(flow), items)
    assert sorted(Invoice.objects.filter(supplier=s.supplier).values_list("number", flat=True)) == [
        "W-1",
        "W-3",
    ]
    assert FlowItem.objects.get(pk=items[1].pk).invoice_id is None
    assert audit_trail_verify().valid and counts_stored() == counts_recounted()


def test_an_unexpected_fault_in_a_batch_falls_back_to_one_by_one(settings, monkeypatch):
    settings.OPENCHORUS_FLOW_BATCH_SIZE = 10
    s = setting()
    flow, items = _split(s, settings, ["U-1", "U-2"])

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in the bulk path")

    monkeypatch.setattr(services, "record_many", broken)
    services._process_batch(services._chunk_context(flow), items)
    assert set(FlowItem.objects.filter(flow=flow).values_list("outcome", flat=True)) == {
        ItemOutcome.INTEGRATED
    }
    assert Invoice.objects.filter(supplier=s.supplier, status=InvoiceStatus.AVAILABLE).count() == 2


def test_a_batch_costs_the_same_statements_for_4_or_8_invoices(settings):
    """Everything a batch writes is grouped (webhook deliveries included): its writes do not grow
    with its invoices. (What does grow, with webhooks only, is each listening account's right to
    see each invoice, read per status told, as the per-invoice path does.)"""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.OPENCHORUS_FLOW_BATCH_SIZE = 10
    settings.OPENCHORUS_WEBHOOK_ALLOW_PRIVATE = True
    s = setting()
    StructureSpace.objects.get_or_create(structure=s.recipient, space=Space.RECEIVED_INVOICES)
    for structure in (s.supplier, s.recipient):
        account = technical_account_create(actor=None, structure=structure).account
        webhooks.webhook_add(actor=None, account=account, url="https://hooks.example.org/a")
    counts = []
    for size in (4, 8):
        flow, items = _split(s, settings, [f"S{size}-{n}" for n in range(size)])
        context = services._chunk_context(flow)
        with webhooks.webhook_listeners_remembered(), CaptureQueriesContext(connection) as queries:
            services._process_batch(context, items)
        assert FlowItem.objects.filter(flow=flow, outcome=ItemOutcome.INTEGRATED).count() == size
        writes = [q for q in queries.captured_queries if q["sql"].split(None, 1)[0] in ("INSERT", "UPDATE")]
        counts.append(len(writes))
    assert counts[0] == counts[1], counts
    assert WebhookDelivery.objects.filter(event_type="invoice.status_changed").count() == (4 + 8) * 2 * 2
