"""What the test run depends on, said at its top (pytest's report header)."""

from __future__ import annotations

import os
from typing import List

import pytest

from .server.conftest import PUBLISHED_SDK_VERSION


def pytest_report_header(config: pytest.Config) -> List[str]:
    url = os.environ.get("HUMANLOOP_TEST_DATABASE_URL")
    if url:
        from sqlalchemy.engine import make_url

        shown = make_url(url).render_as_string(hide_password=True)
        database = f"PostgreSQL: {shown} (the end-to-end tests run on SQLite and on it)"
    else:
        database = (
            "PostgreSQL: not configured, set HUMANLOOP_TEST_DATABASE_URL=postgresql+psycopg://... "
            "to run the end-to-end tests on it too (SQLite only now)"
        )
    published = (
        f"published SDK: humanloop=={PUBLISHED_SDK_VERSION} is installed from the package index into "
        f".cache/published-humanloop-{PUBLISHED_SDK_VERSION} (once) for the compatibility tests"
    )
    return [database, published]
