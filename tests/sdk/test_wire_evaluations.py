"""client.evaluations.*: the exact request on the wire and the parsed response, sync and async."""

from __future__ import annotations

import pytest

from humanloop import (
    DatapointResponse,
    EvaluationLogResponse,
    EvaluationResponse,
    EvaluationRunResponse,
    EvaluationRunsResponse,
    EvaluationStats,
    EvaluatorLogResponse,
    NumericEvaluatorStatsResponse,
    PaginatedDataEvaluationLogResponse,
    PromptLogResponse,
    PromptResponse,
    RunStatsResponse,
)
from humanloop.core.pagination import AsyncPager, SyncPager

from . import fixtures as fx
from .wire import Recorder, assert_request, drain, empty_reply, invoke, json_reply, utc

pytestmark = pytest.mark.parametrize("mode", ["sync", "async"])

EVID = fx.EVALUATION_ID


def assert_evaluation(result: object, status: str = "pending") -> None:
    assert isinstance(result, EvaluationResponse)
    assert result.id == EVID
    assert result.status == status
    assert result.dataset.id == fx.DATASET_ID
    assert result.dataset.version_id == fx.DATASET_VERSION_ID
    evaluatee = result.evaluatees[0]
    assert isinstance(evaluatee.version, PromptResponse)
    assert evaluatee.version.version_id == fx.PROMPT_VERSION_ID
    assert (evaluatee.batch_id, evaluatee.orchestrated, evaluatee.pinned) == ("batch_9Hq2LmXc", False, True)
    assert result.evaluators[0].version.id == fx.EVALUATOR_ID
    assert result.evaluators[0].orchestrated is True
    assert result.evaluators[0].added_at == utc(2024, 5, 1, 9, 12, 44, 381000)
    assert result.url == f"https://app.humanloop.com/evaluations/{EVID}"


async def test_list(mode: str) -> None:
    second = fx.evaluation(id="evr_2ndRunQwErTyUiOp", name="Nightly", status="completed")
    rec = Recorder(
        json_reply(fx.paginated([fx.evaluation()], page=1, size=1, total=2)),
        json_reply(fx.paginated([second], page=2, size=1, total=2)),
    )
    pager = await invoke(mode, rec, "evaluations", "list", file_id=fx.PROMPT_ID, size=1)
    assert isinstance(pager, (SyncPager, AsyncPager))
    items = await drain(pager)
    assert [type(i) for i in items] == [EvaluationResponse, EvaluationResponse]
    assert_evaluation(items[0])
    assert (items[1].id, items[1].name, items[1].status) == ("evr_2ndRunQwErTyUiOp", "Nightly", "completed")
    assert len(rec.requests) == 2
    for number, request in enumerate(rec.requests, start=1):
        assert_request(
            request, "GET", "/v5/evaluations", query={"file_id": fx.PROMPT_ID, "page": str(number), "size": "1"}
        )


async def test_create(mode: str) -> None:
    rec = Recorder(json_reply(fx.evaluation()))
    result = await invoke(
        mode,
        rec,
        "evaluations",
        "create",
        dataset={"version_id": fx.DATASET_VERSION_ID},
        evaluators=[{"version_id": fx.EVALUATOR_VERSION_ID, "orchestrated": True}],
        evaluatees=[{"version_id": fx.PROMPT_VERSION_ID, "batch_id": "batch_9Hq2LmXc", "orchestrated": False}],
        name="Coding Assistant regression",
        file={"path": "Personal Projects/Coding Assistant"},
    )
    assert_request(
        rec.only,
        "POST",
        "/v5/evaluations",
        body={
            "dataset": {"version_id": fx.DATASET_VERSION_ID},
            "evaluators": [{"version_id": fx.EVALUATOR_VERSION_ID, "orchestrated": True}],
            "evaluatees": [{"version_id": fx.PROMPT_VERSION_ID, "batch_id": "batch_9Hq2LmXc", "orchestrated": False}],
            "name": "Coding Assistant regression",
            "file": {"path": "Personal Projects/Coding Assistant"},
        },
    )
    assert_evaluation(result)


async def test_get(mode: str) -> None:
    rec = Recorder(json_reply(fx.evaluation()))
    result = await invoke(mode, rec, "evaluations", "get", EVID)
    assert_request(rec.only, "GET", f"/v5/evaluations/{EVID}")
    assert_evaluation(result)


async def test_delete(mode: str) -> None:
    rec = Recorder(empty_reply(204))
    assert await invoke(mode, rec, "evaluations", "delete", EVID) is None
    assert_request(rec.only, "DELETE", f"/v5/evaluations/{EVID}")


