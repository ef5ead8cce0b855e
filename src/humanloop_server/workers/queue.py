"""A small durable job queue in the ``jobs`` table.

- ``enqueue(session, org_id, kind, payload, dedupe_key=None)`` adds a job in the caller's
  transaction (it runs once that commits). A ``dedupe_key`` makes enqueueing idempotent.
- ``claim(db, worker_id)`` takes one due job atomically, on SQLite and PostgreSQL, with any number
  of server processes: the candidate is selected (``FOR UPDATE SKIP LOCKED`` on PostgreSQL) and
  then taken with a conditional ``UPDATE ... WHERE id = ? AND <still claimable>`` whose row count
  says whether this worker won. A job whose claim is older than ``stale_seconds`` (its worker
  died) is claimable again.
- Claiming is fair between organisations (see :func:`claim`): the job comes from the organisation
  with the fewest jobs running, and an organisation already running ``share`` jobs gets no more
  while another organisation has work. The choice is made under a lock that all claimers share
  (SQLite's write lock; a transaction-scoped advisory lock on PostgreSQL), so the counts it reads
  cannot change under it.
- ``execute(rt, job, handlers)`` runs the job's handler; a failure is retried with exponential
  backoff up to ``max_attempts``, then the job is ``failed`` with the error kept.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading
import traceback
import uuid
from typing import Any, Callable, Dict, Mapping, Optional

from sqlalchemy import and_, event, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..db.database import Database
from ..db.models import Job
from ..services.context import Runtime
from ..settings import Settings

logger = logging.getLogger("humanloop_server.workers")

BACKOFF_BASE_SECONDS = 2.0
BACKOFF_MAX_SECONDS = 600.0


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclasses.dataclass
class QueueConfig:
    max_attempts: int = 5
    stale_seconds: float = 300.0
    backoff_base: float = BACKOFF_BASE_SECONDS
    backoff_max: float = BACKOFF_MAX_SECONDS
    #: most jobs one organisation may have running while another organisation has work (None: no limit)
    share: Optional[int] = None

    @classmethod
    def from_settings(cls, settings: Settings) -> QueueConfig:
        return cls(
            max_attempts=settings.job_max_attempts,
            stale_seconds=settings.job_stale_seconds,
            share=settings.resolved_worker_share,
        )

    def backoff(self, attempts: int) -> float:
        return float(min(self.backoff_max, self.backoff_base * (2 ** max(0, attempts - 1))))


@dataclasses.dataclass
class JobInfo:
    id: int
    org_id: Optional[str]
    kind: str
    payload: Any
    attempts: int
    token: str  # this claim's claimed_by value


#: What runs one job: ``handler(job, runtime)``. Raising retries the job later.
Handler = Callable[[JobInfo, Runtime], None]
Handlers = Mapping[str, Handler]

#: Set when jobs were committed in this process, so idle worker threads look at once.
wakeup = threading.Event()


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
    if not session.info.get("hl_jobs_notify"):
        session.info["hl_jobs_notify"] = True
        event.listen(session, "after_commit", _after_commit)
    return job


def _after_commit(session: Session) -> None:
    wakeup.set()


# ---------------------------------------------------------------- claiming


#: key of the advisory lock PostgreSQL claimers hold while they choose (any constant of our own)
CLAIM_LOCK_KEY = 7204158332


def _claimable(now: dt.datetime, stale_before: dt.datetime) -> Any:
    return or_(
        and_(Job.status == "pending", Job.run_after <= now),
        and_(Job.status == "running", Job.claimed_at < stale_before),
    )


def _org_key() -> Any:
    """The organisation a job is counted for; jobs of no organisation count as one more."""
    return func.coalesce(Job.org_id, "")


def _choose(session: Session, now: dt.datetime, stale_before: dt.datetime, share: Optional[int]) -> Optional[str]:
    """The organisation whose job the next free worker should take (None: nothing to take).

    Fair share: among the organisations with a due job, the one with the fewest jobs running now
    (claims not stale), and among those the one whose oldest due job is oldest. An organisation
    with ``share`` or more jobs running is skipped while any *other* organisation has a job due
    or running; alone, it may use every worker.
    """
    org = _org_key()
    running: Dict[str, int] = {
        str(key): int(n)
        for key, n in session.execute(
            select(org, func.count()).where(Job.status == "running", Job.claimed_at >= stale_before).group_by(org)
        ).all()
    }
    due = session.execute(
        select(org, func.min(Job.run_after), func.min(Job.id)).where(_claimable(now, stale_before)).group_by(org)
    ).all()
    if not due:
        return None
    active = set(running) | {str(row[0]) for row in due}
    candidates = []
    for key, oldest, first_id in due:
        key = str(key)
        n = running.get(key, 0)
        if share is not None and n >= share and active - {key}:
            continue  # at its share while another organisation has work
        candidates.append((n, oldest, first_id, key))
    if not candidates:
        return None
    return min(candidates)[3]


def claim(db: Database, worker_id: str, config: Optional[QueueConfig] = None) -> Optional[JobInfo]:
    """Take one due (or stale) job for ``worker_id``; None when there is none this worker may take.

    Which job: the oldest due job of the organisation chosen by :func:`_choose` (fewest running,
    at most ``config.share`` running while others have work). Taking it is the conditional update
    described in the module docstring, so a job is never taken twice whatever the choice was.
    """
    config = config or QueueConfig()
    for _ in range(20):
        now = _now()
        stale_before = now - dt.timedelta(seconds=config.stale_seconds)
        token = f"{worker_id}:{uuid.uuid4().hex[:12]}"
        with db.write() as session:
            if db.dialect == "postgresql":
                # one claimer chooses at a time, so the running counts hold until it has claimed
                # (on SQLite the write transaction already holds the database's write lock)
                session.execute(select(func.pg_advisory_xact_lock(CLAIM_LOCK_KEY)))
            org = _choose(session, now, stale_before, config.share)
            if org is None:
                return None
            stmt = (
                select(Job.id)
                .where(_claimable(now, stale_before), _org_key() == org)
                .order_by(Job.run_after, Job.id)
                .limit(1)
            )
            if db.dialect == "postgresql":
                stmt = stmt.with_for_update(skip_locked=True)
            job_id = session.execute(stmt).scalar_one_or_none()
            if job_id is None:
                continue  # its due jobs were taken meanwhile: choose again
            res = session.execute(
                update(Job)
                .where(Job.id == job_id, _claimable(now, stale_before))
                .values(status="running", claimed_by=token, claimed_at=now, attempts=Job.attempts + 1)
            )
            if getattr(res, "rowcount", 0) != 1:
                continue  # another worker won this one; look again
            row = session.execute(
                select(Job.id, Job.org_id, Job.kind, Job.payload, Job.attempts).where(Job.id == job_id)
            ).one()
        info = JobInfo(
            id=row.id, org_id=row.org_id, kind=row.kind, payload=row.payload, attempts=row.attempts, token=token
        )
        if info.attempts > config.max_attempts:
            # claimed again after its worker died too often: give up
            finish(db, info, "failed", error=f"gave up after {config.max_attempts} attempts")
            continue
        return info
    return None


def finish(
    db: Database,
    job: JobInfo,
    status: str,
    error: Optional[str] = None,
    run_after: Optional[dt.datetime] = None,
) -> bool:
    """Record the outcome of a claim; False when the claim was lost (re-claimed as stale)."""
    values: Dict[str, Any] = {"status": status}
    if error is not None:
        values["last_error"] = error[-4000:]
    if run_after is not None:
        values["run_after"] = run_after
    if status == "pending":
        values["claimed_by"] = None
        values["claimed_at"] = None
    with db.write() as session:
        res = session.execute(
            update(Job).where(Job.id == job.id, Job.claimed_by == job.token, Job.status == "running").values(**values)
        )
    return bool(getattr(res, "rowcount", 0) == 1)


def execute(rt: Runtime, job: JobInfo, handlers: Handlers, config: Optional[QueueConfig] = None) -> str:
    """Run the handler of a claimed job and record the outcome ("done", "pending" (retry) or "failed")."""
    config = config or QueueConfig.from_settings(rt.settings)
    fn = handlers.get(job.kind)
    if fn is None:
        finish(rt.db, job, "failed", error=f"no handler for job kind {job.kind!r}")
        return "failed"
    try:
        fn(job, rt)
    except Exception as exc:  # noqa: BLE001 - a failing job is retried, never crashes the worker
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        logger.warning("job %s (%s) attempt %s failed: %s", job.id, job.kind, job.attempts, detail)
        if job.attempts >= config.max_attempts:
            finish(rt.db, job, "failed", error=detail)
            return "failed"
        retry_at = _now() + dt.timedelta(seconds=config.backoff(job.attempts))
        finish(rt.db, job, "pending", error=detail, run_after=retry_at)
        return "pending"
    finish(rt.db, job, "done")
    return "done"
