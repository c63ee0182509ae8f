"""`openchorus directory import|generate|search|export|reindex`: the public directory from the shell.

openchorus directory import FILE [--full]        load/refresh from the CSV format (docs/directory.md)
openchorus directory generate --structures N --services M [--seed S]
openchorus directory search TEXT [--json] [--limit N]
openchorus directory export [-o FILE]           the whole directory as CSV (stdout by default)
openchorus directory reindex                    rebuild the search index from the structures
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from openchorus.core.errors import ApplicationError
from openchorus.directory.selectors import directory_export_lines, directory_search, structure_as_dict
from openchorus.directory.services import directory_generate, directory_import, directory_index_refresh


class Command(BaseCommand):
    help = "Public directory of public structures: import, generate, search, export, reindex."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        load = commands.add_parser("import", help="import or refresh from a directory CSV file")
        load.add_argument("file")
        load.add_argument(
            "--full",
            action="store_true",
            help="the file is the whole directory: absent entries become INACTIF",
        )
        generate = commands.add_parser("generate", help="add a synthetic directory (benchmarks)")
        generate.add_argument("--structures", type=int, required=True)
        generate.add_argument("--services", type=int, required=True)
        generate.add_argument("--seed", type=int, default=0)
        search = commands.add_parser("search", help="search the directory")
        search.add_argument("text")
        search.add_argument("--json", action="store_true")
        search.add_argument("--limit", type=int, default=20)
        export = commands.add_parser("export", help="write the whole directory as CSV")
        export.add_argument("-o", "--output", help="file to write (default: standard output)")
        commands.add_parser("reindex", help="rebuild the search index of every public structure")

    def handle(self, *args, **options):
        try:
            getattr(self, f"_{options['action']}")(options)
        except ApplicationError as error:
            raise CommandError(str(error.message)) from None

    def _import(self, options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        started = time.perf_counter()
        report = directory_import(source=path, full=options["full"])
        self.stdout.write(
            f"{report.lines} lines: {report.created} structures created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {report.deactivated} deactivated; services: "
            f"{report.services_created} created, {report.services_updated} updated, "
            f"{report.services_deactivated} deactivated ({time.perf_counter() - started:.1f} s)"
        )

    def _generate(self, options):
        started = time.perf_counter()
        report = directory_generate(
            structures=options["structures"], services=options["services"], seed=options["seed"]
        )
        self.stdout.write(
            f"{report.structures} structures and {report.services} services created "
            f"({time.perf_counter() - started:.1f} s)"
        )

    def _search(self, options):
        result = directory_search(text=options["text"], limit=max(options["limit"], 1))
        if options["json"]:
            hits = [structure_as_dict(structure) for structure in result.hits]
            self.stdout.write(json.dumps(hits, ensure_ascii=False, indent=2))
            return
        more = "+" if result.truncated else ""
        self.stdout.write(f"{result.total}{more} structure(s)")
        for structure in result.hits:
            flags = [
                name
                for name, on in (
                    ("service obligatoire", structure.service_code_required),
                    ("engagement obligatoire", structure.engagement_required),
                    ("service ou engagement obligatoire", structure.service_or_engagement_required),
                )
                if on
            ]
            self.stdout.write(
                f"{structure.identifier}  {structure.legal_name}  {structure.postcode} {structure.city}  "
                f"{structure.status}  {', '.join(flags)}"
            )
            for service in structure.services.all():
                engagement = "  engagement obligatoire" if service.engagement_required else ""
                self.stdout.write(f"    {service.code:20} {service.label}  {service.status}{engagement}")

    def _export(self, options):
        lines = directory_export_lines()
        if options["output"]:
            with Path(options["output"]).open("w", encoding="utf-8", newline="") as handle:
                handle.writelines(lines)
            return
        for line in lines:
            self.stdout.write(line, ending="")

    def _reindex(self, options):
        written = directory_index_refresh()
        self.stdout.write(f"{written} index entries written")
