"""Engine creation (SQLite pragmas, the write-transaction option, private files) and migrations."""

import functools
import json
import logging
import os
import time
from pathlib import Path
from typing import Any, Callable, Dict, Optional

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DisconnectionError

from ..settings import Settings
from .wal_sync import WalSyncer
from .writer_queue import WriterQueue

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# execution option naming a SQLite transaction that will write: it starts with BEGIN IMMEDIATE
# so that concurrent writers queue on the busy timeout instead of failing on a lock upgrade.
WRITE_OPTION = "humanloop_write"
#: key of a pooled SQLite connection's ``info``: its open write transaction has this process's turn
HOLDS_WRITE_TURN = "humanloop_write_turn"
#: key of a pooled SQLite connection's ``info``: its open transaction is a write one (its commit is
#: made durable by the group commit of ``wal_sync.py``)
IN_WRITE = "humanloop_in_write"
#: execution option of ``Database.read_one`` on SQLite: one statement, so no BEGIN before it (the
#: sqlite3 module is left in autocommit mode, see ``_on_connect``). PostgreSQL uses the
#: ``AUTOCOMMIT`` isolation level instead; on SQLite that level would be reset afterwards by
#: changing the sqlite3 module's own transaction mode, which this engine keeps off.
SINGLE_STATEMENT_OPTION = "humanloop_single_statement"


#: how JSON columns are written: a non-finite float is an error on every backend (PostgreSQL refuses
#: ``NaN`` in JSON; SQLite would store it, and it would read back as ``null``)
json_serializer = functools.partial(json.dumps, allow_nan=False)

#: modes of what the server creates for SQLite: only its own user may read the data
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def _private_dir(path: Path) -> None:
    """Create ``path`` (and missing parents) with mode 0700; an existing directory is left as it is."""
    if path.is_dir():
        return
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    os.chmod(path, PRIVATE_DIR_MODE)  # the umask may have taken bits away; never adds any


def _private_database_file(path: Path) -> None:
    """Create an empty SQLite database file with mode 0600, unless it exists.

    SQLite gives the files it creates next to a database (``-wal``, ``-shm``, ``-journal``) the
    permissions of the database file, so they are private too. Creating the file here, rather
    than changing the process's umask while SQLite opens it, is safe with threads.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        return
    os.close(fd)
    os.chmod(path, PRIVATE_FILE_MODE)


_SYNCER_ATTR = "humanloop_wal_syncer"


def wal_syncer(engine: Engine) -> Optional[WalSyncer]:
    """The group commit of a SQLite database file's engine (None for PostgreSQL or in memory)."""
    found: Optional[WalSyncer] = getattr(engine, _SYNCER_ATTR, None)
    return found


