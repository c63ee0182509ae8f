"""`openchorus extract FILE [--json]`: recognised fields printed, exit 0 when read, 2 when not."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from openchorus.einvoice.commands.extract import PRINTED_FIELDS, run
from tests.einvoice.pdf.pdf_builders import image_only_pdf
from tests.einvoice.pdf.pdf_layouts import LAYOUTS, random_invoice, render_pdf


@pytest.fixture(scope="module")
def invoice_pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    rng = random.Random(42)
    invoice = random_invoice(rng)
    path = tmp_path_factory.mktemp("extract") / "facture.pdf"
    path.write_bytes(render_pdf(LAYOUTS["classic"](invoice, rng)))
    return path, invoice.expected()


def test_extract_json_text_pdf_prints_fields_and_exits_0(
    invoice_pdf: tuple[Path, dict[str, object]], capsys: pytest.CaptureFixture[str]
) -> None:
    path, expected = invoice_pdf

    status = run([str(path), "--json"])

    assert status == 0
    document = json.loads(capsys.readouterr().out)
    assert set(PRINTED_FIELDS) | {"scanned", "findings"} == set(document)
    assert document["scanned"] is False
    assert document["recipient_siret"]["value"] == expected["recipient_siret"]
    assert document["issue_date"]["value"] == expected["issue_date"].isoformat()  # type: ignore[attr-defined]
    assert document["total_incl_vat"]["value"] == f"{expected['total_incl_vat']:.2f}"
    assert 0 < document["iban"]["confidence"] <= 1
    assert document["iban"]["where"]["keyword"] == "IBAN"
    assert document["iban"]["where"]["page"] == 1


def test_extract_table_text_pdf_prints_one_row_per_field(
    invoice_pdf: tuple[Path, dict[str, object]], capsys: pytest.CaptureFixture[str]
) -> None:
    path, expected = invoice_pdf

    assert run([str(path)]) == 0

    out = capsys.readouterr().out
    for name in PRINTED_FIELDS:
        assert name in out
    assert str(expected["invoice_number"]) in out
    assert "non / no" in out


def test_extract_json_scanned_pdf_reports_scanned_with_null_fields(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(image_only_pdf())

    assert run([str(path), "--json"]) == 0

    document = json.loads(capsys.readouterr().out)
    assert document["scanned"] is True
    assert all(document[name] is None for name in PRINTED_FIELDS)
    assert document["findings"][0]["rule_id"] == "PDF-SCANNED"


def test_extract_missing_file_exits_2_with_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run([str(tmp_path / "absent.pdf")]) == 2

    err = capsys.readouterr().err
    assert "impossible de lire" in err and "cannot read" in err


def test_extract_malformed_pdf_exits_2_with_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog")

    assert run([str(path), "--json"]) == 2

    captured = capsys.readouterr()
    assert captured.out == ""
    assert "tronqué" in captured.err and "truncated" in captured.err


def test_extract_without_file_argument_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run([]) == 2
