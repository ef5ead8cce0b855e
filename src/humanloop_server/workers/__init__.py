"""A small durable job queue in the database (table ``jobs``) and the worker threads that drain it.

- ``enqueue(session, org_id, kind, payload, dedupe_key=None)`` adds a job in the caller's
  transaction (it runs once that commits). A ``dedupe_key`` makes enqueueing idempotent.
- ``claim(engine, worker_id)`` takes one due job atomically, on SQLite and PostgreSQL, with any
  number of server processes: the candidate is selected (``FOR UPDATE SKIP LOCKED`` on PostgreSQL)
  and then taken with a conditional ``UPDATE ... WHERE id = ? AND <still claimable>`` whose row
  count says whether this worker won. A job whose claim is older than ``stale_seconds`` (its
  worker died) is claimable again.
- A failing handler is retried with exponential backoff up to ``max_attempts``, then ``failed``.
- ``register(kind, fn)`` names the handler of a kind: ``fn(job: JobInfo, runtime: Runtime)``.
- ``WorkerPool`` runs ``n`` threads (started/stopped by the app lifespan; ``HUMANLOOP_WORKERS``,
  default 2, 0 disables); ``run_pending(engine, max_jobs)`` drains due jobs in the calling thread
  (tests, CLI).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import socket
import threading
import traceback
import uuid
from typing import Any, Callable, Dict, List, Optional

from sqlalchemy import Engine, and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..db.models import Job

logger = logging.getLogger("humanloop_server.workers")

DEFAULT_WORKERS = 2
DEFAULT_MAX_ATTEMPTS = 5
DEFAULT_STALE_SECONDS = 300.0
DEFAULT_POLL_SECONDS = 1.0
BACKOFF_BASE_SECONDS = 2.0
BACKOFF_MAX_SECONDS = 600.0


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _setting(settings: Any, name: str, env: str, default: Any, cast: Any) -> Any:
    value = getattr(settings, name, None) if settings is not None else None
    if value is None and os.environ.get(env):
        try:
            value = cast(os.environ[env])
        except ValueError:
            value = None
    return default if value is None else cast(value)


@dataclasses.dataclass
class QueueConfig:
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    stale_seconds: float = DEFAULT_STALE_SECONDS
    backoff_base: float = BACKOFF_BASE_SECONDS
    backoff_max: float = BACKOFF_MAX_SECONDS

    @classmethod
    def from_settings(cls, settings: Any) -> QueueConfig:
        return cls(
            max_attempts=_setting(
                settings, "job_max_attempts", "HUMANLOOP_JOB_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS, int
            ),
            stale_seconds=_setting(
                settings, "job_stale_seconds", "HUMANLOOP_JOB_STALE_SECONDS", DEFAULT_STALE_SECONDS, float
            ),
        )

    def backoff(self, attempts: int) -> float:
        return min(self.backoff_max, self.backoff_base * (2 ** max(0, attempts - 1)))


@dataclasses.dataclass
class JobInfo:
    id: int
    org_id: Optional[str]
    kind: str
    payload: Any
    attempts: int
    token: str  # this claim's claimed_by value


@dataclasses.dataclass
class Runtime:
    """What a handler gets besides its job: the engine and the server settings."""

    engine: Engine
    settings: Any = None

    def session(self) -> Session:
        return Session(bind=self.engine, expire_on_commit=False)

    def write_session(self) -> Session:
        from ..db.engine import WRITE_OPTION

        return Session(bind=self.engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False)


Handler = Callable[[JobInfo, Runtime], None]
_handlers: Dict[str, Handler] = {}
_wakeup = threading.Event()


def register(kind: str, fn: Handler) -> None:
    _handlers[kind] = fn


def handler_for(kind: str) -> Optional[Handler]:
    _ensure_builtin_handlers()
    return _handlers.get(kind)


def _ensure_builtin_handlers() -> None:
    # monitoring registers "monitor_log" on import
    from ..services import monitoring  # noqa: F401


def notify() -> None:
    """Wake idle worker threads of this process (jobs were committed)."""
    _wakeup.set()


def enqueue(
    session: Session,
    org_id: Optional[str],
    kind: str,
    payload: Any,
    dedupe_key: Optional[str] = None,
    run_after: Optional[dt.datetime] = None,
) -> Optional[Job]:
    """Add a job in the session's transaction (no commit). None when ``dedupe_key`` is already queued."""
    job = Job(
        org_id=org_id,
        kind=kind,
        payload=payload,
        status="pending",
        attempts=0,
        run_after=run_after or _now(),
        created_at=_now(),
        dedupe_key=dedupe_key,
    )
    if dedupe_key is not None:
        if session.execute(select(Job.id).where(Job.dedupe_key == dedupe_key)).first() is not None:
            return None
        try:
            with session.begin_nested():
                session.add(job)
                session.flush()
        except IntegrityError:
            return None
    else:
        session.add(job)
        session.flush()
    from sqlalchemy import event

    if not session.info.get("hl_jobs_notify"):
        session.info["hl_jobs_notify"] = True
        event.listen(session, "after_commit", _after_commit)
    return job


def _after_commit(session: Session) -> None:
    notify()


# ---------------------------------------------------------------- claiming


def _claimable(now: dt.datetime, stale_before: dt.datetime) -> Any:
    return or_(
        and_(Job.status == "pending", Job.run_after <= now),
        and_(Job.status == "running", Job.claimed_at < stale_before),
    )


