"""A real browser (Debian's chromium driven by Playwright) against the live portal."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import require

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# As the machine's own probe starts it: no sandbox as root, no calls home on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="module")
def browser():
    require(Path(CHROMIUM).exists(), "Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls the test makes in
    # between browser steps are synchronous and safe, so Django's guard is lifted for this module.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def portal(browser, live_server, settings, tmp_path):
    """A fresh browser page on the live portal; e-mails written as .eml files as in `make run`."""
    settings.BASE_URL = live_server.url
    settings.EMAIL_BACKEND = "openchorus.core.mail.ConsoleAndFileBackend"
    settings.MAIL_DIR = tmp_path / "mail"
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    yield page
    context.close()
