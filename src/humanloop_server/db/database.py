"""The one way to open a database transaction.

Every part of the server (routes, background workers, streamed calls, the Idempotency-Key layer,
the command line) reaches the database through a :class:`Database`:

    with db.read() as session:    # a read transaction; rolled back at the end
        ...
    with db.write() as session:   # a write transaction; committed when the block ends normally
        ...

A write transaction takes the write lock up front (``BEGIN IMMEDIATE`` on SQLite), so concurrent
writers queue on the busy timeout instead of failing when a reader upgrades. Only the *first*
transaction of a write session does: once its work is committed (``session.commit()``) the same
session keeps reading in plain transactions, which need no lock. Nothing rebinds a session.

``db.write(deferred=True)`` begins that write transaction at the session's first statement rather
than at once: a request's transaction is opened before its body is validated (FastAPI solves
dependencies first), and on SQLite the write lock would be held meanwhile.
"""

from __future__ import annotations

import contextlib
from typing import Any, Callable, Dict, Iterator, Optional

from sqlalchemy import Connection, Engine, Executable, Row, event
from sqlalchemy.orm import Session, SessionTransaction

from ..settings import Settings
from .engine import (
    SINGLE_STATEMENT_OPTION,
    TURN_OPTION,
    WRITE_OPTION,
    SqliteWrites,
    make_engine,
    run_migrations,
    sqlite_writes,
)
from .write_batch import Member


class _Session(Session):
    """A session whose next transaction can be marked to begin as a write one at its first
    statement (``write_pending``), calling ``on_write_begin`` once it has begun.

    On a SQLite database file a write transaction runs on the connection kept for writes
    (``engine.SqliteWrites``): the session waits for this process's write turn, takes that
    connection, and answers it as its bind (``write_bind``) until the transaction ends. Its part in
    the write batch it joined there (``write_member``, see ``write_batch.py``) is what its commit
    waits for once the connection is back."""

    def __init__(self, *args: Any, sqlite: Optional[SqliteWrites] = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.write_pending = False
        self.on_write_begin: Optional[Callable[[Session], None]] = None
        self.sqlite = sqlite
        self.write_bind: Optional[Engine] = None
        self.write_member: Optional[Member] = None

    def get_bind(self, *args: Any, **kwargs: Any) -> Any:
        if self.write_bind is not None:
            return self.write_bind
        return super().get_bind(*args, **kwargs)

    def _connection_for_bind(self, engine: Any, execution_options: Any = None, **kw: Any) -> Connection:
        pending = self.write_pending
        if pending:
            self.write_pending = False
            execution_options = {**(execution_options or {}), WRITE_OPTION: True}
        if execution_options and execution_options.get(WRITE_OPTION) and self.write_bind is None:
            conn = self._begin_write(engine, execution_options, **kw)
        else:
            conn = super()._connection_for_bind(engine, execution_options, **kw)
        if pending and self.on_write_begin is not None:
            self.on_write_begin(self)
        return conn

    def _begin_write(self, engine: Any, execution_options: Dict[str, Any], **kw: Any) -> Connection:
        writes = self.sqlite
        if writes is None or writes.engine is None:
            return super()._connection_for_bind(engine, execution_options, **kw)
        turn = writes.take_turn()
        if turn is None:  # the turn did not come in time: SQLite's own lock decides, on any connection
            return super()._connection_for_bind(engine, {**execution_options, TURN_OPTION: None}, **kw)
        try:
            conn = super()._connection_for_bind(writes.engine, {**execution_options, TURN_OPTION: turn}, **kw)
        finally:
            if not turn.owned:  # no transaction took it over (no connection, or it failed to begin)
                writes.writers.release()
        self.write_bind = writes.engine
        self.write_member = writes.member  # set by the connection's begin, while this writer has the turn
        return conn


@event.listens_for(_Session, "after_transaction_end")
def _write_ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None and isinstance(session, _Session) and session.write_bind is not None:
        session.write_bind = None  # the session's next transaction is on the engine's pool again
        member, session.write_member = session.write_member, None
        if member is not None and member.kept:
            # its connection is back for the next writer: now wait for the batch's commit and fsync
            assert session.sqlite is not None
            member.batch.wait_stored(session.sqlite.syncer)


class Database:
    """An engine plus the transaction context managers every caller uses."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sqlite = sqlite_writes(engine)
        self._single_statement: Dict[str, Any] = (
            {"isolation_level": "AUTOCOMMIT"}
            if engine.dialect.name == "postgresql"
            else {SINGLE_STATEMENT_OPTION: True}
        )

    @classmethod
    def open(cls, settings: Settings, *, migrate: bool = True) -> Database:
        """Connect to the configured database and bring its schema up to date."""
        db = cls(make_engine(settings))
        if migrate:
            db.migrate()
        return db

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def migrate(self) -> None:
        run_migrations(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()
        if self._sqlite is not None and self._sqlite.engine is not None:
            self._sqlite.engine.dispose()

    def session(self) -> Session:
        """A session whose transactions are reads until :meth:`begin_write` is called on it."""
        return _Session(bind=self.engine, expire_on_commit=False, sqlite=self._sqlite)

    @staticmethod
    def begin_write(session: Session) -> None:
        """Start the session's next transaction as a write one (it must have none open)."""
        session.connection(execution_options={WRITE_OPTION: True})

    def read_one(self, statement: Executable, params: Optional[Dict[str, Any]] = None) -> Optional[Row[Any]]:
        """The first row of one read statement, run on its own without a transaction: a single
        statement sees one consistent state anyway, and the BEGIN and ROLLBACK around it would
        double its cost (two more round trips to PostgreSQL). For lookups on every request."""
        with self.engine.connect() as conn:
            return conn.execution_options(**self._single_statement).execute(statement, params).first()

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        session = self.session()
        try:
            yield session
        finally:
            session.close()  # rolls back whatever is open

    @staticmethod
    def defer_write(session: Session, on_begin: Optional[Callable[[Session], None]] = None) -> None:
        """Make the session's next transaction a write one, begun at its first statement (it must
        have none open); ``on_begin(session)`` runs right after that begins."""
        assert isinstance(session, _Session)
        session.write_pending = True
        session.on_write_begin = on_begin

    @staticmethod
    def write_deferred(session: Session) -> bool:
        """A write transaction is due on the session but has not begun yet."""
        return bool(getattr(session, "write_pending", False))

    @contextlib.contextmanager
    def write(
        self, *, deferred: bool = False, on_begin: Optional[Callable[[Session], None]] = None
    ) -> Iterator[Session]:
        """A write transaction, committed when the block ends normally. ``deferred``: it begins at
        the first statement (then ``on_begin(session)`` runs), not at once."""
        session = self.session()
        try:
            if deferred:
                self.defer_write(session, on_begin)
            else:
                self.begin_write(session)
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
