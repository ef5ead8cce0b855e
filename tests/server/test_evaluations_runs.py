"""Runs (the API of SDK 0.8.9 to 0.8.38) through our SDK against the real server, on SQLite and
PostgreSQL, and the same Evaluations read through both eras' calls."""

import asyncio
import json
import subprocess
import uuid
from pathlib import Path
from typing import Any, Dict, List

import pytest

from humanloop import AsyncHumanloop, Humanloop
from humanloop.core.api_error import ApiError

from .conftest import Server, published_sdk_python
from .sdk_driver import Driver, driver_fixture, status_of
from .test_evaluations import DATAPOINTS, EXACT_MATCH, background_worker, drain

hl = driver_fixture()

BOOL_SPEC = {"evaluator_type": "external", "arguments_type": "target_free", "return_type": "boolean"}


def wait_run(hl: Driver, server: Server, evaluation_id: str, run_id: str, wanted: str = "completed") -> Any:
    """Drain the job queue until the Run has the ``wanted`` status; its stats entry then."""
    entry = None
    for _ in range(200):
        drain(server)
        stats = hl.evaluations.get_stats(id=evaluation_id)
        entry = next(e for e in stats.run_stats if e.run_id == run_id)
        if entry.status == wanted:
            return entry
    raise AssertionError(f"run {run_id} stayed {entry.status if entry else None}")


def _setup(hl: Driver, uid: str) -> Any:
    flow = hl.flows.upsert(path=f"{uid}/runs/agent", attributes={"kind": "qa"})
    ds = hl.datasets.upsert(path=f"{uid}/runs/capitals", datapoints=DATAPOINTS)
    ds = hl.datasets.get(id=ds.id, include_datapoints=True)
    judge = hl.evaluators.upsert(path=f"{uid}/runs/judge", spec=BOOL_SPEC)
    return flow, ds, judge


def _log_run(hl: Driver, flow: Any, run_id: str, dp: Any, output: str, **extra: Any) -> str:
    created = hl.flows.log(
        id=flow.id,
        run_id=run_id,
        source_datapoint_id=dp.id,
        inputs=dp.inputs,
        output=output,
        trace_status="complete",
        **extra,
    )
    return str(created.id)


def _stat(entry: Any, evaluator_version_id: str) -> Any:
    return next(s for s in entry.evaluator_stats if s.evaluator_version_id == evaluator_version_id)


