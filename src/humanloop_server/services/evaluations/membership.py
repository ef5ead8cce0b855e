"""How Logs join an Evaluation, and when its background work is queued.

``on_log_created`` and ``on_trace_completed`` are log hooks (``services.context.LogHooks``): they run
inside the transaction that stores the Log and queue ``evaluation_step`` jobs in it, so a job exists
exactly when the Log does. ``schedule`` queues a full step after the setup of an Evaluation changed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, Optional

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ...db.models import Evaluation, EvaluationEvaluatee, Log
from ...workers.queue import enqueue
from ..common import now, unprocessable
from ..context import Context
from ..judgments import ready
from ..tenancy import find_owned
from .lookup import (
    CLIENT_STATUSES,
    JOB_KIND,
    batch_dataset_version,
    evaluatees_of,
    evaluators_of,
    get_evaluation,
    lock_evaluation,
    new_run_id,
    runs_on_server,
    server_calls,
)


def on_log_created(ctx: Context, log: Log) -> None:
    """Called (before the commit) for every new Log that names an ``evaluation_id`` or a ``parent_id``.

    A Log of an Evaluation joins it: a new (version, batch) pair becomes a new evaluatee, a finished
    Evaluation runs again, and the server-side Evaluators are scheduled for the Log. A judgment of
    such a Log schedules a (coalesced) re-check of completion, so the stored status follows.
    """
    if log.parent_id is not None:
        parent = find_owned(ctx, Log, log.parent_id)
        if parent is not None and parent.evaluation_id:
            _schedule_recheck(ctx, parent.evaluation_id)
        return
    if not log.evaluation_id:
        return
    ev = get_evaluation(ctx, log.evaluation_id)
    lock_evaluation(ctx, ev)
    _check_run(ctx, ev, log)
    stmt = select(EvaluationEvaluatee.id).where(
        EvaluationEvaluatee.evaluation_id == ev.id, EvaluationEvaluatee.version_id == log.version_id
    )
    stmt = stmt.where(
        EvaluationEvaluatee.batch_id.is_(None) if log.batch_id is None else EvaluationEvaluatee.batch_id == log.batch_id
    )
    if ctx.session.execute(stmt).first() is None:
        ts = now()
        row = EvaluationEvaluatee(
            evaluation_id=ev.id,
            version_id=log.version_id,
            batch_id=log.batch_id,
            orchestrated=False,
            pinned=False,
            added_at=ts,
            created_at=ts,
            run_id=new_run_id(),
            dataset_version_id=batch_dataset_version(ctx, ev),
        )
        try:
            with ctx.session.begin_nested():  # a concurrent Log of the same batch may have added it
                ctx.session.add(row)
                ctx.session.flush()
        except IntegrityError:
            pass
    if ev.status in ("pending", "completed"):
        ev.status = "running"
        ev.updated_at = now()
    _judge_later(ctx, ev, log)


def _check_run(ctx: Context, ev: Evaluation, log: Log) -> None:
    """A Log of a batch that a Run created with ``create_run`` owns (its ``batch_id`` is the Run's id)
    must be of the Run's version; a Run created without a version takes the version of its first
    Log, which must be a version of the Evaluation's File."""
    if log.batch_id is None:
        return
    run = ctx.session.execute(
        select(EvaluationEvaluatee).where(
            EvaluationEvaluatee.evaluation_id == ev.id,
            EvaluationEvaluatee.run_id == log.batch_id,
            EvaluationEvaluatee.batch_id == log.batch_id,
        )
    ).scalar_one_or_none()
    if run is None:
        return
    if run.version_id is None:
        if log.file_id != ev.file_id:
            raise unprocessable(
                f"Run {run.run_id!r} evaluates the File {ev.file_id!r}; this Log is of the File {log.file_id!r}",
                ["body", "run_id"],
            )
        run.version_id = log.version_id
        ctx.session.flush()
    elif run.version_id != log.version_id:
        raise unprocessable(
            f"Run {run.run_id!r} evaluates version {run.version_id!r}; this Log is of version {log.version_id!r}",
            ["body", "run_id"],
        )


RECHECK_SECONDS = 1


def _schedule_recheck(ctx: Context, evaluation_id: str) -> None:
    """At most one completion re-check per evaluation and second, run at the end of that second."""
    ev = find_owned(ctx, Evaluation, evaluation_id)
    if ev is None or ev.status in CLIENT_STATUSES:
        return
    ts = now()
    bucket = int(ts.timestamp()) // RECHECK_SECONDS + 1
    run_after = dt.datetime.fromtimestamp(bucket * RECHECK_SECONDS, tz=dt.timezone.utc)
    _enqueue(
        ctx,
        {"evaluation_id": ev.id, "recheck": True},
        dedupe_key=f"{JOB_KIND}:recheck:{ev.id}:{bucket}",
        run_after=run_after,
    )


def on_trace_completed(ctx: Context, log: Log) -> None:
    """A Flow Log of an Evaluation was completed: its server-side judgments can run now."""
    if not log.evaluation_id:
        return
    ev = find_owned(ctx, Evaluation, log.evaluation_id)
    if ev is not None and log.parent_id is None:
        _judge_later(ctx, ev, log)


def _judge_later(ctx: Context, ev: Evaluation, log: Log) -> None:
    if ev.status == "cancelled" or not ready(log):
        return
    if any(runs_on_server(ctx, e) for e in evaluators_of(ctx, ev)):
        _enqueue(ctx, {"evaluation_id": ev.id, "log_id": log.id}, dedupe_key=f"{JOB_KIND}:log:{log.id}")


def _enqueue(
    ctx: Context, payload: Dict[str, Any], dedupe_key: Optional[str] = None, run_after: Optional[dt.datetime] = None
) -> None:
    """Queue one orchestration step in the caller's transaction."""
    enqueue(ctx.session, ctx.org_id, JOB_KIND, payload, dedupe_key=dedupe_key, run_after=run_after)


def schedule(ctx: Context, ev: Evaluation) -> None:
    """Queue a full step when there is server work (orchestrated Prompts or Agents, or server-side Evaluators)."""
    ctx.session.flush()
    work = any(runs_on_server(ctx, e) for e in evaluators_of(ctx, ev)) or any(
        e.orchestrated and server_calls(ctx, e.version_id) for e in evaluatees_of(ctx, ev)
    )
    if work and ev.status != "cancelled":
        _enqueue(ctx, {"evaluation_id": ev.id})
