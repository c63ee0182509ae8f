"""`openchorus invoices …`: operations on the invoices (INV-7).

openchorus invoices archive     (what the scheduler does each day: archive the invoices due)
openchorus invoices recount [--check]

`archive` moves to the archives the invoices whose final status was reached more than two years
ago (`invoices.archiving`). `recount` rebuilds the dashboard's counters from the invoices
(`invoices.counts`): after restoring a backup taken while writes were running, after editing
invoices by hand in the database, or after loading invoices in bulk outside the services; with
`--check` it only compares them and exits 1 when they differ (docs/operations.md).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Invoices: archive those due, rebuild or check the dashboard's counters."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("archive", help="archive the invoices whose final status is two years old")
        recount = actions.add_parser("recount", help="rebuild the dashboard's counters from the invoices")
        recount.add_argument("--check", action="store_true", help="compare only; exit 1 when they differ")

    def handle(self, *args, **options):
        if options["action"] == "archive":
            from openchorus.invoices.archiving import invoices_archive

            self.stdout.write(f"{invoices_archive()} invoice(s) archived")
            return
        from openchorus.invoices.counts import counts_rebuild, counts_recounted, counts_stored

        if options["check"]:
            expected, stored = counts_recounted(), counts_stored()
            wrong = sorted(
                (key for key in expected.keys() | stored.keys() if expected.get(key) != stored.get(key)),
                key=str,
            )
            for key in wrong:
                self.stdout.write(f"{key}: stored {stored.get(key, 0)}, counted {expected.get(key, 0)}")
            if wrong:
                raise CommandError(f"{len(wrong)} counter(s) differ from the invoices")
            self.stdout.write(f"{len(expected)} counter(s) agree with the invoices")
            return
        self.stdout.write(f"{counts_rebuild()} counter(s) rebuilt")
