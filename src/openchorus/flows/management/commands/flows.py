"""`openchorus flows …`: EDI flows (RAC-3).

openchorus flows generate --invoices N --syntax S [--invalid-share 0.1] [--seed 1] [--supplier SIRET]
                          [--lines 1-5] [--container auto|tar.gz|zip|single] [--duplicates K]
                          [--prefix GEN] [--recipient SIRET …] [--workers N] [--output PATH] [--manifest PATH] [--json]

openchorus flows watch [--once] [--interval 2]
openchorus flows resume [--stale-after SECONDS]

`watch` takes the files dropped in each technical account's folder (<flows dir>/<login>/in/, see
docs/flows.md) and receives them as flows; `--once` scans once (the scheduler does it each minute).
`resume` queues again the flows whose worker stopped (no sign of life for `--stale-after` seconds;
the scheduler does it every five minutes with OPENCHORUS_FLOW_STALE_SECONDS).

`generate` writes a flow of realistic invoices of a supplier (default: the demo's Les Délices de
Savoie) to public recipients of the directory (default: the demo's public clients), some invalid on
purpose, for tests and benchmarks. It prints a summary (or JSON) on stdout and the time on stderr.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from openchorus.flows.enums import FlowSyntax
from openchorus.flows.generate import CONTAINERS, flow_generate, flow_recipients, flow_supplier


def _whole(minimum: int):
    """An argparse type: a whole number of at least `minimum`."""

    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
        if number < minimum:
            expected = f"at least {minimum}" if minimum else "0 or more"
            raise argparse.ArgumentTypeError(f"{number}: {expected} expected")
        return number

    return parse


_positive, _count = _whole(1), _whole(0)


def _share(value: str) -> float:
    try:
        share = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not 0 <= share <= 1:
        raise argparse.ArgumentTypeError(f"{value}: a share between 0 and 1 expected")
    return share


def _range(value: str) -> tuple[int, int]:
    """ "3" or "1-5"."""
    low, _, high = value.partition("-")
    try:
        bounds = (int(low), int(high or low))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r}: N or MIN-MAX expected (e.g. 1-5)") from None
    if not 1 <= bounds[0] <= bounds[1]:
        raise argparse.ArgumentTypeError(f"{value!r}: 1 ≤ MIN ≤ MAX expected")
    return bounds


class Command(BaseCommand):
    help = "EDI flows: watch the drop folders, resume stopped flows, generate flows for tests and benchmarks."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        generate = actions.add_parser(
            "generate",
            help="write a flow of realistic invoices (some invalid on purpose)",
            description=__doc__,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        generate.add_argument("--invoices", type=_positive, required=True, help="number of invoices (≥ 1)")
        generate.add_argument(
            "--syntax", required=True, choices=FlowSyntax.values, help="flow syntax (syntaxeFlux)"
        )
        generate.add_argument(
            "--invalid-share", type=_share, default=0.0, help="share of invalid invoices, 0 to 1 (default 0)"
        )
        generate.add_argument("--seed", type=_count, default=0, help="random seed (default 0)")
        generate.add_argument(
            "--supplier", help="SIRET of the supplier (default: the demo's Les Délices de Savoie)"
        )
        generate.add_argument(
            "--recipient",
            action="append",
            default=[],
            metavar="SIRET",
            help="a public recipient (repeatable; default: the demo's public clients)",
        )
        generate.add_argument(
            "--lines", type=_range, default=(1, 5), help="lines per invoice, N or MIN-MAX (default 1-5)"
        )
        generate.add_argument(
            "--container",
            choices=CONTAINERS,
            default="auto",
            help="auto: a plain file for one invoice, else tar.gz",
        )
        generate.add_argument(
            "--duplicates", type=_count, default=0, help="repeat K valid invoices later in the flow"
        )
        generate.add_argument(
            "--workers",
            type=_positive,
            help="processes writing the invoices (default: one per CPU from 1,000 on)",
        )
        generate.add_argument("--prefix", default="GEN", help="invoice numbers: PREFIX-SEED-POSITION")
        generate.add_argument("--output", help="file or folder to write to (default: current folder)")
        generate.add_argument("--manifest", help="also write each member's expected outcome as JSON here")
        generate.add_argument("--json", action="store_true", help="print the summary as JSON")

        watch = actions.add_parser(
            "watch", help="receive the files dropped in the technical accounts' folders"
        )
        watch.add_argument("--once", action="store_true", help="scan once and stop")
        watch.add_argument("--interval", type=float, default=2.0, help="seconds between scans (default 2)")
        resume = actions.add_parser("resume", help="queue again the flows whose worker stopped")
        resume.add_argument(
            "--stale-after", type=_count, help="seconds without a sign of life (default: the setting)"
        )

    def handle(self, *args, **options):
        getattr(self, f"_{options['action']}")(options)

    def _watch(self, options):
        import time

        from openchorus.flows.folders import folder_scan

        while True:
            for taken in folder_scan():
                detail = taken.flow_number or taken.reason
                self.stdout.write(f"{taken.outcome}: {taken.path} {detail}".rstrip())
            if options["once"]:
                return
            time.sleep(max(options["interval"], 0.2))

    def _resume(self, options):
        from openchorus.flows.services import flows_resume

        resumed = flows_resume(stale_after=options["stale_after"])
        self.stdout.write(
            f"{len(resumed)} flow(s) queued again" + (f": {', '.join(resumed)}" if resumed else "")
        )

    def _generate(self, options):
        from openchorus.demo import DELICES_SIRET

        try:
            supplier = flow_supplier(siret=options["supplier"] or DELICES_SIRET)
            recipients = flow_recipients(identifiers=options["recipient"])
            if not recipients:
                raise ValueError(
                    "no active public structure found (load the demo data with `openchorus demo`, or "
                    "import a directory)"
                )
            missing = set(options["recipient"]) - {r.siret for r in recipients}
            if missing:
                raise ValueError(f"not active public structures: {', '.join(sorted(missing))}")
            flow = flow_generate(
                invoices=options["invoices"],
                syntax=options["syntax"],
                supplier=supplier,
                recipients=recipients,
                invalid_share=options["invalid_share"],
                seed=options["seed"],
                lines=options["lines"],
                container=options["container"],
                prefix=options["prefix"],
                duplicates=options["duplicates"],
                workers=options["workers"],
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        target = Path(options["output"] or ".")
        path = target / flow.filename if target.is_dir() else target
        path.write_bytes(flow.data)
        if options["manifest"]:
            manifest = {**flow.summary(), "items": [item.as_dict() for item in flow.items]}
            Path(options["manifest"]).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        summary = {**flow.summary(), "file": str(path)}
        self.stderr.write(
            f"{len(flow.items)} invoice(s) generated in {flow.seconds:.2f} s "
            f"({len(flow.items) / max(flow.seconds, 1e-9):.0f} per second)"
        )
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
            return
        self.stdout.write(
            f"{path}: {summary['invoices']} invoice(s) {flow.syntax} in {flow.container} "
            f"({summary['valid']} valid, {summary['invalid']} invalid, {summary['duplicates']} duplicate(s)), "
            f"{summary['bytes']} bytes"
        )
