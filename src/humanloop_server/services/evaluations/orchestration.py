"""The server's share of an Evaluation, run as ``evaluation_step`` background jobs.

For orchestrated Prompt and Agent evaluatees the server calls the version for each datapoint that
has no Log yet (``prompts.call`` / ``agents.call`` on the server; a failed call is still stored, as
that datapoint's Log with its error, so completion stays reachable). Orchestrated ``python`` / ``llm`` Evaluators judge every
Log of the Evaluation through ``judgments.judge``. Each step ends by storing the computed status.

A job's payload is one of:

- ``{"evaluation_id"}``: everything outstanding;
- ``{"evaluation_id", "log_id"}``: the server-side Evaluators of one new Log;
- ``{"evaluation_id", "recheck": true}``: only re-compute and store the status.

No transaction stays open while a provider or an evaluator works: each read and each write is a
transaction of its own, and a cancelled Evaluation is noticed between any two of them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import logging
import os
import threading
import weakref
from typing import Any, Dict, Iterator, List, Optional, Tuple

from sqlalchemy import func, select

from ...db.models import Datapoint, Evaluation, EvaluationEvaluatee, File, Log, Version
from ...workers.queue import JobInfo, enqueue
from .. import agent_calls, judgments, logs, prompt_calls
from ..common import now
from ..context import Context, Runtime
from ..errors import ServiceError
from ..tenancy import find_owned
from .lookup import CLIENT_STATUSES, JOB_KIND, evaluators_of, lock_evaluation, runs_on_server, server_calls
from .state import load_state

logger = logging.getLogger(__name__)


def _active(ctx: Context, ev_id: str) -> Optional[Evaluation]:
    ev = find_owned(ctx, Evaluation, ev_id)
    return ev if ev is not None and ev.status != "cancelled" else None


def _still_active(ev_id: str) -> Any:
    def check(ctx: Context) -> bool:
        return _active(ctx, ev_id) is not None

    return check


def _server_evaluators(ctx: Context, ev: Evaluation) -> List[str]:
    return [e.evaluator_version_id for e in evaluators_of(ctx, ev) if runs_on_server(ctx, e)]


def _judge_all(rt: Runtime, org_id: str, ev_id: str, pairs: List[Tuple[str, str]]) -> None:
    for log_id, evaluator_version_id in pairs:
        with rt.db.read() as session:
            if _active(Context(session, org_id, rt), ev_id) is None:
                return
        judgments.judge(
            rt, org_id, log_id, evaluator_version_id, source="evaluation", still_wanted=_still_active(ev_id)
        )


def _has_datapoint_log(ctx: Context, ev_id: str, ee: EvaluationEvaluatee, dp_id: str) -> bool:
    """Whether the datapoint has a Log in this batch already (another step may have made it meanwhile)."""
    stmt = select(Log.id).where(
        Log.org_id == ctx.org_id,
        Log.evaluation_id == ev_id,
        Log.parent_id.is_(None),
        Log.version_id == ee.version_id,
        Log.source_datapoint_id == dp_id,
    )
    stmt = stmt.where(Log.batch_id.is_(None) if ee.batch_id is None else Log.batch_id == ee.batch_id)
    return ctx.session.execute(stmt.limit(1)).first() is not None


def _generate(rt: Runtime, org_id: str, ev_id: str, ee_id: int, dp_id: str) -> bool:
    """Call the evaluated Prompt or Agent version on one datapoint; False when the Evaluation was cancelled.

    A call that fails leaves the datapoint a Log with the error: the one the call stored itself
    (an Agent call stores its Agent Log before the provider answers), else one written here.
    """
    with rt.db.read() as session:
        ctx = Context(session, org_id, rt)
        ee = session.get(EvaluationEvaluatee, ee_id)
        dp = session.get(Datapoint, dp_id)
        if _active(ctx, ev_id) is None or ee is None or dp is None:
            return False
        v = session.get(Version, ee.version_id)
        f = session.get(File, v.file_id) if v is not None else None
        if v is None or f is None or _has_datapoint_log(ctx, ev_id, ee, dp_id):
            return True
        file_type = f.type
        body: Dict[str, Any] = {
            "id": f.id,
            "inputs": dict(dp.inputs or {}),
            "evaluation_id": ev_id,
            "batch_id": ee.batch_id,
            "source_datapoint_id": dp.id,
            "source": "evaluation",
            "stream": False,
        }
        if dp.messages:
            body["messages"] = dp.messages
        try:
            if file_type == "agent":
                agent_calls.call_agent(ctx, body, version_id=v.id)
            else:
                prompt_calls.call_prompt(ctx, body, version_id=v.id)
            return True
        except Exception as exc:  # noqa: BLE001 - any failure becomes the datapoint's Log
            logger.warning("evaluation %s: %s call failed for datapoint %s: %s", ev_id, file_type, dp_id, exc)
            error = str(exc.detail) if isinstance(exc, ServiceError) else f"{type(exc).__name__}: {exc}"
    failed = {
        "id": f.id,
        "inputs": body["inputs"],
        "messages": dp.messages,
        "error": error,
        "evaluation_id": ev_id,
        "batch_id": body["batch_id"],
        "source_datapoint_id": dp_id,
        "source": "evaluation",
    }
    with rt.db.write() as session:
        ctx = Context(session, org_id, rt)
        ee = session.get(EvaluationEvaluatee, ee_id)
        if ee is not None and not _has_datapoint_log(ctx, ev_id, ee, dp_id):
            logs.create_log(ctx, file_type, failed, version_id=v.id)
    return True


def finish(rt: Runtime, org_id: str, ev_id: str) -> None:
    """Store the computed status (pending/running/completed) unless a client set one."""
    with rt.db.write() as session:
        ctx = Context(session, org_id, rt)
        ev = session.get(Evaluation, ev_id)
        if ev is None:
            return
        lock_evaluation(ctx, ev)
        if ev.status in CLIENT_STATUSES:
            return
        status = load_state(ctx, ev).status()
        if status != ev.status:
            ev.status = status
            ev.updated_at = now()


#: a lock per Evaluation for its full steps in this process (see :func:`step`); a lock nobody
#: holds or waits for goes away with its last reference
_full_steps: weakref.WeakValueDictionary[str, threading.Lock] = weakref.WeakValueDictionary()
_full_steps_guard = threading.Lock()


def _full_step_lock(ev_id: str) -> threading.Lock:
    with _full_steps_guard:
        lock = _full_steps.get(ev_id)
        if lock is None:
            lock = _full_steps[ev_id] = threading.Lock()
        return lock


#: a full step that finds another process running one for its Evaluation comes back this much later
RETRY_FULL_STEP_SECONDS = 2.0


def _advisory_key(ev_id: str) -> int:
    """The PostgreSQL advisory lock of an Evaluation's full steps: a signed 64-bit number of its id."""
    digest = hashlib.sha256(f"evaluation_step:{ev_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextlib.contextmanager
def _across_processes(rt: Runtime, ev_id: str) -> Iterator[bool]:
    """Whether this process may run a full step of the Evaluation now (False: another process runs
    one). Held until the step ends; a process that dies lets go of it with its connection or file.

    PostgreSQL: a session advisory lock, on a connection of its own outside any transaction.
    SQLite: a lock on one byte of a file beside the database (``<database>-steps``), chosen by the
    Evaluation. Such locks belong to a process, not a thread, which is why ``step`` takes the
    lock of this process first."""
    key = _advisory_key(ev_id)
    if rt.db.dialect == "postgresql":
        with rt.db.engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            if not conn.execute(select(func.pg_try_advisory_lock(key))).scalar_one():
                yield False
                return
            try:
                yield True
            finally:
                conn.execute(select(func.pg_advisory_unlock(key)))
        return
    database = rt.db.engine.url.database
    if not database or database == ":memory:":
        yield True  # a database in memory belongs to this process alone
        return
    fd = _steps_file(database)
    offset = key % STEP_LOCK_BYTES
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, offset)
    except OSError:  # held by another process
        yield False
        return
    try:
        yield True
    finally:
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, offset)


