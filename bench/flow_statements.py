"""SQL statements and CPU time per invoice of an EDI flow's integration, one transaction per invoice
against one per batch (OPENCHORUS_FLOW_BATCH_SIZE, `ingestion.bulk`), side by side in one process:

    .venv/bin/python bench/flow_statements.py [--invoices 500] [--batch 1 100]

Same database as bench/flow_integrate.py (DATABASE_URL, else a SQLite file under
OPENCHORUS_DATA_DIR) and the same data (the demo, Les Délices de Savoie's technical account). The
flow's tasks run inline (the immediate task backend): each chunk is processed in this process under
an execute wrapper that counts statements by kind, so the figures count every statement of the
integration, chunk tasks included, and the process CPU time spent (robust to other load on the machine, unlike a
wall-clock rate). Figures go to docs/perf.md ("EDI flows").
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
os.environ["OPENCHORUS_TASK_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from flow_integrate import DELICES_SIRET, prepare  # noqa: E402
from openchorus.flows import services  # noqa: E402
from openchorus.flows.enums import FlowChannel, FlowSyntax  # noqa: E402
from openchorus.flows.generate import flow_generate, flow_recipients, flow_supplier  # noqa: E402
from openchorus.structures.models import Structure  # noqa: E402


def run(actor, *, invoices: int, batch: int, quiet: bool = False) -> None:
    settings.OPENCHORUS_FLOW_BATCH_SIZE = batch
    generated = flow_generate(
        invoices=invoices,
        syntax=FlowSyntax.E1_UBL,
        supplier=flow_supplier(siret=DELICES_SIRET),
        recipients=flow_recipients(),
        seed=int(time.time()),
        prefix=f"Q{batch}-{int(time.time()) % 100000}",
    )
    supplier = Structure.objects.get(pk=actor.structure_id)
    kinds: Counter[str] = Counter()

    def counted(execute, sql, params, many, context):
        kinds[sql.split(None, 1)[0].upper()] += 1
        return execute(sql, params, many, context)

    cpu = time.process_time()
    with connection.execute_wrapper(counted):
        flow = services.flow_receive(
            actor=actor, structure=supplier, data=generated.data, filename=generated.filename,
            syntax=FlowSyntax.E1_UBL, channel=FlowChannel.API,
        )  # fmt: skip
    cpu = time.process_time() - cpu
    flow.refresh_from_db()
    assert flow.integrated_count == invoices, (flow.status, flow.integrated_count, flow.rejected_count)
    total = sum(kinds.values())
    if quiet:
        return
    print(
        f"batch={batch}: {total} statements for {invoices} invoices = "
        f"{total / invoices:.1f} per invoice ({', '.join(f'{k} {v}' for k, v in kinds.most_common())}); "
        f"CPU {cpu / invoices * 1000:.1f} ms per invoice (this process, the database's own work apart)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--invoices", type=int, default=500)
    parser.add_argument("--batch", type=int, nargs="+", default=[1, 100])
    args = parser.parse_args()
    actor = prepare()
    print(f"{connection.vendor} · load {os.getloadavg()[0]:.2f}")
    run(actor, invoices=20, batch=args.batch[0], quiet=True)  # imports and first compilations
    for batch in args.batch:
        run(actor, invoices=args.invoices, batch=batch)


if __name__ == "__main__":
    main()
