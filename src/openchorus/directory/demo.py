"""Demo directory: the seed examples (SPEC DIR-2) and a few dozen realistic public structures.

The data is the shipped file `data/demo-annuaire.csv`, in the directory's own CSV format, loaded by
the ordinary import: loading it twice changes nothing. SIRETs are valid for INSEE's check; those
not taken from the seeds are illustrative.
"""

from __future__ import annotations

from pathlib import Path

from openchorus.directory.services import ImportReport, directory_import

DEMO_FILE = Path(__file__).resolve().parent / "data" / "demo-annuaire.csv"


def directory_demo_load() -> ImportReport:
    """Create or refresh the demo public structures and their services (idempotent)."""
    return directory_import(source=DEMO_FILE, full=False)
