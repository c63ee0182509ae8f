"""`openchorus audit verify|export` on a trail made by the real services (INV-8, BYD-5)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from openchorus.audit.models import AuditEvent
from openchorus.core.storage import stored_file_read
from openchorus.invoices.services import invoice_pdf_write, invoice_submit
from openchorus.structures.services.structures import service_create
from tests.invoices.factories import draft, setting

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("audit", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def broken(*args: str) -> str:
    with pytest.raises(CommandError) as error:
        run(*args)
    assert error.value.returncode == 1
    return str(error.value)


@pytest.fixture
def trail():
    """An invoice sent through the services (its PDF written by its task: sequence 4), and
    structure changes (bank account, a service)."""
    s = setting()
    invoice = invoice_pdf_write(invoice=invoice_submit(actor=s.manager, invoice=draft(s)))
    service_create(actor=s.manager, structure=s.supplier, code="TRAITEUR", label="Service traiteur")
    return s, invoice


def sql(statement: str, params: list) -> None:
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(statement.format(table=table), params)


def test_audit_verify_intact_trail_passes(trail):
    _s, invoice = trail
    output = run("verify")
    assert output.startswith("audit trail OK (database)")
    # created, Déposée, Mise à disposition, the PDF written by its task
    assert AuditEvent.objects.filter(stream=f"invoice:{invoice.pk}").count() == 4
    assert "file(s) read back" in output and " 0 file(s)" not in output


def test_audit_verify_row_altered_with_sql_fails_naming_the_event(trail):
    _s, invoice = trail
    event = AuditEvent.objects.get(stream=f"invoice:{invoice.pk}", sequence=2)
    sql("UPDATE {table} SET actor_label = %s WHERE id = %s", ["someone.else@example.fr", event.pk])

    message = broken("verify")

    assert f"stream invoice:{invoice.pk}, sequence 2, action {event.action}: content altered" in message


def test_audit_verify_rewritten_hash_fails_at_the_next_event(trail):
    _s, invoice = trail
    event = AuditEvent.objects.get(stream=f"invoice:{invoice.pk}", sequence=1)
    sql("UPDATE {table} SET hash = %s WHERE id = %s", ["f" * 64, event.pk])

    message = broken("verify")

    assert f"stream invoice:{invoice.pk}, sequence 1" in message and "content altered" in message


def test_audit_verify_deleted_last_event_is_truncation(trail):
    s, _invoice = trail
    stream = f"structure:{s.supplier.pk}"
    last = AuditEvent.objects.filter(stream=stream).order_by("-sequence").first()
    sql("DELETE FROM {table} WHERE id = %s", [last.pk])

    message = broken("verify")

    assert f"stream {stream}, sequence {last.sequence}: truncated" in message


def test_audit_verify_deleted_middle_event_is_missing_event(trail):
    _s, invoice = trail
    middle = AuditEvent.objects.get(stream=f"invoice:{invoice.pk}", sequence=2)
    sql("DELETE FROM {table} WHERE id = %s", [middle.pk])

    assert f"stream invoice:{invoice.pk}, sequence 3, action" in broken("verify")
    assert "missing event" in broken("verify", "--stream", f"invoice:{invoice.pk}")


def test_audit_verify_altered_or_lost_stored_file_is_detected(trail, settings, tmp_path):
    _s, invoice = trail
    kept = {f.file.name: stored_file_read(f) for f in (invoice.xml_file, invoice.pdf_file)}
    settings.MEDIA_ROOT = str(tmp_path)  # a copy of the invoice's files, one of them then altered
    for name, data in kept.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    stream = f"invoice:{invoice.pk}"
    assert run("verify", "--stream", stream).startswith("audit trail OK")

    (tmp_path / invoice.pdf_file.file.name).write_bytes(b"%PDF-1.7 not the invoice any more")
    message = broken("verify", "--stream", stream)
    assert f"stream {stream}, sequence 4, action invoice:pdf_written: file altered" in message
    assert invoice.pdf_file.sha256 in message

    (tmp_path / invoice.pdf_file.file.name).unlink()
    assert "file missing from storage" in broken("verify", "--stream", stream)
    assert run("verify", "--stream", stream, "--no-files").startswith("audit trail OK")


def test_audit_export_then_offline_verify_passes(trail, tmp_path):
    path = tmp_path / "trail.jsonl"
    assert "written to" in run("export", str(path))
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert lines[0]["type"] == "header" and lines[0]["hash_algorithm"] == "sha256"
    assert lines[-1]["type"] == "end" and lines[-1]["events"] == AuditEvent.objects.count()

    assert run("verify", "--file", str(path)).startswith(f"audit trail OK (export {path})")


def test_audit_export_one_stream(trail, tmp_path):
    _s, invoice = trail
    path = tmp_path / "invoice.jsonl"
    run("export", str(path), "--stream", f"invoice:{invoice.pk}")
    assert "4 event(s)" in run("verify", "--file", str(path))


def test_audit_export_with_a_byte_edited_fails_offline(trail, tmp_path):
    _s, invoice = trail
    path = tmp_path / "trail.jsonl"
    run("export", str(path))
    data = bytearray(path.read_bytes())
    at = (
        data.index(b'"action":"status:MISE_A_DISPOSITION"') + len(b'"action":"status:MISE_A_DISPOSITION"') - 2
    )
    data[at : at + 1] = b"X"  # …_DISPOSITIOX
    path.write_bytes(bytes(data))

    message = broken("verify", "--file", str(path))

    assert (
        f"stream invoice:{invoice.pk}, sequence 3, action status:MISE_A_DISPOSITIOX: content altered"
        in message
    )


def test_audit_export_edited_outside_events_or_cut_fails_offline(trail, tmp_path):
    path = tmp_path / "trail.jsonl"
    run("export", str(path))
    original = path.read_bytes()
    path.write_bytes(original.replace(b'"exported_at":"2', b'"exported_at":"1', 1))
    assert "file altered" in broken("verify", "--file", str(path))
    path.write_bytes(original.rsplit(b"\n", 2)[0] + b"\n")  # closing line removed
    assert "truncated" in broken("verify", "--file", str(path))
    path.write_bytes(original[:20])
    assert "unreadable line" in broken("verify", "--file", str(path))
