"""Browser tests of the web app: a real headless Chromium (the OS package, driven by Playwright)
against the real server (``tests/server/conftest.py``: uvicorn in a thread, SQLite, and PostgreSQL
when ``HUMANLOOP_TEST_DATABASE_URL`` is set).

Chromium comes from the operating system (``apt-get install -y chromium``, binary
``/usr/bin/chromium``); Playwright never downloads a browser here. Without it these tests fail and
say what to install.

Every page a test visits is saved as a screenshot in ``tests/web/screenshots/`` (an artefact, not
committed), named after the test.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any, Iterator, Optional

import pytest

from humanloop import Humanloop

from ..server import conftest as end_to_end
from ..server.conftest import Server

# the fixtures of the API's end-to-end tests: the served app (per database backend) and unique names
server = end_to_end.server
pg_database_url = end_to_end.pg_database_url
uid = end_to_end.uid

CHROMIUM = os.environ.get("HUMANLOOP_TEST_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


def root_url(server: Server) -> str:
    """The web app's address: the server's root (the API is under /v5)."""
    return server.base_url[: -len("/v5")]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium for the tests of one module. Not for the whole session: Playwright's sync API
    runs an event loop while it is started, and the asynchronous tests of other modules (which pytest
    may order in between, grouped by database backend) need none running."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}: the web app's browser tests need it. "
            "Install the OS package: apt-get install -y chromium"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield b
        finally:
            b.close()


class Visit:
    """A signed-in browser tab: ``go`` opens a path and saves a screenshot of it."""

    def __init__(self, page: Any, root: str, name: str) -> None:
        self.page = page
        self.root = root
        self.name = name
        self.count = 0

    def go(self, path: str) -> Any:
        response = self.page.goto(self.root + path)
        self.shot()
        return response

    def shot(self, label: str = "") -> None:
        """Save what the tab shows now (the whole page)."""
        self.count += 1
        SCREENSHOTS.mkdir(exist_ok=True)
        suffix = f"-{label}" if label else ""
        self.page.screenshot(path=str(SCREENSHOTS / f"{self.name}-{self.count:02d}{suffix}.png"), full_page=True)

    def sign_in(self, key: str) -> None:
        self.go("/sign-in")
        self.page.get_by_label("API key").fill(key)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_url(re.compile(r".*/files$"))
        self.shot("signed-in")


@pytest.fixture
def tab(browser: Any, server: Server, request: pytest.FixtureRequest) -> Iterator[Visit]:
    """A fresh browser context (no cookies), signed in with the server's key."""
    context = browser.new_context(viewport={"width": 1366, "height": 800})
    context.set_default_timeout(15000)
    page = context.new_page()
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    visit = Visit(page, root_url(server), name)
    visit.sign_in(server.api_key)
    try:
        yield visit
    finally:
        context.close()


@pytest.fixture
def hl(server: Server) -> Humanloop:
    return Humanloop(api_key=server.api_key, base_url=server.base_url)


def csrf_token(page: Any) -> Optional[str]:
    """The CSRF token of the page open in ``page`` (from any of its forms)."""
    field = page.locator("input[name=csrf_token]").first
    value = field.get_attribute("value")
    return str(value) if value is not None else None