def test_runs_lifecycle(hl: Driver, server: Server, uid: str) -> None:
    flow, ds, judge = _setup(hl, uid)
    ev = hl.evaluations.create(
        file={"id": flow.id}, evaluators=[{"path": EXACT_MATCH}, {"id": judge.id, "orchestrated": False}], name="n"
    )
    assert (ev.runs_count, ev.dataset, ev.evaluatees) == (0, None, [])
    exact_version = next(e.version.version_id for e in ev.evaluators if e.version.path == EXACT_MATCH)

    run = hl.evaluations.create_run(
        id=ev.id, dataset={"version_id": ds.version_id}, version={"version_id": flow.version_id}, orchestrated=False
    )
    assert run.id.startswith("run_") and run.status == "pending" and run.control is False
    assert run.version.version_id == flow.version_id and run.dataset.version_id == ds.version_id
    assert [r.id for r in hl.evaluations.list_runs_for_evaluation(id=ev.id).runs] == [run.id]

    outputs = ["Paris", "Madrid", "Berlin"]
    log_ids = [_log_run(hl, flow, run.id, dp, out) for dp, out in zip(ds.datapoints, outputs)]
    assert hl.evaluations.get_stats(id=ev.id).run_stats[0].status == "running"  # the external judge is missing
    for log_id, verdict in zip(log_ids, [True, True, False]):
        hl.evaluators.log(parent_id=log_id, id=judge.id, judgment=verdict)
    entry = wait_run(hl, server, ev.id, run.id)
    assert (entry.num_logs, entry.version_id, entry.batch_id) == (3, flow.version_id, run.id)
    assert (_stat(entry, exact_version).num_true, _stat(entry, exact_version).num_false) == (2, 1)
    assert _stat(entry, judge.version_id).num_true == 2

    logs = hl.evaluations.get_logs(id=ev.id, run_id=run.id, size=10)
    assert logs.total == 3 and {r.run_id for r in logs.records} == {run.id}
    assert sorted(r.log.output for r in logs.records) == sorted(outputs)
    assert all(len(r.evaluator_logs) == 2 for r in logs.records)

    # a Run without a version takes the version of its first Log; the latest Run comes first
    flow2 = hl.flows.upsert(path=flow.path, attributes={"kind": "qa", "v": 2})
    run2 = hl.evaluations.create_run(id=ev.id, dataset={"version_id": ds.version_id}, orchestrated=False)
    assert run2.version is None
    _log_run(hl, flow2, run2.id, ds.datapoints[0], "Paris", version_id=flow2.version_id)
    stats = hl.evaluations.get_stats(id=ev.id)
    assert [e.run_id for e in stats.run_stats] == [run2.id, run.id]
    assert stats.run_stats[0].version_id == flow2.version_id and stats.run_stats[0].status == "running"
    with pytest.raises(ApiError) as err:  # now the Run is of flow2's version
        _log_run(hl, flow, run2.id, ds.datapoints[1], "x", version_id=flow.version_id)
    assert status_of(err) == 422 and "version" in str(err.value.body)

    # existing Logs join a Run; a Log already in a Run does not move
    loose = [
        hl.flows.log(
            id=flow2.id, version_id=flow2.version_id, source_datapoint_id=dp.id, output="Rome", trace_status="complete"
        ).id
        for dp in ds.datapoints[1:]
    ]
    assert hl.evaluations.add_logs_to_run(id=ev.id, run_id=run2.id, log_ids=loose).id == run2.id
    assert next(e for e in hl.evaluations.get_stats(id=ev.id).run_stats if e.run_id == run2.id).num_logs == 3
    with pytest.raises(ApiError) as err:
        hl.evaluations.add_logs_to_run(id=ev.id, run_id=run.id, log_ids=[loose[0]])
    assert status_of(err) == 409

    # control and status; only completed/cancelled can be set
    changed = hl.evaluations.update_evaluation_run(id=ev.id, run_id=run.id, control=True)
    assert changed.control is True and changed.status == "completed"
    with pytest.raises(ApiError) as err:
        hl.evaluations.update_evaluation_run(id=ev.id, run_id=run2.id, status="running")
    assert status_of(err) == 422
    assert hl.evaluations.update_evaluation_run(id=ev.id, run_id=run2.id, status="cancelled").status == "cancelled"
    assert hl.evaluations.get_stats(id=ev.id).status == "completed"  # run 1 complete, run 2 cancelled
    runs = {r.id: r for r in hl.evaluations.list_runs_for_evaluation(id=ev.id).runs}
    assert (runs[run.id].control, runs[run2.id].control, runs[run2.id].status) == (True, False, "cancelled")

    # Evaluators come and go
    extra = hl.evaluators.upsert(path=f"{uid}/runs/extra", spec=BOOL_SPEC)
    ev = hl.evaluations.add_evaluators(id=ev.id, evaluators=[{"version_id": extra.version_id, "orchestrated": False}])
    assert extra.version_id in {e.version.version_id for e in ev.evaluators}
    # an external Evaluator added after a Run began does not hold that Run back (as for 0.8.6 batches)
    assert hl.evaluations.get_stats(id=ev.id).run_stats[1].status == "completed"
    ev = hl.evaluations.remove_evaluator(id=ev.id, evaluator_version_id=extra.version_id)
    assert extra.version_id not in {e.version.version_id for e in ev.evaluators}
    with pytest.raises(ApiError) as err:
        hl.evaluations.remove_evaluator(id=ev.id, evaluator_version_id=extra.version_id)
    assert status_of(err) == 404
    assert wait_run(hl, server, ev.id, run.id).status == "completed"

    # a Run added to another Evaluation brings its Logs along; removing it leaves them
    other = hl.evaluations.create(file={"id": flow.id}, evaluators=[{"path": EXACT_MATCH}], name="other")
    added = hl.evaluations.add_existing_run(id=other.id, run_id=run.id)
    assert added["id"] == run.id and added["version"]["version_id"] == flow.version_id
    assert hl.evaluations.add_existing_run(id=other.id, run_id=run.id)["id"] == run.id  # twice: the same Run
    with pytest.raises(ApiError) as err:
        hl.evaluations.add_existing_run(id=other.id, run_id="run_nope")
    assert status_of(err) == 422
    shared = wait_run(hl, server, other.id, run.id)
    assert shared.num_logs == 3 and _stat(shared, exact_version).num_true == 2
    assert hl.evaluations.get(id=other.id).runs_count == 1
    hl.evaluations.remove_run(id=other.id, run_id=run.id)
    assert hl.evaluations.list_runs_for_evaluation(id=other.id).runs == []
    assert hl.evaluations.get_logs(id=ev.id, run_id=run.id).total == 3
    with pytest.raises(ApiError) as err:
        hl.evaluations.remove_run(id=other.id, run_id=run.id)
    assert status_of(err) == 404


