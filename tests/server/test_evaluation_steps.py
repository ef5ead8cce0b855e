"""Full orchestration steps of one Evaluation never call its version twice for a datapoint, whether
two run at once in one process (worker threads) or in two server processes on one PostgreSQL
database (``services/evaluations/orchestration.step``)."""

from __future__ import annotations

import contextlib
import datetime as dt
import subprocess
import sys
import threading
import time
from typing import Any, Iterator, List

import pytest
from sqlalchemy import func, select

from humanloop import Humanloop
from humanloop_server.db.models import Evaluation, Job, Log
from humanloop_server.providers import mock
from humanloop_server.services.evaluations import orchestration

from .conftest import Server
from .test_evaluations import DATAPOINTS, drain


def _orchestrated_evaluation(server: Server, uid: str) -> Any:
    hl = Humanloop(api_key=server.api_key, base_url=server.base_url)
    prompt = hl.prompts.upsert(
        path=f"{uid}/steps/echo", model="mock-1", provider="mock", template=[{"role": "user", "content": "{{q}}"}]
    )
    ds = hl.datasets.upsert(path=f"{uid}/steps/data", datapoints=DATAPOINTS)
    return hl.evaluations.create(
        name="steps",
        file={"id": prompt.id},
        dataset={"file_id": ds.id},
        evaluators=[],
        evaluatees=[{"version_id": prompt.version_id, "batch_id": "steps"}],
    )


def _run_two_full_steps(server: Server, ev_id: str) -> None:
    with server.runtime.db.read() as session:
        org_id = session.get(Evaluation, ev_id).org_id
    errors: List[BaseException] = []

    def run() -> None:
        try:
            orchestration.step(server.runtime, org_id, {"evaluation_id": ev_id})
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors


def _logs_of(server: Server, ev_id: str) -> int:
    with server.runtime.db.read() as session:
        return int(
            session.execute(select(func.count()).select_from(Log).where(Log.evaluation_id == ev_id)).scalar_one()
        )


@pytest.fixture
def slow_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    """The mock provider takes 0.2 s per call, so that two steps overlap while they call it."""
    real = mock.mock_output

    def slow(request: Any) -> str:
        time.sleep(0.2)
        return real(request)

    monkeypatch.setattr(mock, "mock_output", slow)


def test_two_full_steps_in_one_process_make_one_log_per_datapoint(
    server: Server, uid: str, slow_provider: None
) -> None:
    ev = _orchestrated_evaluation(server, uid)
    _run_two_full_steps(server, ev.id)
    drain(server)
    assert _logs_of(server, ev.id) == len(DATAPOINTS)


def test_full_steps_in_two_processes_make_one_log_per_datapoint(
    server: Server, uid: str, slow_provider: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if server.backend != "postgresql":
        pytest.skip("server processes share a database on PostgreSQL; on SQLite, one process per file")
    # as two processes: each step gets a lock of its own in this process, only PostgreSQL's is shared
    monkeypatch.setattr(orchestration, "_full_step_lock", lambda ev_id: threading.Lock())
    ev = _orchestrated_evaluation(server, uid)
    _run_two_full_steps(server, ev.id)
    drain(server)
    deadline = time.monotonic() + 30
    while _logs_of(server, ev.id) < len(DATAPOINTS) and time.monotonic() < deadline:
        time.sleep(0.1)  # the app's worker threads may still run a step queued by the one that gave way
        drain(server)
    assert _logs_of(server, ev.id) == len(DATAPOINTS)


HOLD_SQLITE_STEP_LOCK = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.lockf(fd, fcntl.LOCK_EX, 1, int(sys.argv[2]))
print("held", flush=True)
sys.stdin.read()
"""


@contextlib.contextmanager
def _held_by_another_process(server: Server, ev_id: str) -> Iterator[None]:
    """The Evaluation's full-step lock, held as another server process would hold it."""
    key = orchestration._advisory_key(ev_id)
    engine = server.runtime.db.engine
    if server.backend == "postgresql":
        with engine.connect() as conn:  # another session of the database
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            conn.execute(select(func.pg_advisory_lock(key)))
            try:
                yield
            finally:
                conn.execute(select(func.pg_advisory_unlock(key)))
        return
    database = engine.url.database
    assert database
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_SQLITE_STEP_LOCK, database + "-steps", str(key % orchestration.STEP_LOCK_BYTES)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        yield
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(10)


def test_a_full_step_gives_way_to_another_process_and_comes_back(server: Server, uid: str) -> None:
    hl = Humanloop(api_key=server.api_key, base_url=server.base_url)
    prompt = hl.prompts.upsert(
        path=f"{uid}/steps/echo", model="mock-1", provider="mock", template=[{"role": "user", "content": "{{q}}"}]
    )
    ds = hl.datasets.upsert(path=f"{uid}/steps/data", datapoints=DATAPOINTS)
    ev = hl.evaluations.create(file={"id": prompt.id}, evaluators=[], name="steps")  # no server work yet
    with server.runtime.db.read() as session:
        org_id = session.get(Evaluation, ev.id).org_id
    with _held_by_another_process(server, ev.id):
        # the Run's step (run by the app's worker threads) and this one give way
        hl.evaluations.create_run(
            id=ev.id, dataset={"version_id": ds.version_id}, version={"version_id": prompt.version_id}
        )
        orchestration.step(server.runtime, org_id, {"evaluation_id": ev.id})
        now = dt.datetime.now(dt.timezone.utc)
        with server.runtime.db.read() as session:
            later = session.execute(
                select(Job.run_after).where(Job.org_id == org_id, Job.status == "pending", Job.run_after > now)
            ).all()
        assert _logs_of(server, ev.id) == 0  # nothing called the version
        assert later, "no step was queued to come back later"
    deadline = time.monotonic() + 30
    while _logs_of(server, ev.id) < len(DATAPOINTS) and time.monotonic() < deadline:
        drain(server)  # the steps that came back (or the app's workers) run now that the lock is free
        time.sleep(0.2)
    assert _logs_of(server, ev.id) == len(DATAPOINTS)
