"""EDI flows at national volume (issue 9): a large UBL flow integrated end to end by task workers.

    .venv/bin/python bench/flow_integrate.py [--invoices 10000] [--workers 1 2] [--chunk 250]

Uses the database in DATABASE_URL (PostgreSQL), else a SQLite file under OPENCHORUS_DATA_DIR
(default var/bench-flows/). Loads the demo data once and a technical account of Les Délices de
Savoie, generates a valid UBL flow (`flows.generate`, 1–5 lines per invoice, to the demo's public
clients), receives it as the API does (`flows.services.flow_receive`), then starts N real
`openchorus db_worker` processes and measures, from reception to the flow's final status (every
invoice Mise à disposition):

- invoices per second;
- the peak resident memory (VmHWM) of each worker;
- the CPU time per invoice of the workers, and of the PostgreSQL server's processes (all of them,
  so run it on a server nobody else uses meanwhile): a measure that other load on the machine
  changes much less than the rate;
- the time the workers then need for the notification tasks the flow queued (feed events).

Target (issue 9): ≥ 150 invoices/s with PostgreSQL and 2 workers, each worker under 300 MB.
Figures go to docs/perf.md ("EDI flows").
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openchorus.config.settings")
os.environ.setdefault("OPENCHORUS_DATA_DIR", str(ROOT / "var" / "bench-flows"))
os.environ.setdefault("OPENCHORUS_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from openchorus.connections.models import TechnicalAccount  # noqa: E402
from openchorus.connections.services import technical_account_create  # noqa: E402
from openchorus.demo import DELICES_SIRET  # noqa: E402
from openchorus.flows import services  # noqa: E402
from openchorus.flows.enums import FINAL_STATUSES, FlowChannel, FlowSyntax  # noqa: E402
from openchorus.flows.generate import flow_generate, flow_recipients, flow_supplier  # noqa: E402
from openchorus.flows.models import Flow  # noqa: E402
from openchorus.structures.access import TechnicalActor  # noqa: E402
from openchorus.structures.models import Structure  # noqa: E402

LOGIN = "bench-edi"


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def peak_memory_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and of its children it has waited for."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds() -> float:
    """The CPU time of every `postgres` process (a backend that ended counts in its parent's)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if stat.read_text().split(" (", 1)[1].startswith("postgres)"):
                total += cpu_seconds(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return total


def pending_tasks() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status IN ('READY', 'RUNNING')"
        )
        return cursor.fetchone()[0]


def prepare() -> TechnicalActor:
    call_command("migrate", verbosity=0)
    if not Structure.objects.filter(identifier=DELICES_SIRET).exists():
        call_command("demo", verbosity=0)
    supplier = Structure.objects.get(identifier=DELICES_SIRET)
    account = TechnicalAccount.objects.filter(login=LOGIN).first()
    if account is None:
        technical_account_create(actor=None, structure=supplier, login=LOGIN)
        account = TechnicalAccount.objects.get(login=LOGIN)
    return TechnicalActor(account_id=account.pk, login=account.login, structure_id=supplier.pk)


def run(actor: TechnicalActor, *, invoices: int, workers: int) -> dict:
    seed = int(time.time())
    generated = flow_generate(
        invoices=invoices,
        syntax=FlowSyntax.E1_UBL,
        supplier=flow_supplier(siret=DELICES_SIRET),
        recipients=flow_recipients(),
        seed=seed,
        prefix=f"B{workers}",
    )
    print(
        f"  generated {invoices} invoices ({len(generated.data) / 1e6:.1f} MB tar.gz) in {generated.seconds:.1f} s"
    )
    supplier = Structure.objects.get(pk=actor.structure_id)
    started = time.monotonic()
    flow = services.flow_receive(
        actor=actor, structure=supplier, data=generated.data, filename=generated.filename,
        syntax=FlowSyntax.E1_UBL, channel=FlowChannel.API,
    )  # fmt: skip
    received = time.monotonic() - started
    env = {**os.environ}
    database_cpu = postgres_cpu_seconds() if connection.vendor == "postgresql" else 0.0
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "openchorus.cli", "db_worker", "--interval", "0.2"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    try:
        while True:
            flow.refresh_from_db()
            if flow.status in FINAL_STATUSES:
                break
            time.sleep(0.5)
        integrated = time.monotonic() - started
        workers_cpu = sum(cpu_seconds(p.pid) for p in processes)
        if connection.vendor == "postgresql":
            database_cpu = postgres_cpu_seconds() - database_cpu
        while pending_tasks():
            time.sleep(0.5)
        drained = time.monotonic() - started
        memory = [peak_memory_mb(p.pid) for p in processes]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
    assert flow.integrated_count == invoices, (flow.status, flow.integrated_count, flow.rejected_count)
    return {
        "workers": workers,
        "reception_s": received,
        "integrated_s": integrated,
        "rate": invoices / integrated,
        "drained_s": drained,
        "memory_mb": memory,
        "cpu_ms": workers_cpu / invoices * 1000,
        "database_cpu_ms": database_cpu / invoices * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--invoices", type=int, default=10_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--chunk", type=int, default=None, help="OPENCHORUS_FLOW_CHUNK_SIZE for the workers")
    args = parser.parse_args()
    if args.chunk:
        os.environ["OPENCHORUS_FLOW_CHUNK_SIZE"] = str(args.chunk)
        from django.conf import settings

        settings.OPENCHORUS_FLOW_CHUNK_SIZE = args.chunk
    actor = prepare()
    print(
        f"{connection.vendor} · {cpu_model()} · {os.cpu_count()} cores · load {os.getloadavg()[0]:.2f} · "
        f"{Flow.objects.count()} flows already"
    )
    for workers in args.workers:
        result = run(actor, invoices=args.invoices, workers=workers)
        print(
            f"workers={result['workers']}: received in {result['reception_s']:.2f} s, integrated in "
            f"{result['integrated_s']:.1f} s = {result['rate']:.1f} invoices/s; notification tasks drained at "
            f"{result['drained_s']:.1f} s; peak memory per worker "
            + ", ".join(f"{m:.0f} MB" for m in result["memory_mb"])
            + f"; CPU per invoice: workers {result['cpu_ms']:.1f} ms"
            + (
                f", PostgreSQL {result['database_cpu_ms']:.1f} ms"
                if connection.vendor == "postgresql"
                else ""
            )
            + f" · load {os.getloadavg()[0]:.2f}"
        )


if __name__ == "__main__":
    main()