def make_engine(settings: Settings) -> Engine:
    url = settings.resolved_database_url
    if url.startswith("sqlite"):
        syncer: Optional[WalSyncer] = None
        if ":memory:" not in url and url != "sqlite://":
            _private_dir(Path(settings.data_dir))
            db_path = Path(url.split(":///", 1)[1])
            _private_dir(db_path.parent)
            _private_database_file(db_path)
            syncer = WalSyncer(str(db_path))  # group commit (see wal_sync.py)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": settings.sqlite_busy_timeout_ms / 1000},
            pool_size=20,
            max_overflow=40,
            json_serializer=json_serializer,
        )
        busy = int(settings.sqlite_busy_timeout_ms)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, record: Any) -> None:
            # let SQLAlchemy (not the sqlite3 module) decide when transactions begin
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            # with the group commit, commits are fsynced by WalSyncer.wait_durable instead
            cur.execute("PRAGMA synchronous=NORMAL" if syncer is not None else "PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={busy}")
            cur.close()

        writers = WriterQueue()  # this process's write transactions take turns (see writer_queue.py)

        def _end_turn(info: Dict[str, Any]) -> None:
            info.pop(IN_WRITE, None)
            if info.pop(HOLDS_WRITE_TURN, False):
                writers.release()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            options = conn.get_execution_options()
            if options.get(SINGLE_STATEMENT_OPTION):
                return  # Database.read_one: one statement, no transaction
            if not options.get(WRITE_OPTION):
                conn.exec_driver_sql("BEGIN")
                return
            if writers.acquire(timeout=busy / 1000):
                conn.info[HOLDS_WRITE_TURN] = True
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            except BaseException:
                _end_turn(conn.info)
                raise
            conn.info[IN_WRITE] = True

        def _then_end_turn(end: Callable[[Any], None], commit: bool) -> Callable[[Any], None]:
            """The dialect's COMMIT / ROLLBACK, handing the turn on once it is done (there is no
            event after a commit; the one before it would let the next writer in too early); a
            write transaction's COMMIT then waits for the group commit to make it durable."""

            def run(dbapi_conn: Any) -> None:
                durable: Optional[int] = None
                try:
                    info = dbapi_conn.info
                except (AttributeError, NotImplementedError):  # the engine's very first connect
                    info = None
                writing = isinstance(info, dict) and bool(info.get(IN_WRITE))
                try:
                    end(dbapi_conn)
                    if commit and writing and syncer is not None:
                        durable = syncer.committed()
                finally:
                    if isinstance(info, dict):
                        _end_turn(info)
                if durable is not None:
                    assert syncer is not None
                    syncer.wait_durable(durable)  # the turn is handed on: others commit meanwhile

            return run

        setattr(engine.dialect, "do_commit", _then_end_turn(engine.dialect.do_commit, True))  # noqa: B010
        setattr(engine.dialect, "do_rollback", _then_end_turn(engine.dialect.do_rollback, False))  # noqa: B010

        setattr(engine, _SYNCER_ATTR, syncer)  # noqa: B010

        @event.listens_for(engine.pool, "checkin")
        def _on_checkin(dbapi_conn: Any, record: Any) -> None:
            if record is not None:  # back in the pool, so no transaction is open on it: nor a turn
                _end_turn(record.info)

        return engine
    engine = create_engine(url, pool_size=20, max_overflow=40, json_serializer=json_serializer)
    _ping_idle_connections(engine)
    return engine


#: a pooled PostgreSQL connection left idle longer than this is pinged before it is used again
PING_AFTER_IDLE_SECONDS = 5.0
#: key of a pooled connection's ``info``: when it went back to the pool (``time.monotonic()``)
_IDLE_SINCE = "humanloop_idle_since"


def _ping_idle_connections(engine: Engine) -> None:
    """Make sure a pooled connection still works before it is used, if it sat idle for a while.

    SQLAlchemy's ``pool_pre_ping`` would send ``SELECT 1`` at every checkout: a round trip to
    PostgreSQL before each transaction, two per ``prompts.log`` (the API key, then the write),
    which cost 15% of the throughput under load. A connection that went back to the pool moments
    ago is alive; one idle for a while may have been closed by the server (a restart, an idle
    timeout, a proxy), so it is pinged, and a failed ping makes the pool retry with a fresh one
    (raising ``DisconnectionError`` in ``checkout`` is how SQLAlchemy lets a listener do that).
    A server that goes away under a busy pool is noticed by the first statement that fails: its
    request fails, and SQLAlchemy drops every connection of the pool from before that moment.
    """

    @event.listens_for(engine.pool, "checkin")
    def _on_checkin(dbapi_conn: Any, record: Any) -> None:
        if record is not None:
            record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine.pool, "checkout")
    def _on_checkout(dbapi_conn: Any, record: Any, proxy: Any) -> None:
        idle_since = record.info.get(_IDLE_SINCE)
        if idle_since is None or time.monotonic() - idle_since <= PING_AFTER_IDLE_SECONDS:
            return  # new, or back in the pool just now
        try:
            cursor = dbapi_conn.cursor()
            try:
                cursor.execute("SELECT 1")
            finally:
                cursor.close()
            dbapi_conn.rollback()  # psycopg began a transaction for the ping
        except Exception as exc:  # noqa: BLE001 - whatever the driver raises: the connection is gone
            raise DisconnectionError(f"a pooled connection no longer works: {exc}") from exc


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
