"""Engine creation (SQLite pragmas, the write-transaction option, private files) and migrations."""

import dataclasses
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
from .write_batch import SAVEPOINT, Batch, Member
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
#: execution option of a SQLite write transaction whose turn (``writer_queue.py``) was waited for
#: before its connection was taken: the :class:`Turn` to take over, or None when the wait ran out
TURN_OPTION = "humanloop_turn"


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


_SQLITE_WRITES_ATTR = "humanloop_sqlite_writes"


class Turn:
    """A write turn taken before its transaction's connection: the ``TURN_OPTION`` of that
    connection. Its ``begin`` takes the turn over (``owned``); until then its taker releases it."""

    def __init__(self) -> None:
        self.owned = False


@dataclasses.dataclass
class SqliteWrites:
    """How a SQLite database file's write transactions run in this process: one at a time, in
    arrival order (``writers``, see ``writer_queue.py``), on ``engine``'s one connection, several
    in one database transaction when they queue (``batch``, see ``write_batch.py``), and made
    durable together (``syncer``, see ``wal_sync.py``).

    Why one connection: SQLite keeps a page cache per connection, and drops all of it when a
    transaction begins after another connection changed the database. With the 32 writers of a
    load each on its own pooled connection, every write transaction began with a cold cache: about
    60 page reads from the operating system per ``prompts.log`` instead of 7, and 0.9 ms more of the
    process's one core of Python per Log than the same requests one at a time. Writers take turns
    anyway, so handing each turn the same connection costs nothing, and its cache stays warm: its
    own commits do not invalidate it.
    """

    writers: WriterQueue
    syncer: Optional[WalSyncer]
    engine: Optional[Engine]  # None in memory: the writer takes its turn in the ``begin`` event
    busy_seconds: float
    #: the write batch open on ``engine``'s connection, and the part in it of the writer that has
    #: the turn; only that writer changes them
    batch: Optional[Batch] = None
    member: Optional[Member] = None

    def take_turn(self) -> Optional[Turn]:
        """Wait for this process's write turn (at most the busy timeout); None when it did not come,
        and the transaction falls back to SQLite's own lock."""
        return Turn() if self.writers.acquire(timeout=self.busy_seconds) else None


def sqlite_writes(engine: Engine) -> Optional[SqliteWrites]:
    """How the write transactions of a SQLite engine run (None for PostgreSQL)."""
    found: Optional[SqliteWrites] = getattr(engine, _SQLITE_WRITES_ATTR, None)
    return found


def wal_syncer(engine: Engine) -> Optional[WalSyncer]:
    """The group commit of a SQLite database file's engine (None for PostgreSQL or in memory)."""
    writes = sqlite_writes(engine)
    return writes.syncer if writes is not None else None


#: PostgreSQL connections a process keeps (``pool_size``) and may open beyond them for a moment
#: (``max_overflow``). The pool closes an overflow connection as soon as it comes back while the
#: pool is full, so a load that hovers above ``pool_size`` opens and closes connections all the
#: time: with 20 kept, 32 clients writing Logs made PostgreSQL start about 44 backends a second
#: (a fork, a cold catalog cache and statements prepared anew each), which took a third of a core
#: on the 2-core bench machine. 40 covers the request threads of such a load; the most a process
#: holds is unchanged at 60.
PG_POOL_SIZE = 40
PG_POOL_OVERFLOW = 20


def make_engine(settings: Settings) -> Engine:
    url = settings.resolved_database_url
    if url.startswith("sqlite"):
        return _sqlite_engine(settings, url)
    engine = create_engine(url, pool_size=PG_POOL_SIZE, max_overflow=PG_POOL_OVERFLOW, json_serializer=json_serializer)
    _ping_idle_connections(engine)
    return engine


def _sqlite_engine(settings: Settings, url: str) -> Engine:
    """The engine of a SQLite database: reads on a pool of connections; for a database file, write
    transactions on one more connection of their own (``SqliteWrites``)."""
    in_memory = ":memory:" in url or url == "sqlite://"
    syncer: Optional[WalSyncer] = None
    if not in_memory:
        _private_dir(Path(settings.data_dir))
        db_path = Path(url.split(":///", 1)[1])
        _private_dir(db_path.parent)
        _private_database_file(db_path)
        syncer = WalSyncer(str(db_path))  # group commit (see wal_sync.py)
    busy = int(settings.sqlite_busy_timeout_ms)
    connect_args = {"check_same_thread": False, "timeout": busy / 1000}
    writers = WriterQueue()  # this process's write transactions take turns (see writer_queue.py)
    engine = create_engine(
        url, connect_args=connect_args, pool_size=20, max_overflow=40, json_serializer=json_serializer
    )
    write_engine: Optional[Engine] = None
    if not in_memory:
        # one connection: a writer that has the turn waits here only while the previous one puts
        # the connection back, a moment after its commit handed the turn on
        write_engine = create_engine(
            url,
            connect_args=connect_args,
            pool_size=1,
            max_overflow=0,
            pool_timeout=max(1.0, busy / 1000),
            json_serializer=json_serializer,
        )
    writes = SqliteWrites(writers, syncer, write_engine, busy / 1000)
    _sqlite_events(engine, writers, syncer, busy)
    if write_engine is not None:
        _write_connection_events(write_engine, writes, busy)
    setattr(engine, _SQLITE_WRITES_ATTR, writes)  # noqa: B010
    return engine


