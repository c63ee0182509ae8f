"""Server-side time of the portal's account pages (Django test client, SQLite, no network).

Run: .venv/bin/python bench/portal_pages.py [--requests 200]
Prints the median and p95 milliseconds per page; the figures go in docs/perf.md.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openchorus.config.settings")
os.environ.setdefault("OPENCHORUS_DATA_DIR", tempfile.mkdtemp(prefix="openchorus-bench-"))


def measure(
    client, path: str, count: int, method: str = "get", data: dict | None = None
) -> tuple[float, float]:
    timings = []
    for _ in range(count):
        start = time.perf_counter()
        response = getattr(client, method)(path, data or {})
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code in (200, 302), (path, response.status_code)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    os.environ.setdefault("OPENCHORUS_DEMO_PASSWORD", "Bench-Password-2026!")
    call_command("demo", verbosity=0, stdout=io.StringIO())

    anonymous = Client()
    signed_in = Client()
    signed_in.post(
        "/connexion/",
        {
            "login-email": "manuela.martin@delices-de-savoie.fr",
            "login-password": os.environ["OPENCHORUS_DEMO_PASSWORD"],
        },
    )
    pierre = Client()
    pierre.post(
        "/connexion/",
        {
            "login-email": "pierre.dubois@delices-de-savoie.fr",
            "login-password": os.environ["OPENCHORUS_DEMO_PASSWORD"],
        },
    )
    from openchorus.structures.models import Structure

    delices = Structure.objects.get(identifier="73150001300016").pk
    rows = [
        ("GET / (public home)", measure(anonymous, "/", args.requests)),
        ("GET /aide/", measure(anonymous, "/aide/", args.requests)),
        ("GET /accueil/ (connected home)", measure(signed_in, "/accueil/", args.requests)),
        ("GET /mon-compte/", measure(signed_in, "/mon-compte/", args.requests)),
        (
            "GET /activites-gestionnaire/ (manager)",
            measure(pierre, "/activites-gestionnaire/", args.requests),
        ),
        ("GET /structures/<id>/ (manager)", measure(pierre, f"/structures/{delices}/", args.requests)),
        ("GET /approbations/ (manager)", measure(pierre, "/approbations/", args.requests)),
    ]
    print(f"portal pages, {args.requests} requests each, Python {sys.version.split()[0]}, SQLite")
    for name, (median, p95) in rows:
        print(f"  {name:42} median {median:6.2f} ms   p95 {p95:6.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
