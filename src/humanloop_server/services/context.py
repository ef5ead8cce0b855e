"""What every service function is given: who asks (``org_id``), the open session, and the runtime.

The :class:`Runtime` is built once per process by the composition root (``humanloop_server.wiring``):
the :class:`~humanloop_server.db.database.Database`, the settings, and the hooks that run when a Log
is created or a trace completes. The hooks are how monitoring and evaluations learn of new Logs
without ``services.logs`` importing them (they import ``logs``, so the dependency points one way).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Callable, List

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


@dataclasses.dataclass
class Context:
    session: Session
    org_id: str
    rt: Runtime

    def commit(self) -> None:
        """Commit this request's work; later statements run in a new (read) transaction."""
        self.session.commit()

    def with_session(self, session: Session) -> Context:
        """The same caller on another session (e.g. a write transaction of its own)."""
        return Context(session=session, org_id=self.org_id, rt=self.rt)