def _pragmas(engine: Engine, syncer: Optional[WalSyncer], busy: int) -> None:
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


def _connection_info(dbapi_conn: Any) -> Optional[Dict[str, Any]]:
    try:
        info = dbapi_conn.info
    except (AttributeError, NotImplementedError):  # the engine's very first connect
        return None
    return info if isinstance(info, dict) else None


def _sqlite_events(engine: Engine, writers: WriterQueue, syncer: Optional[WalSyncer], busy: int) -> None:
    """Pragmas, write turns and group commit on the pooled connections of a SQLite engine: its
    reads, and its writes when the database is in memory or a writer waited longer than the busy
    timeout for its turn (then SQLite's own lock decides). A write commit returns once durable."""
    _pragmas(engine, syncer, busy)

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
        if TURN_OPTION not in options and writers.acquire(timeout=busy / 1000):
            conn.info[HOLDS_WRITE_TURN] = True
        # else the turn was waited for in vain before the connection was taken (_Session._begin_write)
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
            info = _connection_info(dbapi_conn)
            writing = info is not None and bool(info.get(IN_WRITE))
            try:
                end(dbapi_conn)
                if commit and writing and syncer is not None:
                    durable = syncer.committed()
            finally:
                if info is not None:
                    _end_turn(info)
            if durable is not None:
                assert syncer is not None
                syncer.wait_durable(durable)  # the turn is handed on: others commit meanwhile

        return run

    setattr(engine.dialect, "do_commit", _then_end_turn(engine.dialect.do_commit, True))  # noqa: B010
    setattr(engine.dialect, "do_rollback", _then_end_turn(engine.dialect.do_rollback, False))  # noqa: B010

    @event.listens_for(engine.pool, "checkin")
    def _on_checkin(dbapi_conn: Any, record: Any) -> None:
        if record is not None:  # back in the pool, so no transaction is open on it: nor a turn
            _end_turn(record.info)


def _run(dbapi_conn: Any, sql: str) -> None:
    cursor = dbapi_conn.cursor()
    try:
        cursor.execute(sql)
    finally:
        cursor.close()


