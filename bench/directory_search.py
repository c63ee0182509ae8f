"""Directory at national scale: search latency, full CSV export, full import (issue 4, DIR-3).

    .venv/bin/python bench/directory_search.py [--structures 150000] [--services 1000000]
        [--queries 400] [--skip-export] [--skip-import]

Builds (or reuses) a synthetic directory with `directory_generate` in the database DATABASE_URL
names (PostgreSQL), else in a SQLite file under OPENCHORUS_DATA_DIR (default var/bench-directory/),
then prints p50/p95 of `directory_search` over realistic queries (SIRET prefixes, one or two name
words, postcodes, cities), the time of a full CSV export, and the time of importing that file
into an emptied directory and of re-importing it unchanged. Figures go to docs/perf.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openchorus.config.settings")
os.environ.setdefault("OPENCHORUS_DATA_DIR", str(ROOT / "var" / "bench-directory"))

import django  # noqa: E402
from django.conf import settings  # noqa: E402

if "openchorus.directory" not in settings.INSTALLED_APPS:  # until the app is in the project settings
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "openchorus.directory"]
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from openchorus.directory.demo import directory_demo_load  # noqa: E402
from openchorus.directory.models import DirectoryToken  # noqa: E402
from openchorus.directory.selectors import (  # noqa: E402
    directory_export_lines,
    directory_search,
    directory_suggest,
    public_structures,
)
from openchorus.directory.services import directory_generate, directory_import  # noqa: E402
from openchorus.structures.models import Structure, StructureService  # noqa: E402


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * fraction), len(ordered) - 1)]


def build(structures: int, services: int) -> None:
    present = public_structures().count()
    if present >= structures:
        print(f"reusing {present} public structures, {StructureService.objects.count()} services")
        return
    started = time.perf_counter()
    report = directory_generate(structures=structures - present, services=services, seed=1)
    directory_demo_load()
    print(
        f"generated {report.structures} structures and {report.services} services "
        f"in {time.perf_counter() - started:.1f} s"
    )


def queries(count: int) -> dict[str, list[str]]:
    rng = random.Random(7)
    total = Structure.objects.count()
    sample = list(
        public_structures().values_list("identifier", "legal_name", "postcode", "city")[
            rng.randrange(0, max(total - 3000, 1)) :
        ][:3000]
    )
    rng.shuffle(sample)
    per = count // 5
    words = [
        [w for w in name.replace("'", " ").split() if len(w) > 3 and w not in {"COMMUNE", "PUBLIC"}]
        for _i, name, _p, _c in sample
    ]
    return {
        "SIRET prefix (6-14 digits)": [s[0][: rng.randrange(6, 15)] for s in sample[:per]],
        "one name word": [rng.choice(w or ["COMMUNE"]).lower() for w in words[per : 2 * per]],
        "two name words, any order": [
            " ".join(rng.sample(w, 2)) if len(w) > 1 else f"commune {w[0] if w else ''}"
            for w in words[2 * per : 3 * per]
        ],
        "postcode": [s[2] for s in sample[3 * per : 4 * per]],
        "city (+ kind)": [
            f"{rng.choice(['', 'mairie', 'college', 'ccas'])} {s[3].title()}".strip()
            for s in sample[4 * per : 5 * per]
        ],
    }


def measure_search(count: int) -> None:
    by_kind = queries(count)
    for texts in by_kind.values():  # warm the caches as a running server has them
        for text in texts[:20]:
            directory_search(text=text)
    print(f"\nsearch latency, {count} queries (directory_search, first page of 20 with services)")
    print(
        f"{'query kind':32} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'mean hits':>10} "
        f"{'SQL/search':>10}"
    )
    everything: list[float] = []
    rows = []
    for kind, texts in by_kind.items():
        times, hits = [], []
        for text in texts:
            started = time.perf_counter()
            result = directory_search(text=text)
            times.append((time.perf_counter() - started) * 1000)
            hits.append(result.total)
        everything += times
        rows.append((kind, times, hits))
    for kind, times, hits in rows:
        statements = []
        for text in by_kind[kind]:  # counted after the timed runs: capturing has a cost
            with CaptureQueriesContext(connection) as captured:
                directory_search(text=text)
            statements.append(len(captured))
        print(
            f"{kind:32} {len(times):4} {statistics.median(times):8.2f} {percentile(times, 0.95):8.2f} "
            f"{max(times):8.2f} {statistics.mean(hits):10.1f} {statistics.mean(statements):10.1f}"
        )
    print(
        f"{'all':32} {len(everything):4} {statistics.median(everything):8.2f} "
        f"{percentile(everything, 0.95):8.2f} {max(everything):8.2f}"
    )
    texts = [
        "Facture 2026-114 — PARIS HABITAT OPH, 21 bis rue Claude Bernard, 75005 Paris. Commande BC 4512",
        "Destinataire : Commune de Chambéry, Place de l'Hôtel de Ville 73000 Chambéry",
        "SIRET client : 344 810 825 00366 — service BC",
    ]
    times = []
    for text in texts * 20:
        started = time.perf_counter()
        directory_suggest(text=text)
        times.append((time.perf_counter() - started) * 1000)
    print(f"{'suggestion (BYD-2), invoice text':32} {len(times):4} {statistics.median(times):8.2f} "
          f"{percentile(times, 0.95):8.2f} {max(times):8.2f}")  # fmt: skip


def measure_export(path: Path) -> None:
    started = time.perf_counter()
    lines = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        for piece in directory_export_lines():
            handle.write(piece)
            lines += piece.count("\r\n")
    elapsed = time.perf_counter() - started
    size = path.stat().st_size / 1e6
    print(f"\nfull CSV export: {lines} lines, {size:.0f} MB in {elapsed:.1f} s")


def measure_import(path: Path) -> None:
    started = time.perf_counter()
    report = directory_import(source=path, full=True)
    print(
        f"re-import of the same file (--full): {time.perf_counter() - started:.1f} s — "
        f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged, "
        f"{report.deactivated} deactivated"
    )
    with transaction.atomic(), connection.cursor() as cursor:  # plain DELETE: no ORM cascade collection
        for model in (DirectoryToken, StructureService, Structure):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608 (table names, no input)
    started = time.perf_counter()
    report = directory_import(source=path, full=True)
    print(
        f"import into an empty directory: {time.perf_counter() - started:.1f} s — "
        f"{report.created} structures, {report.services_created} services created"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--structures", type=int, default=150_000)
    parser.add_argument("--services", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--skip-export", action="store_true", help="do not measure the CSV export")
    parser.add_argument("--skip-import", action="store_true", help="do not measure the imports")
    args = parser.parse_args()
    print(
        f"{connection.vendor} {connection.Database.sqlite_version if connection.vendor == 'sqlite' else ''}"
        f" · Python {platform.python_version()} · {os.cpu_count()} CPUs · {platform.machine()}"
    )
    call_command("migrate", interactive=False, verbosity=0)
    build(args.structures, args.services)
    with connection.cursor() as cursor:  # fresh planner statistics on both databases
        cursor.execute("ANALYZE")
    measure_search(args.queries)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "annuaire.csv"
        if not args.skip_export or not args.skip_import:
            measure_export(path)
        if not args.skip_import:
            measure_import(path)


if __name__ == "__main__":
    main()
