"""Pooled PostgreSQL connections are pinged only after sitting idle (``db/engine.py``), so a
connection the server closed while it was idle is replaced, not handed to a request."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import OperationalError

from humanloop_server.db import engine as engine_module
from humanloop_server.db.database import Database
from humanloop_server.settings import Settings

from .conftest import pg_database

pytestmark = pytest.mark.skipif(not os.environ.get("HUMANLOOP_TEST_DATABASE_URL"), reason="PostgreSQL only")


def _close_server_side(url: str) -> int:
    """Make PostgreSQL end every other connection to the database of ``url`` (as a restart would)."""
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            return len(
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                ).all()
            )
    finally:
        admin.dispose()


def _pooled_pid(db: Database) -> int:
    with db.read() as session:
        return int(session.execute(text("SELECT pg_backend_pid()")).scalar_one())


def test_an_idle_connection_closed_by_the_server_is_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pg_database() as url:
        db = Database.open(Settings(data_dir=tmp_path, database_url=url))
        try:
            first = _pooled_pid(db)
            assert _close_server_side(url) >= 1
            monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_SECONDS", 0.0)  # it has been idle "long"
            second = _pooled_pid(db)  # the ping failed: a fresh connection answers
            assert second != first
        finally:
            db.dispose()


def test_a_connection_back_in_the_pool_just_now_is_not_pinged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the other side of the trade: no round trip for a connection used moments ago, so one the
    # server closed in that moment fails its next statement (and the pool then starts afresh)
    with pg_database() as url:
        db = Database.open(Settings(data_dir=tmp_path, database_url=url))
        try:
            _pooled_pid(db)
            monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_SECONDS", 3600.0)
            assert _close_server_side(url) >= 1
            with pytest.raises(OperationalError):
                _pooled_pid(db)
            _pooled_pid(db)  # the failure invalidated the pool: the next request gets a new connection
        finally:
            db.dispose()


def test_connections_above_the_old_pool_size_are_kept_for_the_next_burst(tmp_path: Path) -> None:
    # 30 requests at once, twice: the second burst finds every connection of the first in the
    # pool. With 20 kept (as before), 10 of them were closed on return and opened again each time.
    burst = 30
    with pg_database() as url:
        db = Database.open(Settings(data_dir=tmp_path, database_url=url))
        opened: list[int] = []
        event.listen(db.engine, "connect", lambda dbapi_conn, record: opened.append(1))

        def burst_at_once() -> None:
            sessions = [db.session() for _ in range(burst)]
            try:
                pids = {int(s.execute(text("SELECT pg_backend_pid()")).scalar_one()) for s in sessions}
                assert len(pids) == burst  # each its own connection
            finally:
                for s in sessions:
                    s.close()

        try:
            burst_at_once()
            first_round = len(opened)
            assert first_round >= burst - 1  # the pool may hold one from Database.open
            burst_at_once()
            assert len(opened) == first_round  # nothing opened for the second burst
        finally:
            db.dispose()
