"""Agents in Evaluations, on SQLite and PostgreSQL: an Agent version is a Run's version (and a 0.8.6
evaluatee), ``agents.log(run_id=...)`` joins a Run, the server runs an orchestrated Agent Run itself
(the tool loop on the ``mock`` provider), and ``evaluations.run`` takes ``file={"type": "agent"}``.

The mock provider answers a user message with ``"mock response to: <text>"``; on an Agent turn with
tools it first calls the first tool with the user's text, then answers ``"mock agent answer: <tool
results>"``.
"""

import time
from typing import Any, Dict, List

import pytest

from humanloop import Humanloop
from humanloop.core.api_error import ApiError

from .conftest import Server
from .sdk_driver import status_of
from .test_evaluations import EXACT_MATCH, background_worker, drain
from .test_evaluations_runs import wait_run

BOOL_SPEC = {"evaluator_type": "external", "arguments_type": "target_free", "return_type": "boolean"}
AGENT = {"model": "m", "provider": "mock", "template": [{"role": "user", "content": "{{q}}"}]}


def _client(server: Server) -> Humanloop:
    return Humanloop(api_key=server.api_key, base_url=server.base_url)


def _dataset(hl: Humanloop, path: str, targets: List[str]) -> Any:
    questions = ["capital of France", "capital of Spain", "capital of Italy"]
    points = [{"inputs": {"q": q}, "target": {"output": t}} for q, t in zip(questions, targets)]
    ds = hl.datasets.upsert(path=path, datapoints=points)
    return hl.datasets.get(id=ds.id, version_id=ds.version_id, include_datapoints=True)


def _stat(entry: Any, evaluator_version_id: str) -> Any:
    return next(s for s in entry.evaluator_stats if s.evaluator_version_id == evaluator_version_id)


def _wait_judged(hl: Humanloop, server: Server, ev_id: str, run_id: str, evaluator_version_id: str, n: int) -> Any:
    """Drain the job queue until the Run has ``n`` judgments of that Evaluator version (the server's
    own worker threads may be the ones judging); its stats entry then."""
    deadline = time.monotonic() + 60
    while True:
        drain(server)
        entry = next(e for e in hl.evaluations.get_stats(id=ev_id).run_stats if e.run_id == run_id)
        if _stat(entry, evaluator_version_id).num_judgments >= n or time.monotonic() > deadline:
            return entry
        time.sleep(0.05)


def _exact_version(ev: Any) -> str:
    return str(next(e.version.version_id for e in ev.evaluators if e.version.path == EXACT_MATCH))


def test_orchestrated_agent_run_runs_the_tool_loop_per_datapoint(server: Server, uid: str) -> None:
    hl = _client(server)
    helper = hl.prompts.upsert(
        path=f"{uid}/ea/define", model="m", provider="mock", template=[{"role": "user", "content": "define {{word}}"}]
    )
    agent = hl.agents.upsert(path=f"{uid}/ea/agent", **AGENT, tools=[{"type": "file", "link": {"file_id": helper.id}}])
    answer = "mock agent answer: mock response to: define capital of {}"
    ds = _dataset(hl, f"{uid}/ea/data", [answer.format("France"), answer.format("Spain"), "Rome"])
    ev = hl.evaluations.create(file={"id": agent.id}, evaluators=[{"path": EXACT_MATCH}], name="agent")
    run = hl.evaluations.create_run(
        id=ev.id, dataset={"version_id": ds.version_id}, version={"version_id": agent.version_id}
    )
    assert type(run.version).__name__ == "AgentResponse" and run.version.version_id == agent.version_id
    assert run.orchestrated is True and run.version.tools[0].link.file_id == helper.id

    entry = wait_run(hl, server, ev.id, run.id)  # type: ignore[arg-type]
    # one Agent Log per datapoint: the model turns and tool runs under them are not Logs of the Run
    assert entry.num_logs == 3 and entry.version_id == agent.version_id
    exact = _stat(entry, _exact_version(ev))
    assert (exact.num_true, exact.num_false, exact.num_errors) == (2, 1, 0)

    records = hl.evaluations.get_logs(id=ev.id, run_id=run.id, size=10).records
    assert len(records) == 3
    for record in records:
        log = record.log
        assert type(log).__name__ == "AgentLogResponse" and log.log_status == "complete"
        assert log.source_datapoint_id == record.datapoint.id and log.source == "evaluation"
        assert log.output == answer.format(record.datapoint.inputs["q"].split()[-1])
        assert [type(c).__name__ for c in hl.logs.get(id=log.id).trace_children] == [
            "AgentLogResponse",
            "PromptLogResponse",
            "AgentLogResponse",
        ]
        assert len(record.evaluator_logs) == 1
    (listed,) = hl.evaluations.list_runs_for_evaluation(id=ev.id).runs
    assert type(listed.version).__name__ == "AgentResponse" and listed.status == "completed"
    got = hl.evaluations.get(id=ev.id)
    assert got.runs_count == 1 and type(got.evaluatees[0].version).__name__ == "AgentResponse"
    stats = hl.evaluations.get_stats(id=ev.id)
    assert stats.status == "completed" and stats.overall_stats.total_logs == 3