def test_bad_run_references_are_4xx(hl: Driver, server: Server, uid: str) -> None:
    flow, ds, judge = _setup(hl, uid)
    prompt = hl.prompts.upsert(path=f"{uid}/runs/p", model="gpt-4o", provider="mock")
    ev = hl.evaluations.create(file={"id": flow.id}, evaluators=[{"id": judge.id}])
    run = hl.evaluations.create_run(id=ev.id, dataset={"version_id": ds.version_id}, version={"id": flow.id})
    cases: List[Any] = [
        lambda: _log_run(hl, flow, "run_doesnotexist", ds.datapoints[0], "x"),
        lambda: hl.prompts.log(id=prompt.id, run_id=run.id, output="x"),  # not the Run's version
        lambda: hl.evaluations.create_run(id=ev.id, version={"version_id": prompt.version_id}),  # another File
        lambda: hl.evaluations.create_run(id=ev.id, dataset={"id": flow.id}),  # not a Dataset
        lambda: _log_run(hl, flow, run.id, ds.datapoints[0], "x", evaluation_id="evr_other"),
    ]
    for case in cases:
        with pytest.raises(ApiError) as err:
            case()
        assert status_of(err) == 422, err.value.body
    for call in (
        lambda: hl.evaluations.list_runs_for_evaluation(id="evr_nope"),
        lambda: hl.evaluations.update_evaluation_run(id=ev.id, run_id="run_nope", status="cancelled"),
        lambda: hl.evaluations.add_logs_to_run(id=ev.id, run_id=run.id, log_ids=["log_nope"]),
    ):
        with pytest.raises(ApiError) as err:
            call()
        assert status_of(err) == 404
    # another organisation can neither see the Run nor log into it
    with server.client(server.other_key) as other:
        assert other.get(f"/evaluations/{ev.id}/runs").status_code == 404
        r = other.post("/flows/log", json={"path": f"{uid}/x", "run_id": run.id, "output": "x"})
        assert r.status_code == 422 and "does not exist" in r.text


