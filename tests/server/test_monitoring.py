"""The durable job queue (workers/) and monitoring: active server-side evaluators judge new Logs."""

import datetime as dt
import os
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterator, List

import pytest
from sqlalchemy import select, update

from humanloop import Humanloop
from humanloop_server.db.database import Database
from humanloop_server.db.models import Job
from humanloop_server.services import judgments, monitoring
from humanloop_server.services.context import Runtime
from humanloop_server.services.keys import register_key
from humanloop_server.settings import Settings
from humanloop_server.wiring import JOB_HANDLERS
from humanloop_server.workers import queue
from humanloop_server.workers.pool import WorkerPool, run_pending

from .conftest import Server, pg_database

# ---------------------------------------------------------------- the queue


def _queue_backends() -> List[str]:
    return ["sqlite"] + (["postgresql"] if os.environ.get("HUMANLOOP_TEST_DATABASE_URL") else [])


def _runtime(settings: Settings) -> Runtime:
    return Runtime(db=Database.open(settings), settings=settings)


@pytest.fixture(params=_queue_backends())
def rt(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Runtime]:
    """A runtime on a fresh database, with quick settings for the queue."""
    settings = Settings(data_dir=tmp_path, job_max_attempts=2, job_poll_seconds=0.05)
    if request.param == "postgresql":
        with pg_database() as url:
            settings.database_url = url
            runtime = _runtime(settings)
            yield runtime
            runtime.db.dispose()
        return
    runtime = _runtime(settings)
    yield runtime
    runtime.db.dispose()


def _enqueue(rt: Runtime, kind: str, n: int = 1, **kw: Any) -> List[int]:
    with rt.db.write() as s:
        jobs = [queue.enqueue(s, None, kind, {"i": i}, **kw) for i in range(n)]
    return [j.id for j in jobs if j is not None]


def _job(rt: Runtime, job_id: int) -> Any:
    with rt.db.read() as s:
        return s.get(Job, job_id)


def test_concurrent_claimers_take_each_job_exactly_once(rt: Runtime) -> None:
    ids = _enqueue(rt, "test_claim_once", 60)
    claimed: List[int] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def claimer(i: int) -> None:
        start.wait()
        while True:
            job = queue.claim(rt.db, f"w{i}")
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
    with rt.db.read() as c:
        rows = c.execute(select(Job.status, Job.attempts).where(Job.id.in_(ids))).all()
    assert {(r.status, r.attempts) for r in rows} == {("running", 1)}


def test_dedupe_key_enqueues_once(rt: Runtime) -> None:
    assert len(_enqueue(rt, "test_dedupe", dedupe_key="same")) == 1
    assert _enqueue(rt, "test_dedupe", dedupe_key="same") == []


def test_retry_with_backoff_then_failed(rt: Runtime) -> None:
    calls: List[int] = []

    def flaky(job: queue.JobInfo, rt: Runtime) -> None:
        calls.append(job.attempts)
        raise RuntimeError(f"boom {job.attempts}")

    handlers = {"test_flaky": flaky}
    (job_id,) = _enqueue(rt, "test_flaky")
    before = dt.datetime.now(dt.timezone.utc)
    assert run_pending(rt, handlers) == 1
    row = _job(rt, job_id)
    assert row.status == "pending" and row.attempts == 1 and "boom 1" in row.last_error
    assert row.run_after >= before + dt.timedelta(seconds=queue.BACKOFF_BASE_SECONDS - 0.5)
    assert run_pending(rt, handlers) == 0  # not due yet: backing off
    with rt.db.write() as c:
        c.execute(update(Job).where(Job.id == job_id).values(run_after=before - dt.timedelta(seconds=1)))
    assert run_pending(rt, handlers) == 1
    row = _job(rt, job_id)
    assert row.status == "failed" and row.attempts == 2 and "boom 2" in row.last_error
    assert calls == [1, 2]
    assert queue.QueueConfig().backoff(1) < queue.QueueConfig().backoff(3)


