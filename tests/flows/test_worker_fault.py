"""A task worker killed in the middle of a flow (a real process, SIGKILL) loses nothing and
duplicates nothing: after a restart and `openchorus flows resume`, the flow completes with exactly
one invoice per valid item. The flow goes through the real drop folder and the real database task
queue, on a SQLite file shared by the processes."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from openchorus.demo import DELICES_SIRET

INVOICES = 120
pytestmark = pytest.mark.slow


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "OPENCHORUS_TASK_BACKEND")}
    env.update(
        OPENCHORUS_DATA_DIR=str(data_dir),
        OPENCHORUS_FLOW_CHUNK_SIZE="20",
        OPENCHORUS_LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="openchorus.config.settings",
    )
    return env


def _run(env, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "openchorus.cli", *args], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"openchorus {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _worker(env) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "openchorus.cli", "db_worker", "--interval", "0.1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _query(db: Path, sql: str, *params):
    with sqlite3.connect(db, timeout=30) as connection:
        return connection.execute(sql, params).fetchall()


def _wait(predicate, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_killed_worker_loses_and_duplicates_nothing(tmp_path):
    data_dir = tmp_path / "var"
    env = _env(data_dir)
    db = data_dir / "openchorus.sqlite3"
    _run(env, "migrate", "--verbosity", "0")
    _run(env, "demo")
    _run(env, "api-client", "create", "--siret", DELICES_SIRET, "--login", "edi-panne", "--json")
    _run(env, "flows", "watch", "--once")  # makes the account's folders
    inbox = data_dir / "flows" / "edi-panne" / "in" / "IN_DP_E1_UBL_INVOICE"
    assert inbox.is_dir()
    manifest = tmp_path / "manifest.json"
    summary = json.loads(
        _run(env, "flows", "generate", "--invoices", str(INVOICES), "--syntax", "IN_DP_E1_UBL_INVOICE",
             "--invalid-share", "0.1", "--seed", "7", "--output", str(tmp_path), "--manifest", str(manifest),
             "--json", "--workers", "1")
    )  # fmt: skip
    items = json.loads(manifest.read_text())["items"]
    valid = {item["number"] for item in items if item["valid"]}
    assert len(valid) == summary["valid"] and 0 < len(valid) < INVOICES
    staged = tmp_path / "lot.part"
    staged.write_bytes(Path(summary["file"]).read_bytes())
    staged.rename(inbox / "lot.tar.gz")  # the drop folder's contract: complete files appear at once

    out = _run(env, "flows", "watch", "--once")
    assert out.startswith("received: lot.tar.gz CPP"), out
    number = out.split()[-1]
    assert (data_dir / "flows" / "edi-panne" / "done" / f"{number}_lot.tar.gz").exists()

    def done_items() -> int:
        return _query(db, "SELECT count(*) FROM flows_flowitem WHERE outcome != 'EN_ATTENTE'")[0][0]

    first = _worker(env)
    try:
        _wait(lambda: done_items() >= 30, timeout=240, what="the first worker to process 30 invoices")
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    status, pending = _query(
        db,
        "SELECT f.status, (SELECT count(*) FROM flows_flowitem i WHERE i.flow_id = f.id AND i.outcome = 'EN_ATTENTE')"
        " FROM flows_flow f WHERE f.number = ?",
        number,
    )[0]
    assert status == "IN_EN_COURS_TRAITEMENT_CPP" and pending > 0, "the worker must die mid-flow"

    second = _worker(env)
    try:
        assert f"1 flow(s) queued again: {number}" in _run(env, "flows", "resume", "--stale-after", "0")
        final = ("IN_INTEGRE", "IN_INTEGRE_PARTIEL", "IN_REJETE")
        _wait(
            lambda: _query(db, "SELECT status FROM flows_flow WHERE number = ?", number)[0][0] in final,
            timeout=300,
            what="the flow to complete after the restart",
        )
    finally:
        second.terminate()
        second.wait(timeout=30)

    status, integrated, rejected = _query(
        db, "SELECT status, integrated_count, rejected_count FROM flows_flow WHERE number = ?", number
    )[0]
    assert (status, integrated, rejected) == ("IN_INTEGRE_PARTIEL", len(valid), INVOICES - len(valid))
    numbers = [
        row[0] for row in _query(db, "SELECT number FROM invoices_invoice WHERE number LIKE 'GEN-7-%'")
    ]
    assert sorted(numbers) == sorted(valid), "exactly one invoice per valid item"
    outcomes = dict(_query(db, "SELECT number, outcome FROM flows_flowitem WHERE flow_id = "
                               "(SELECT id FROM flows_flow WHERE number = ?)", number))  # fmt: skip
    assert {n for n, o in outcomes.items() if o == "INTEGREE"} == valid
