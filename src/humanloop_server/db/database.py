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

from sqlalchemy import Connection, Engine, Executable, Row
from sqlalchemy.orm import Session

from ..settings import Settings
from .engine import SINGLE_STATEMENT_OPTION, WRITE_OPTION, make_engine, run_migrations


class _Session(Session):
    """A session whose next transaction can be marked to begin as a write one at its first
    statement (``write_pending``), calling ``on_write_begin`` once it has begun."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.write_pending = False
        self.on_write_begin: Optional[Callable[[Session], None]] = None

    def _connection_for_bind(self, engine: Any, execution_options: Any = None, **kw: Any) -> Connection:
        if not self.write_pending:
            return super()._connection_for_bind(engine, execution_options, **kw)
        self.write_pending = False
        conn = super()._connection_for_bind(engine, {**(execution_options or {}), WRITE_OPTION: True}, **kw)
        if self.on_write_begin is not None:
            self.on_write_begin(self)
        return conn


class Database:
    """An engine plus the transaction context managers every caller uses."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
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

    def session(self) -> Session:
        """A session whose transactions are reads until :meth:`begin_write` is called on it."""
        return _Session(bind=self.engine, expire_on_commit=False)

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