async def test_update_setup(mode: str) -> None:
    rec = Recorder(json_reply(fx.evaluation()))
    result = await invoke(
        mode,
        rec,
        "evaluations",
        "update_setup",
        EVID,
        dataset={"path": "test-questions", "environment": "production"},
        evaluators=[{"path": "Shared Evaluators/Helpfulness", "orchestrated": True}],
        name=None,
    )
    assert_request(
        rec.only,
        "PATCH",
        f"/v5/evaluations/{EVID}",
        body={
            "dataset": {"path": "test-questions", "environment": "production"},
            "evaluators": [{"path": "Shared Evaluators/Helpfulness", "orchestrated": True}],
            "name": None,
        },
    )
    assert_evaluation(result)


async def test_update_status(mode: str) -> None:
    rec = Recorder(json_reply(fx.evaluation(status="completed")))
    result = await invoke(mode, rec, "evaluations", "update_status", EVID, status="completed")
    assert_request(rec.only, "PATCH", f"/v5/evaluations/{EVID}/status", body={"status": "completed"})
    assert_evaluation(result, status="completed")


async def test_get_stats(mode: str) -> None:
    rec = Recorder(json_reply(fx.evaluation_stats()))
    result = await invoke(mode, rec, "evaluations", "get_stats", EVID)
    assert_request(rec.only, "GET", f"/v5/evaluations/{EVID}/stats")
    assert isinstance(result, EvaluationStats)
    assert result.status == "completed"
    assert result.progress == "2/2"
    assert (result.overall_stats.num_datapoints, result.overall_stats.total_logs) == (2, 2)
    version = result.version_stats[0]
    assert (version.version_id, version.batch_id, version.num_logs) == (fx.PROMPT_VERSION_ID, "batch_9Hq2LmXc", 2)
    stat = version.evaluator_version_stats[0]
    assert isinstance(stat, NumericEvaluatorStatsResponse)
    assert (stat.evaluator_version_id, stat.mean, stat.std) == (fx.EVALUATOR_VERSION_ID, 4.5, 0.5)
    assert stat.percentiles == {"25": 4.0, "50": 4.5, "75": 5.0}


async def test_get_logs(mode: str) -> None:
    record = {
        "evaluated_version": fx.prompt(),
        "datapoint": fx.datapoint(1),
        "log": fx.prompt_log(),
        "evaluator_logs": [fx.evaluator_log()],
    }
    rec = Recorder(json_reply(fx.paginated([record], page=2, size=1, total=2)))
    result = await invoke(mode, rec, "evaluations", "get_logs", EVID, page=2, size=1)
    assert_request(rec.only, "GET", f"/v5/evaluations/{EVID}/logs", query={"page": "2", "size": "1"})
    # not paginated in 0.8.6: the page itself comes back; the runs-era page type parses the 0.8.6 body
    assert isinstance(result, PaginatedDataEvaluationLogResponse)
    assert (result.page, result.size, result.total) == (2, 1, 2)
    row = result.records[0]
    assert isinstance(row.evaluated_version, PromptResponse)
    assert isinstance(row.datapoint, DatapointResponse)
    assert row.datapoint.inputs == {"question": "What is 1 + 1?"}
    assert isinstance(row.log, PromptLogResponse)
    assert row.log.output == "Use a list comprehension: [x * 2 for x in xs]"
    assert [type(e) for e in row.evaluator_logs] == [EvaluatorLogResponse]
    assert row.evaluator_logs[0].judgment == 4
    assert row.evaluator_logs[0].parent_id == "data_7cQm2Lk9VxR4tNpW0aEjs"


async def test_pin_evaluatee(mode: str) -> None:
    rec = Recorder(json_reply(fx.evaluation()))
    result = await invoke(
        mode,
        rec,
        "evaluations",
        "pin_evaluatee",
        EVID,
        version_id=fx.PROMPT_VERSION_ID,
        batch_id="batch_9Hq2LmXc",
        orchestrated=False,
        environment=None,
    )
    assert_request(
        rec.only,
        "POST",
        f"/v5/evaluations/{EVID}/pin-evaluatee",
        body={
            "version_id": fx.PROMPT_VERSION_ID,
            "batch_id": "batch_9Hq2LmXc",
            "orchestrated": False,
            "environment": None,
        },
    )
    assert_evaluation(result)


# ---------------------------------------------------------------- the runs era (0.8.9 to 0.8.38)

RUN_ID = "run_4kQx8NbT2vLm0pZr7yWcD"