def test_cross_era_batch_is_a_run_and_run_is_a_batch(hl: Driver, server: Server, uid: str) -> None:
    flow, ds, judge = _setup(hl, uid)
    # 0.8.6: an Evaluation with a Dataset, Logs with evaluation_id + batch_id
    ev = hl.evaluations.create(
        dataset={"version_id": ds.version_id},
        evaluators=[{"path": EXACT_MATCH}],
        file={"id": flow.id},
        name="cross",
    )
    for dp, out in zip(ds.datapoints, ["Paris", "Madrid", "Rome"]):
        hl.flows.log(
            id=flow.id,
            version_id=flow.version_id,
            evaluation_id=ev.id,
            batch_id="nightly-1",
            source_datapoint_id=dp.id,
            inputs=dp.inputs,
            output=out,
            trace_status="complete",
        )
    (batch_run,) = hl.evaluations.list_runs_for_evaluation(id=ev.id).runs
    assert batch_run.version.version_id == flow.version_id and batch_run.dataset.version_id == ds.version_id
    entry = wait_run(hl, server, ev.id, batch_run.id)
    assert (entry.batch_id, entry.num_logs) == ("nightly-1", 3)
    assert hl.evaluations.get_logs(id=ev.id, run_id=batch_run.id).total == 3

    # runs era on the same Evaluation: its Logs show up as a 0.8.6 batch
    run = hl.evaluations.create_run(id=ev.id, version={"version_id": flow.version_id}, orchestrated=False)
    assert run.dataset.version_id == ds.version_id  # the Evaluation's Dataset by default
    for dp in ds.datapoints:
        _log_run(hl, flow, run.id, dp, "Paris")
    wait_run(hl, server, ev.id, run.id)
    stats = hl.evaluations.get_stats(id=ev.id)
    assert [v.batch_id for v in stats.version_stats] == ["nightly-1", run.id]
    assert stats.version_stats[1].num_logs == 3 and stats.overall_stats.total_logs == 6
    assert stats.status == "completed" and stats.run_stats[0].run_id == run.id
    got = hl.evaluations.get(id=ev.id)
    assert got.runs_count == 2 and [e.batch_id for e in got.evaluatees] == ["nightly-1", run.id]
    cells = hl.evaluations.get_logs(id=ev.id, size=20)
    assert cells.total == 6 and {c.run_id for c in cells.records} == {batch_run.id, run.id}
    assert all(c.log is not None and c.datapoint is not None for c in cells.records)
    # 0.8.6 calls still act on it: pinning a batch makes its Run the control
    hl.evaluations.pin_evaluatee(id=ev.id, version_id=flow.version_id, batch_id=run.id)
    runs = {r.id: r for r in hl.evaluations.list_runs_for_evaluation(id=ev.id).runs}
    assert runs[run.id].control is True and runs[batch_run.id].control is False
    assert hl.evaluations.update_status(id=ev.id, status="cancelled").status == "cancelled"


# ---------------------------------------------------------------- evaluations.run, runs era


def _answer(q: str) -> str:
    return {"capital of France": "Paris", "capital of Spain": "Madrid"}.get(q, "unknown")


def _better(q: str) -> str:
    return {"capital of France": "Paris", "capital of Spain": "Madrid", "capital of Italy": "Rome"}.get(q, "?")


def matches(log: Any, target: Any) -> bool:
    return bool(log["output"] == target["output"])


def length(log: Any) -> float:
    return float(len(log["output"] or ""))


def _runs_args(uid: str, fn: Any, dataset_id: str) -> Dict[str, Any]:
    return dict(
        file={"path": f"{uid}/rr/capitals", "type": "flow", "callable": fn},
        # a stored Dataset named by id, without datapoints: only the runs-era SDKs accept this
        dataset={"id": dataset_id},
        evaluators=[
            {"path": EXACT_MATCH},
            {"path": f"{uid}/rr/matches", "callable": matches, "args_type": "target_required"},
            {"path": f"{uid}/rr/length", "callable": length, "return_type": "number", "threshold": 5},
        ],
        name="capitals",
        workers=2,
    )


