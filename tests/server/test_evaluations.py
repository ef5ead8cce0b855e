"""evaluations.* (0.8.6 era, batches) through the SDK against the real server, and ``evaluations.run``."""

import asyncio
import contextlib
import json
import subprocess
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Iterator, List

import pytest

from humanloop import AsyncHumanloop, Humanloop
from humanloop.core.api_error import ApiError
from humanloop_server.wiring import JOB_HANDLERS
from humanloop_server.workers.pool import run_pending

from . import sdk_lifecycle as lc
from .conftest import Server
from .sdk_driver import Driver, driver_fixture

hl = driver_fixture()


EXACT_MATCH = "Example Evaluators/Code/Exact match"
RATING = "Example Evaluators/Human/rating"
BOOL_SPEC = {"evaluator_type": "external", "arguments_type": "target_free", "return_type": "boolean"}
NUMBER_SPEC = {"evaluator_type": "external", "arguments_type": "target_free", "return_type": "number"}
DATAPOINTS = [
    {"inputs": {"q": "capital of France"}, "target": {"output": "Paris"}},
    {"inputs": {"q": "capital of Spain"}, "target": {"output": "Madrid"}},
    {"inputs": {"q": "capital of Italy"}, "target": {"output": "Rome"}},
]


def drain(server: Server) -> int:
    """Run every due background job now, in this thread."""
    total = 0
    while True:
        n = run_pending(server.runtime, JOB_HANDLERS, 100)
        total += n
        if n == 0:
            return total


def wait_completed(hl: Driver, server: Server, evaluation_id: str, until: Any = None, timeout: float = 60) -> Any:
    """Drain the queue here (the app's worker threads may run jobs too) until the evaluation completes
    (or ``until(stats)`` holds); the stats of the last check."""
    until = until or (lambda stats: stats.status == "completed")
    deadline = time.monotonic() + timeout
    while True:
        drain(server)
        stats = hl.evaluations.get_stats(id=evaluation_id)
        if until(stats) or time.monotonic() > deadline:
            return stats
        time.sleep(0.05)


def wait_stored_status(server: Server, evaluation_id: str, wanted: str, timeout: float = 30) -> str:
    """The status stored in the database, once it is ``wanted`` (or the timeout passed)."""
    from humanloop_server.db.models import Evaluation

    deadline = time.monotonic() + timeout
    while True:
        drain(server)
        with server.runtime.db.read() as session:
            status = session.get(Evaluation, evaluation_id).status
        if status == wanted or time.monotonic() > deadline:
            return status
        time.sleep(0.1)