def run_body(**overrides: object) -> dict:
    body = {
        "id": RUN_ID,
        "dataset": fx.dataset(),
        "version": fx.prompt(),
        "orchestrated": False,
        "added_at": fx.CREATED,
        "created_at": fx.CREATED,
        "created_by": None,
        "status": "running",
        "control": False,
    }
    body.update(overrides)
    return body


def assert_run(result: object, status: str = "running", control: bool = False) -> None:
    assert isinstance(result, EvaluationRunResponse)
    assert (result.id, result.status, result.control, result.orchestrated) == (RUN_ID, status, control, False)
    assert isinstance(result.version, PromptResponse)
    assert result.version.version_id == fx.PROMPT_VERSION_ID
    assert result.dataset is not None and result.dataset.version_id == fx.DATASET_VERSION_ID
    assert result.added_at == utc(2024, 5, 1, 9, 12, 44, 381000)


async def test_create_runs_era_body(mode: str) -> None:
    reply = fx.evaluation(dataset=None, evaluatees=[], status=None, runs_count=0)
    rec = Recorder(json_reply(reply))
    result = await invoke(
        mode,
        rec,
        "evaluations",
        "create",
        evaluators=[{"path": "Example Evaluators/Code/Exact match", "orchestrated": True}, {"version_id": "evv_x"}],
        file={"id": fx.PROMPT_ID},
        name="Nightly",
    )
    assert_request(
        rec.only,
        "POST",
        "/v5/evaluations",
        body={
            "evaluators": [
                {"path": "Example Evaluators/Code/Exact match", "orchestrated": True},
                {"version_id": "evv_x"},
            ],
            "file": {"id": fx.PROMPT_ID},
            "name": "Nightly",
        },
    )
    assert isinstance(result, EvaluationResponse)
    assert (result.runs_count, result.dataset, result.status) == (0, None, None)


async def test_add_evaluators(mode: str) -> None:
    rec = Recorder(json_reply(fx.evaluation(runs_count=1)))
    result = await invoke(mode, rec, "evaluations", "add_evaluators", EVID, evaluators=[{"id": fx.EVALUATOR_ID}])
    assert_request(
        rec.only, "POST", f"/v5/evaluations/{EVID}/evaluators", body={"evaluators": [{"id": fx.EVALUATOR_ID}]}
    )
    assert_evaluation(result)
    assert result.runs_count == 1


async def test_remove_evaluator(mode: str) -> None:
    rec = Recorder(json_reply(fx.evaluation()))
    result = await invoke(mode, rec, "evaluations", "remove_evaluator", EVID, fx.EVALUATOR_VERSION_ID)
    assert_request(rec.only, "DELETE", f"/v5/evaluations/{EVID}/evaluators/{fx.EVALUATOR_VERSION_ID}")
    assert_evaluation(result)


async def test_list_runs_for_evaluation(mode: str) -> None:
    rec = Recorder(json_reply({"runs": [run_body(), run_body(id="run_2", status="completed", control=True)]}))
    result = await invoke(mode, rec, "evaluations", "list_runs_for_evaluation", EVID)
    assert_request(rec.only, "GET", f"/v5/evaluations/{EVID}/runs")
    assert isinstance(result, EvaluationRunsResponse)
    assert_run(result.runs[0])
    assert (result.runs[1].id, result.runs[1].status, result.runs[1].control) == ("run_2", "completed", True)


async def test_create_run(mode: str) -> None:
    rec = Recorder(json_reply(run_body(status="pending")))
    result = await invoke(
        mode,
        rec,
        "evaluations",
        "create_run",
        EVID,
        dataset={"version_id": fx.DATASET_VERSION_ID},
        version={"path": "Personal Projects/Coding Assistant", "environment": "production"},
        orchestrated=False,
        use_existing_logs=True,
    )
    assert_request(
        rec.only,
        "POST",
        f"/v5/evaluations/{EVID}/runs",
        body={
            "dataset": {"version_id": fx.DATASET_VERSION_ID},
            "version": {"path": "Personal Projects/Coding Assistant", "environment": "production"},
            "orchestrated": False,
            "use_existing_logs": True,
        },
    )
    assert_run(result, status="pending")


async def test_add_existing_run(mode: str) -> None:
    rec = Recorder(json_reply(run_body()))
    result = await invoke(mode, rec, "evaluations", "add_existing_run", EVID, RUN_ID)
    assert_request(rec.only, "POST", f"/v5/evaluations/{EVID}/runs/{RUN_ID}")
    assert isinstance(result, dict) and result["id"] == RUN_ID  # any JSON value, as 0.8.38 types it


