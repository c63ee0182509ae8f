"""`openchorus audit verify|export`: check the hash-chained audit trail, or write it out (INV-8, BYD-5).

openchorus audit verify [--stream S] [--no-files]   every chain, and the stored files the events vouch for
openchorus audit verify --file FILE                  an export, offline (no database needed)
openchorus audit export FILE [--stream S]            JSON Lines anyone can verify (header, events, heads)

Both exit with status 1 and name the first broken link (stream, sequence, action, why) when the
trail does not hold.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from openchorus.audit.services import (
    TrailReport,
    audit_export_verify,
    audit_trail_export,
    audit_trail_verify,
)


class Command(BaseCommand):
    help = "Audit trail: verify every hash chain (or an export, offline), export a self-verifiable file."
    requires_system_checks = []  # `verify --file` must work without a database

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        verify = commands.add_parser("verify", help="verify the chains and files, or an export (--file)")
        verify.add_argument("--file", help="verify this export offline instead of the database")
        verify.add_argument("--stream", help="only this stream (e.g. invoice:42)")
        verify.add_argument(
            "--no-files", action="store_true", help="do not read back the stored files the events vouch for"
        )
        export = commands.add_parser("export", help="write the trail as self-verifiable JSON Lines")
        export.add_argument("file")
        export.add_argument("--stream", help="only this stream (e.g. invoice:42)")

    def handle(self, *args, **options):
        getattr(self, f"_{options['action']}")(options)

    def _verify(self, options):
        started = time.perf_counter()
        if options["file"]:
            path = Path(options["file"])
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
            with path.open("rb") as source:
                report = audit_export_verify(source=source)
            where = f"export {path}"
        else:
            report = audit_trail_verify(stream=options["stream"], files=not options["no_files"])
            where = "database"
        self._summary(report, where, time.perf_counter() - started, files=not options["file"])

    def _summary(self, report: TrailReport, where: str, elapsed: float, *, files: bool) -> None:
        counts = f"{report.streams} stream(s), {report.events} event(s)"
        if files:
            counts += f", {report.files_checked} file(s) read back"
            if report.files_not_stored:
                counts += f" ({report.files_not_stored} recorded file(s) not held here)"
        if report.valid:
            self.stdout.write(f"audit trail OK ({where}): {counts} ({elapsed:.1f} s)")
            return
        self.stderr.write(
            f"audit trail BROKEN ({where}): {counts}; {report.broken_streams} broken link(s) "
            f"({elapsed:.1f} s)"
        )
        raise CommandError(f"first broken link: {report.broken[0]}", returncode=1)

    def _export(self, options):
        started = time.perf_counter()
        path = Path(options["file"])
        with path.open("wb") as output:
            report = audit_trail_export(output=output, stream=options["stream"])
        self.stdout.write(
            f"{report.events} event(s) of {report.streams} stream(s) written to {path} "
            f"({time.perf_counter() - started:.1f} s); check it with: openchorus audit verify --file {path}"
        )
