"""Full orchestration steps of one Evaluation never call its version twice for a datapoint, whether
two run at once in one process (worker threads) or in two server processes on one PostgreSQL
database (``services/evaluations/orchestration.step``)."""

from __future__ import annotations

import threading
import time
from typing import Any, List

import pytest
from sqlalchemy import func, select

from humanloop import Humanloop
from humanloop_server.db.models import Evaluation, Log
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
