"""The durable job queue (workers/) and monitoring: active server-side evaluators judge new Logs."""

import datetime as dt
import os
import threading
import time
import types
from pathlib import Path
from typing import Any, Iterator, List

import pytest

pytest.importorskip("sqlalchemy")

from sqlalchemy import Engine, select, update  # noqa: E402

from humanloop import Humanloop  # noqa: E402
from humanloop_server import workers  # noqa: E402
from humanloop_server.db.engine import make_engine, run_migrations  # noqa: E402
from humanloop_server.db.models import Job  # noqa: E402
from humanloop_server.services import monitoring  # noqa: E402
from humanloop_server.settings import Settings  # noqa: E402

from .conftest import Server, pg_database  # noqa: E402

# ---------------------------------------------------------------- the queue


def _queue_backends() -> List[str]:
    return ["sqlite"] + (["postgresql"] if os.environ.get("HUMANLOOP_TEST_DATABASE_URL") else [])


@pytest.fixture(params=_queue_backends())
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "postgresql":
        with pg_database() as url:
            eng = make_engine(Settings(data_dir=tmp_path, database_url=url))
            run_migrations(eng)
            yield eng
            eng.dispose()
        return
    eng = make_engine(Settings(data_dir=tmp_path))
    run_migrations(eng)
    yield eng
    eng.dispose()


def _enqueue(engine: Engine, kind: str, n: int = 1, **kw: Any) -> List[int]:
    from sqlalchemy.orm import Session

    with Session(engine) as s:
        jobs = [workers.enqueue(s, None, kind, {"i": i}, **kw) for i in range(n)]
        s.commit()
        return [j.id for j in jobs if j is not None]


def _job(engine: Engine, job_id: int) -> Any:
    from sqlalchemy.orm import Session

    with Session(engine) as s:
        return s.get(Job, job_id)


