"""E-mail delivery for the embedded set-up: every message to the console and to one .eml file.

With no mail server configured, a local user can still follow an activation link: the message is
printed, and kept as `<MAIL_DIR>/<timestamp>-<id>.eml`, a file any mail client opens.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.console import EmailBackend as ConsoleBackend


class ConsoleAndFileBackend(ConsoleBackend):
    def __init__(self, *args, mail_dir: str | Path | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.mail_dir = Path(mail_dir or settings.MAIL_DIR)

    def write_message(self, message) -> None:
        super().write_message(message)
        self.mail_dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        path = self.mail_dir / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
        path.write_bytes(message.message().as_bytes(linesep="\n"))
