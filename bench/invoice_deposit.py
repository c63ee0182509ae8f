"""Sending invoices at national scale: deposit latency and the follow-up lists (issue 6).

    .venv/bin/python bench/invoice_deposit.py [--invoices 1000000] [--deposits 200] [--queries 40]

Builds (or reuses) a database in DATABASE_URL (PostgreSQL), else in a SQLite file under
OPENCHORUS_DATA_DIR (default var/bench-invoices/): the demo data (Les Délices de Savoie, Pierre,
the demo directory with PARIS HABITAT and its services), then N invoices written in bulk
(multi-row INSERT on SQLite, COPY on PostgreSQL; two lines each, the status history of every sent one) spread over many suppliers
and a few public recipients; Les Délices de Savoie holds a fifth of them, so that Pierre's lists
are the heaviest a supplier has. Then it prints:

- the server time of depositing a structured 20-line invoice through `ingestion.pipeline.deposit
  (submit=True)`, from the bytes to Mise à disposition (UBL and CII alternately, unique numbers);
- p50/p95 of the follow-up selectors of `invoices.selectors` as Pierre: search (several criteria,
  first and later pages), synthèse, dashboard (read from the counters of `invoices.counts`, which
  the bulk rows bypass: a fresh database is archived and recounted once after generation;
  `--recount` does it again on a reused one).

Targets (issue 6): deposit p95 < 100 ms, lists and search p95 < 150 ms, at 1,000,000 invoices.
Figures go to docs/perf.md ("Sending invoices").
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openchorus.config.settings")
os.environ.setdefault("OPENCHORUS_DATA_DIR", str(ROOT / "var" / "bench-invoices"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402

from openchorus import einvoice  # noqa: E402
from openchorus.accounts.models import User  # noqa: E402
from openchorus.demo import DELICES_SIRET, DEMO_PEOPLE, demo_load  # noqa: E402
from openchorus.ingestion.pipeline import deposit  # noqa: E402
from openchorus.invoices import selectors  # noqa: E402
from openchorus.invoices.archiving import invoices_archive  # noqa: E402
from openchorus.invoices.counts import counts_rebuild  # noqa: E402
from openchorus.invoices.documents import document_from_record  # noqa: E402
from openchorus.invoices.models import Invoice, InvoiceLine  # noqa: E402
from openchorus.invoices.services import invoice_draft_save  # noqa: E402
from openchorus.lifecycle.models import InvoiceStatusChange  # noqa: E402
from openchorus.lifecycle.statuses import InvoiceStatus  # noqa: E402
from openchorus.structures.models import BankAccount, Structure, StructureService  # noqa: E402

SUPPLIERS = 2000  # besides Les Délices de Savoie
DELICES_SHARE = 0.2
RECIPIENTS = ("34481082500366", "21730065600014", "22730001900014", "26730002800011", "20007104100046")
# Current statuses of a platform's invoices years after opening (drafts, mostly processed ones).
STATUS_WEIGHTS = (
    (InvoiceStatus.DRAFT, 6), (InvoiceStatus.AVAILABLE, 14), (InvoiceStatus.COMPLETED, 2),
    (InvoiceStatus.TO_RECYCLE, 2), (InvoiceStatus.SUSPENDED, 2), (InvoiceStatus.REJECTED, 6),
    (InvoiceStatus.SERVICE_DONE, 8), (InvoiceStatus.MANDATED, 10), (InvoiceStatus.PAYMENT_ORDERED, 50),
)  # fmt: skip
CHUNK = 5000


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * fraction), len(ordered) - 1)]


def valid_siret(n: int) -> str:
    from stdnum import luhn

    body = f"{n % 10**8:08d}"
    siren = body + luhn.calc_check_digit(body)
    establishment = f"{siren}0001"
    return establishment + luhn.calc_check_digit(establishment)


def bench_suppliers() -> list[int]:
    existing = Structure.objects.filter(legal_name__startswith="Fournisseur banc d'essai ")
    if existing.count() < SUPPLIERS:
        Structure.objects.bulk_create(
            [
                Structure(
                    identifier_type="SIRET",
                    identifier=valid_siret(40_000_000 + n),
                    kind="PRIVEE",
                    legal_name=f"Fournisseur banc d'essai {n}",
                    address_line1=f"{n} avenue des Alpes",
                    postcode="73000",
                    city="Chambéry",
                )
                for n in range(existing.count(), SUPPLIERS)
            ],
            batch_size=1000,
        )
    return list(existing.values_list("pk", flat=True))


def _converters(model) -> tuple[list[str], list]:
    """The columns of `model` and, for each, a converter to what the driver takes in bulk."""
    ops, sqlite = connection.ops, connection.vendor == "sqlite"
    columns, converters = [], []
    for f in model._meta.concrete_fields:
        columns.append(f.column)
        kind = f.get_internal_type()
        if kind == "JSONField":
            converters.append(json.dumps)
        elif sqlite and kind == "DateTimeField":
            converters.append(lambda v: None if v is None else ops.adapt_datetimefield_value(v))
        elif sqlite and kind in ("DateField", "DecimalField"):
            converters.append(lambda v: None if v is None else str(v))
        else:
            converters.append(None)
    return columns, converters


def insert_rows(model, rows: list[dict]) -> None:
    """Plain multi-row INSERT (SQLite) or COPY (PostgreSQL) of rows given by attribute name, with the
    fields' defaults for the rest. `bulk_create` spent 90 % of its time preparing values in Python
    (10,000 rows/s here): too slow for five million rows."""
    fields = model._meta.concrete_fields
    defaults = [f.get_default() for f in fields]
    columns, converters = _converters(model)
    values = []
    for row in rows:
        out = []
        for f, default, convert in zip(fields, defaults, converters, strict=True):
            value = row.get(f.attname, default)
            out.append(convert(value) if convert and value is not None else value)
        values.append(out)
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for out in values:
                    copy.write_row(out)
        else:
            marks = ", ".join("%s" for _ in columns)
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", values)  # noqa: S608


def generate(total: int) -> None:
    """`total` invoices with two lines each and the history of the sent ones, in bulk."""
    present = Invoice.objects.count()
    if present >= total:
        print(f"reusing {present} invoices")
        return
    started = time.perf_counter()
    rng = random.Random(6)
    delices = Structure.objects.get(identifier=DELICES_SIRET)
    pierre = User.objects.get(email=DEMO_PEOPLE[1][0])
    suppliers = bench_suppliers()
    recipients = list(Structure.objects.filter(identifier__in=RECIPIENTS))
    services = {r.pk: list(StructureService.objects.filter(structure=r)) for r in recipients}
    statuses = [s.value for s, w in STATUS_WEIGHTS for _ in range(w)]
    first_day = date(2021, 1, 4)
    span = (date(2026, 11, 20) - first_day).days
    next_ids = {
        model: (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        for model in (Invoice, InvoiceLine, InvoiceStatusChange)
    }
    made = 0
    while present + made < total:
        count = min(CHUNK, total - present - made)
        invoices, lines, changes = [], [], []
        for i in range(count):
            n = present + made + i
            supplier_id = delices.pk if rng.random() < DELICES_SHARE else rng.choice(suppliers)
            recipient = rng.choice(recipients)
            service = rng.choice(services[recipient.pk])
            day = first_day + timedelta(days=rng.randrange(span))
            created = datetime(day.year, day.month, day.day, 8 + n % 10, n % 60, tzinfo=UTC)
            status = rng.choice(statuses)
            excl = Decimal(rng.randrange(5_000, 2_000_000)) / 100
            vat = (excl * Decimal("0.20")).quantize(Decimal("0.01"))
            sent = status != "BROUILLON"
            pk = next_ids[Invoice] + made + i
            invoices.append(
                {
                    "id": pk, "supplier_id": supplier_id, "recipient_id": recipient.pk,
                    "recipient_service_id": service.pk, "recipient_identifier": recipient.identifier,
                    "service_code": service.code, "created_by_id": pierre.pk, "number": f"B{n:08d}",
                    "issue_date": day, "year": day.year, "engagement_number": f"EJ{n % 200_000:08d}",
                    "line_total": excl, "total_excl_vat": excl, "vat_total": vat, "total_incl_vat": excl + vat,
                    "amount_due": excl + vat,
                    "vat_breakdown": [{"category": "S", "rate": "20.00", "taxable": str(excl), "tax": str(vat)}],
                    "status": status, "supplier_status": status,
                    "status_changed_at": created + timedelta(days=rng.randrange(1, 60)) if sent else created,
                    "submitted_at": created if sent else None, "channel": "DEPOT" if n % 3 else "SAISIE",
                    "source_syntax": "UBL" if n % 3 else "", "created_at": created, "updated_at": created,
                    "reading": {},
                }
            )  # fmt: skip
            half = (excl / 2).quantize(Decimal("0.01"))
            for position, amount in ((1, half), (2, excl - half)):
                lines.append(
                    {
                        "id": next_ids[InvoiceLine] + len(lines), "invoice_id": pk, "position": position,
                        "identifier": str(position),
                        "item_name": "Prestation de restauration" if position == 1 else "Livraison",
                        "quantity": Decimal(1), "unit_price": amount, "net_amount": amount, "vat_rate": Decimal(20),
                    }
                )  # fmt: skip
            if sent:
                for source, target in (("BROUILLON", "DEPOSEE"), ("DEPOSEE", "MISE_A_DISPOSITION")):
                    changes.append(
                        {
                            "id": next_ids[InvoiceStatusChange] + len(changes), "invoice_id": pk,
                            "from_status": source, "to_status": target, "actor_label": "plateforme", "at": created,
                        }
                    )  # fmt: skip
        with transaction.atomic():
            insert_rows(Invoice, invoices)
            insert_rows(InvoiceLine, lines)
            insert_rows(InvoiceStatusChange, changes)
        next_ids[InvoiceLine] += len(lines)
        next_ids[InvoiceStatusChange] += len(changes)
        made += count
        if made % 100_000 < CHUNK:
            print(f"  {present + made} invoices ({time.perf_counter() - started:.0f} s)", flush=True)
    if connection.vendor == "postgresql":  # the identity sequences continue after the explicit ids
        with connection.cursor() as cursor:
            for model in (Invoice, InvoiceLine, InvoiceStatusChange):
                table = model._meta.db_table
                sql = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"  # noqa: S608
                cursor.execute(sql)
    print(f"generated {made} invoices (+ lines, history) in {time.perf_counter() - started:.1f} s")
    archive_and_recount()


def archive_and_recount() -> None:
    """What the bulk rows bypassed: the daily archiving, then the dashboard's counters rebuilt."""
    started = time.perf_counter()
    archived = invoices_archive()
    counters = counts_rebuild()
    print(
        f"archived {archived} invoices, rebuilt {counters} counters in {time.perf_counter() - started:.1f} s"
    )


