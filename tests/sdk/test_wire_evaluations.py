"""client.evaluations.*: the exact request on the wire and the parsed response, sync and async."""

from __future__ import annotations

import pytest

from humanloop import (
    DatapointResponse,
    EvaluationResponse,
    EvaluationStats,
    EvaluatorLogResponse,
    NumericEvaluatorStatsResponse,
    PaginatedDataEvaluationReportLogResponse,
    PromptLogResponse,
    PromptResponse,
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
    # not paginated in 0.8.6: the page itself comes back
    assert isinstance(result, PaginatedDataEvaluationReportLogResponse)
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
