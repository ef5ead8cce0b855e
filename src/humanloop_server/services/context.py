"""What every service function is given: who asks (``org_id``), the open session, and the runtime.

The :class:`Runtime` is built once per process by the composition root (``humanloop_server.wiring``):
the :class:`~humanloop_server.db.database.Database`, the settings, and the hooks that run when a Log
is created or a trace completes. The hooks are how monitoring and evaluations learn of new Logs
without ``services.logs`` importing them (they import ``logs``, so the dependency points one way).
"""

from __future__ import annotations

import contextlib
import dataclasses
from typing import TYPE_CHECKING, Callable, Iterator, List, Optional, Protocol

from sqlalchemy.orm import Session

from ..db.database import Database
from ..settings import Settings

if TYPE_CHECKING:
    from ..db.models import Log

#: Called inside the transaction that stores the Log, before it commits.
LogHook = Callable[["Context", "Log"], None]


@dataclasses.dataclass
class LogHooks:
    created: List[LogHook] = dataclasses.field(default_factory=list)
    trace_completed: List[LogHook] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Runtime:
    db: Database
    settings: Settings
    hooks: LogHooks = dataclasses.field(default_factory=LogHooks)


class HeldTransaction(Protocol):
    """The write transaction of a request whose work must commit together with something the
    request layer adds once the service has returned: the stored answer of an Idempotency-Key
    (``services.idempotency.KeyedRequest``). A :class:`Context` that has one never commits itself."""

    def work_done(self) -> None:
        """The service finished a write (``Context.commit``); it stays in the transaction."""

    def pause(self) -> None:
        """End the transaction before a slow wait, unless work is already in it (see ``Context.pause``)."""

    def resume(self) -> Session:
        """The held session, in a write transaction again (begun anew after a pause)."""


@dataclasses.dataclass
class Context:
    session: Session
    org_id: str
    rt: Runtime
    #: set for a request with an Idempotency-Key: its work commits with the stored answer, later
    held: Optional[HeldTransaction] = None

    def commit(self) -> None:
        """Commit this request's work; later statements run in a new (read) transaction.

        When the transaction is held (a request with an Idempotency-Key), the work is only flushed:
        it commits together with the request's answer, or not at all.
        """
        if self.held is not None:
            self.session.flush()
            self.held.work_done()
            return
        self.session.commit()

    def pause(self) -> None:
        """End the transaction before waiting on something slow (a model provider), so that no
        lock is held meanwhile; work done so far is committed first. A held transaction is only
        ended when nothing was written in it yet (else it stays open: its work must commit with
        the answer), so callers pause before they write."""
        if self.held is not None:
            self.held.pause()
            return
        self.session.commit()

    @contextlib.contextmanager
    def write(self) -> Iterator[Context]:
        """A write transaction for more of this caller's work: one of its own, committed when the
        block ends; or, when the caller's transaction is held, that one (begun again after a
        pause), which commits with the request's answer."""
        if self.held is not None:
            yield dataclasses.replace(self, session=self.held.resume())
            return
        with self.rt.db.write() as session:
            yield self.with_session(session)

    def with_session(self, session: Session) -> Context:
        """The same caller on another session (e.g. a write transaction of its own)."""
        return Context(session=session, org_id=self.org_id, rt=self.rt)