def test_concurrent_claimers_take_each_job_exactly_once(engine: Engine) -> None:
    ids = _enqueue(engine, "test_claim_once", 60)
    claimed: List[int] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def claimer(i: int) -> None:
        start.wait()
        while True:
            job = workers.claim(engine, f"w{i}")
            if job is None:
                return
            with lock:
                claimed.append(job.id)

    threads = [threading.Thread(target=claimer, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(claimed) == sorted(ids)  # every job once, none twice
    with engine.connect() as c:
        rows = c.execute(select(Job.status, Job.attempts).where(Job.id.in_(ids))).all()
    assert {(r.status, r.attempts) for r in rows} == {("running", 1)}


def test_dedupe_key_enqueues_once(engine: Engine) -> None:
    assert len(_enqueue(engine, "test_dedupe", dedupe_key="same")) == 1
    assert _enqueue(engine, "test_dedupe", dedupe_key="same") == []


def test_retry_with_backoff_then_failed(engine: Engine) -> None:
    calls: List[int] = []

    def flaky(job: workers.JobInfo, rt: workers.Runtime) -> None:
        calls.append(job.attempts)
        raise RuntimeError(f"boom {job.attempts}")

    workers.register("test_flaky", flaky)
    settings = types.SimpleNamespace(job_max_attempts=2, job_stale_seconds=300.0)
    (job_id,) = _enqueue(engine, "test_flaky")
    before = dt.datetime.now(dt.timezone.utc)
    assert workers.run_pending(engine, settings=settings) == 1
    row = _job(engine, job_id)
    assert row.status == "pending" and row.attempts == 1 and "boom 1" in row.last_error
    assert row.run_after >= before + dt.timedelta(seconds=workers.BACKOFF_BASE_SECONDS - 0.5)
    assert workers.run_pending(engine, settings=settings) == 0  # not due yet: backing off
    with engine.begin() as c:
        c.execute(update(Job).where(Job.id == job_id).values(run_after=before - dt.timedelta(seconds=1)))
    assert workers.run_pending(engine, settings=settings) == 1
    row = _job(engine, job_id)
    assert row.status == "failed" and row.attempts == 2 and "boom 2" in row.last_error
    assert calls == [1, 2]
    assert workers.QueueConfig().backoff(1) < workers.QueueConfig().backoff(3)


def test_success_and_stale_claims_are_reclaimed(engine: Engine) -> None:
    done: List[int] = []
    workers.register("test_ok", lambda job, rt: done.append(job.id))
    (job_id,) = _enqueue(engine, "test_ok")
    lost = workers.claim(engine, "crashed-worker")  # claims, then "dies"
    assert lost is not None and lost.id == job_id
    assert workers.claim(engine, "other", workers.QueueConfig(stale_seconds=300)) is None
    again = workers.claim(engine, "other", workers.QueueConfig(stale_seconds=0))
    assert again is not None and again.id == job_id and again.attempts == 2
    assert workers.execute(engine, again) == "done"
    assert done == [job_id] and _job(engine, job_id).status == "done"
    # the dead worker's late report does not overwrite the outcome
    assert workers._finish(engine, lost, "failed", error="late") is False
    assert _job(engine, job_id).status == "done"
    # too many lost claims: given up
    (job2,) = _enqueue(engine, "test_ok")
    cfg = workers.QueueConfig(stale_seconds=0, max_attempts=1)
    assert workers.claim(engine, "a", cfg) is not None
    assert workers.claim(engine, "b", cfg) is None
    assert _job(engine, job2).status == "failed"


def test_unknown_kind_fails(engine: Engine) -> None:
    (job_id,) = _enqueue(engine, "test_no_such_handler")
    workers.run_pending(engine)
    assert _job(engine, job_id).status == "failed"


def test_worker_pool_runs_jobs_and_stops(engine: Engine) -> None:
    seen = threading.Event()
    workers.register("test_pool", lambda job, rt: seen.set())
    pool = workers.WorkerPool(engine, types.SimpleNamespace(workers=2, job_poll_seconds=0.05)).start()
    try:
        _enqueue(engine, "test_pool")
        assert seen.wait(10)
    finally:
        pool.stop()
    assert pool._threads == []
    assert workers.WorkerPool(engine, types.SimpleNamespace(workers=0)).start()._threads == []


# ---------------------------------------------------------------- monitoring end to end


@pytest.fixture
def hl(server: Server) -> Humanloop:
    return Humanloop(api_key=server.api_key, base_url=server.base_url)


def _drain(server: Server) -> None:
    app: Any = server.app
    workers.run_pending(app.state.engine, settings=app.state.settings)


def _judgments(hl: Humanloop, log_id: str, evaluator_id: str) -> List[Any]:
    return [e for e in hl.logs.get(id=log_id).evaluator_logs if e.evaluator.id == evaluator_id]


def _wait_judged(server: Server, hl: Humanloop, log_id: str, evaluator_id: str, timeout: float = 20) -> Any:
    """Drain the queue here; a background worker may hold the job, so wait (bounded) for it."""
    deadline = time.monotonic() + timeout
    while True:
        _drain(server)
        got = _judgments(hl, log_id, evaluator_id)
        if got or time.monotonic() > deadline:
            assert len(got) == 1, got
            return got[0]
        time.sleep(0.1)


def _settled(server: Server, log_id: str) -> None:
    """No monitoring job of this log is pending or running."""
    app: Any = server.app
    deadline = time.monotonic() + 20
    while True:
        _drain(server)
        with app.state.engine.connect() as c:
            busy = c.execute(
                select(Job.id).where(
                    Job.dedupe_key.like(f"monitor_log:{log_id}:%"), Job.status.in_(["pending", "running"])
                )
            ).all()
        if not busy:
            return
        assert time.monotonic() < deadline
        time.sleep(0.1)


def _evaluator(hl: Humanloop, path: str, code: str, return_type: str = "boolean") -> Any:
    return hl.evaluators.upsert(
        path=path,
        spec={"evaluator_type": "python", "arguments_type": "target_free", "return_type": return_type, "code": code},
    )


CONTAINS_OK = "def contains_ok(log):\n    print('judging', log['output'])\n    return 'ok' in (log['output'] or '')\n"


def test_prompt_logs_are_judged_once(server: Server, hl: Humanloop, uid: str) -> None:
    ev = _evaluator(hl, f"{uid}/mon/ok", CONTAINS_OK)
    p = hl.prompts.upsert(path=f"{uid}/mon/p", model="gpt-4o", template="hi {{x}}")
    hl.prompts.update_monitoring(id=p.id, activate=[{"evaluator_version_id": ev.version_id}])
    good = hl.prompts.log(id=p.id, inputs={"x": "1"}, output="all ok")
    bad = hl.prompts.log(id=p.id, inputs={"x": "2"}, output="nope")
    j = _wait_judged(server, hl, good.id, ev.id)
    assert j.judgment is True and j.error is None and j.parent_id == good.id
    assert j.evaluator.version_id == ev.version_id and "judging all ok" in (j.stdout or "")
    assert _wait_judged(server, hl, bad.id, ev.id).judgment is False
    # re-running the job (a retry, or a second claim) stores nothing new
    app: Any = server.app
    rt = workers.Runtime(engine=app.state.engine, settings=app.state.settings)
    org_id = app.state.engine.connect().execute(select(Job.org_id).where(Job.dedupe_key.like(f"%{good.id}%"))).scalar()
    assert monitoring.judge(rt, org_id, good.id, ev.version_id) is None
    assert len(_judgments(hl, good.id, ev.id)) == 1
    # the human rating evaluator attached to every prompt is not executed
    assert [e.evaluator.path for e in hl.logs.get(id=good.id).evaluator_logs] == [f"{uid}/mon/ok"]


def test_failing_evaluator_stores_error(server: Server, hl: Humanloop, uid: str) -> None:
    ev = _evaluator(hl, f"{uid}/mon/fail", "def broken(log):\n    return 1 / 0\n")
    wrong = _evaluator(hl, f"{uid}/mon/wrong", "def wrong(log):\n    return 'yes'\n", "number")
    t = hl.tools.upsert(
        path=f"{uid}/mon/tool", function={"name": "f", "description": "d", "parameters": {"type": "object"}}
    )
    hl.tools.update_monitoring(
        id=t.id,
        activate=[{"evaluator_version_id": ev.version_id}, {"evaluator_version_id": wrong.version_id}],
    )
    log = hl.tools.log(id=t.id, inputs={}, output="x")
    j = _wait_judged(server, hl, log.id, ev.id)
    assert j.judgment is None and j.error is not None and "ZeroDivisionError" in j.error
    j2 = _wait_judged(server, hl, log.id, wrong.id)
    assert j2.judgment is None and "number" in (j2.error or "")


def test_deactivated_evaluators_do_not_run(server: Server, hl: Humanloop, uid: str) -> None:
    ev = _evaluator(hl, f"{uid}/mon/off", CONTAINS_OK)
    p = hl.prompts.upsert(path=f"{uid}/mon/off-p", model="gpt-4o", template="hi")
    hl.prompts.update_monitoring(id=p.id, activate=[{"evaluator_version_id": ev.version_id}])
    hl.prompts.update_monitoring(id=p.id, deactivate=[{"evaluator_version_id": ev.version_id}])
    log = hl.prompts.log(id=p.id, output="ok")
    _settled(server, log.id)
    assert _judgments(hl, log.id, ev.id) == []


def test_flows_are_judged_only_when_complete(server: Server, hl: Humanloop, uid: str) -> None:
    ev = _evaluator(hl, f"{uid}/mon/flow-ok", CONTAINS_OK)
    flow = hl.flows.upsert(path=f"{uid}/mon/flow", attributes={"v": 1})
    hl.flows.update_monitoring(id=flow.id, activate=[{"evaluator_version_id": ev.version_id}])
    open_log = hl.flows.log(id=flow.id, inputs={"q": "x"})
    _settled(server, open_log.id)
    assert _judgments(hl, open_log.id, ev.id) == []
    hl.flows.update_log(log_id=open_log.id, trace_status="complete", output="done ok", inputs={"q": "x"})
    assert _wait_judged(server, hl, open_log.id, ev.id).judgment is True
    done = hl.flows.log(id=flow.id, inputs={"q": "y"}, output="bad", trace_status="complete")
    assert _wait_judged(server, hl, done.id, ev.id).judgment is False


def test_prompt_calls_are_judged(server: Server, hl: Humanloop, uid: str) -> None:
    pytest.importorskip("humanloop_server.services.prompt_calls")
    ev = _evaluator(hl, f"{uid}/mon/call", "def mocked(log):\n    return log['output'].startswith('mock')\n")
    p = hl.prompts.upsert(
        path=f"{uid}/mon/call-p", model="mock-1", provider="mock", template=[{"role": "user", "content": "hi {{x}}"}]
    )
    hl.prompts.update_monitoring(id=p.id, activate=[{"evaluator_version_id": ev.version_id}])
    res = hl.prompts.call(id=p.id, inputs={"x": "there"})
    assert _wait_judged(server, hl, res.id, ev.id).judgment is True
