"""Evaluations (the 0.8.6 API, batch based), split by concern:

- ``lookup``: finding an Evaluation and the versions it names;
- ``setup``: create, read, change, delete, pin (the HTTP operations);
- ``state``: what an Evaluation holds now, its status and its wire form;
- ``report``: statistics, the text report, the Logs side by side;
- ``membership``: Logs joining an Evaluation (log hooks), queueing background work;
- ``orchestration``: the ``evaluation_step`` jobs (server-side Prompt calls and judgments).
"""

from .lookup import JOB_KIND
from .membership import on_log_created, on_trace_completed
from .orchestration import run_job
from .report import get_logs, stats
from .setup import create, delete, get, list_evaluations, pin_evaluatee, update_setup, update_status

__all__ = [
    "JOB_KIND",
    "create",
    "delete",
    "get",
    "get_logs",
    "list_evaluations",
    "on_log_created",
    "on_trace_completed",
    "pin_evaluatee",
    "run_job",
    "stats",
    "update_setup",
    "update_status",
]