def deposit_files(count: int) -> list[tuple[str, bytes]]:
    """`count` real 20-line invoices of Les Délices de Savoie to PARIS HABITAT's service BC, UBL
    and CII alternately, each with its own number (written from a draft rolled back at once)."""
    delices = Structure.objects.get(identifier=DELICES_SIRET)
    pierre = User.objects.get(email=DEMO_PEOPLE[1][0])
    values = {
        "recipient_identifier": "34481082500366",
        "service_code": "BC",
        "engagement_number": "1300084512",
        "billing_frame": "A1_FACTURE_FOURNISSEUR",
        "number": "BENCH",
        "issue_date": date(2026, 11, 20),
        "due_date": date(2026, 12, 20),
        "type_code": "380",
        "currency": "EUR",
        "payment_terms": "Paiement à 30 jours par virement",
    }
    lines = [
        {"item_name": f"Plateau-repas, menu savoyard no {i + 1}", "quantity": Decimal(3 + i),
         "unit_price": Decimal("12.40") + i, "vat_category": "S", "vat_rate": Decimal("10"), "unit_code": "C62"}
        for i in range(20)
    ]  # fmt: skip
    account = BankAccount.objects.filter(structure=delices).first()
    with transaction.atomic():
        draft = invoice_draft_save(
            actor=pierre, supplier=delices, values=values, lines=lines, bank_account=account
        )
        document = document_from_record(draft)
        transaction.set_rollback(True)
    stamp = int(time.time())
    files = []
    for i in range(count):
        syntax = ("ubl", "cii")[i % 2]
        number = f"DEP-{stamp}-{i:04d}"
        files.append((syntax, einvoice.write(replace(document, number=number), syntax)))
    return files


