"""Fixtures of the directory tests."""

from __future__ import annotations

import pytest

from openchorus.directory.demo import directory_demo_load


@pytest.fixture
def demo(db):
    """The shipped demo directory (seed examples and a few dozen public structures)."""
    return directory_demo_load()