def claim(engine: Engine, worker_id: str, config: Optional[QueueConfig] = None) -> Optional[JobInfo]:
    """Take one due (or stale) job for ``worker_id``; None when there is none."""
    from ..db.engine import WRITE_OPTION

    config = config or QueueConfig()
    write_engine = engine.execution_options(**{WRITE_OPTION: True})
    for _ in range(20):
        now = _now()
        stale_before = now - dt.timedelta(seconds=config.stale_seconds)
        token = f"{worker_id}:{uuid.uuid4().hex[:12]}"
        with write_engine.begin() as conn:
            stmt = select(Job.id).where(_claimable(now, stale_before)).order_by(Job.run_after, Job.id).limit(1)
            if conn.dialect.name == "postgresql":
                stmt = stmt.with_for_update(skip_locked=True)
            job_id = conn.execute(stmt).scalar_one_or_none()
            if job_id is None:
                return None
            res = conn.execute(
                update(Job)
                .where(Job.id == job_id, _claimable(now, stale_before))
                .values(status="running", claimed_by=token, claimed_at=now, attempts=Job.attempts + 1)
            )
            if res.rowcount != 1:
                continue  # another worker won this one; look again
            row = conn.execute(
                select(Job.id, Job.org_id, Job.kind, Job.payload, Job.attempts).where(Job.id == job_id)
            ).one()
        info = JobInfo(
            id=row.id, org_id=row.org_id, kind=row.kind, payload=row.payload, attempts=row.attempts, token=token
        )
        if info.attempts > config.max_attempts:
            # claimed again after its worker died too often: give up
            _finish(engine, info, "failed", error=f"gave up after {config.max_attempts} attempts")
            continue
        return info
    return None


def _finish(
    engine: Engine,
    job: JobInfo,
    status: str,
    error: Optional[str] = None,
    run_after: Optional[dt.datetime] = None,
) -> bool:
    """Record the outcome of a claim; False when the claim was lost (re-claimed as stale)."""
    from ..db.engine import WRITE_OPTION

    values: Dict[str, Any] = {"status": status}
    if error is not None:
        values["last_error"] = error[-4000:]
    if run_after is not None:
        values["run_after"] = run_after
    if status == "pending":
        values["claimed_by"] = None
        values["claimed_at"] = None
    with engine.execution_options(**{WRITE_OPTION: True}).begin() as conn:
        res = conn.execute(
            update(Job).where(Job.id == job.id, Job.claimed_by == job.token, Job.status == "running").values(**values)
        )
    return res.rowcount == 1


def execute(engine: Engine, job: JobInfo, settings: Any = None, config: Optional[QueueConfig] = None) -> str:
    """Run the handler of a claimed job and record the outcome ("done", "pending" (retry) or "failed")."""
    config = config or QueueConfig.from_settings(settings)
    fn = handler_for(job.kind)
    if fn is None:
        _finish(engine, job, "failed", error=f"no handler registered for job kind {job.kind!r}")
        return "failed"
    try:
        fn(job, Runtime(engine=engine, settings=settings))
    except Exception as exc:  # noqa: BLE001 - a failing job is retried, never crashes the worker
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        logger.warning("job %s (%s) attempt %s failed: %s", job.id, job.kind, job.attempts, detail)
        if job.attempts >= config.max_attempts:
            _finish(engine, job, "failed", error=detail)
            return "failed"
        _finish(
            engine, job, "pending", error=detail, run_after=_now() + dt.timedelta(seconds=config.backoff(job.attempts))
        )
        return "pending"
    _finish(engine, job, "done")
    return "done"


def run_pending(engine: Engine, max_jobs: int = 100, settings: Any = None, worker_id: Optional[str] = None) -> int:
    """Claim and run due jobs in this thread until none is left (or ``max_jobs``); returns how many ran."""
    config = QueueConfig.from_settings(settings)
    worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:drain"
    n = 0
    while n < max_jobs:
        job = claim(engine, worker_id, config)
        if job is None:
            break
        execute(engine, job, settings, config)
        n += 1
    return n


# ---------------------------------------------------------------- worker threads


class WorkerPool:
    """``n`` daemon threads claiming and running jobs until ``stop()``."""

    def __init__(self, engine: Engine, settings: Any = None, n: Optional[int] = None) -> None:
        self.engine = engine
        self.settings = settings
        self.n = _setting(settings, "workers", "HUMANLOOP_WORKERS", DEFAULT_WORKERS, int) if n is None else n
        self.poll = _setting(settings, "job_poll_seconds", "HUMANLOOP_JOB_POLL_SECONDS", DEFAULT_POLL_SECONDS, float)
        self.config = QueueConfig.from_settings(settings)
        self._stop = threading.Event()
        self._threads: List[threading.Thread] = []
        self._prefix = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"

    def start(self) -> WorkerPool:
        _ensure_builtin_handlers()
        for i in range(max(0, self.n)):
            t = threading.Thread(target=self._loop, args=(f"{self._prefix}:{i}",), name=f"hl-worker-{i}", daemon=True)
            t.start()
            self._threads.append(t)
        return self

    def _loop(self, worker_id: str) -> None:
        while not self._stop.is_set():
            try:
                job = claim(self.engine, worker_id, self.config)
            except Exception:  # noqa: BLE001 - e.g. database briefly unavailable
                logger.exception("claiming a job failed")
                job = None
            if job is None:
                _wakeup.wait(self.poll)
                _wakeup.clear()
                continue
            try:
                execute(self.engine, job, self.settings, self.config)
            except Exception:  # noqa: BLE001 - recording the outcome failed; the claim goes stale
                logger.exception("job %s: recording the outcome failed", job.id)

    def stop(self, timeout: float = 15.0) -> None:
        self._stop.set()
        _wakeup.set()
        for t in self._threads:
            t.join(timeout=timeout)
        self._threads = []


__all__ = [
    "Job",
    "JobInfo",
    "QueueConfig",
    "Runtime",
    "WorkerPool",
    "claim",
    "enqueue",
    "execute",
    "handler_for",
    "notify",
    "register",
    "run_pending",
]
