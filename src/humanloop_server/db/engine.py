"""Engine creation (SQLite pragmas, the write-transaction option) and migrations."""

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

from ..settings import Settings

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# execution option naming a SQLite transaction that will write: it starts with BEGIN IMMEDIATE
# so that concurrent writers queue on the busy timeout instead of failing on a lock upgrade.
WRITE_OPTION = "humanloop_write"


def make_engine(settings: Settings) -> Engine:
    url = settings.resolved_database_url
    if url.startswith("sqlite"):
        if ":memory:" not in url and url != "sqlite://":
            Path(settings.data_dir).mkdir(parents=True, exist_ok=True)
            db_path = url.split(":///", 1)[1]
            Path(db_path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": settings.sqlite_busy_timeout_ms / 1000},
            pool_size=20,
            max_overflow=40,
        )
        busy = int(settings.sqlite_busy_timeout_ms)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, record: Any) -> None:
            # let SQLAlchemy (not the sqlite3 module) decide when transactions begin
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={busy}")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            if conn.get_execution_options().get(WRITE_OPTION):
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                conn.exec_driver_sql("BEGIN")

        return engine
    return create_engine(url, pool_size=20, max_overflow=40, pool_pre_ping=True)


def run_migrations(engine: Engine) -> None:
    """Upgrade the database to the newest revision (the same scripts for SQLite and PostgreSQL)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # several server processes may start at once: one migrates, the others wait
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7204158331)")
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
