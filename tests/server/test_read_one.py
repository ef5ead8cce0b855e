"""``Database.read_one`` (the API key lookup of every request) runs its one statement outside a
transaction: no BEGIN and ROLLBACK around it, which on PostgreSQL were two more round trips. The
pooled connection it used must come back as it was: the next session's statements run inside a
transaction again (on SQLite, a write one still begins with ``BEGIN IMMEDIATE``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, List, Tuple

import pytest
from sqlalchemy import event, select, text

from humanloop_server.db.engine import sqlite_writes
from humanloop_server.db.models import ApiKey
from humanloop_server.services import keys

from .conftest import _backends, migration_database


def _in_transaction(dbapi_conn: Any) -> bool:
    if hasattr(dbapi_conn, "in_transaction"):  # sqlite3
        return bool(dbapi_conn.in_transaction)
    return str(dbapi_conn.info.transaction_status.name) != "IDLE"  # psycopg: INTRANS after a statement


@pytest.mark.parametrize("backend", _backends())
def test_read_one_runs_outside_a_transaction_and_leaves_the_connection_as_it_was(tmp_path: Path, backend: str) -> None:
    with migration_database(backend, tmp_path) as db:
        seen: List[Tuple[str, bool]] = []

        def after(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            seen.append((statement.split()[0].upper(), _in_transaction(cursor.connection)))

        writes = sqlite_writes(db.engine)
        # SQLite's write transactions run on a connection of their own (db/engine.py SqliteWrites)
        engines = [db.engine, *([writes.engine] if writes is not None and writes.engine is not None else [])]
        assert len(engines) == (2 if backend == "sqlite" else 1)
        for engine in engines:
            event.listen(engine, "after_cursor_execute", after)
        try:
            begin = [("BEGIN", True)] if backend == "sqlite" else []  # SQLite: the engine's own BEGIN
            for _ in range(3):  # the same pooled connection, used each way in turn
                assert keys.org_for_key(db, "hl_not_a_key") is None
                assert seen == [("SELECT", False)]
                seen.clear()
                with db.read() as s:
                    assert s.execute(select(ApiKey.id).limit(1)).first() is None
                assert seen == [*begin, ("SELECT", True)]
                seen.clear()
                with db.write() as s:  # on SQLite, BEGIN IMMEDIATE and the write batch's savepoint
                    s.execute(text("DELETE FROM api_keys WHERE key_hash = 'none'"))
                savepoint = [("SAVEPOINT", True)] if backend == "sqlite" else []
                assert seen == [*begin, *savepoint, ("DELETE", True)]
                seen.clear()
        finally:
            for engine in engines:
                event.remove(engine, "after_cursor_execute", after)
