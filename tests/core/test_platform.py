"""The platform's plumbing: e-mail files, the task worker, the database in use, migrations, checks."""

from __future__ import annotations

import email
import os
from email import policy

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection

from openchorus.core.mail import ConsoleAndFileBackend
from openchorus.core.tasks import email_send


def test_console_and_file_backend_writes_one_eml_per_message(tmp_path, capsys):
    backend = ConsoleAndFileBackend(mail_dir=tmp_path)
    messages = [
        mail.EmailMessage("Activez votre compte", "Lien : https://x/activation/abc/", to=["a@example.fr"]),
        mail.EmailMessage("Second", "Corps accentué é", to=["b@example.fr"]),
    ]
    assert backend.send_messages(messages) == 2
    files = sorted(tmp_path.glob("*.eml"))
    assert len(files) == 2
    parsed = [email.message_from_bytes(f.read_bytes(), policy=policy.default) for f in files]
    assert {m["To"] for m in parsed} == {"a@example.fr", "b@example.fr"}
    assert "Corps accentué é" in {m.get_content().strip() for m in parsed}
    assert "Activez votre compte" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_email_task_runs_through_database_worker(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    result = email_send.enqueue(to=["worker@example.fr"], subject="Sujet", body="Corps")
    assert mail.outbox == []  # queued, not sent by the web process
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert [m.to for m in mail.outbox] == [["worker@example.fr"]]
    result.refresh()
    assert result.status == "SUCCESSFUL"


@pytest.mark.postgres
@pytest.mark.django_db
def test_database_is_postgresql_when_required():
    """CI's second pass sets OPENCHORUS_REQUIRE_POSTGRES: it must really run on PostgreSQL."""
    if os.environ.get("OPENCHORUS_REQUIRE_POSTGRES") != "1":
        assert connection.vendor == "sqlite"
        return
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        assert cursor.fetchone()[0].startswith("15")
    # Server-side binding, but nothing prepared by count: each statement planned for its values.
    assert connection.connection.prepare_threshold is None


@pytest.mark.django_db
def test_models_have_no_missing_migrations():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_deploy_checks_warn_about_embedded_defaults(monkeypatch):
    from django.conf import settings

    from openchorus.core.checks import check_database_is_shared, check_secret_key_source

    monkeypatch.delenv("OPENCHORUS_SECRET_KEY", raising=False)
    assert [w.id for w in check_secret_key_source(None)] == ["core.W001"]
    monkeypatch.setenv("OPENCHORUS_SECRET_KEY", "x" * 50)
    assert check_secret_key_source(None) == []
    monkeypatch.setitem(settings.DATABASES["default"], "ENGINE", "django.db.backends.sqlite3")
    assert [w.id for w in check_database_is_shared(None)] == ["core.W002"]
    monkeypatch.setitem(settings.DATABASES["default"], "ENGINE", "django.db.backends.postgresql")
    assert check_database_is_shared(None) == []


def test_health_endpoint_answers_ok(client):
    response = client.get("/health/")
    assert response.json() == {"status": "ok"}