#: the byte ranges of ``<database>-steps`` an Evaluation's lock may take
STEP_LOCK_BYTES = 1 << 31
#: per SQLite database file, the open ``-steps`` file of this process: kept open, because closing any
#: descriptor of a file drops every lock the process holds on it
_steps_files: Dict[str, int] = {}
_steps_files_guard = threading.Lock()


def _steps_file(database: str) -> int:
    with _steps_files_guard:
        fd = _steps_files.get(database)
        if fd is None:
            fd = _steps_files[database] = os.open(database + "-steps", os.O_RDWR | os.O_CREAT, 0o600)
        return fd


def _come_back_later(rt: Runtime, org_id: str, ev_id: str) -> None:
    with rt.db.write() as session:
        run_after = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=RETRY_FULL_STEP_SECONDS)
        enqueue(session, org_id, JOB_KIND, {"evaluation_id": ev_id}, run_after=run_after)


def step(rt: Runtime, org_id: str, payload: Dict[str, Any]) -> None:
    """One orchestration job (see the module docstring for the payloads).

    Full steps of one Evaluation take turns: each finds the datapoints without a Log in a read,
    then calls the version for each outside any transaction, so two at once (two worker threads,
    or two server processes on one database) both made the same datapoints' Logs. In a
    process they queue on a lock; across processes a step that finds another one
    running queues a new full step for a moment later and ends, rather than hold a worker thread
    and a connection while it waits (see :func:`_across_processes`). A step that comes after the
    running one reads after it is done, and finds its Logs.
    """
    if payload.get("recheck") or payload.get("log_id"):
        _step(rt, org_id, payload)
        return
    ev_id = payload["evaluation_id"]
    with _full_step_lock(ev_id), _across_processes(rt, ev_id) as mine:
        if mine:
            _step(rt, org_id, payload)
            return
    logger.info("evaluation %s: a full step runs in another process; this one comes back later", ev_id)
    _come_back_later(rt, org_id, ev_id)