def test_success_and_stale_claims_are_reclaimed(rt: Runtime) -> None:
    done: List[int] = []
    handlers = {"test_ok": lambda job, rt: done.append(job.id)}
    (job_id,) = _enqueue(rt, "test_ok")
    lost = queue.claim(rt.db, "crashed-worker")  # claims, then "dies"
    assert lost is not None and lost.id == job_id
    assert queue.claim(rt.db, "other", queue.QueueConfig(stale_seconds=300)) is None
    again = queue.claim(rt.db, "other", queue.QueueConfig(stale_seconds=0))
    assert again is not None and again.id == job_id and again.attempts == 2
    assert queue.execute(rt, again, handlers) == "done"
    assert done == [job_id] and _job(rt, job_id).status == "done"
    # the dead worker's late report does not overwrite the outcome
    assert queue.finish(rt.db, lost, "failed", error="late") is False
    assert _job(rt, job_id).status == "done"
    # too many lost claims: given up
    (job2,) = _enqueue(rt, "test_ok")
    cfg = queue.QueueConfig(stale_seconds=0, max_attempts=1)
    assert queue.claim(rt.db, "a", cfg) is not None
    assert queue.claim(rt.db, "b", cfg) is None
    assert _job(rt, job2).status == "failed"


def test_unknown_kind_fails(rt: Runtime) -> None:
    (job_id,) = _enqueue(rt, "test_no_such_handler")
    run_pending(rt, JOB_HANDLERS)
    row = _job(rt, job_id)
    assert row.status == "failed" and "no handler" in row.last_error


def test_worker_pool_runs_jobs_and_stops(rt: Runtime) -> None:
    seen = threading.Event()
    pool = WorkerPool(rt, {"test_pool": lambda job, rt: seen.set()}).start()
    try:
        _enqueue(rt, "test_pool")
        assert seen.wait(10)
    finally:
        pool.stop()
    assert pool._threads == []
    assert WorkerPool(rt, JOB_HANDLERS, n=0).start()._threads == []


# ---------------------------------------------------------------- fair claiming


def _org(rt: Runtime, name: str) -> str:
    return register_key(rt, f"hl_key_{name}", name).id


def _enqueue_for(rt: Runtime, org_id: str, kind: str, n: int) -> List[int]:
    ids = []
    for i in range(n):  # one transaction each: run_after grows with the enqueueing order
        with rt.db.write() as s:
            job = queue.enqueue(s, org_id, kind, {"i": i})
            assert job is not None
            ids.append(job.id)
    return ids


def _claim_id(rt: Runtime, worker: str, cfg: queue.QueueConfig) -> Any:
    job = queue.claim(rt.db, worker, cfg)
    return None if job is None else job.id


def test_claims_prefer_the_organisation_with_fewest_running_jobs(rt: Runtime) -> None:
    a, b = _org(rt, "org-a"), _org(rt, "org-b")
    a_jobs = _enqueue_for(rt, a, "test_fair", 5)
    b_jobs = _enqueue_for(rt, b, "test_fair", 2)  # due after every job of A: first come would run A first
    cfg = queue.QueueConfig(share=2)
    assert _claim_id(rt, "w1", cfg) == a_jobs[0]  # nobody runs anything: the oldest due job
    assert _claim_id(rt, "w2", cfg) == b_jobs[0]  # A runs one, B none
    assert _claim_id(rt, "w3", cfg) == a_jobs[1]  # one each: the oldest due job
    assert _claim_id(rt, "w4", cfg) == b_jobs[1]
    # A runs its share (2) and B still runs jobs: A gets no third worker although it has work
    assert _claim_id(rt, "w5", cfg) is None
    with rt.db.write() as s:
        s.execute(update(Job).where(Job.id == b_jobs[0]).values(status="done"))
    assert _claim_id(rt, "w5", cfg) is None
    with rt.db.write() as s:
        s.execute(update(Job).where(Job.id == b_jobs[1]).values(status="done"))
    # alone, A may take more than its share
    assert [_claim_id(rt, f"w{i}", cfg) for i in (5, 6, 7, 8)] == [a_jobs[2], a_jobs[3], a_jobs[4], None]