def measure_deposits(count: int) -> None:
    delices = Structure.objects.get(identifier=DELICES_SIRET)
    pierre = User.objects.get(email=DEMO_PEOPLE[1][0])
    files = deposit_files(count + 10)
    times: dict[str, list[float]] = {"ubl": [], "cii": []}
    for i, (syntax, data) in enumerate(files):
        started = time.perf_counter()
        outcome = deposit(actor=pierre, supplier=delices, data=data, filename=f"f.{syntax}.xml", submit=True)
        elapsed = (time.perf_counter() - started) * 1000
        if not outcome.sent or outcome.invoice.status != InvoiceStatus.AVAILABLE:
            raise SystemExit(
                f"deposit refused: {outcome.refused_at} {[f.as_dict() for f in outcome.findings]}"
            )
        if i >= 10:  # the first ones warm the caches (rule sets, XSD) as a running server has them
            times[syntax].append(elapsed)
    print(f"\ndeposit of a 20-line structured invoice, bytes → Mise à disposition ({count} deposits)")
    print(f"load average after the deposits: {load_average()}")
    print(f"{'syntax':10} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    everything = times["ubl"] + times["cii"]
    for name, values in (("UBL", times["ubl"]), ("CII", times["cii"]), ("both", everything)):
        print(
            f"{name:10} {len(values):4} {statistics.median(values):8.1f} {percentile(values, 0.95):8.1f} "
            f"{max(values):8.1f}"
        )


def measure_lists(count: int) -> None:
    pierre = User.objects.get(email=DEMO_PEOPLE[1][0])
    criteria = selectors.SearchCriteria
    engagement = Invoice.objects.filter(supplier__identifier=DELICES_SIRET).exclude(status="BROUILLON")
    sample = engagement.order_by("-id").values_list("number", "engagement_number").first()
    cases = {
        "search, no criteria, page 1": lambda: selectors.sent_invoices_search(user=pierre),
        "search, no criteria, page 50": lambda: selectors.sent_invoices_search(user=pierre, page=50),
        "search, number": lambda: selectors.sent_invoices_search(
            user=pierre, criteria=criteria(number=sample[0])
        ),
        "search, engagement": lambda: selectors.sent_invoices_search(
            user=pierre, criteria=criteria(engagement_number=sample[1])
        ),
        "search, status Rejetée": lambda: selectors.sent_invoices_search(
            user=pierre, criteria=criteria(status=InvoiceStatus.REJECTED)
        ),
        "search, recipient SIRET": lambda: selectors.sent_invoices_search(
            user=pierre, criteria=criteria(recipient="3448108250")
        ),
        "search, recipient name words": lambda: selectors.sent_invoices_search(
            user=pierre, criteria=criteria(recipient="paris habitat")
        ),
        "search, service code BC": lambda: selectors.sent_invoices_search(
            user=pierre, criteria=criteria(service_code="BC")
        ),
        "search, issue dates (one month)": lambda: selectors.sent_invoices_search(
            user=pierre, criteria=criteria(issue_date_from=date(2025, 3, 1), issue_date_to=date(2025, 3, 31))
        ),
        "search, amount range": lambda: selectors.sent_invoices_search(
            user=pierre, criteria=criteria(amount_min=Decimal("1000"), amount_max=Decimal("1010"))
        ),
        "search, status + service + dates": lambda: selectors.sent_invoices_search(
            user=pierre,
            criteria=criteria(
                status=InvoiceStatus.MANDATED, service_code="BC", issue_date_from=date(2026, 1, 1)
            ),
        ),
        "synthèse": lambda: selectors.sent_invoices_synthesis(user=pierre),
        "dashboard": lambda: selectors.sent_invoices_dashboard(user=pierre),
        # The GROUP BY over the invoices the dashboard ran before its counters, side by side.
        "dashboard, former GROUP BY": lambda: list(
            selectors._current(pierre)
            .order_by()
            .values_list(
                "supplier_id", "supplier_service_id", "billing_frame", "created_by_id", "supplier_status"
            )
            .annotate(n=Count("id"))
        ),
    }
    scope = selectors._current(pierre).count()
    print(
        f"\nfollow-up as Pierre ({scope} current invoices in his scope), {count} calls each after 3 warm-ups"
    )
    print(f"{'list':34} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for name, call in cases.items():
        for _ in range(3):
            call()
        times = []
        for _ in range(count):
            started = time.perf_counter()
            result = call()
            if hasattr(result, "items"):
                list(result.items)
            times.append((time.perf_counter() - started) * 1000)
        print(f"{name:34} {statistics.median(times):8.1f} {percentile(times, 0.95):8.1f} {max(times):8.1f}")
    print(f"load average after the lists: {load_average()}")


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--deposits", type=int, default=200)
    parser.add_argument("--queries", type=int, default=40, help="calls of each list")
    parser.add_argument("--skip-deposits", action="store_true")
    parser.add_argument("--skip-lists", action="store_true")
    parser.add_argument(
        "--recount",
        action="store_true",
        help="on a reused database: run the archiving and rebuild the counters first (the migration did once)",
    )
    args = parser.parse_args()
    version = connection.Database.sqlite_version if connection.vendor == "sqlite" else ""
    print(
        f"{connection.vendor} {version} · Python {platform.python_version()} · {os.cpu_count()} CPUs · "
        f"{platform.machine()}"
    )
    call_command("migrate", interactive=False, verbosity=0)
    demo_load()
    generate(args.invoices)
    if args.recount:
        archive_and_recount()
    with connection.cursor() as cursor:  # fresh planner statistics on both databases
        cursor.execute("ANALYZE")
    print(f"{Invoice.objects.count()} invoices in the database")
    if not args.skip_deposits:
        measure_deposits(args.deposits)
    if not args.skip_lists:
        measure_lists(args.queries)


if __name__ == "__main__":
    main()