def _check(first: Any, second: Any, uid: str) -> None:
    got = {c.path: c for c in first}
    assert got[EXACT_MATCH].score == 0.67 and got[EXACT_MATCH].delta == 0
    assert got[f"{uid}/rr/matches"].score == 0.67
    assert got[f"{uid}/rr/length"].score == 6.0 and got[f"{uid}/rr/length"].threshold_check is True
    got2 = {c.path: c for c in second}
    assert got2[EXACT_MATCH].score == 1.0 and got2[EXACT_MATCH].delta == 0.33
    assert got2[f"{uid}/rr/matches"].score == 1.0 and got2[f"{uid}/rr/matches"].improvement_check is True
    assert got2[f"{uid}/rr/length"].score == 5.0 and got2[f"{uid}/rr/length"].delta == -1.0
    assert got2[f"{uid}/rr/length"].improvement_check is False
    assert got2[EXACT_MATCH].evaluation_id == got[EXACT_MATCH].evaluation_id is not None


def _check_stored(client: Humanloop, evaluation_id: str) -> None:
    runs = client.evaluations.list_runs_for_evaluation(id=evaluation_id).runs
    assert len(runs) == 2 and all(r.status == "completed" for r in runs)
    for r in runs:  # each datapoint logged once per Run, by run_id
        assert client.evaluations.get_logs(id=evaluation_id, run_id=r.id).total == 3


def test_evaluations_run_runs_era_sync(server: Server, uid: str) -> None:
    client = Humanloop(api_key=server.api_key, base_url=server.base_url)
    ds = client.datasets.upsert(path=f"{uid}/rr/data", datapoints=DATAPOINTS)
    with background_worker(server):
        first = client.evaluations.run(**_runs_args(uid, _answer, ds.id))
        second = client.evaluations.run(**_runs_args(uid, _better, ds.id))
    _check(first, second, uid)
    _check_stored(client, str(first[0].evaluation_id))


def test_evaluations_run_runs_era_async(server: Server, uid: str) -> None:
    ds = Humanloop(api_key=server.api_key, base_url=server.base_url).datasets.upsert(
        path=f"{uid}/rr/data", datapoints=DATAPOINTS
    )

    async def main() -> Any:
        client = AsyncHumanloop(api_key=server.api_key, base_url=server.base_url)
        first = await client.evaluations.run(**_runs_args(uid, _answer, ds.id))
        second = await client.evaluations.run(**_runs_args(uid, _better, ds.id))
        return first, second

    with background_worker(server):
        first, second = asyncio.run(main())
    _check(first, second, uid)
    _check_stored(Humanloop(api_key=server.api_key, base_url=server.base_url), str(first[0].evaluation_id))


def test_evaluations_run_server_orchestrated_prompt(server: Server, uid: str) -> None:
    """A Prompt File without a callable: the Run is orchestrated, the server calls the (mock) Prompt."""
    client = Humanloop(api_key=server.api_key, base_url=server.base_url)
    prompt = client.prompts.upsert(
        path=f"{uid}/rr/p", model="mock-1", provider="mock", template=[{"role": "user", "content": "{{q}}"}]
    )
    ds = client.datasets.upsert(path=f"{uid}/rr/data2", datapoints=DATAPOINTS)
    with background_worker(server):
        checks = client.evaluations.run(
            file={"id": prompt.id, "type": "prompt"},
            dataset={"path": f"{uid}/rr/data2"},
            evaluators=[{"path": EXACT_MATCH}],
            name="orchestrated",
        )
    (check,) = checks
    assert (check.path, check.score, check.num_logs) == (EXACT_MATCH, 0.0, 3)
    (run,) = client.evaluations.list_runs_for_evaluation(id=str(check.evaluation_id)).runs
    assert run.orchestrated is True and run.dataset.version_id == ds.version_id


# ---------------------------------------------------------------- the published 0.8.38 SDK

PUBLISHED_RUNS_SDK_VERSION = "0.8.38"


@pytest.fixture(scope="session")
def published_runs_python() -> Path:
    """The published 0.8.38 SDK in its own virtual environment (built once, cached in .cache/)."""
    return published_sdk_python(PUBLISHED_RUNS_SDK_VERSION)


