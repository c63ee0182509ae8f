"""`openchorus directory …` commands."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from openchorus.structures.models import Structure
from tests.directory.csvfiles import csv_bytes, row

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("directory", *args, stdout=out)
    return out.getvalue()


def test_command_search_json_prints_hits_with_services_and_flags(demo):
    hits = json.loads(run("search", "paris habitat", "--json"))
    assert len(hits) == 1
    hit = hits[0]
    assert {
        "identifier", "designation", "status", "service_required", "engagement_required",
        "service_or_engagement_required", "payment_status_reported", "services",
    } <= set(hit)  # fmt: skip
    assert (hit["identifier"], hit["designation"], hit["status"]) == (
        "34481082500366",
        "PARIS HABITAT OPH",
        "ACTIF",
    )
    assert (
        hit["service_required"] and hit["engagement_required"] and not hit["service_or_engagement_required"]
    )
    assert len(hit["services"]) == 5
    assert set(hit["services"][0]) == {"code", "label", "status", "engagement_required"}


def test_command_search_text_and_limit(demo):
    output = run("search", "chambery", "--limit", "2")
    assert output.splitlines()[0].endswith("structure(s)")
    assert json.loads(run("search", "chambery", "--json", "--limit", "2")).__len__() == 2


def test_command_import_prints_counts_and_is_idempotent(tmp_path):
    path = tmp_path / "annuaire.csv"
    path.write_bytes(csv_bytes([row()]).getvalue())
    assert "1 structures created" in run("import", str(path))
    assert "0 structures created, 0 updated, 1 unchanged, 0 deactivated" in run("import", str(path), "--full")


def test_command_import_bad_file_fails_with_line_and_reason(tmp_path):
    path = tmp_path / "annuaire.csv"
    path.write_bytes(csv_bytes([row(), row(**{"Identifiant": "20005794100012"})]).getvalue())
    with pytest.raises(CommandError, match="Ligne 3 : Le numéro de SIRET 20005794100012 n'est pas valide"):
        run("import", str(path))
    assert not Structure.objects.exists()


def test_command_import_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run("import", str(tmp_path / "absent.csv"))


def test_command_export_to_file_and_stdout(demo, tmp_path):
    path = tmp_path / "out.csv"
    run("export", "-o", str(path))
    text = path.read_text(encoding="utf-8-sig")
    assert text.startswith("Identifiant;")
    assert "34481082500366;SIRET;PARIS HABITAT OPH" in text
    assert "PARIS HABITAT OPH" in run("export")


def test_command_generate_and_reindex():
    assert "20 structures and 100 services created" in run(
        "generate", "--structures", "20", "--services", "100"
    )
    assert "index entries written" in run("reindex")
