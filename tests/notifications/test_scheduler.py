"""The scheduler of periodic tasks: each period's run claimed once, however many schedulers run."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from openchorus.notifications import digests
from openchorus.notifications.models import ScheduledRun
from openchorus.notifications.scheduler import scheduled_run_claim, scheduler_tick


def digest_tick(*, now):
    """The digest runs a tick enqueued (the other periodic tasks run every few minutes)."""
    return [run for run in scheduler_tick(now=now) if run.startswith("digest ")]


pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def paris(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=PARIS)  # 2026-11-23 is a Monday


@pytest.fixture
def digest_runs(monkeypatch):
    """How many times the digest task really ran (the tests' task backend runs it at once)."""
    calls: list[bool] = []
    monkeypatch.setattr(digests, "digests_send", lambda **kw: calls.append(True) or 0)
    return calls


def test_scheduler_claims_a_period_once_even_called_twice(digest_runs):
    # Two schedulers waking up in the same minute: the second finds the period claimed.
    assert digest_tick(now=paris(23, 7, 0)) == ["digest 2026-11-23"]
    assert digest_tick(now=paris(23, 7, 0)) == []
    assert digest_tick(now=paris(23, 18, 0)) == []
    assert len(digest_runs) == 1
    assert ScheduledRun.objects.filter(name="digest", period="2026-11-23").count() == 1
    assert scheduled_run_claim(name="digest", period="2026-11-23") is False
    assert digest_tick(now=paris(24, 7, 0)) == ["digest 2026-11-24"]
    assert len(digest_runs) == 2


def test_daily_digest_waits_for_its_hour(settings, digest_runs):
    assert digest_tick(now=paris(23, 6, 59)) == []
    settings.DIGEST_HOUR = 9
    assert digest_tick(now=paris(23, 8, 0)) == []
    assert digest_tick(now=paris(23, 9, 0)) == ["digest 2026-11-23"]
    assert len(digest_runs) == 1


def test_weekly_digest_once_a_week_from_monday(settings, digest_runs):
    settings.DIGEST_FREQUENCY = "weekly"
    assert digest_tick(now=paris(23, 6, 0)) == []
    assert digest_tick(now=paris(23, 7, 0)) == ["digest 2026-W48"]
    assert digest_tick(now=paris(25, 12, 0)) == []
    assert digest_tick(now=paris(30, 7, 0)) == ["digest 2026-W49"]
    assert len(digest_runs) == 2


def test_a_run_missed_in_the_morning_is_made_later_that_day(digest_runs):
    assert digest_tick(now=paris(23, 15, 42)) == ["digest 2026-11-23"]


def test_scheduler_command_once(capsys, digest_runs):
    with time_machine.travel(paris(23, 7, 1), tick=False):
        call_command("scheduler", "--once")
        call_command("scheduler", "--once")
    assert capsys.readouterr().out.count("scheduler: enqueued digest 2026-11-23") == 1
    assert len(digest_runs) == 1


def test_serve_starts_the_scheduler_beside_the_worker_and_stops_it(monkeypatch):
    """`openchorus serve` without real processes (tests/core/test_cli.py starts the real ones)."""
    import django.core.management

    from openchorus import cli

    started = []

    class Process:
        def __init__(self, argv):
            self.argv, self.polls, self.returncode = argv, 0, None
            started.append(self)

        def poll(self):
            self.polls += 1
            if "db_worker" in self.argv and self.polls > 1:  # the worker dies: serve stops the rest
                self.returncode = 1
            return self.returncode

        def terminate(self):
            self.returncode = 0

        def wait(self, timeout=None):
            return self.returncode

    monkeypatch.setenv("OPENCHORUS_BASE_URL", "http://127.0.0.1:8123")  # serve sets it; restored after
    monkeypatch.setattr(cli.subprocess, "Popen", Process)
    monkeypatch.setattr(cli.signal, "signal", lambda *args: None)
    monkeypatch.setattr(cli.time, "sleep", lambda seconds: None)
    monkeypatch.setattr(django.core.management, "call_command", lambda *args, **kwargs: None)
    assert cli.main(["serve", "--port", "8123"]) == 0
    commands = [process.argv[3] if "openchorus.cli" in process.argv else "gunicorn" for process in started]
    assert commands == ["gunicorn", "db_worker", "scheduler"]
    assert all(process.returncode is not None for process in started)


def test_webhook_retries_are_enqueued_every_five_minutes(db):
    assert "webhooks-retry 2026-11-23T10:05" in scheduler_tick(now=paris(23, 10, 7))
    assert "webhooks-retry 2026-11-23T10:05" not in scheduler_tick(now=paris(23, 10, 9))
    assert "webhooks-retry 2026-11-23T10:10" in scheduler_tick(now=paris(23, 10, 10))