async def test_remove_run(mode: str) -> None:
    rec = Recorder(empty_reply())
    result = await invoke(mode, rec, "evaluations", "remove_run", EVID, RUN_ID)
    assert_request(rec.only, "DELETE", f"/v5/evaluations/{EVID}/runs/{RUN_ID}")
    assert result is None


async def test_update_evaluation_run(mode: str) -> None:
    rec = Recorder(json_reply(run_body(status="cancelled", control=True)))
    result = await invoke(
        mode, rec, "evaluations", "update_evaluation_run", EVID, RUN_ID, control=True, status="cancelled"
    )
    assert_request(
        rec.only, "PATCH", f"/v5/evaluations/{EVID}/runs/{RUN_ID}", body={"control": True, "status": "cancelled"}
    )
    assert_run(result, status="cancelled", control=True)


async def test_add_logs_to_run(mode: str) -> None:
    rec = Recorder(json_reply(run_body()))
    result = await invoke(mode, rec, "evaluations", "add_logs_to_run", EVID, RUN_ID, log_ids=["log_1", "log_2"])
    assert_request(rec.only, "POST", f"/v5/evaluations/{EVID}/runs/{RUN_ID}/logs", body={"log_ids": ["log_1", "log_2"]})
    assert_run(result)


async def test_get_stats_runs_era(mode: str) -> None:
    body = fx.evaluation_stats()
    stat = body["version_stats"][0]["evaluator_version_stats"][0]
    body["run_stats"] = [
        {
            "run_id": RUN_ID,
            "version_id": None,
            "batch_id": RUN_ID,
            "num_logs": 0,
            "evaluator_stats": [],
            "status": "pending",
        },
        {
            "run_id": "run_old",
            "version_id": fx.PROMPT_VERSION_ID,
            "batch_id": "batch_9Hq2LmXc",
            "num_logs": 2,
            "evaluator_stats": [stat],
            "status": "completed",
        },
    ]
    rec = Recorder(json_reply(body))
    result = await invoke(mode, rec, "evaluations", "get_stats", EVID)
    assert_request(rec.only, "GET", f"/v5/evaluations/{EVID}/stats")
    assert isinstance(result, EvaluationStats)
    latest, old = result.run_stats
    assert isinstance(latest, RunStatsResponse)
    assert (latest.run_id, latest.status, latest.version_id) == (RUN_ID, "pending", None)
    assert (old.run_id, old.batch_id, old.num_logs) == ("run_old", "batch_9Hq2LmXc", 2)
    assert isinstance(old.evaluator_stats[0], NumericEvaluatorStatsResponse)
    assert old.evaluator_stats[0].mean == 4.5
    assert result.version_stats[0].batch_id == "batch_9Hq2LmXc"  # the 0.8.6 fields still parse


async def test_get_logs_of_runs(mode: str) -> None:
    record = {"run_id": RUN_ID, "datapoint": None, "log": fx.prompt_log(), "evaluator_logs": []}
    rec = Recorder(json_reply(fx.paginated([record], page=1, size=10, total=1)))
    result = await invoke(mode, rec, "evaluations", "get_logs", EVID, run_id=[RUN_ID, "run_old"], size=10)
    assert_request(rec.only, "GET", f"/v5/evaluations/{EVID}/logs", query={"run_id": [RUN_ID, "run_old"], "size": "10"})
    assert isinstance(result, PaginatedDataEvaluationLogResponse)
    assert isinstance(result.records[0], EvaluationLogResponse)
    assert result.records[0].run_id == RUN_ID
    assert isinstance(result.records[0].log, PromptLogResponse)


async def test_prompt_and_flow_logs_carry_run_id(mode: str) -> None:
    rec = Recorder(
        json_reply({"id": "log_1", "prompt_id": fx.PROMPT_ID, "version_id": fx.PROMPT_VERSION_ID}),
        json_reply({"id": "log_2", "flow_id": "fl_1", "version_id": "flv_1", "trace_status": "complete"}),
    )
    await invoke(mode, rec, "prompts", "log", id=fx.PROMPT_ID, run_id=RUN_ID, output="4")
    await invoke(mode, rec, "flows", "log", id="fl_1", run_id=RUN_ID, output="4")
    first, second = rec.requests
    assert_request(first, "POST", "/v5/prompts/log", body={"id": fx.PROMPT_ID, "run_id": RUN_ID, "output": "4"})
    assert_request(second, "POST", "/v5/flows/log", body={"id": "fl_1", "run_id": RUN_ID, "output": "4"})