def test_a_failing_agent_call_is_the_datapoints_log(server: Server, uid: str) -> None:
    hl = _client(server)
    agent = hl.agents.upsert(
        path=f"{uid}/ea/needs-x", model="m", provider="mock", template=[{"role": "user", "content": "{{x}}"}]
    )
    ds = _dataset(hl, f"{uid}/ea/data", ["a", "b", "c"])  # the datapoints have no "x"
    ev = hl.evaluations.create(file={"id": agent.id}, evaluators=[])
    run = hl.evaluations.create_run(id=ev.id, dataset={"version_id": ds.version_id}, version={"id": agent.id})
    entry = wait_run(hl, server, ev.id, run.id)  # type: ignore[arg-type]
    assert entry.num_logs == 3
    records = hl.evaluations.get_logs(id=ev.id, run_id=run.id, size=10).records
    for r in records:
        assert type(r.log).__name__ == "AgentLogResponse" and r.log.source_datapoint_id == r.datapoint.id
        assert "Missing input for template variable 'x'" in (r.log.error or "") and r.log.output is None


def test_agent_logs_join_a_run_by_run_id(server: Server, uid: str) -> None:
    hl = _client(server)
    agent = hl.agents.upsert(path=f"{uid}/ea/logged", **AGENT)
    other_version = hl.agents.upsert(path=f"{uid}/ea/logged", **{**AGENT, "model": "m2"})
    ds = _dataset(hl, f"{uid}/ea/data", ["Paris", "Madrid", "Rome"])
    judge = hl.evaluators.upsert(path=f"{uid}/ea/judge", spec=BOOL_SPEC)
    ev = hl.evaluations.create(
        file={"id": agent.id}, evaluators=[{"path": EXACT_MATCH}, {"id": judge.id, "orchestrated": False}]
    )
    run = hl.evaluations.create_run(
        id=ev.id,
        dataset={"version_id": ds.version_id},
        version={"version_id": agent.version_id},
        orchestrated=False,
    )
    outputs = ["Paris", "Madrid", "Berlin"]
    log_ids = []
    for dp, out in zip(ds.datapoints, outputs):
        created = hl.agents.log(
            id=agent.id,
            version_id=agent.version_id,
            run_id=run.id,
            source_datapoint_id=dp.id,
            inputs=dp.inputs,
            output=out,
            # the last one is finished later: judgments wait for it
            log_status="incomplete" if out == "Berlin" else None,
        )
        log_ids.append(created.id)
        hl.evaluators.log(parent_id=created.id, id=judge.id, judgment=out != "Berlin")
    stored = hl.logs.get(id=log_ids[0])
    assert stored.batches == [run.id] and type(stored).__name__ == "AgentLogResponse"
    entry = _wait_judged(hl, server, ev.id, run.id, _exact_version(ev), 2)
    drain(server)  # nothing more: the incomplete Log is not judged yet
    entry = next(e for e in hl.evaluations.get_stats(id=ev.id).run_stats if e.run_id == run.id)
    assert entry.num_logs == 3 and entry.status == "running"
    assert _stat(entry, _exact_version(ev)).num_judgments == 2
    hl.agents.update_log(id=agent.id, log_id=log_ids[2], log_status="complete")
    entry = wait_run(hl, server, ev.id, run.id)  # type: ignore[arg-type]
    exact = _stat(entry, _exact_version(ev))
    assert (exact.num_true, exact.num_false) == (2, 1) and _stat(entry, judge.version_id).num_true == 2

    for bad in (
        lambda: hl.agents.log(id=agent.id, version_id=other_version.version_id, run_id=run.id, output="x"),
        lambda: hl.agents.log(id=agent.id, run_id="run_doesnotexist", output="x"),
        lambda: hl.prompts.log(path=f"{uid}/ea/p", prompt={"model": "m"}, run_id=run.id, output="x"),
    ):
        with pytest.raises(ApiError) as err:
            bad()
        assert status_of(err) == 422, err.value.body

    # the Run added to another Evaluation answers with its Agent version
    other = hl.evaluations.create(file={"id": agent.id}, evaluators=[{"path": EXACT_MATCH}], name="other")
    added: Dict[str, Any] = hl.evaluations.add_existing_run(id=other.id, run_id=run.id)  # type: ignore[assignment]
    assert added["version"]["type"] == "agent" and added["version"]["version_id"] == agent.version_id
    assert wait_run(hl, server, other.id, run.id).num_logs == 3  # type: ignore[arg-type]