def test_one_organisation_cannot_starve_another(rt: Runtime) -> None:
    """Organisation A fills every worker with slow jobs; B's one quick job runs as soon as a worker frees."""
    a, b = _org(rt, "slow-org"), _org(rt, "quick-org")
    gate = threading.Semaphore(0)  # each permit lets one job of A finish
    started: List[str] = []  # the order in which the workers started jobs
    a_pending_when_b_started: List[int] = []
    lock = threading.Lock()

    def slow(job: queue.JobInfo, rt: Runtime) -> None:
        with lock:
            started.append(f"a{job.payload['i']}")
        assert gate.acquire(timeout=60)

    def quick(job: queue.JobInfo, rt: Runtime) -> None:
        with rt.db.read() as s:  # how many of A's jobs no worker has taken yet
            pending = s.execute(select(Job.id).where(Job.org_id == a, Job.status == "pending")).all()
        a_pending_when_b_started.append(len(pending))
        with lock:
            started.append("b")

    n_workers, n_slow = 3, 12
    rt.settings.workers = n_workers  # the default share: n_workers - 1
    a_jobs = _enqueue_for(rt, a, "test_slow", n_slow)

    def count(status: str) -> int:
        with rt.db.read() as s:
            return len(s.execute(select(Job.id).where(Job.id.in_(a_jobs), Job.status == status)).all())

    def wait_for(cond: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + 30
        while not cond():
            assert time.monotonic() < deadline, what
            time.sleep(0.02)

    pool = WorkerPool(rt, {"test_slow": slow, "test_quick": quick}).start()
    try:
        wait_for(lambda: len(started) == n_workers, "alone, A takes every worker")
        _enqueue_for(rt, b, "test_quick", 1)
        # let A's jobs finish one at a time; each frees one worker, which starts one job
        for _ in range(n_slow):
            before = len(started)
            gate.release()
            wait_for(lambda n=before: len(started) > n, "the freed worker started nothing")
            if "b" in started:
                break
        # B's job was the first one started after it was queued, while most of A's were waiting
        assert started.index("b") == n_workers, started
        assert a_pending_when_b_started == [n_slow - n_workers]
    finally:
        for _ in range(n_slow):
            gate.release()
        wait_for(lambda: count("done") == n_slow, "A's jobs did not finish")
        pool.stop()


# ---------------------------------------------------------------- monitoring end to end


@pytest.fixture
def hl(server: Server) -> Humanloop:
    return Humanloop(api_key=server.api_key, base_url=server.base_url)


def _drain(server: Server) -> None:
    run_pending(server.runtime, JOB_HANDLERS)


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
    deadline = time.monotonic() + 20
    while True:
        _drain(server)
        with server.runtime.db.read() as c:
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
    rt = server.runtime
    with rt.db.read() as c:
        org_id = c.execute(select(Job.org_id).where(Job.dedupe_key.like(f"%{good.id}%"))).scalar()
    assert judgments.judge(rt, org_id, good.id, ev.version_id, source="monitoring") is None
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


def test_a_log_by_path_reads_its_monitors_with_its_file(
    server: Server, hl: Humanloop, uid: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # services/active_monitors.py: a Log with Prompt details finds its File, version and active
    # monitors in one query; the monitoring hook then sends no query of its own
    on = _evaluator(hl, f"{uid}/mon/by-path-on", CONTAINS_OK)
    off = _evaluator(hl, f"{uid}/mon/by-path-off", CONTAINS_OK)
    path = f"{uid}/mon/by-path"
    prompt = {"model": "gpt-4o", "template": "hi {{x}}"}
    p = hl.prompts.upsert(path=path, **prompt)  # type: ignore[arg-type]
    hl.prompts.update_monitoring(
        id=p.id, activate=[{"evaluator_version_id": on.version_id}, {"evaluator_version_id": off.version_id}]
    )
    hl.prompts.update_monitoring(id=p.id, deactivate=[{"evaluator_version_id": off.version_id}])

    class NotSent:
        def rows(self, *args: Any) -> Any:
            raise AssertionError("the monitors were read with the File")

    sent = monitoring._ACTIVE_MONITORS_HOT
    monkeypatch.setattr(monitoring, "_ACTIVE_MONITORS_HOT", NotSent())
    log = hl.prompts.log(path=path, prompt=prompt, inputs={"x": "1"}, output="ok")  # type: ignore[arg-type]
    # a Log by id does not go through that query: the hook reads the monitors itself
    with pytest.raises(Exception, match="500|Internal"):
        hl.prompts.log(id=p.id, inputs={"x": "2"}, output="ok")
    monkeypatch.setattr(monitoring, "_ACTIVE_MONITORS_HOT", sent)  # the judging Logs need it
    assert log.prompt_id == p.id
    assert _wait_judged(server, hl, log.id, on.id).judgment is True
    _settled(server, log.id)
    assert _judgments(hl, log.id, off.id) == []


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
    ev = _evaluator(hl, f"{uid}/mon/call", "def mocked(log):\n    return log['output'].startswith('mock')\n")
    p = hl.prompts.upsert(
        path=f"{uid}/mon/call-p", model="mock-1", provider="mock", template=[{"role": "user", "content": "hi {{x}}"}]
    )
    hl.prompts.update_monitoring(id=p.id, activate=[{"evaluator_version_id": ev.version_id}])
    res = hl.prompts.call(id=p.id, inputs={"x": "there"})
    assert _wait_judged(server, hl, res.id, ev.id).judgment is True
