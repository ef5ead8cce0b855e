"""Migration 0016: a version's Logs are indexed newest first (``ix_logs_org_version_created``),
replacing the two-column ``ix_logs_org_version``; the downgrade puts the old index back. Which
index a version-filtered page reads is checked in ``tests/bench/test_query_plans.py``."""

from __future__ import annotations

from pathlib import Path
from typing import List

import pytest
from sqlalchemy import inspect

from humanloop_server.db.database import Database

from .conftest import _backends, migrate, migration_database


def _version_indexes(db: Database) -> List[str]:
    return sorted(
        ix["name"] or ""
        for ix in inspect(db.engine).get_indexes("logs")
        if (ix["name"] or "").startswith("ix_logs_org_version")
    )


@pytest.mark.parametrize("backend", _backends())
def test_the_version_index_migrates_up_and_down(tmp_path: Path, backend: str) -> None:
    with migration_database(backend, tmp_path) as db:
        assert _version_indexes(db) == ["ix_logs_org_version_created"]
        columns = {ix["name"]: ix["column_names"] for ix in inspect(db.engine).get_indexes("logs")}
        assert columns["ix_logs_org_version_created"] == ["org_id", "version_id", "created_at", "id"]
        migrate(db, "0015_count_logs_by_trigger", down=True)
        assert _version_indexes(db) == ["ix_logs_org_version"]
        migrate(db, "head")
        assert _version_indexes(db) == ["ix_logs_org_version_created"]