def _step(rt: Runtime, org_id: str, payload: Dict[str, Any]) -> None:
    ev_id = payload["evaluation_id"]
    with rt.db.read() as session:
        ctx = Context(session, org_id, rt)
        ev = _active(ctx, ev_id)
        if ev is None:
            return
        server_evaluators = _server_evaluators(ctx, ev)
        todo: List[Tuple[int, str]] = []
        if not payload.get("recheck") and not payload.get("log_id"):
            state = load_state(ctx, ev)
            for ee in state.evaluatees:
                if ee.orchestrated and server_calls(ctx, ee.version_id):
                    todo.extend(
                        (ee.id, dp.id) for dp in state.batch_datapoints[ee.id] if dp.id not in state.current[ee.id]
                    )
    if payload.get("recheck"):
        finish(rt, org_id, ev_id)
        return
    if payload.get("log_id"):
        _judge_all(rt, org_id, ev_id, [(payload["log_id"], vid) for vid in server_evaluators])
        finish(rt, org_id, ev_id)
        return
    for ee_id, dp_id in todo:
        if not _generate(rt, org_id, ev_id, ee_id, dp_id):
            return
    # judge every Log still lacking a server-side judgment
    with rt.db.read() as session:
        ctx = Context(session, org_id, rt)
        ev = _active(ctx, ev_id)
        if ev is None:
            return
        state = load_state(ctx, ev)
        pending = [
            (log.id, vid)
            for logs_ in state.logs.values()
            for log in logs_
            for vid in server_evaluators
            if (log.id, vid) not in state.judgments and judgments.ready(log)
        ]
    _judge_all(rt, org_id, ev_id, pending)
    finish(rt, org_id, ev_id)


def run_job(job: JobInfo, rt: Runtime) -> None:
    """Handler of ``evaluation_step`` jobs."""
    step(rt, str(job.org_id), dict(job.payload or {}))
