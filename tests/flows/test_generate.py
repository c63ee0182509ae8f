"""`openchorus flows generate`: realistic flows whose every invoice meets the fate recorded for it
when it goes through the deposit pipeline with the demo data."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from openchorus import einvoice
from openchorus.accounts.models import User
from openchorus.demo import DELICES_SIRET, DEMO_PEOPLE, demo_load
from openchorus.einvoice import rules
from openchorus.einvoice.detect import Syntax
from openchorus.flows.enums import FlowSyntax
from openchorus.flows.generate import (
    DEFECTS,
    GeneratedFlow,
    RecipientSpec,
    ServiceSpec,
    demo_supplier,
    flow_generate,
    flow_recipients,
    flow_supplier,
)
from openchorus.ingestion.pipeline import deposit
from openchorus.invoices.checks import SUPERSEDED_BY_CHORUS
from openchorus.lifecycle.statuses import InvoiceStatus
from openchorus.structures.models import Structure
from tests.invoices.factories import PARIS_HABITAT_SIRET, setting

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 20)
# The demo's public clients as the directory describes them, for the tests without a database.
RECIPIENTS = [
    RecipientSpec(
        siret=PARIS_HABITAT_SIRET,
        name="PARIS HABITAT OPH",
        services=(ServiceSpec(code="BC", engagement_required=True), ServiceSpec(code="FACTURES_PUBLIQUES")),
        service_code_required=True,
        engagement_required=True,
    ),
    RecipientSpec(
        siret="22730001900014",
        name="DEPARTEMENT DE LA SAVOIE",
        services=(ServiceSpec(code="COLLEGES"), ServiceSpec(code="ROUTES", engagement_required=True)),
        service_code_required=True,
    ),
    RecipientSpec(siret="21730065600014", name="COMMUNE DE CHAMBERY", services=(ServiceSpec(code="ST"),)),
]


def _members(flow: GeneratedFlow) -> list[tuple[str, bytes]]:
    if flow.container == "single":
        return [(flow.filename, flow.data)]
    if flow.container == "zip":
        with zipfile.ZipFile(io.BytesIO(flow.data)) as archive:
            return [(info.filename, archive.read(info)) for info in archive.infolist()]
    with tarfile.open(fileobj=io.BytesIO(flow.data), mode="r:gz") as archive:
        return [(member.name, archive.extractfile(member).read()) for member in archive.getmembers()]


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    demo_load()
    return User.objects.get(email=DEMO_PEOPLE[1][0]), Structure.objects.get(identifier=DELICES_SIRET)


def _deposit_all(flow: GeneratedFlow, actor, supplier) -> None:
    """Each member through the pipeline, in the order of the flow, meets the fate recorded for it."""
    members = _members(flow)
    assert [name for name, _ in members] == [item.name for item in flow.items]
    for item, (name, data) in zip(flow.items, members, strict=True):
        outcome = deposit(actor=actor, supplier=supplier, data=data, filename=name, submit=True)
        found = [f.as_dict() for f in outcome.findings if f.fatal]
        if item.valid:
            assert outcome.sent, (item, found)
            assert outcome.invoice.status == InvoiceStatus.AVAILABLE
            assert outcome.invoice.number == item.number
            assert outcome.invoice.recipient.identifier == item.recipient
            assert outcome.invoice.service_code == item.service_code
            assert outcome.invoice.engagement_number == item.engagement
        else:
            assert outcome.invoice is None, item
            assert (outcome.refused_at, item.rule_id in {f["rule_id"] for f in found}) == (item.step, True), (
                item,
                outcome.refused_at,
                found,
            )


# --- through the pipeline, with the demo data ------------------------------------------------------


def test_generate_flows_of_each_syntax_meet_their_recorded_fate(demo):
    """One demo database for the three flows: loading it is what takes time here."""
    pierre, delices = demo
    supplier, recipients = flow_supplier(siret=DELICES_SIRET), flow_recipients()

    ubl = flow_generate(
        invoices=12,
        syntax=FlowSyntax.E1_UBL,
        supplier=supplier,
        recipients=recipients,
        invalid_share=0.5,
        seed=3,
        duplicates=2,
    )
    assert ubl.filename == "IN_DP_E1_UBL_INVOICE_lot_factures.tar.gz"
    assert (ubl.invoices, ubl.valid, ubl.invalid, ubl.duplicates) == (12, 6, 6, 2)
    assert {item.defect for item in ubl.items if item.defect} == {*DEFECTS, "duplicate"}
    assert len({item.number for item in ubl.items}) == 12
    _deposit_all(ubl, pierre, delices)

    cii = flow_generate(
        invoices=6,
        syntax=FlowSyntax.E1_CII,
        supplier=supplier,
        recipients=recipients,
        invalid_share=0.5,
        seed=7,
        lines=(3, 6),
        container="zip",
        duplicates=1,
    )
    assert cii.filename == "IN_DP_E1_CII_16B_lot_factures.zip"
    assert (cii.valid, cii.invalid, cii.duplicates) == (3, 3, 1)
    assert {einvoice.detect(data).syntax for _, data in _members(cii)} <= {Syntax.CII, Syntax.UNKNOWN}
    _deposit_all(cii, pierre, delices)

    facturx = flow_generate(
        invoices=2,
        syntax=FlowSyntax.E2_FACTURX,
        supplier=supplier,
        recipients=recipients,
        invalid_share=0.5,
        seed=1,
    )
    assert [item.name[-4:] for item in facturx.items] == [".pdf", ".pdf"]
    assert [item.defect for item in facturx.items if not item.valid] == ["totals"]
    assert all(einvoice.detect(data).syntax == Syntax.FACTURX for _, data in _members(facturx))
    _deposit_all(facturx, pierre, delices)


# --- the pure generator -----------------------------------------------------------------------------


def _flow(**overrides) -> GeneratedFlow:
    arguments = {
        "invoices": 5,
        "syntax": FlowSyntax.E1_UBL,
        "supplier": demo_supplier(),
        "recipients": RECIPIENTS,
        "today": TODAY,
        **overrides,
    }
    return flow_generate(**arguments)


def test_generate_same_arguments_same_bytes_other_seed_other_flow():
    first = _flow(invalid_share=0.4, seed=5, duplicates=1)
    assert _flow(invalid_share=0.4, seed=5, duplicates=1).data == first.data
    other = _flow(invalid_share=0.4, seed=6, duplicates=1)
    assert other.data != first.data
    assert [item.number for item in first.items if item.duplicate_of is None] == [
        f"GEN-5-0000{i}" for i in range(1, 6)
    ]


def test_generate_worker_processes_write_the_same_flow():
    assert (
        _flow(invoices=20, invalid_share=0.3, seed=8, workers=2).data
        == _flow(invoices=20, invalid_share=0.3, seed=8, workers=1).data
    )


def test_generate_one_invoice_is_a_plain_file_named_after_its_number():
    flow = _flow(invoices=1, prefix="DDS", seed=2)
    assert (flow.container, flow.filename) == ("single", "DDS-2-00001.xml")
    assert einvoice.detect(flow.data).syntax == Syntax.UBL_INVOICE
    document = einvoice.read(flow.data).invoice
    assert document.issue_date < TODAY and document.seller.legal_registration.value == DELICES_SIRET[:9]


def test_generate_invoices_are_realistic():
    flow = _flow(invoices=30, lines=(1, 5), seed=9)
    documents = [einvoice.read(data).invoice for _, data in _members(flow)]
    counts = {len(document.lines) for document in documents}
    assert min(counts) >= 1 and max(counts) <= 5 and len(counts) > 1
    rates = {line.vat.rate for document in documents for line in document.lines}
    assert {str(rate) for rate in rates} == {"20", "10", "5.5"}
    assert {document.buyer.legal_registration.value for document in documents} == {
        r.siret for r in RECIPIENTS
    }
    for _, data in _members(flow)[:8]:  # even with the French rules fatal (OPENCHORUS_BR_FR_FATAL)
        report = rules.validate_file(data, rule_sets=("en16931", "fr", "chorus"))
        assert {i.rule_id for i in report.issues if i.severity == "fatal"} <= SUPERSEDED_BY_CHORUS, (
            report.issues
        )
    for document in documents:  # each recipient's requirements are met
        if document.buyer.legal_registration.value == PARIS_HABITAT_SIRET:
            assert document.buyer_reference and document.purchase_order_reference


@pytest.mark.parametrize(
    ("syntax", "detected"),
    [(FlowSyntax.E2_UBL_MIN, Syntax.UBL_INVOICE), (FlowSyntax.E2_CII_MIN, Syntax.CII)],
)
def test_generate_e2_min_syntaxes_write_complete_invoices(syntax, detected):
    flow = _flow(invoices=2, syntax=syntax)
    assert [einvoice.detect(data).syntax for _, data in _members(flow)] == [detected, detected]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"syntax": "IN_DP_E1_XCBL"}, "unknown syntax"),
        ({"invoices": 0}, "at least one invoice"),
        ({"container": "single"}, "a single file holds one invoice"),
        ({"invoices": 2, "invalid_share": 0.5, "duplicates": 2}, "only 1 valid"),
        (
            {"recipients": [RecipientSpec(siret=PARIS_HABITAT_SIRET, name="X", service_code_required=True)]},
            "no recipient",
        ),
    ],
)
def test_generate_impossible_arguments_raise_a_clear_error(overrides, message):
    with pytest.raises(ValueError, match=message):
        _flow(**overrides)


# --- the command --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_command_writes_the_file_and_prints_its_json_summary(tmp_path, capsys):
    s = setting()
    manifest = tmp_path / "manifest.json"
    call_command(
        "flows", "generate", "--invoices", "4", "--syntax", "IN_DP_E1_UBL_INVOICE", "--invalid-share", "0.25",
        "--seed", "4", "--duplicates", "1", "--supplier", s.supplier.identifier, "--recipient", PARIS_HABITAT_SIRET,
        "--output", str(tmp_path), "--manifest", str(manifest), "--json",
    )  # fmt: skip
    out, err = capsys.readouterr()
    summary = json.loads(out)
    path = tmp_path / "IN_DP_E1_UBL_INVOICE_lot_factures.tar.gz"
    assert summary == {
        "file": str(path),
        "syntax": "IN_DP_E1_UBL_INVOICE",
        "container": "tar.gz",
        "invoices": 4,
        "valid": 3,
        "invalid": 1,
        "duplicates": 1,
        "members": 5,
        "bytes": path.stat().st_size,
        "seconds": summary["seconds"],
    }
    assert "5 invoice(s) generated in" in err
    with tarfile.open(path, "r:gz") as archive:
        names = archive.getnames()
    items = json.loads(manifest.read_text())["items"]
    assert names == [item["name"] for item in items] and len(names) == 5
    assert {item["recipient"][:9] for item in items} == {PARIS_HABITAT_SIRET[:9]}


@pytest.mark.django_db
def test_command_refuses_what_cannot_be_generated():
    s = setting()
    with pytest.raises(CommandError, match="a single file holds one invoice"):
        call_command(
            "flows", "generate", "--invoices", "2", "--syntax", "IN_DP_E1_CII_16B", "--container", "single",
            "--supplier", s.supplier.identifier, "--output", os.devnull,
        )  # fmt: skip
    with pytest.raises(CommandError, match="no structure has the SIRET 73150001300016"):
        call_command("flows", "generate", "--invoices", "1", "--syntax", "IN_DP_E1_CII_16B")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["--invoices", "0", "--syntax", "IN_DP_E1_UBL_INVOICE"],
            "argument --invoices: 0: at least 1 expected",
        ),
        (["--invoices", "2", "--syntax", "IN_DP_E1_UBL_INVOICE", "--lines", "5-1"], "1 ≤ MIN ≤ MAX"),
        (["--invoices", "2", "--syntax", "IN_DP_E1_UBL_INVOICE", "--invalid-share", "2"], "between 0 and 1"),
    ],
)
def test_command_bad_arguments_give_a_clear_error(arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("flows", "generate", *arguments)


def test_command_line_unknown_syntax_exits_non_zero_with_a_clear_error():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "openchorus.cli",
            "flows",
            "generate",
            "--invoices",
            "3",
            "--syntax",
            "IN_DP_E1_PDF",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "argument --syntax: invalid choice: 'IN_DP_E1_PDF'" in result.stderr
