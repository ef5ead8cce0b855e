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
"""

from __future__ import annotations

import contextlib
from typing import Iterator

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from ..settings import Settings
from .engine import WRITE_OPTION, make_engine, run_migrations


class Database:
    """An engine plus the transaction context managers every caller uses."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

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
        return Session(bind=self.engine, expire_on_commit=False)

    @staticmethod
    def begin_write(session: Session) -> None:
        """Start the session's next transaction as a write one (it must have none open)."""
        session.connection(execution_options={WRITE_OPTION: True})

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        session = self.session()
        try:
            yield session
        finally:
            session.close()  # rolls back whatever is open

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        session = self.session()
        try:
            self.begin_write(session)
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
