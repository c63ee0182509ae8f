"""The `openchorus` command: `serve`, `demo`, the e-invoice tools, and every Django command.

openchorus serve [--host 127.0.0.1] [--port 8000] [--demo]   (web server, task worker, scheduler)
openchorus demo
openchorus validate FILE… | extract FILE | convert FILE --to …
openchorus <any Django management command>
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import subprocess
import sys
import time

SETTINGS = "openchorus.config.settings"

# Commands of the e-invoice library: they need no database and no Django.
EINVOICE_COMMANDS = {
    "validate": "openchorus.einvoice.commands.validate",
    "extract": "openchorus.einvoice.commands.extract",
    "convert": "openchorus.einvoice.commands.convert",
}


def _django(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["openchorus", *argv])


def serve(argv: list[str]) -> int:
    """Migrate, optionally load the demo data, then run the web server, a task worker and the
    scheduler of periodic tasks."""
    parser = argparse.ArgumentParser(prog="openchorus serve", description=serve.__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=2, help="web worker processes")
    parser.add_argument("--demo", action="store_true", help="load the demo data (idempotent)")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    os.environ.setdefault("OPENCHORUS_BASE_URL", f"http://{args.host}:{args.port}")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    if args.demo:
        call_command("demo")

    python = sys.executable
    web = subprocess.Popen(
        [
            python, "-m", "gunicorn", "openchorus.config.wsgi",
            "--bind", f"{args.host}:{args.port}",
            "--workers", str(args.workers), "--threads", "8",
            "--access-logfile", "-",
        ]
    )  # fmt: skip
    worker = subprocess.Popen([python, "-m", "openchorus.cli", "db_worker"])
    scheduler = subprocess.Popen([python, "-m", "openchorus.cli", "scheduler"])
    processes = (web, worker, scheduler)
    print(f"\nOpenChorus is running on http://{args.host}:{args.port}/  (Ctrl+C to stop)\n", flush=True)

    def stop(*_):
        for process in processes:
            if process.poll() is None:
                process.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
    finally:
        stop()
        for process in processes:
            process.wait(timeout=20)
    return web.returncode or 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help"}:
        print(__doc__)
        return 0
    command, rest = argv[0], argv[1:]
    if command == "serve":
        return serve(rest)
    if command in EINVOICE_COMMANDS:
        return int(importlib.import_module(EINVOICE_COMMANDS[command]).run(rest))
    _django(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
