"""The composition root: the one place that knows every part and connects them.

- :func:`build_runtime` opens the database and installs the log hooks (evaluations, then
  monitoring), so ``services.logs`` never imports the services that react to new Logs;
- :data:`JOB_HANDLERS` is the whole table of background job kinds, given to the worker pool.

The app factory, the command line and tests build their runtime here.
"""

from __future__ import annotations

from typing import Dict, Optional

from .db.database import Database
from .services import evaluations, monitoring
from .services.context import LogHooks, Runtime
from .settings import Settings
from .workers.queue import Handler

JOB_HANDLERS: Dict[str, Handler] = {
    monitoring.JOB_KIND: monitoring.run_job,
    evaluations.JOB_KIND: evaluations.run_job,
}


def log_hooks() -> LogHooks:
    return LogHooks(
        created=[evaluations.on_log_created, monitoring.on_log_created],
        trace_completed=[monitoring.on_trace_completed, evaluations.on_trace_completed],
    )


def build_runtime(settings: Settings, db: Optional[Database] = None) -> Runtime:
    """The runtime of one server process: the database (opened and migrated unless given)."""
    return Runtime(db=db or Database.open(settings), settings=settings, hooks=log_hooks())
