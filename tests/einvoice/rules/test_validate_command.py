"""`openchorus validate`: exit codes, JSON output and human output in both languages."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from openchorus.einvoice import write
from openchorus.einvoice.commands.validate import run
from tests.einvoice.rules.factories import build_invoice, typical_lines


@pytest.fixture
def valid_file(tmp_path: Path) -> Path:
    path = tmp_path / "valid.xml"
    path.write_bytes(write(build_invoice(typical_lines(5)), "ubl"))
    return path


@pytest.fixture
def invalid_file(tmp_path: Path) -> Path:
    invoice = build_invoice(typical_lines(2))
    broken = dataclasses.replace(
        invoice, totals=dataclasses.replace(invoice.totals, amount_due=invoice.totals.amount_due + 1)
    )
    path = tmp_path / "invalid.xml"
    path.write_bytes(write(broken, "cii"))
    return path


def test_valid_file_exits_zero(valid_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run([str(valid_file)]) == 0
    assert "valide" in capsys.readouterr().out


def test_invalid_file_exits_one_and_locates_the_finding(
    invalid_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run([str(invalid_file), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "not valid" in out and "BR-CO-16" in out
    assert "ram:DuePayableAmount" in out  # located in the source file
    assert "Amount due for payment (BT-115)" in out


def test_french_output_by_default(invalid_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run([str(invalid_file)])
    out = capsys.readouterr().out
    assert "non valide" in out and "BLOQUANT BR-CO-16" in out and "montant net à payer" in out


def test_unreadable_file_exits_two(
    tmp_path: Path, valid_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    garbage = tmp_path / "garbage.xml"
    garbage.write_bytes(b"<not-an-invoice/>")
    assert run([str(valid_file), str(garbage)]) == 2
    assert run([str(tmp_path / "missing.xml")]) == 2
    assert "illisible" in capsys.readouterr().out


def test_json_output(valid_file: Path, invalid_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run([str(valid_file), str(invalid_file), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [entry["valid"] for entry in report] == [True, False]
    assert report[0]["syntax"] == "ubl-invoice" and report[1]["syntax"] == "cii"
    assert report[0]["profile"] == "EN 16931"
    issue = next(i for i in report[1]["issues"] if i["rule_id"] == "BR-CO-16")
    assert set(issue) == {"rule_id", "severity", "location", "bt", "message_fr", "message_en"}
    assert issue["severity"] == "fatal" and issue["bt"] == "BT-115"
    for entry in report:
        assert set(entry) == {"file", "syntax", "profile", "valid", "issues"}
        for finding in entry["issues"]:
            assert finding["severity"] in {"fatal", "warning", "information"}


def test_json_for_an_unreadable_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doctype = tmp_path / "xxe.xml"
    doctype.write_bytes(
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
    )
    assert run([str(doctype), "--json"]) == 2
    report = json.loads(capsys.readouterr().out)
    assert report[0]["valid"] is False and report[0]["issues"][0]["rule_id"] == "XML-DOCTYPE"


def test_strict_mode_gives_the_same_verdicts(
    valid_file: Path, invalid_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run([str(valid_file), "--strict"]) == 0
    capsys.readouterr()
    assert run([str(invalid_file), "--strict", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert "BR-CO-16" in {issue["rule_id"] for issue in report[0]["issues"]}


def test_french_rules_fatal_switch(valid_file: Path) -> None:
    # The sample uses the Chorus Pro frame A1, which the reform's BR-FR-08 does not know.
    assert run([str(valid_file)]) == 0
    assert run([str(valid_file), "--fr-fatal"]) == 1


def test_bad_arguments_exit_two(capsys: pytest.CaptureFixture[str]) -> None:
    assert run([]) == 2
    assert run(["x.xml", "--lang", "de"]) == 2
