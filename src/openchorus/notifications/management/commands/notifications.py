"""`openchorus notifications digest [--now]`: send the activity digests by hand."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from openchorus.notifications.digests import digests_send
from openchorus.notifications.tasks import digests_send as digests_send_task


class Command(BaseCommand):
    help = "Notifications by hand: `digest` queues the activity digests (--now: sends them here)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        digest = actions.add_parser("digest", help="the periodic activity digests (LIF-7)")
        digest.add_argument("--now", action="store_true", help="build and queue the e-mails in this process")

    def handle(self, *args: Any, action: str, now: bool = False, **options: Any) -> None:
        if now:
            count = digests_send()
            self.stdout.write(f"{count} digest e-mail(s) queued.")
        else:
            result = digests_send_task.enqueue()
            self.stdout.write(f"Digest task queued ({result.id}); a worker will run it.")