def _write_connection_events(engine: Engine, writes: SqliteWrites, busy: int) -> None:
    """Write batches (``write_batch.py``) on the connection kept for a database file's writes.

    Every write transaction there runs in a savepoint of the batch's database transaction. Its
    ``commit`` releases the savepoint, then either hands the turn and the open batch to the next
    queued writer or commits the batch; its ``rollback`` rolls the savepoint back, then does the
    same for the others' work. The session waits for its batch to be stored once its connection is
    back (``database._write_ended``)."""
    _pragmas(engine, writes.syncer, busy)
    writers = writes.writers
    commit_transaction = engine.dialect.do_commit
    rollback_transaction = engine.dialect.do_rollback

    def end_turn(info: Dict[str, Any]) -> None:
        info.pop(IN_WRITE, None)
        if info.pop(HOLDS_WRITE_TURN, False):
            writers.release()

    def pass_on(info: Dict[str, Any]) -> bool:
        """Hand the turn, with the batch still open, to the next queued writer if the batch may
        grow; False (the turn kept) otherwise."""
        batch = writes.batch
        if batch is None or not batch.can_grow() or not writers.hand_over():
            return False
        writes.member = None
        info.pop(IN_WRITE, None)
        info.pop(HOLDS_WRITE_TURN, None)  # it is the next writer's now
        return True

    def lose_batch(error: BaseException) -> None:
        batch, writes.batch, writes.member = writes.batch, None, None
        if batch is not None:
            batch.failed(error)

    def end_batch(dbapi_conn: Any) -> None:
        """Commit the open batch (roll it back when it holds nobody's work); raise if that failed."""
        batch, writes.batch, writes.member = writes.batch, None, None
        if batch is None:
            return
        if batch.kept == 0 or not dbapi_conn.in_transaction:
            # nothing to keep, or SQLite already rolled the transaction back (after an I/O error,
            # a full disk): then the writers it held are told their work is lost
            if dbapi_conn.in_transaction:
                rollback_transaction(dbapi_conn)
            if batch.kept:
                batch.failed(RuntimeError("the transaction was rolled back by SQLite"))
            else:
                batch.committed(None)
            return
        try:
            commit_transaction(dbapi_conn)
        except BaseException as exc:
            batch.failed(exc)
            if dbapi_conn.in_transaction:
                try:
                    rollback_transaction(dbapi_conn)
                except Exception:  # noqa: BLE001 - the commit's own error is the one to report
                    logger.exception("rolling back a write batch whose commit failed")
            raise
        batch.committed(writes.syncer.committed() if writes.syncer is not None else None)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        options = conn.get_execution_options()
        turn: Optional[Turn] = options.get(TURN_OPTION)
        if turn is not None:
            turn.owned = True
            conn.info[HOLDS_WRITE_TURN] = True
        elif writers.acquire(timeout=busy / 1000):  # begun without _Session._begin_write: take the turn now
            conn.info[HOLDS_WRITE_TURN] = True
        dbapi_conn = conn.connection.dbapi_connection
        try:
            if writes.batch is not None and not dbapi_conn.in_transaction:
                lose_batch(RuntimeError("the write batch's transaction was lost"))
            if writes.batch is None:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                writes.batch = Batch()
            conn.exec_driver_sql(f"SAVEPOINT {SAVEPOINT}")
        except BaseException:
            try:
                end_batch(dbapi_conn)  # the writers already in it are kept, or told it failed
            except Exception:  # noqa: BLE001 - this writer reports its own error
                logger.exception("ending a write batch after a writer failed to join it")
            end_turn(conn.info)
            raise
        writes.batch.members += 1
        writes.member = Member(writes.batch)
        conn.info[IN_WRITE] = True

    def commit(dbapi_conn: Any) -> None:
        info = _connection_info(dbapi_conn)
        member = writes.member
        if info is None or not info.get(IN_WRITE) or member is None:
            if writes.batch is None:
                commit_transaction(dbapi_conn)
            return  # the open batch is not this caller's
        try:
            try:
                _run(dbapi_conn, f"RELEASE {SAVEPOINT}")
            except BaseException as exc:
                lose_batch(exc)  # the transaction is in an unknown state: end it
                if dbapi_conn.in_transaction:
                    rollback_transaction(dbapi_conn)
                raise
            member.kept = True
            member.batch.kept += 1
            if pass_on(info):
                return
            try:
                end_batch(dbapi_conn)
            except BaseException:
                member.kept = False  # told by the commit's own error, not again by the batch
                raise
        finally:
            end_turn(info)

    def rollback(dbapi_conn: Any) -> None:
        info = _connection_info(dbapi_conn)
        if info is None or not info.get(IN_WRITE) or writes.member is None:
            if writes.batch is None:
                rollback_transaction(dbapi_conn)
            return  # the pool's reset after a writer handed the open batch on: not this caller's
        try:
            try:
                _run(dbapi_conn, f"ROLLBACK TO {SAVEPOINT}")
                _run(dbapi_conn, f"RELEASE {SAVEPOINT}")
            except BaseException as exc:
                lose_batch(exc)
                if dbapi_conn.in_transaction:
                    rollback_transaction(dbapi_conn)
                raise
            writes.member = None
            if pass_on(info):
                return
            try:
                end_batch(dbapi_conn)
            except Exception:  # noqa: BLE001 - the batch's writers are told; this one rolled back anyway
                logger.exception("committing a write batch after one of its writers rolled back")
        finally:
            end_turn(info)

    setattr(engine.dialect, "do_commit", commit)  # noqa: B010
    setattr(engine.dialect, "do_rollback", rollback)  # noqa: B010

    @event.listens_for(engine.pool, "checkin")
    def _on_checkin(dbapi_conn: Any, record: Any) -> None:
        if record is not None:  # back in the pool: its writer's transaction has ended, and its turn
            end_turn(record.info)

    @event.listens_for(engine.pool, "invalidate")
    def _on_invalidate(dbapi_conn: Any, record: Any, exc: Optional[BaseException]) -> None:
        lose_batch(exc or RuntimeError("the connection kept for writes was invalidated"))

    @event.listens_for(engine.pool, "close")
    def _on_close(dbapi_conn: Any, record: Any) -> None:
        lose_batch(RuntimeError("the connection kept for writes was closed"))


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
