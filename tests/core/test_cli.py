"""The `openchorus` command-line contract (serve, demo, Django's commands)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command

from openchorus.accounts.models import User
from openchorus.cli import main


def test_cli_help_lists_the_commands(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for word in ("serve", "demo", "validate", "extract", "convert"):
        assert word in out


@pytest.mark.django_db
def test_demo_command_is_idempotent_and_uses_the_demo_password(monkeypatch, capsys):
    monkeypatch.setenv("OPENCHORUS_DEMO_PASSWORD", "Demo-Password-2026!")
    call_command("demo")
    call_command("demo")
    out = capsys.readouterr().out
    assert "Demo-Password-2026!" in out
    assert "manuela.martin@delices-de-savoie.fr" in out and "pierre.dubois@delices-de-savoie.fr" in out
    manuela = User.objects.get(email="manuela.martin@delices-de-savoie.fr")
    assert manuela.is_active and manuela.check_password("Demo-Password-2026!")
    assert User.objects.filter(email__startswith="manuela.martin").count() == 1
    assert User.objects.filter(is_staff=True).count() == 1


@pytest.mark.django_db
def test_demo_password_generated_once_and_kept(monkeypatch, settings, tmp_path, capsys):
    monkeypatch.delenv("OPENCHORUS_DEMO_PASSWORD", raising=False)
    settings.DATA_DIR = tmp_path
    call_command("demo")
    first = re.search(r"Demo password \(all demo accounts\): (\S+)", capsys.readouterr().out).group(1)
    call_command("demo")
    second = re.search(r"Demo password \(all demo accounts\): (\S+)", capsys.readouterr().out).group(1)
    assert first == second
    assert User.objects.get(email="pierre.dubois@delices-de-savoie.fr").check_password(first)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_serve_migrates_loads_demo_and_answers_on_the_port(tmp_path):
    """`openchorus serve --demo` on an empty data directory: the real server and worker processes."""
    port = _free_port()
    env = {**os.environ, "OPENCHORUS_DATA_DIR": str(tmp_path), "OPENCHORUS_DEMO_PASSWORD": "Serve-Test-2026!"}
    env.pop("DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "openchorus.cli", "serve", "--demo", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body = ""
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    body = response.read().decode()
                    break
            except OSError:
                time.sleep(0.5)
        assert "Vous avez déjà un compte ?" in body
        assert Path(tmp_path, "openchorus.sqlite3").exists()
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0]
    assert "manuela.martin@delices-de-savoie.fr" in output
    assert f"http://127.0.0.1:{port}/" in output


def test_cli_convert_and_extract_reach_the_einvoice_commands(tmp_path, capsys):
    """The `openchorus` command dispatches the e-invoice tools (no database needed)."""
    from tests.conftest import require

    corpus = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
    require(corpus.is_dir(), "the shared test corpus is missing")
    source = corpus / "cen-en16931" / "cii" / "examples" / "CII_example1.xml"
    target = tmp_path / "out.xml"
    assert main(["convert", str(source), "--to", "ubl", "-o", str(target)]) == 0
    assert b"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" in target.read_bytes()
    assert main(["extract", str(tmp_path / "missing.pdf")]) == 2
    assert "missing.pdf" in capsys.readouterr().err
