"""The English catalogue is complete and its compiled .mo matches the .po (ACC-6: English UI)."""

from __future__ import annotations

import gettext
import shutil
import subprocess
from pathlib import Path

import openchorus
from tests.conftest import require

CATALOGUE = Path(openchorus.__file__).parent / "locale" / "en" / "LC_MESSAGES"


def test_english_catalogue_complete_and_compiled(tmp_path):
    require(shutil.which("msgfmt") is not None, "gettext's msgfmt is not installed")
    fresh = tmp_path / "django.mo"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(fresh), str(CATALOGUE / "django.po")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr
    with fresh.open("rb") as f1, (CATALOGUE / "django.mo").open("rb") as f2:
        assert gettext.GNUTranslations(f1)._catalog == gettext.GNUTranslations(f2)._catalog, (
            "django.mo is stale: run `make messages`"
        )
