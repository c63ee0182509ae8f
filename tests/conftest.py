"""Test set-up shared by the whole suite: fast hashing, tasks run at once, mail kept in memory."""

from __future__ import annotations

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def require(condition: bool, reason: str) -> None:
    """Skip a test whose tool is missing on a developer machine; fail it in CI, never skip there."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this test must run)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fast_and_synchronous(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MAIL_DIR = tmp_path / "mail"
    settings.OPENCHORUS_FLOWS_DIR = tmp_path / "flows"
