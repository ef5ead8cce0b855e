"""Evaluations (the 0.8.6 API, batch based), split by concern:

- ``lookup``: finding an Evaluation and the versions it names;
- ``setup``: create, read, change, delete, pin (the HTTP operations);
- ``state``: what an Evaluation holds now, its status and its wire form;
- ``report``: statistics, the text report, the Logs side by side;
- ``membership``: Logs joining an Evaluation (log hooks), queueing background work;
- ``orchestration``: the ``evaluation_step`` jobs (server-side Prompt calls and judgments);
- ``runs``: the runs-era operations (a Run is a batch), and Logs joining a Run by ``run_id``.
"""

from .lookup import JOB_KIND
from .membership import on_log_created, on_trace_completed
from .orchestration import run_job
from .report import get_logs, stats
from .runs import (
    add_evaluators,
    add_existing_run,
    add_logs_to_run,
    create_run,
    join_run,
    list_runs,
    remove_evaluator,
    remove_run,
    update_run,
)
from .setup import create, delete, get, list_evaluations, pin_evaluatee, update_setup, update_status

__all__ = [
    "JOB_KIND",
    "add_evaluators",
    "add_existing_run",
    "add_logs_to_run",
    "create_run",
    "join_run",
    "list_runs",
    "remove_evaluator",
    "remove_run",
    "update_run",
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
