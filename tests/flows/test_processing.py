"""EDI flows (RAC-3): reception checks, splitting, each invoice through the deposit pipeline, the
outcome of every item and of the flow, and taking over a flow whose worker stopped."""

from __future__ import annotations

import io
import re
import tarfile
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone

from openchorus.audit.services import audit_trail_verify
from openchorus.flows import services
from openchorus.flows.enums import FlowChannel, FlowStatus, FlowSyntax, ItemOutcome
from openchorus.flows.models import Flow, FlowItem
from openchorus.flows.services import FlowRefused, flow_receive, flows_resume
from openchorus.invoices.enums import Channel
from openchorus.invoices.models import Invoice
from openchorus.lifecycle.statuses import InvoiceStatus
from tests.invoices.factories import setting, structured_file

pytestmark = pytest.mark.django_db


def targz(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def zipped(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def wrong_total(ubl: bytes) -> bytes:
    return re.sub(rb"(<cbc:TaxInclusiveAmount[^>]*>)[^<]+(<)", rb"\g<1>999.99\g<2>", ubl, count=1)


def receive(s, data: bytes, *, syntax=FlowSyntax.E1_UBL, filename="lot.tar.gz", capture=None) -> Flow:
    with capture(execute=True):
        flow = flow_receive(
            actor=s.manager,
            structure=s.supplier,
            data=data,
            filename=filename,
            syntax=syntax,
            channel=FlowChannel.API,
        )
    flow.refresh_from_db()
    return flow


def items(flow: Flow) -> list[FlowItem]:
    return list(flow.items.order_by("position"))


def test_mixed_flow_is_partly_integrated_with_each_item_outcome(django_capture_on_commit_callbacks):
    s = setting()
    ok1 = structured_file(s, "ubl", number="FL-001")
    ok2 = structured_file(s, "ubl", number="FL-002")
    bad = wrong_total(structured_file(s, "ubl", number="FL-003"))
    flow = receive(
        s,
        targz([("FL-001.xml", ok1), ("FL-002.xml", ok2), ("FL-003.xml", bad), ("FL-001-bis.xml", ok1)]),
        capture=django_capture_on_commit_callbacks,
    )
    assert flow.status == FlowStatus.PARTIAL
    assert (flow.item_count, flow.integrated_count, flow.rejected_count) == (4, 2, 2)
    first, second, wrong, again = items(flow)
    assert [i.outcome for i in (first, second)] == [ItemOutcome.INTEGRATED] * 2
    assert first.invoice.status == InvoiceStatus.AVAILABLE and first.invoice.channel == Channel.EDI
    assert first.content is None, "an integrated invoice keeps its file as its original, not twice"
    assert wrong.outcome == ItemOutcome.REJECTED and wrong.number == "FL-003"
    rule = next(e for e in wrong.errors if e["rule_id"] == "BR-CO-15")
    assert rule["severity"] == "fatal" and rule["location"] and rule["message_en"]
    assert bytes(wrong.content) == bad, "a refused invoice's file is kept for the report"
    assert again.outcome == ItemOutcome.REJECTED
    assert {e["rule_id"] for e in again.errors} & {"INV-5-DOUBLON"}
    assert Invoice.objects.filter(supplier=s.supplier, number__startswith="FL-").count() == 2
    trail = audit_trail_verify(stream=f"flow:{flow.pk}")
    assert trail.valid and trail.events == 2  # received, concluded


def test_all_invalid_flow_is_rejected(django_capture_on_commit_callbacks):
    s = setting()
    bad = wrong_total(structured_file(s, "ubl", number="RJ-1"))
    flow = receive(
        s,
        zipped([("a.xml", bad), ("b.xml", b"<Invoice>")]),
        filename="lot.zip",
        capture=django_capture_on_commit_callbacks,
    )
    assert flow.status == FlowStatus.REJECTED
    assert (flow.integrated_count, flow.rejected_count) == (0, 2)
    assert {e["rule_id"] for e in items(flow)[1].errors} == {"XML-PARSE"}
    assert not Invoice.objects.filter(supplier=s.supplier).exists()


@pytest.mark.parametrize(
    ("data", "rule"),
    [
        (b"\x00\x01 not a flow at all", "FLUX-FORMAT"),
        (b"<Lot><Autre>", "FLUX-XML"),
        (b"<?xml version='1.0'?><Lot><Autre/></Lot>", "FLUX-CONTENU"),
        (b"\x1f\x8b\x08 broken gzip", "FLUX-ARCHIVE"),
        (b"PK\x03\x04 broken zip", "FLUX-ARCHIVE"),
    ],
    ids=["garbage", "broken-xml", "other-xml", "broken-targz", "broken-zip"],
)
def test_garbage_flow_is_rejected_with_a_clear_reason(data, rule, django_capture_on_commit_callbacks):
    s = setting()
    flow = receive(s, data, filename="flux.bin", capture=django_capture_on_commit_callbacks)
    assert flow.status == FlowStatus.REJECTED
    assert [e["rule_id"] for e in flow.errors] == [rule]
    assert flow.errors[0]["message_fr"] and flow.errors[0]["message_en"]
    assert flow.item_count == 0 and not Invoice.objects.exists()


def test_the_same_file_twice_is_refused_the_second_time(django_capture_on_commit_callbacks):
    s = setting()
    data = targz([("a.xml", structured_file(s, "ubl", number="DUP-1"))])
    first = receive(s, data, capture=django_capture_on_commit_callbacks)
    assert first.status == FlowStatus.INTEGRATED
    with pytest.raises(FlowRefused) as refused:
        flow_receive(
            actor=s.manager,
            structure=s.supplier,
            data=data,
            filename="lot-encore.tar.gz",
            syntax=FlowSyntax.E1_UBL,
            channel=FlowChannel.API,
        )
    assert refused.value.finding.rule_id == "FLUX-DOUBLON"
    assert first.number in refused.value.finding.message_fr
    assert Flow.objects.count() == 1 and Invoice.objects.count() == 1


def test_a_flow_that_met_an_internal_fault_may_be_sent_again(django_capture_on_commit_callbacks):
    s = setting()
    data = structured_file(s, "ubl", number="INC-1")
    first = receive(s, data, filename="f.xml", capture=django_capture_on_commit_callbacks)
    Flow.objects.filter(pk=first.pk).update(status=FlowStatus.INCIDENT)
    Invoice.objects.all().delete()
    again = receive(s, data, filename="f.xml", capture=django_capture_on_commit_callbacks)
    assert again.status == FlowStatus.INTEGRATED


@pytest.mark.parametrize(
    ("kwargs", "rule"),
    [
        ({"syntax": "IN_DP_E1_XCBL"}, "FLUX-SYNTAXE-INCONNUE"),
        ({"data": b""}, "FLUX-VIDE"),
        ({"data": b"x" * 2048}, "FLUX-TAILLE"),
    ],
    ids=["unknown-syntax", "empty", "too-big"],
)
def test_flow_level_refusals_keep_nothing(kwargs, rule, settings):
    settings.OPENCHORUS_FLOW_MAX_BYTES = 1024
    s = setting()
    arguments = {"data": b"<x/>", "syntax": FlowSyntax.E1_UBL, **kwargs}
    with pytest.raises(FlowRefused) as refused:
        flow_receive(
            actor=s.manager, structure=s.supplier, filename="f.xml", channel=FlowChannel.API, **arguments
        )
    assert refused.value.finding.rule_id == rule
    assert not Flow.objects.exists()


def test_an_invoice_of_another_syntax_than_declared_is_rejected(django_capture_on_commit_callbacks):
    s = setting()
    cii = structured_file(s, "cii", number="SYN-1")
    flow = receive(s, cii, filename="f.xml", capture=django_capture_on_commit_callbacks)
    assert flow.status == FlowStatus.REJECTED
    assert [e["rule_id"] for e in items(flow)[0].errors] == ["FLUX-SYNTAXE"]
    assert "CII D16B" in items(flow)[0].errors[0]["message_fr"]
    assert not Invoice.objects.exists()


def test_cii_and_facturx_flows_and_an_xml_grouping_several_invoices(django_capture_on_commit_callbacks):
    s = setting()
    cii = receive(
        s,
        structured_file(s, "cii", number="CII-1"),
        filename="c.xml",
        syntax=FlowSyntax.E1_CII,
        capture=django_capture_on_commit_callbacks,
    )
    assert cii.status == FlowStatus.INTEGRATED
    pdf = receive(
        s,
        structured_file(s, "facturx", number="FX-1"),
        filename="f.pdf",
        syntax=FlowSyntax.E2_FACTURX,
        capture=django_capture_on_commit_callbacks,
    )
    assert pdf.status == FlowStatus.INTEGRATED
    one = structured_file(s, "ubl", number="GRP-1").split(b"?>", 1)[1]
    two = structured_file(s, "ubl", number="GRP-2").split(b"?>", 1)[1]
    grouped = b"<?xml version='1.0' encoding='UTF-8'?><Lot>" + one + two + b"</Lot>"
    flow = receive(s, grouped, filename="lot.xml", capture=django_capture_on_commit_callbacks)
    assert flow.status == FlowStatus.INTEGRATED and flow.item_count == 2
    assert [i.number for i in items(flow)] == ["GRP-1", "GRP-2"]


def test_archive_caps_refuse_a_bomb_before_unpacking_it(settings, django_capture_on_commit_callbacks):
    settings.OPENCHORUS_FLOW_MAX_UNPACKED_BYTES = 100_000
    s = setting()
    bomb = zipped([("bomb.xml", b"<a>" + b" " * 5_000_000 + b"</a>")])
    assert len(bomb) < 20_000
    flow = receive(s, bomb, filename="bomb.zip", capture=django_capture_on_commit_callbacks)
    assert flow.status == FlowStatus.REJECTED
    assert [e["rule_id"] for e in flow.errors] == ["FLUX-DECOMPRESSE"]
    settings.OPENCHORUS_FLOW_MAX_INVOICES = 2
    many = zipped([(f"{n}.xml", b"<x/>") for n in range(3)])
    flow = receive(s, many, filename="many.zip", capture=django_capture_on_commit_callbacks)
    assert [e["rule_id"] for e in flow.errors] == ["FLUX-NOMBRE"]


def test_chunks_and_taking_over_a_stopped_flow_make_one_invoice_per_item(settings):
    """A worker stopped in the middle: the items done stay done, the rest is processed once."""
    settings.OPENCHORUS_FLOW_CHUNK_SIZE = 2
    s = setting()
    members = [(f"T-{n}.xml", structured_file(s, "ubl", number=f"T-{n}")) for n in range(5)]
    flow = flow_receive(
        actor=s.manager,
        structure=s.supplier,
        data=targz(members),
        filename="t.tar.gz",
        syntax=FlowSyntax.E1_UBL,
        channel=FlowChannel.FOLDER,
    )  # on_commit never runs
    services._set_status(flow.pk, FlowStatus.PROCESSING, frm=(FlowStatus.RECEIVED,))
    services._split(flow)
    services._split(flow)  # twice: the items are written once
    flow.refresh_from_db()
    assert (flow.item_count, flow.chunk_count) == (5, 3)
    services.flow_chunk_process(flow.pk, 0)  # then the worker dies
    assert flows_resume(stale_after=60) == [], "a flow with recent signs of life is left alone"
    Flow.objects.filter(pk=flow.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=5))
    assert flows_resume(stale_after=60) == [flow.number]
    flow.refresh_from_db()
    assert flow.status == FlowStatus.INTEGRATED and flow.integrated_count == 5
    assert Invoice.objects.filter(supplier=s.supplier).count() == 5
    # The same chunk run again (a late duplicate task) changes nothing.
    Flow.objects.filter(pk=flow.pk).update(status=FlowStatus.PROCESSING)
    services.flow_chunk_process(flow.pk, 1)
    assert Invoice.objects.filter(supplier=s.supplier).count() == 5


def test_an_item_claimed_by_another_worker_is_rolled_back(django_capture_on_commit_callbacks):
    s = setting()
    flow = flow_receive(
        actor=s.manager,
        structure=s.supplier,
        data=structured_file(s, "ubl", number="CL-1"),
        filename="c.xml",
        syntax=FlowSyntax.E1_UBL,
        channel=FlowChannel.API,
    )
    services._set_status(flow.pk, FlowStatus.PROCESSING, frm=(FlowStatus.RECEIVED,))
    services._split(flow)
    item = flow.items.get()
    FlowItem.objects.filter(pk=item.pk).update(outcome=ItemOutcome.INTEGRATED)  # the other worker
    services._process_item(services._chunk_context(flow), item)
    assert not Invoice.objects.exists()


def test_a_user_without_the_right_to_send_cannot_deposit_a_flow():
    from openchorus.core.errors import ApplicationError
    from tests.structures.factories import MembershipFactory

    s = setting()
    outsider = MembershipFactory().user
    with pytest.raises(ApplicationError):
        flow_receive(
            actor=outsider,
            structure=s.supplier,
            data=b"<x/>",
            filename="f.xml",
            syntax=FlowSyntax.E1_UBL,
            channel=FlowChannel.API,
        )
    assert not Flow.objects.exists()
