"""The drop folder (RAC-3): files taken atomically from in/, received as flows, moved to done/ or
failed/ with the reason; the compte-rendu and the status changes written to out/ (return flows);
one feed event per person for a whole flow."""

from __future__ import annotations

import json
import os
import time

import pytest
from django.utils import timezone
from lxml import etree

from openchorus.connections.models import TechnicalAccount
from openchorus.connections.services import technical_account_create
from openchorus.flows.enums import FlowChannel, FlowStatus
from openchorus.flows.folders import account_folder, folder_scan
from openchorus.flows.models import Flow, ReturnCursor
from openchorus.flows.returns import returns_write
from openchorus.notifications.enums import FeedEventKind
from openchorus.notifications.models import FeedEvent
from tests.flows.factories import monitor
from tests.flows.test_processing import targz, wrong_total
from tests.invoices.factories import recipient_agent, setting, structured_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def s(db):
    return setting()


@pytest.fixture
def folder(s):
    technical_account_create(actor=None, structure=s.supplier, login="edi-delices")
    assert folder_scan() == []  # the first scan makes the account's folders
    base = account_folder("edi-delices")
    assert all((base / name).is_dir() for name in ("in", "work", "done", "failed", "out"))
    return base


def drop(base, name: str, data: bytes, syntax: str = "") -> None:
    target = base / "in" / syntax if syntax else base / "in"
    staged = target / f".{name}.part"
    staged.write_bytes(data)
    staged.rename(target / name)


def scan(capture):
    with capture(execute=True):
        return folder_scan()


def test_a_dropped_flow_is_received_processed_and_reported_in_out(
    s, folder, django_capture_on_commit_callbacks
):
    agent = recipient_agent(s)
    data = targz(
        [
            ("a.xml", structured_file(s, "ubl", number="DF-1")),
            ("b.xml", wrong_total(structured_file(s, "ubl", number="DF-2"))),
        ]
    )
    drop(folder, "lot.tar.gz", data)
    drop(folder, ".en-cours.tar.gz", b"incomplete")  # still being written: left alone
    (taken,) = scan(django_capture_on_commit_callbacks)
    assert taken.outcome == "received" and taken.flow_number.startswith("CPP")
    flow = Flow.objects.get(number=taken.flow_number)
    assert flow.channel == FlowChannel.FOLDER and flow.status == FlowStatus.PARTIAL
    assert flow.account.login == "edi-delices"
    assert (folder / "done" / f"{flow.number}_lot.tar.gz").read_bytes() == data
    assert (folder / "in" / ".en-cours.tar.gz").exists() and not (folder / "in" / "lot.tar.gz").exists()
    receipt = json.loads((folder / "out" / "lot.tar.gz.recu.json").read_text())
    assert receipt["numeroFluxDepot"] == flow.number
    report = json.loads((folder / "out" / f"{flow.number}.cr.json").read_text())
    assert report["etatCourantFlux"] == "IN_INTEGRE_PARTIEL"
    assert "BR-CO-15" in json.dumps(report)
    # One feed event for the recipient's agent for the lot, none per invoice.
    events = FeedEvent.objects.filter(user=agent)
    assert [e.kind for e in events] == [FeedEventKind.INVOICES_TO_PROCESS]
    assert events[0].params["count"] == "1" and events[0].params["flow"] == flow.number


def test_the_syntax_declared_by_the_subfolder_is_the_flows(s, folder, django_capture_on_commit_callbacks):
    drop(folder, "c.xml", structured_file(s, "cii", number="DF-CII"), syntax="IN_DP_E1_CII_16B")
    drop(folder, "u.xml", structured_file(s, "cii", number="DF-CII-2"), syntax="IN_DP_E1_UBL_INVOICE")
    scan(django_capture_on_commit_callbacks)
    statuses = dict(Flow.objects.values_list("filename", "status"))
    assert statuses == {"c.xml": FlowStatus.INTEGRATED, "u.xml": FlowStatus.REJECTED}
    assert Flow.objects.get(filename="c.xml").syntax == "IN_DP_E1_CII_16B"