@contextlib.contextmanager
def background_worker(server: Server) -> Iterator[None]:
    """Drain the job queue in a thread while a blocking ``evaluations.run`` polls for completion."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            with contextlib.suppress(Exception):
                drain(server)
            stop.wait(0.05)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=30)


def _setup(hl: Driver, uid: str, evaluators: List[Any]) -> Any:
    flow = hl.flows.upsert(path=f"{uid}/ev/agent", attributes={"kind": "qa"})
    ds = hl.datasets.upsert(path=f"{uid}/ev/capitals", datapoints=DATAPOINTS)
    ds = hl.datasets.get(id=ds.id, include_datapoints=True)
    return flow, ds


def _log(hl: Driver, flow: Any, evaluation_id: str, batch: str, dp: Any, output: str) -> str:
    created = hl.flows.log(
        id=flow.id,
        version_id=flow.version_id,
        evaluation_id=evaluation_id,
        batch_id=batch,
        source_datapoint_id=dp.id,
        inputs=dp.inputs,
        output=output,
        trace_status="complete",
    )
    return created.id


# ---------------------------------------------------------------- setup endpoints


def test_create_get_list_update_pin_delete(hl: Driver, uid: str) -> None:
    flow, ds = _setup(hl, uid, [])
    judge = hl.evaluators.upsert(path=f"{uid}/ev/judge", spec=BOOL_SPEC)
    ev = hl.evaluations.create(
        name="first",
        file={"id": flow.id},
        dataset={"path": ds.path},
        evaluators=[{"path": judge.path, "orchestrated": False}, {"path": EXACT_MATCH}],
    )
    assert ev.id.startswith("evr_") and ev.status == "pending" and ev.name == "first"
    assert ev.file_id == flow.id and ev.dataset.id == ds.id and ev.dataset.version_id == ds.version_id
    assert [e.version.path for e in ev.evaluators] == [judge.path, EXACT_MATCH]
    assert [e.orchestrated for e in ev.evaluators] == [False, True] and ev.evaluatees == []
    assert hl.evaluations.get(id=ev.id).id == ev.id

    # duplicate name of the same file: 409
    with pytest.raises(ApiError) as err:
        hl.evaluations.create(name="first", file={"id": flow.id}, dataset={"file_id": ds.id}, evaluators=[])
    assert lc.status(err) == 409
    second = hl.evaluations.create(
        name="second",
        dataset={"version_id": ds.version_id},
        evaluators=[{"file_id": judge.id}],
        evaluatees=[{"file_id": flow.id, "batch_id": "b0", "orchestrated": False}],
    )
    assert second.file_id == flow.id  # taken from the evaluatee
    assert [(e.version.version_id, e.batch_id, e.pinned) for e in second.evaluatees] == [(flow.version_id, "b0", False)]

    listed = list(hl.evaluations.list(file_id=flow.id, size=1))
    assert [e.name for e in listed] == ["first", "second"]

    # validation: unknown references 404, wrong kinds 422
    with pytest.raises(ApiError) as err:
        hl.evaluations.create(file={"id": flow.id}, dataset={"path": f"{uid}/nope"}, evaluators=[])
    assert lc.status(err) == 404
    with pytest.raises(ApiError) as err:
        hl.evaluations.create(file={"id": flow.id}, dataset={"path": judge.path}, evaluators=[])
    assert lc.status(err) == 422
    with pytest.raises(ApiError) as err:
        hl.evaluations.create(file={"id": flow.id}, dataset={"path": ds.path}, evaluators=[{"path": ds.path}])
    assert lc.status(err) == 422
    with pytest.raises(ApiError) as err:
        hl.evaluations.create(file={"id": flow.id}, dataset={"path": ds.path}, evaluators=[{"version_id": "evv_x"}])
    assert lc.status(err) == 404

    # update_setup: rename (409 on a taken name), change evaluators
    with pytest.raises(ApiError) as err:
        hl.evaluations.update_setup(id=second.id, name="first")
    assert lc.status(err) == 409
    changed = hl.evaluations.update_setup(id=second.id, name="renamed", evaluators=[{"path": EXACT_MATCH}])
    assert changed.name == "renamed" and [e.version.path for e in changed.evaluators] == [EXACT_MATCH]

    pinned = hl.evaluations.pin_evaluatee(id=second.id, version_id=flow.version_id, batch_id="b0")
    assert [e.pinned for e in pinned.evaluatees] == [True]

    with pytest.raises(ApiError) as err:
        hl.evaluations.update_status(id=second.id, status="running")
    assert lc.status(err) == 422
    assert hl.evaluations.update_status(id=second.id, status="completed").status == "completed"

    hl.evaluations.delete(id=second.id)
    with pytest.raises(ApiError) as err:
        hl.evaluations.get(id=second.id)
    assert lc.status(err) == 404
    assert [e.name for e in hl.evaluations.list(file_id=flow.id)] == ["first"]


def test_unknown_evaluation_on_a_log_is_404(hl: Driver, uid: str) -> None:
    with pytest.raises(ApiError) as err:
        hl.flows.log(path=f"{uid}/ev/x", evaluation_id="evr_nope", output="o", trace_status="complete")
    assert lc.status(err) == 404


# ---------------------------------------------------------------- stats and completion


def test_stats_batches_and_completion(hl: Driver, server: Server, uid: str) -> None:
    flow, ds = _setup(hl, uid, [])
    correct = hl.evaluators.upsert(path=f"{uid}/ev/correct", spec=BOOL_SPEC)
    score = hl.evaluators.upsert(path=f"{uid}/ev/score", spec=NUMBER_SPEC)
    ev = hl.evaluations.create(
        name="stats",
        file={"id": flow.id},
        dataset={"file_id": ds.id},
        evaluators=[
            {"path": correct.path, "orchestrated": False},
            {"path": score.path, "orchestrated": False},
            {"path": RATING, "orchestrated": False},
        ],
    )
    dps = ds.datapoints
    logs = [_log(hl, flow, ev.id, "b1", dp, f"answer {i}") for i, dp in enumerate(dps[:2])]
    stats = hl.evaluations.get_stats(id=ev.id)
    assert stats.status == "running" and stats.progress.startswith("2/3 datapoints logged, 0/6 judgments")
    assert stats.overall_stats.num_datapoints == 3 and stats.overall_stats.total_logs == 2
    logs.append(_log(hl, flow, ev.id, "b1", dps[2], "answer 2"))
    for log_id, verdict in zip(logs, [True, False, True]):
        hl.evaluators.log(parent_id=log_id, id=correct.id, version_id=correct.version_id, judgment=verdict)
    for log_id, value in zip(logs[:2], [1.0, 3.0]):
        hl.evaluators.log(parent_id=log_id, id=score.id, version_id=score.version_id, judgment=value)
    stats = hl.evaluations.get_stats(id=ev.id)
    assert stats.status == "running" and stats.progress.startswith("3/3 datapoints logged, 5/6 judgments")
    # an error is a verdict too: the evaluation completes; the human rating does not hold it back
    hl.evaluators.log(parent_id=logs[2], id=score.id, version_id=score.version_id, error="boom")
    stats = hl.evaluations.get_stats(id=ev.id)
    assert stats.status == "completed" and hl.evaluations.get(id=ev.id).status == "completed"
    # external judgments only: a coalesced background re-check stores the status as well
    assert wait_stored_status(server, ev.id, "completed") == "completed"
    (entry,) = stats.version_stats
    assert (entry.version_id, entry.batch_id, entry.num_logs) == (flow.version_id, "b1", 3)
    by_version = {s.evaluator_version_id: s for s in entry.evaluator_version_stats}
    b = by_version[correct.version_id]
    assert (b.num_true, b.num_false, b.total_logs, b.num_judgments, b.num_nulls, b.num_errors) == (2, 1, 3, 3, 0, 0)
    n = by_version[score.version_id]
    assert (n.mean, n.std, n.num_judgments, n.num_errors, n.total_logs) == (2.0, 1.0, 2, 1, 3)
    assert n.sum == 4.0  # 0.8.38
    assert n.percentiles["50"] == 2.0
    assert stats.report and "b1" in stats.report and correct.path in stats.report and "0.67" in stats.report
    assert stats.overall_stats.total_evaluator_logs == 6
    overall = stats.overall_stats
    assert (overall.total_human_evaluator_logs, overall.total_completed_human_evaluator_logs) == (0, 0)

    # a second batch is a new column, after the first; the evaluation runs again
    for i, dp in enumerate(dps):
        _log(hl, flow, ev.id, "b2", dp, f"better {i}")
    stats = hl.evaluations.get_stats(id=ev.id)
    assert stats.status == "running"
    assert [(v.batch_id, v.num_logs) for v in stats.version_stats] == [("b1", 3), ("b2", 3)]
    assert [e.batch_id for e in hl.evaluations.get(id=ev.id).evaluatees] == ["b1", "b2"]

    # get_logs: one row per datapoint x evaluated version (batch), with the log and its judgments
    page = hl.evaluations.get_logs(id=ev.id, size=100)
    assert page.total == 6 and len(page.records) == 6
    first = page.records[0]
    assert first.datapoint.id == dps[0].id and first.log is not None and first.log.id == logs[0]
    assert sorted(type(j.judgment).__name__ for j in first.evaluator_logs) == ["bool", "float"]
    assert hl.evaluations.get_logs(id=ev.id, size=4, page=2).records.__len__() == 2


def test_judgment_by_another_version_of_the_evaluator_counts(hl: Driver, server: Server, uid: str) -> None:
    flow, ds = _setup(hl, uid, [])
    v1 = hl.evaluators.upsert(path=f"{uid}/ev/local", spec={**BOOL_SPEC, "attributes": {"code": "v1"}})
    ev = hl.evaluations.create(
        name="v", file={"id": flow.id}, dataset={"file_id": ds.id}, evaluators=[{"path": v1.path}]
    )
    # the local evaluator's code changed: a new version of the same File judges
    v2 = hl.evaluators.upsert(path=v1.path, spec={**BOOL_SPEC, "attributes": {"code": "v2"}})
    assert v2.version_id != v1.version_id
    for dp in ds.datapoints:
        log_id = _log(hl, flow, ev.id, "b", dp, "x")
        hl.evaluators.log(parent_id=log_id, id=v2.id, version_id=v2.version_id, judgment=True)
    stats = hl.evaluations.get_stats(id=ev.id)
    assert stats.status == "completed"
    (stat,) = stats.version_stats[0].evaluator_version_stats
    assert (stat.evaluator_version_id, stat.num_true) == (v1.version_id, 3)


def test_cancelled_stays_cancelled(hl: Driver, uid: str) -> None:
    flow, ds = _setup(hl, uid, [])
    ev = hl.evaluations.create(name="c", file={"id": flow.id}, dataset={"file_id": ds.id}, evaluators=[])
    assert hl.evaluations.update_status(id=ev.id, status="cancelled").status == "cancelled"
    for dp in ds.datapoints:
        _log(hl, flow, ev.id, "b", dp, "x")
    stats = hl.evaluations.get_stats(id=ev.id)
    assert stats.status == "cancelled" and stats.progress.startswith("3/3 datapoints logged")
    assert hl.evaluations.get(id=ev.id).status == "cancelled"


def test_cancelled_evaluation_is_not_orchestrated(hl: Driver, server: Server, uid: str) -> None:
    prompt = hl.prompts.upsert(path=f"{uid}/ev/mock", model="mock-1", provider="mock", template="{{q}}")
    ds = hl.datasets.upsert(path=f"{uid}/ev/data", datapoints=DATAPOINTS)
    ev = hl.evaluations.create(name="c", file={"id": prompt.id}, dataset={"file_id": ds.id}, evaluators=[])
    hl.evaluations.update_status(id=ev.id, status="cancelled")
    changed = hl.evaluations.update_setup(id=ev.id, evaluatees=[{"version_id": prompt.version_id, "batch_id": "x"}])
    assert changed.status == "cancelled" and changed.evaluatees[0].orchestrated is True
    drain(server)
    time.sleep(0.3)
    stats = hl.evaluations.get_stats(id=ev.id)
    assert stats.status == "cancelled" and stats.overall_stats.total_logs == 0
    assert [r.log for r in hl.evaluations.get_logs(id=ev.id).records] == [None, None, None]


def test_server_side_evaluator_runs_as_background_job(hl: Driver, server: Server, uid: str) -> None:
    flow, ds = _setup(hl, uid, [])
    ev = hl.evaluations.create(
        name="srv", file={"id": flow.id}, dataset={"file_id": ds.id}, evaluators=[{"path": EXACT_MATCH}]
    )
    outputs = ["Paris", "Barcelona", "Rome"]
    for dp, out in zip(ds.datapoints, outputs):
        _log(hl, flow, ev.id, "b", dp, out)
    stats = wait_completed(hl, server, ev.id)
    assert stats.status == "completed", stats.progress
    (stat,) = stats.version_stats[0].evaluator_version_stats
    assert (stat.num_true, stat.num_false, stat.total_logs) == (2, 1, 3)
    # the stored status flipped too (not only computed on read)
    assert wait_stored_status(server, ev.id, "completed") == "completed"


def test_flow_logs_are_judged_once_complete_and_deleting_the_file(hl: Driver, server: Server, uid: str) -> None:
    flow, ds = _setup(hl, uid, [])
    ev = hl.evaluations.create(
        name="flows", file={"id": flow.id}, dataset={"file_id": ds.id}, evaluators=[{"path": EXACT_MATCH}]
    )
    open_log = hl.flows.log(
        id=flow.id, evaluation_id=ev.id, batch_id="b", source_datapoint_id=ds.datapoints[0].id, inputs={}
    )
    for dp in ds.datapoints[1:]:
        _log(hl, flow, ev.id, "b", dp, dp.target["output"])
    stats = wait_completed(hl, server, ev.id, until=lambda st: st.progress.startswith("3/3 datapoints logged, 2/3"))
    time.sleep(0.3)  # nothing else is coming: the open trace is not judged
    stats = hl.evaluations.get_stats(id=ev.id)
    assert stats.status == "running" and stats.progress.startswith("3/3 datapoints logged, 2/3 judgments")
    hl.flows.update_log(log_id=open_log.id, output="Paris", trace_status="complete")
    stats = wait_completed(hl, server, ev.id)
    assert stats.status == "completed" and stats.version_stats[0].evaluator_version_stats[0].num_true == 3
    # the evaluation goes with the evaluated File
    hl.flows.delete(id=flow.id)
    with pytest.raises(ApiError) as err:
        hl.evaluations.get(id=ev.id)
    assert lc.status(err) == 404


# ---------------------------------------------------------------- evaluations.run


def _capital(q: str) -> str:
    return {"capital of France": "Paris", "capital of Spain": "Madrid"}.get(q, "unknown")


def _better_capital(q: str) -> str:
    return {"capital of France": "Paris", "capital of Spain": "Madrid", "capital of Italy": "Rome"}.get(q, "?")


def is_short(log: Any) -> bool:
    return len(log["output"] or "") <= 5


def length(log: Any) -> float:
    return float(len(log["output"] or ""))


def _run_args(uid: str, fn: Any) -> dict:
    return dict(
        file={"path": f"{uid}/run/capitals", "type": "flow", "callable": fn},
        dataset={"path": f"{uid}/run/data", "datapoints": DATAPOINTS},
        evaluators=[
            {"path": EXACT_MATCH},
            {"path": f"{uid}/run/short", "callable": is_short, "args_type": "target_free", "return_type": "boolean"},
            {
                "path": f"{uid}/run/length",
                "callable": length,
                "args_type": "target_free",
                "return_type": "number",
                "threshold": 5,
            },
        ],
        name="capitals",
    )


def _check_runs(first: Any, second: Any, uid: str) -> None:
    got = {c.path: c for c in first}
    assert got[EXACT_MATCH].score == 0.67 and got[EXACT_MATCH].delta == 0
    # "Paris", "Madrid", "unknown": short = Paris only
    assert got[f"{uid}/run/short"].score == 0.33
    assert got[f"{uid}/run/length"].score == round((5 + 6 + 7) / 3, 2)
    assert got[f"{uid}/run/length"].threshold_check is True
    got2 = {c.path: c for c in second}
    assert got2[EXACT_MATCH].score == 1.0 and got2[EXACT_MATCH].delta == 0.33
    assert got2[EXACT_MATCH].improvement_check is True
    assert got2[f"{uid}/run/short"].score == 0.67 and got2[f"{uid}/run/short"].delta == 0.34
    assert got2[f"{uid}/run/length"].score == 5.0 and got2[f"{uid}/run/length"].threshold_check is True
    assert got2[f"{uid}/run/length"].delta == -1.0 and got2[f"{uid}/run/length"].improvement_check is False


def test_evaluations_run_sync(server: Server, uid: str) -> None:
    client = Humanloop(api_key=server.api_key, base_url=server.base_url)
    with background_worker(server):
        first = client.evaluations.run(**_run_args(uid, _capital))
        second = client.evaluations.run(**_run_args(uid, _better_capital))
    _check_runs(first, second, uid)


def test_evaluations_run_async(server: Server, uid: str) -> None:
    async def main() -> Any:
        client = AsyncHumanloop(api_key=server.api_key, base_url=server.base_url)
        first = await client.evaluations.run(**_run_args(uid, _capital))
        second = await client.evaluations.run(**_run_args(uid, _better_capital))
        return first, second

    with background_worker(server):
        first, second = asyncio.run(main())
    _check_runs(first, second, uid)


def test_published_0_8_6_sdk_evaluations_run(server: Server, published_python: Path) -> None:
    """The released 0.8.6 SDK, in its own virtual environment, runs ``evaluations.run`` unchanged."""
    python = published_python
    suffix = uuid.uuid4().hex[:8]
    script = Path(__file__).with_name("published_eval_script.py")
    with background_worker(server):
        done = subprocess.run(
            [str(python), str(script), server.base_url, server.api_key, suffix],
            capture_output=True,
            text=True,
            timeout=120,
            cwd="/",
        )
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    first = {c["path"]: c for c in out["first"]}
    second = {c["path"]: c for c in out["second"]}
    # 0.8.6 reports score 0 on a first run; its threshold check uses the real score (2/3 >= 0.5)
    assert first[EXACT_MATCH]["score"] == 0 and first[EXACT_MATCH]["threshold_check"] is True
    assert second[EXACT_MATCH]["score"] == 1.0 and second[EXACT_MATCH]["delta"] == 0.33
    assert second[EXACT_MATCH]["improvement_check"] is True
    answered = second[f"published-{suffix}/answered"]
    assert answered["score"] == 1.0 and answered["threshold_check"] is True


# ---------------------------------------------------------------- orchestrated Prompt evaluation


def test_orchestrated_prompt_evaluation_with_mock_provider(hl: Driver, server: Server, uid: str) -> None:
    prompt = hl.prompts.upsert(
        path=f"{uid}/orch/echo",
        model="mock-1",
        provider="mock",
        template=[{"role": "user", "content": "{{q}}"}],
    )
    ds = hl.datasets.upsert(path=f"{uid}/orch/data", datapoints=DATAPOINTS)
    ds = hl.datasets.get(id=ds.id, include_datapoints=True)
    judge = hl.evaluators.upsert(
        path=f"{uid}/orch/mentions",
        spec={
            "evaluator_type": "python",
            "arguments_type": "target_required",
            "return_type": "boolean",
            "code": "def mentions(log, testcase):\n    return testcase['inputs']['q'] in (log['output'] or '')\n",
        },
    )
    ev = hl.evaluations.create(
        name="orch",
        file={"id": prompt.id},
        dataset={"file_id": ds.id},
        evaluators=[{"path": judge.path}, {"path": EXACT_MATCH}],
        evaluatees=[{"version_id": prompt.version_id, "batch_id": "mock-run"}],
    )
    assert ev.status == "pending"
    stats = wait_completed(hl, server, ev.id)
    assert stats.status == "completed", stats.progress
    (entry,) = stats.version_stats
    assert entry.num_logs == 3 and entry.batch_id == "mock-run"
    by_version = {s.evaluator_version_id: s for s in entry.evaluator_version_stats}
    assert by_version[judge.version_id].num_true == 3
    exact = hl.evaluators.get(id=hl.evaluations.get(id=ev.id).evaluators[1].version.id)
    assert by_version[exact.version_id].num_false == 3
    rows = hl.evaluations.get_logs(id=ev.id).records
    assert all(r.log is not None and r.log.source_datapoint_id == r.datapoint.id for r in rows)
    assert all("capital of" in (r.log.output or "") for r in rows)
