"""`openchorus scheduler`: enqueue the periodic tasks when due (see notifications/scheduler.py)."""

from __future__ import annotations

import logging
import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from openchorus.notifications.scheduler import scheduler_tick

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Wake up every minute and enqueue the periodic tasks that are due (safe to run on several machines)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one tick, then exit")

    def handle(self, *args: Any, once: bool = False, **options: Any) -> None:
        if once:
            self.tick()
            return
        stopping: list[bool] = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        signal.signal(signal.SIGINT, lambda *_: stopping.append(True))
        while not stopping:
            close_old_connections()
            try:
                self.tick()
            except Exception:  # a database hiccup must not stop the schedule: retry next minute
                logger.exception("scheduler: tick failed")
            # Sleep to the next minute in short steps, to stop promptly when asked.
            deadline = (int(time.time()) // 60 + 1) * 60
            while not stopping and time.time() < deadline:
                time.sleep(min(1.0, max(deadline - time.time(), 0)))

    def tick(self) -> None:
        for run in scheduler_tick():
            self.stdout.write(f"scheduler: enqueued {run}")