def test_an_agent_is_a_0_8_6_evaluatee(server: Server, uid: str) -> None:
    """The 0.8.6 body: an Evaluation with a Dataset and an orchestrated Agent evaluatee."""
    hl = _client(server)
    agent = hl.agents.upsert(path=f"{uid}/ea/old-style", **AGENT)
    ds = _dataset(hl, f"{uid}/ea/data", ["mock response to: capital of France", "x", "y"])
    ev = hl.evaluations.create(
        dataset={"version_id": ds.version_id},
        evaluatees=[{"version_id": agent.version_id, "orchestrated": True}],
        evaluators=[{"path": EXACT_MATCH}],
    )
    assert ev.file_id == agent.id and type(ev.evaluatees[0].version).__name__ == "AgentResponse"
    (run,) = hl.evaluations.list_runs_for_evaluation(id=ev.id).runs
    entry = wait_run(hl, server, ev.id, run.id)  # type: ignore[arg-type]
    assert entry.num_logs == 3 and _stat(entry, _exact_version(ev)).num_true == 1
    stats = hl.evaluations.get_stats(id=ev.id)
    assert stats.version_stats[0].version_id == agent.version_id and stats.version_stats[0].num_logs == 3
    cells = hl.evaluations.get_logs(id=ev.id, size=10).records
    assert len(cells) == 3 and all(type(c.evaluated_version).__name__ == "AgentResponse" for c in cells)


# ---------------------------------------------------------------- evaluations.run


def _agent_answer(q: str) -> str:
    return {"capital of France": "Paris", "capital of Spain": "Madrid"}.get(q, "?")


def test_evaluations_run_with_an_agent_file(server: Server, uid: str) -> None:
    hl = _client(server)
    ds = _dataset(hl, f"{uid}/ea/run-data", ["mock response to: capital of France", "Madrid", "Rome"])
    agent = hl.agents.upsert(path=f"{uid}/ea/run-agent", **AGENT)
    with background_worker(server):
        # no callable: the server calls the Agent on every datapoint
        (by_id,) = hl.evaluations.run(
            file={"type": "agent", "id": agent.id},
            dataset={"id": ds.id},
            evaluators=[{"path": EXACT_MATCH}],
            name="agent-run",
        )
        (by_path,) = hl.evaluations.run(
            file={"type": "agent", "path": agent.path},
            dataset={"id": ds.id},
            evaluators=[{"path": EXACT_MATCH}],
            name="agent-run",
        )
        # a callable: the SDK logs its outputs with agents.log(run_id=...), on a version it upserts
        (local,) = hl.evaluations.run(
            file={"type": "agent", "path": agent.path, "version": {**AGENT, "model": "m3"}, "callable": _agent_answer},
            dataset={"id": ds.id},
            evaluators=[{"path": EXACT_MATCH}],
            name="agent-run",
        )
    assert (by_id.score, by_id.num_logs, by_id.num_errors) == (0.33, 3, 0)
    assert (by_path.score, by_path.delta) == (0.33, 0.0)
    assert (local.score, local.delta, local.improvement_check) == (0.33, 0.0, True)
    assert by_id.evaluation_id == by_path.evaluation_id == local.evaluation_id
    runs = hl.evaluations.list_runs_for_evaluation(id=str(by_id.evaluation_id)).runs
    assert [r.orchestrated for r in runs] == [True, True, False]
    assert all(type(r.version).__name__ == "AgentResponse" for r in runs)
    assert runs[0].version.version_id == runs[1].version.version_id == agent.version_id
    assert runs[2].version.version_id != agent.version_id and runs[2].version.model == "m3"
    outputs = sorted(
        r.log.output for r in hl.evaluations.get_logs(id=str(by_id.evaluation_id), run_id=runs[2].id).records
    )
    assert outputs == ["?", "Madrid", "Paris"]
    with pytest.raises(ValueError):  # a path that is not an Agent
        hl.evaluations.run(file={"type": "agent", "path": ds.path}, name=None, dataset={"id": ds.id}, evaluators=[])