def test_a_refused_file_goes_to_failed_with_its_reason(
    s, folder, settings, django_capture_on_commit_callbacks
):
    data = structured_file(s, "ubl", number="DF-DUP")
    drop(folder, "one.xml", data)
    scan(django_capture_on_commit_callbacks)
    drop(folder, "again.xml", data)
    taken = {t.path: t for t in scan(django_capture_on_commit_callbacks)}
    settings.OPENCHORUS_FLOW_MAX_BYTES = 10
    drop(folder, "big.xml", b"<x>" + b" " * 100 + b"</x>")
    taken.update({t.path: t for t in scan(django_capture_on_commit_callbacks)})
    assert taken["again.xml"].outcome == taken["big.xml"].outcome == "refused"
    assert (folder / "failed" / "again.xml").exists()
    reason = json.loads((folder / "failed" / "again.xml.erreurs.json").read_text())
    assert reason["erreurs"][0]["rule_id"] == "FLUX-DOUBLON"
    big = json.loads((folder / "failed" / "big.xml.erreurs.json").read_text())
    assert big["erreurs"][0]["rule_id"] == "FLUX-TAILLE"
    assert Flow.objects.count() == 1


def test_a_file_left_in_work_by_a_stopped_watcher_is_taken_again_or_filed(
    s, folder, django_capture_on_commit_callbacks
):
    received = structured_file(s, "ubl", number="DF-W1")
    drop(folder, "first.xml", received)
    scan(django_capture_on_commit_callbacks)
    flow = Flow.objects.get()
    old = time.time() - 3600
    for name, data in (
        ("0001_first.xml", received),
        ("0002_lost.xml", structured_file(s, "ubl", number="DF-W2")),
    ):
        (folder / "work" / name).write_bytes(data)
        os.utime(folder / "work" / name, (old, old))
    scan(django_capture_on_commit_callbacks)
    assert (folder / "done" / f"{flow.number}_first.xml").exists()
    assert Flow.objects.filter(filename="lost.xml", status=FlowStatus.INTEGRATED).exists()
    assert not any((folder / "work").iterdir())


def test_a_revoked_account_has_no_folder_scanned(s, folder):
    TechnicalAccount.objects.filter(login="edi-delices").update(revoked_at=timezone.now())
    drop(folder, "x.xml", b"<x/>")
    assert folder_scan() == []
    assert (folder / "in" / "x.xml").exists()


def test_return_flows_write_the_status_changes_once_in_json_and_cdar_like_xml(
    s, folder, django_capture_on_commit_callbacks
):
    drop(folder, "r.xml", structured_file(s, "ubl", number="DF-R1"))
    scan(django_capture_on_commit_callbacks)
    assert returns_write() == 2
    assert returns_write() == 0, "the same changes are never written twice"
    (written,) = sorted((folder / "out").glob("statuts_*.json"))
    changes = json.loads(written.read_text())["changements"]
    assert [c["nouveauStatut"] for c in changes] == ["DEPOSEE", "MISE_A_DISPOSITION"]
    xml = etree.fromstring(written.with_suffix(".xml").read_bytes())
    ns = {"ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"}
    assert xml.xpath("//ram:ReferenceReferencedDocument/ram:StatusCode/text()", namespaces=ns) == [
        "200",
        "203",
    ]
    assert xml.xpath("//ram:IssuerAssignedID/text()", namespaces=ns) == ["DF-R1", "DF-R1"]
    assert ReturnCursor.objects.get().last_change_id > 0


def test_the_senders_flow_monitors_hear_once_of_the_outcome(s, folder, django_capture_on_commit_callbacks):
    watcher = monitor(s.supplier)
    drop(folder, "m.xml", structured_file(s, "ubl", number="DF-M1"))
    scan(django_capture_on_commit_callbacks)
    (event,) = FeedEvent.objects.filter(user=watcher)
    assert event.kind == FeedEventKind.FLOW_CONCLUDED
    assert event.params["integrated"] == "1" and event.params["status"] == "Intégré"
    assert not FeedEvent.objects.filter(kind=FeedEventKind.INVOICE_AVAILABLE).exists()
