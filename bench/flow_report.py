"""The compte-rendu of a large EDI flow (RAC-3): the PDF and the JSON of a 10,000-invoice flow.

    .venv/bin/python bench/flow_report.py [--items 10000] [--rejected 0.1]

Builds, in a fresh SQLite database under a temporary OPENCHORUS_DATA_DIR, one processed flow of
N items (a share rejected, each with one finding; the others integrated), then times
`flows.reports.flow_report_pdf` (rejected invoices in full, integrated ones compactly) and the
streamed JSON (`flow_report_json_chunks`), with the peak memory of this process.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openchorus.config.settings")
os.environ.setdefault("OPENCHORUS_DATA_DIR", tempfile.mkdtemp(prefix="openchorus-bench-"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--rejected", type=float, default=0.1)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from tests.flows.factories import flow_with_items
    from tests.structures.factories import StructureFactory

    from openchorus.flows.reports import flow_report_json_chunks, flow_report_pdf

    rejected = round(args.items * args.rejected)
    flow = flow_with_items(StructureFactory(), integrated=args.items - rejected, rejected=rejected)
    for lang in ("fr", "en"):
        start, cpu = time.perf_counter(), time.process_time()
        pdf = flow_report_pdf(flow, lang=lang)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        print(
            f"PDF ({lang}): {args.items} items, {rejected} rejected: {elapsed:.2f} s "
            f"({cpu:.2f} s CPU), {len(pdf) / 1e6:.2f} MB"
        )
    start = time.perf_counter()
    size = sum(len(chunk.encode()) for chunk in flow_report_json_chunks(flow))
    print(f"JSON (streamed): {time.perf_counter() - start:.2f} s, {size / 1e6:.2f} MB")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
