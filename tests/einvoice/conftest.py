"""Fixtures of the e-invoice tests: the shared test corpus, read in place (never copied)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


def corpus_dir() -> Path:
    """The corpus folder; fails the test in CI when it is missing, skips it elsewhere."""
    if not CORPUS.is_dir():
        message = f"test corpus not found at {CORPUS}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{message} (CI=true: corpus tests must run)")
        pytest.skip(message)
    return CORPUS


@pytest.fixture
def corpus() -> Callable[[str], Path]:
    """`corpus("cen-en16931/cii/examples/CII_example1.xml")` -> the path of a corpus file."""
    root = corpus_dir()

    def path(relative: str) -> Path:
        found = root / relative
        assert found.exists(), f"missing corpus file {relative}"
        return found

    return path


def corpus_files(*patterns: str) -> list[str]:
    """Corpus paths (relative) matching glob patterns, for parametrisation; [] without corpus."""
    if not CORPUS.is_dir():
        return []
    found: set[str] = set()
    for pattern in patterns:
        found.update(str(path.relative_to(CORPUS)) for path in CORPUS.glob(pattern) if path.is_file())
    return sorted(found)


def corpus_params(*patterns: str) -> list[str]:
    """Like `corpus_files`, but with one stand-in parameter when the corpus is absent so that the
    parametrised test still runs once and skips (or fails in CI) through the `corpus` fixture."""
    return corpus_files(*patterns) or ["<corpus missing>"]
