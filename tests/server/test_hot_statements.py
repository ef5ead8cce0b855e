"""``db/hot.py`` runs the hot statements of ``prompts.log`` on the driver, with SQLAlchemy's SQL
and parameter conversions. What it stores must be exactly what SQLAlchemy's own execution stores
(JSON, UTC datetimes, booleans, NULLs), on both databases; driver errors must arrive as
SQLAlchemy's exceptions; statements it cannot run faithfully are refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Dict, Tuple

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import ArgumentError, IntegrityError

from humanloop_server.db.database import Database
from humanloop_server.db.hot import HotStatement
from humanloop_server.db.models import Log
from humanloop_server.services import logs as logs_service

from .conftest import _backends, add_prompt, migration_database

WHEN = dt.datetime(2025, 3, 4, 5, 6, 7, 891011, tzinfo=dt.timezone.utc)


def _row(log_id: str) -> Dict[str, Any]:
    values = {column: None for _attr, column in logs_service._LOG_COLUMNS}
    values.update(
        {
            "org_id": "org_h",
            "id": log_id,
            "file_id": "pr_h",
            "file_type": "prompt",
            "version_id": "prv_h",
            "inputs": {"question": "Où est ma commande ?", "n": [1, 2.5, None, True]},
            "output": "Elle arrive demain.",
            "save": True,
            "received_at": WHEN,
            "created_at": WHEN - dt.timedelta(seconds=3),
            "start_time": WHEN - dt.timedelta(seconds=2),
        }
    )
    return values


def _stored(db: Database, log_id: str) -> Tuple[Any, ...]:
    """The Log's row as the database holds it, every column but the id (read without SQLAlchemy's
    conversions)."""
    columns = [c for _a, c in logs_service._LOG_COLUMNS if c != "id"]
    quoted = ", ".join(f'"{c}"' for c in columns)
    sqlite = db.dialect == "sqlite"
    with db.engine.connect() as conn:
        row = conn.exec_driver_sql(
            f"SELECT {quoted} FROM logs WHERE id = " + ("?" if sqlite else "%(id)s"),
            (log_id,) if sqlite else {"id": log_id},
        ).one()
    return tuple(row)


@pytest.fixture(params=_backends())
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    with migration_database(request.param, tmp_path) as database:
        add_prompt(database, "h")
        yield database


def test_a_log_inserted_on_the_driver_is_stored_as_sqlalchemy_stores_it(db: Database) -> None:
    with db.write() as s:
        logs_service._INSERT_LOG_HOT.run(s, _row("log_hot"))
        s.execute(logs_service._INSERT_LOG, _row("log_orm"))
    assert _stored(db, "log_hot") == _stored(db, "log_orm")
    with db.read() as s:  # and reads back through the models alike
        hot, orm = (s.get(Log, ("org_h", i)) for i in ("log_hot", "log_orm"))
        assert hot is not None and orm is not None
        assert hot.inputs == orm.inputs == _row("x")["inputs"]
        assert hot.received_at == orm.received_at == WHEN
        assert hot.log_metadata is None and orm.log_metadata is None


def test_driver_errors_arrive_as_sqlalchemy_exceptions(db: Database) -> None:
    with db.write() as s:
        logs_service._INSERT_LOG_HOT.run(s, _row("log_twice"))
    with pytest.raises(IntegrityError):
        with db.write() as s:
            logs_service._INSERT_LOG_HOT.run(s, _row("log_twice"))
    with db.read() as s:  # the first is there once
        assert s.execute(select(Log.id).where(Log.id == "log_twice")).scalars().all() == ["log_twice"]


def test_a_missing_parameter_or_a_column_needing_conversion_is_refused(db: Database) -> None:
    row = _row("log_missing")
    del row["output"]
    with db.write() as s:
        with pytest.raises(ArgumentError, match="output"):
            logs_service._INSERT_LOG_HOT.run(s, row)
    with db.read() as s:
        with pytest.raises(TypeError, match="received_at"):
            HotStatement(select(Log.received_at)).rows(s, {})
        # a value the statement carries itself is sent with it
        rows = HotStatement(select(Log.id).where(Log.file_type == "prompt", Log.save.is_(True))).rows(s, {})
        assert rows == []
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM logs")).scalar_one() == 0