def test_published_0_8_38_sdk_runs(server: Server, published_runs_python: Path) -> None:
    """The released 0.8.38 SDK, unchanged: create / create_run / log with run_id / stats, then its own
    ``evaluations.run`` twice (it polls every 5 s, so this takes a while)."""
    suffix = uuid.uuid4().hex[:8]
    script = Path(__file__).with_name("published_runs_script.py")
    with background_worker(server):
        done = subprocess.run(
            [str(published_runs_python), str(script), server.base_url, server.api_key, suffix],
            capture_output=True,
            text=True,
            timeout=240,
            cwd="/",
        )
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    manual = out["manual"]
    assert (manual["run_status"], manual["num_logs"], manual["num_true"]) == ("completed", 3, 2)
    assert manual["runs"] == [manual["run_id"]] and manual["logs"] == 3 and manual["runs_count"] == 1
    assert manual["control"] is True
    first = {c["path"]: c for c in out["first"]}
    second = {c["path"]: c for c in out["second"]}
    # 0.8.38 reports score 0 on a first Run (nothing to compare with); its threshold check uses the
    # real score: exact match 2/3 >= 0.5, short 1/3 < 0.5
    assert first[EXACT_MATCH]["score"] == 0 and first[EXACT_MATCH]["threshold_check"] is True
    assert first[f"pub38-{suffix}/short"]["threshold_check"] is False
    assert second[EXACT_MATCH]["score"] == 1.0 and second[EXACT_MATCH]["delta"] == 0.33
    assert second[f"pub38-{suffix}/short"]["score"] == 0.67 and second[f"pub38-{suffix}/short"]["delta"] == 0.34
    assert second[f"pub38-{suffix}/short"]["threshold_check"] is True
    assert first[EXACT_MATCH]["evaluation_id"] == second[EXACT_MATCH]["evaluation_id"]


def test_create_run_with_existing_logs(hl: Driver, server: Server, uid: str) -> None:
    flow, ds, judge = _setup(hl, uid)
    # Logs of the version on two of the datapoints, made before any Evaluation (the newest one counts)
    for dp, out in [(ds.datapoints[0], "Lyon"), (ds.datapoints[0], "Paris"), (ds.datapoints[1], "Madrid")]:
        hl.flows.log(
            id=flow.id, version_id=flow.version_id, source_datapoint_id=dp.id, output=out, trace_status="complete"
        )
    ev = hl.evaluations.create(file={"id": flow.id}, evaluators=[{"path": EXACT_MATCH}])
    run = hl.evaluations.create_run(
        id=ev.id,
        dataset={"id": ds.id},
        version={"version_id": flow.version_id},
        orchestrated=False,
        use_existing_logs=True,
    )
    records = hl.evaluations.get_logs(id=ev.id, run_id=run.id).records
    assert sorted(r.log.output for r in records) == ["Madrid", "Paris"]
    assert {r.datapoint.id for r in records} == {ds.datapoints[0].id, ds.datapoints[1].id}
    _log_run(hl, flow, run.id, ds.datapoints[2], "Rome")
    entry = wait_run(hl, server, ev.id, run.id)
    assert entry.num_logs == 3 and _stat(entry, entry.evaluator_stats[0].evaluator_version_id).num_true == 3
    # a second Run takes only what no Run holds: the older Log of the first datapoint
    again = hl.evaluations.create_run(
        id=ev.id, dataset={"id": ds.id}, version={"id": flow.id}, orchestrated=False, use_existing_logs=True
    )
    assert [r.log.output for r in hl.evaluations.get_logs(id=ev.id, run_id=again.id).records] == ["Lyon"]
    with pytest.raises(ApiError) as err:
        hl.evaluations.get_logs(id=ev.id, run_id="run_nope")
    assert status_of(err) == 404
