"""The API under load (issue 8): 20 concurrent clients against gunicorn + PostgreSQL.

    DATABASE_URL=postgres://postgres@/bench?host=/tmp/pg-h6&port=55461 \\
        .venv/bin/python bench/api_load.py [--clients 20] [--duration 30] [--workers nproc] [--threads 8]

Prepares the database of DATABASE_URL (PostgreSQL; the 1,000,000-invoice database that
bench/invoice_deposit.py builds is the intended one, `--invoices N` builds it when it holds fewer):
migrates, loads the demo data, creates a technical account of Les Délices de Savoie
(`connections.services.technical_account_create`), then starts gunicorn with the production
settings (`openchorus.config.wsgi`, DEBUG off, gthread workers as docs/operations.md runs them, no
access log) and drives it with N clients for a fixed duration per operation:

- `factures/v1/consulter/fournisseur` on existing sent invoices of Les Délices de Savoie (random
  ids drawn from its ~200,000);
- `factures/v1/soumettre` creating new invoices (SAISIE_API, unique numbers, 3 lines, to PARIS
  HABITAT's service BC with an engagement number), then routed to Mise à disposition (their
  Factur-X PDFs are rendered afterwards by task workers, which this benchmark does not run: the
  tasks stay queued in the database);
- `factures/v1/rechercher/fournisseur` (no criteria page 1, an invoice number, a status, a month of
  issue dates, in turn).

The clients are threads of this one process, each with its own keep-alive connection
(`http.client`, lighter than requests), each taking its token once from `/api/oauth/token` and
sending `Authorization: Bearer …` and `cpro-account` on every call. The client shares the machine's
cores with the server: the CPU it used is printed beside the server's (gunicorn processes) and the
whole machine's (from /proc/stat), with the load average.

Targets (issue 8): p95 < 100 ms, and ≥ 300 requests/s for consulter, on a 2-core machine.
Figures go to docs/perf.md ("API (mode service)").
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openchorus.config.settings")
os.environ.setdefault("OPENCHORUS_DATA_DIR", str(ROOT / "var" / "bench-api"))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@/bench?host=/tmp/pg-h6&port=55461")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402

from openchorus.connections.services import technical_account_create  # noqa: E402
from openchorus.demo import DELICES_SIRET, demo_load  # noqa: E402
from openchorus.invoices.models import Invoice  # noqa: E402
from openchorus.structures.enums import Status  # noqa: E402
from openchorus.structures.models import BankAccount, Structure  # noqa: E402

PARIS_HABITAT = "34481082500366"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * fraction), len(ordered) - 1)] if ordered else float("nan")


# --- machine --------------------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def machine_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs since boot."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def process_tree_seconds(pid: int) -> float:
    """CPU seconds (user + system) of a process and its live children (gunicorn's workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            stat = Path(f"/proc/{p}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def postgres_seconds(database: str) -> dict[int, float]:
    """CPU seconds of each local PostgreSQL backend connected to `database` (the gunicorn workers'
    connections, kept open by conn_max_age; other databases' backends are left out)."""
    tick = os.sysconf("SC_CLK_TCK")
    seconds = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() != "postgres":
                continue
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").split()
            if len(title) < 3 or title[0] != "postgres:" or title[2] != database:
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    return seconds


def postgres_delta(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(value - before.get(pid, 0.0) for pid, value in after.items())


# --- preparation --------------------------------------------------------------------------------


def prepare(invoices: int, sample: int) -> dict:
    call_command("migrate", interactive=False, verbosity=0)
    demo_load()
    present = Invoice.objects.count()
    if present < invoices:
        sys.path.insert(0, str(ROOT / "bench"))
        import invoice_deposit  # the bulk generator of the deposit benchmark

        invoice_deposit.generate(invoices)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    delices = Structure.objects.get(identifier=DELICES_SIRET)
    login = f"bench-api-{int(time.time())}"
    credentials = technical_account_create(
        actor=None, structure=delices, login=login, label="bench/api_load.py"
    )
    bank = BankAccount.objects.filter(structure=delices, status=Status.ACTIVE).order_by("pk").first()
    sent = Invoice.objects.filter(supplier=delices).exclude(status="BROUILLON")
    low, high = (
        sent.order_by("pk").values_list("pk", flat=True)[:1][0],
        sent.order_by("-pk").values_list("pk", flat=True)[:1][0],
    )
    rng = random.Random(8)
    ids = list(
        sent.filter(pk__in=[rng.randint(low, high) for _ in range(sample * 6)]).values_list("pk", flat=True)
    )
    ids = ids[:sample]
    numbers = list(sent.filter(pk__in=ids[:50]).values_list("number", flat=True))
    info = {
        "invoices": Invoice.objects.count(),
        "delices_sent": sent.count(),
        "client_id": credentials.client_id,
        "client_secret": credentials.client_secret,
        "login": credentials.login,
        "password": credentials.password,
        "supplier_id": delices.pk,
        "bank_account_id": bank.pk if bank else None,
        "ids": ids,
        "numbers": numbers,
        "server_version": connection.cursor().connection.info.server_version
        if connection.vendor == "postgresql"
        else "",
    }
    connections.close_all()
    return info


# --- server ---------------------------------------------------------------------------------------


def start_server(port: int, workers: int, threads: int) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "gunicorn", "openchorus.config.wsgi",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
        "--backlog", "2048", "--log-level", "warning",
    ]  # fmt: skip
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    server = subprocess.Popen(command, env=env, cwd=str(ROOT))  # noqa: S603 (our own command line)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/cpro/transverses/v1/health-check")
            if conn.getresponse().status == 200:
                conn.close()
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


# --- clients --------------------------------------------------------------------------------------


class Client:
    """One API client: its own keep-alive connection, its own token."""

    def __init__(self, port: int, info: dict):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        form = urllib.parse.urlencode(
            {
                "grant_type": "client_credentials",
                "client_id": info["client_id"],
                "client_secret": info["client_secret"],
                "scope": "openid",
            }
        )
        status, body = self.post(
            "/api/oauth/token", form.encode(), {"Content-Type": "application/x-www-form-urlencoded"}
        )
        if status != 200:
            raise SystemExit(f"token refused: {status} {body[:300]!r}")
        token = json.loads(body)["access_token"]
        account = base64.b64encode(f"{info['login']}:{info['password']}".encode()).decode()
        self.headers = {
            "Authorization": f"Bearer {token}",
            "cpro-account": account,
            "Content-Type": "application/json;charset=utf-8",
        }

    def post(self, path: str, body: bytes, headers: dict) -> tuple[int, bytes]:
        for attempt in (1, 2):
            try:
                self.conn.request("POST", path, body, headers)
                response = self.conn.getresponse()
                return response.status, response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # the server closed an idle keep-alive connection: open a new one once
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt == 2:
                    raise
        raise AssertionError

    def call(self, operation: str, body: dict) -> tuple[int, bytes]:
        return self.post(f"/cpro/{operation}", json.dumps(body).encode(), self.headers)


def soumettre_body(info: dict, number: str) -> dict:
    lines = [
        {"lignePosteNumero": i, "lignePosteDenomination": f"Plateau-repas savoyard no {i}",
         "lignePosteQuantite": 2 + i, "lignePosteUnite": "C62", "lignePosteMontantUnitaireHT": "12.40",
         "lignePosteTauxTva": "TVA2"}
        for i in (1, 2, 3)
    ]  # fmt: skip
    return {
        "modeDepot": "SAISIE_API",
        "numeroFactureSaisi": number,
        "dateFacture": "2026-11-20",
        "destinataire": {"codeDestinataire": PARIS_HABITAT, "codeServiceExecutant": "BC"},
        "fournisseur": {"idFournisseur": info["supplier_id"], "codeCoordonneesBancairesFournisseur": info["bank_account_id"]},
        "cadreDeFacturation": {"codeCadreFacturation": "A1_FACTURE_FOURNISSEUR"},
        "references": {"deviseFacture": "EUR", "typeFacture": "FACTURE", "typeTva": "TVA_SUR_DEBIT",
                       "numeroBonCommande": "1300084512", "modePaiement": "VIREMENT"},
        "lignePoste": lines,
    }  # fmt: skip


def rechercher_bodies(info: dict) -> list[dict]:
    paging = {"nbResultatsParPage": 20, "pageResultatDemandee": 1}
    return [
        {"rechercheFactureParFournisseur": paging},
        {"numeroFacture": info["numbers"][0], "rechercheFactureParFournisseur": paging},
        {"statutCourant": ["REJETEE"], "rechercheFactureParFournisseur": paging},
        {"periodeDateFactureDu": "2025-03-01", "periodeDateFactureAu": "2025-03-31",
         "rechercheFactureParFournisseur": paging},
    ]  # fmt: skip


def run_phase(clients: list[Client], name: str, make_body, duration: float, server_pid: int) -> dict:
    """Every client calls `name` back to back for `duration` seconds."""
    stop_at = time.perf_counter() + duration
    results: list[list[tuple[float, int, bool]]] = [[] for _ in clients]
    failures: list[str] = []

    def work(index: int) -> None:
        client, out, n = clients[index], results[index], 0
        while time.perf_counter() < stop_at:
            body = make_body(index, n)
            n += 1
            started = time.perf_counter()
            try:
                status, answer = client.call(name, body)
            except OSError as error:
                out.append(((time.perf_counter() - started) * 1000, 0, False))
                failures.append(repr(error))
                continue
            elapsed = (time.perf_counter() - started) * 1000
            ok = status == 200  # refusals and credential failures are 4xx, server faults 5xx
            if not ok and len(failures) < 5:
                failures.append(f"{status} {answer[:300]!r}")
            out.append((elapsed, status, ok))

    load_before = load_average()
    busy0, total0 = machine_ticks()
    server0 = process_tree_seconds(server_pid)
    database = connection.settings_dict["NAME"]
    postgres0 = postgres_seconds(database)
    client0 = time.process_time()
    started = time.perf_counter()
    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    client_cpu = time.process_time() - client0
    server_cpu = process_tree_seconds(server_pid) - server0
    postgres_cpu = postgres_delta(postgres0, postgres_seconds(database))
    busy1, total1 = machine_ticks()
    flat = [r for rows in results for r in rows]
    times = [r[0] for r in flat]
    cores = os.cpu_count() or 1
    return {
        "operation": name,
        "requests": len(flat),
        "errors": sum(1 for r in flat if not r[2]),
        "rps": len(flat) / wall,
        "p50": statistics.median(times) if times else float("nan"),
        "p95": percentile(times, 0.95),
        "p99": percentile(times, 0.99),
        "max": max(times) if times else float("nan"),
        "wall": wall,
        "machine_busy": 100 * (busy1 - busy0) / max(total1 - total0, 1),  # % of all cores
        "client_cpu": 100 * client_cpu / wall / cores,
        "postgres_cpu": 100 * postgres_cpu / wall / cores,
        # CPU time per request, which the machine's other load changes much less than latency
        "server_ms": 1000 * server_cpu / max(len(flat), 1),
        "postgres_ms": 1000 * postgres_cpu / max(len(flat), 1),
        "client_ms": 1000 * client_cpu / max(len(flat), 1),
        "server_cpu": 100 * server_cpu / wall / cores,
        "load_before": load_before,
        "load_after": load_average(),
        "failures": failures[:5],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=30, help="seconds per operation")
    parser.add_argument("--warmup", type=float, default=5, help="seconds of consulter first, not counted")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 2, help="gunicorn worker processes (one per core)"
    )
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker")
    parser.add_argument("--port", type=int, default=8731)
    parser.add_argument("--invoices", type=int, default=1_000_000, help="build up to this many if fewer")
    parser.add_argument("--operations", default="consulter,soumettre,rechercher")
    parser.add_argument("--keep-running", action="store_true", help="leave gunicorn running (profiling)")
    args = parser.parse_args()

    if connection.vendor != "postgresql":
        print("note: DATABASE_URL is not PostgreSQL; the issue's figures are for PostgreSQL", file=sys.stderr)
    info = prepare(args.invoices, sample=5000)
    cores = os.cpu_count()
    print(
        f"{cpu_model()} · {cores} CPUs · Python {platform.python_version()} · {connection.vendor} "
        f"{info['server_version']} · {info['invoices']} invoices ({info['delices_sent']} sent by Les Délices de Savoie)"
    )
    print(
        f"gunicorn {args.workers} workers × {args.threads} threads (gthread) · {args.clients} clients "
        f"(threads of one process, keep-alive) · {args.duration:.0f} s per operation · load {load_average()}"
    )
    server = start_server(args.port, args.workers, args.threads)
    try:
        clients = [Client(args.port, info) for _ in range(args.clients)]
        ids, stamp = info["ids"], int(time.time())
        rng = random.Random(1)
        searches = rechercher_bodies(info)
        bodies = {
            "consulter": ("factures/v1/consulter/fournisseur",
                          lambda i, n: {"identifiantFactureCPP": rng.choice(ids)}),
            "soumettre": ("factures/v1/soumettre",
                          lambda i, n: soumettre_body(info, f"API-{stamp}-{i:02d}-{n:05d}")),
            "rechercher": ("factures/v1/rechercher/fournisseur",
                           lambda i, n: searches[(i + n) % len(searches)]),
        }  # fmt: skip
        if args.warmup:
            run_phase(clients, bodies["consulter"][0], bodies["consulter"][1], args.warmup, server.pid)
        rows = []
        for key in args.operations.split(","):
            path, make = bodies[key.strip()]
            rows.append(run_phase(clients, path, make, args.duration, server.pid))
            row = rows[-1]
            for failure in row["failures"]:
                print(f"  {key}: {failure}", file=sys.stderr)
        print(
            f"\n{'operation':36} {'req':>6} {'err':>4} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
            f"{'p99 ms':>7} {'max ms':>7}"
        )
        for r in rows:
            print(
                f"{r['operation']:36} {r['requests']:6} {r['errors']:4} {r['rps']:7.1f} {r['p50']:7.1f} "
                f"{r['p95']:7.1f} {r['p99']:7.1f} {r['max']:7.0f}"
            )
        print(
            f"\n{'operation':36} {'machine':>8} {'gunicorn':>9} {'postgres':>9} {'client':>7}   CPU ms per request:"
            f" gunicorn postgres client   load average before → after"
        )
        for r in rows:
            print(
                f"{r['operation']:36} {r['machine_busy']:7.0f}% {r['server_cpu']:8.0f}% {r['postgres_cpu']:8.0f}% "
                f"{r['client_cpu']:6.0f}%   {r['server_ms']:29.1f} {r['postgres_ms']:8.1f} {r['client_ms']:6.1f}"
                f"   {r['load_before']} → {r['load_after']}"
            )
        print("(CPU as a share of all cores over the phase; machine = every process, others' included)")
        if args.keep_running:
            print(f"gunicorn left running: pid {server.pid}, port {args.port}", flush=True)
            server = None
    finally:
        for client in locals().get("clients", []):
            client.conn.close()  # idle keep-alive connections would hold gunicorn's graceful stop
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
