"""client.evaluators.*: the exact request on the wire and the parsed response, sync and async."""

from __future__ import annotations

import pytest

from humanloop import (
    CodeEvaluatorRequest,
    CreateEvaluatorLogResponse,
    EvaluatorResponse,
    FileEnvironmentResponse,
    ListEvaluators,
    LlmEvaluatorRequest,
)
from humanloop.core.pagination import AsyncPager, SyncPager

from . import fixtures as fx
from .wire import END, END_WIRE, START, START_WIRE, Recorder, assert_request, drain, empty_reply, invoke, json_reply

pytestmark = pytest.mark.parametrize("mode", ["sync", "async"])

EID = fx.EVALUATOR_ID
VID = fx.EVALUATOR_VERSION_ID

CODE_SPEC = {
    "arguments_type": "target_required",
    "return_type": "boolean",
    "evaluator_type": "python",
    "code": "def evaluate(log, testcase):\n    return log['output'] == testcase['target']['answer']\n",
}


def assert_evaluator(result: object, **expected: object) -> None:
    assert isinstance(result, EvaluatorResponse)
    assert result.id == EID
    assert result.version_id == expected.get("version_id", VID)
    assert result.path == expected.get("path", "Shared Evaluators/Helpfulness")
    assert isinstance(result.spec, LlmEvaluatorRequest)
    assert result.spec.evaluator_type == "llm"
    assert result.spec.return_type == "number"
    assert result.spec.prompt.model == "gpt-4o-mini"
    assert result.spec.prompt.template[0].content == "Rate the answer from 1 to 5: {{log.output}}"
    assert result.version_logs_count == 12


async def test_log(mode: str) -> None:
    parent = "data_7cQm2Lk9VxR4tNpW0aEjs"
    rec = Recorder(json_reply({"id": "data_Ev4lLogQp7Zr2Yx9Wm1Kd", "parent_id": parent, "version_id": VID}))
    result = await invoke(
        mode,
        rec,
        "evaluators",
        "log",
        parent_id=parent,
        version_id=VID,
        path="Shared Evaluators/Helpfulness",
        judgment=4,
        spec={"arguments_type": "target_free", "return_type": "number", "evaluator_type": "external"},
        output="4",
        start_time=START,
        end_time=END,
        error=None,
        create_evaluator_log_request_environment="staging",
        metadata={"reviewer": "gpt-4o-mini"},
    )
    assert_request(
        rec.only,
        "POST",
        "/v5/evaluators/log",
        query={"version_id": VID},
        body={
            "parent_id": parent,
            "path": "Shared Evaluators/Helpfulness",
            "judgment": 4,
            "spec": {"arguments_type": "target_free", "return_type": "number", "evaluator_type": "external"},
            "output": "4",
            "start_time": START_WIRE,
            "end_time": END_WIRE,
            "error": None,
            "environment": "staging",
            "metadata": {"reviewer": "gpt-4o-mini"},
        },
    )
    assert isinstance(result, CreateEvaluatorLogResponse)
    assert (result.id, result.parent_id, result.version_id) == ("data_Ev4lLogQp7Zr2Yx9Wm1Kd", parent, VID)


async def test_list(mode: str) -> None:
    rec = Recorder(
        json_reply(fx.paginated([fx.evaluator()], page=1, size=1, total=2)),
        json_reply(fx.paginated([fx.evaluator(spec=CODE_SPEC, path="Shared Evaluators/Exact Match")], 2, 1, 2)),
    )
    pager = await invoke(mode, rec, "evaluators", "list", size=1, order="asc")
    assert isinstance(pager, (SyncPager, AsyncPager))
    items = await drain(pager)
    assert [type(i) for i in items] == [EvaluatorResponse, EvaluatorResponse]
    assert_evaluator(items[0])
    assert isinstance(items[1].spec, CodeEvaluatorRequest)
    assert items[1].spec.code.startswith("def evaluate(log, testcase):")
    assert len(rec.requests) == 2
    assert_request(rec.requests[0], "GET", "/v5/evaluators", query={"page": "1", "size": "1", "order": "asc"})
    assert_request(rec.requests[1], "GET", "/v5/evaluators", query={"page": "2", "size": "1", "order": "asc"})


async def test_upsert(mode: str) -> None:
    rec = Recorder(json_reply(fx.evaluator()))
    result = await invoke(
        mode,
        rec,
        "evaluators",
        "upsert",
        path="Shared Evaluators/Exact Match",
        spec=CODE_SPEC,
        commit_message=None,
    )
    assert_request(
        rec.only,
        "POST",
        "/v5/evaluators",
        body={"path": "Shared Evaluators/Exact Match", "spec": CODE_SPEC, "commit_message": None},
    )
    assert_evaluator(result)


async def test_get(mode: str) -> None:
    rec = Recorder(json_reply(fx.evaluator()))
    result = await invoke(mode, rec, "evaluators", "get", EID, environment="production")
    assert_request(rec.only, "GET", f"/v5/evaluators/{EID}", query={"environment": "production"})
    assert_evaluator(result)


async def test_delete(mode: str) -> None:
    rec = Recorder(empty_reply(204))
    assert await invoke(mode, rec, "evaluators", "delete", EID) is None
    assert_request(rec.only, "DELETE", f"/v5/evaluators/{EID}")


async def test_move(mode: str) -> None:
    rec = Recorder(json_reply(fx.evaluator(path="Archive/Helpfulness")))
    result = await invoke(mode, rec, "evaluators", "move", EID, path="Archive/Helpfulness", name="Helpfulness")
    assert_request(
        rec.only, "PATCH", f"/v5/evaluators/{EID}", body={"path": "Archive/Helpfulness", "name": "Helpfulness"}
    )
    assert_evaluator(result, path="Archive/Helpfulness")


async def test_list_versions(mode: str) -> None:
    rec = Recorder(json_reply({"records": [fx.evaluator()]}))
    result = await invoke(mode, rec, "evaluators", "list_versions", EID, status="committed", evaluator_aggregates=True)
    assert_request(
        rec.only,
        "GET",
        f"/v5/evaluators/{EID}/versions",
        query={"status": "committed", "evaluator_aggregates": "true"},
    )
    assert isinstance(result, ListEvaluators)
    assert_evaluator(result.records[0])


async def test_commit(mode: str) -> None:
    rec = Recorder(json_reply(fx.evaluator(commit_message="Stricter rubric")))
    result = await invoke(mode, rec, "evaluators", "commit", EID, VID, commit_message="Stricter rubric")
    assert_request(
        rec.only, "POST", f"/v5/evaluators/{EID}/versions/{VID}/commit", body={"commit_message": "Stricter rubric"}
    )
    assert_evaluator(result)
    assert result.commit_message == "Stricter rubric"


async def test_set_deployment(mode: str) -> None:
    rec = Recorder(json_reply(fx.evaluator()))
    result = await invoke(mode, rec, "evaluators", "set_deployment", EID, fx.ENVIRONMENT_ID, version_id=VID)
    assert_request(
        rec.only, "POST", f"/v5/evaluators/{EID}/environments/{fx.ENVIRONMENT_ID}", query={"version_id": VID}
    )
    assert_evaluator(result)


async def test_remove_deployment(mode: str) -> None:
    rec = Recorder(empty_reply(204))
    assert await invoke(mode, rec, "evaluators", "remove_deployment", EID, fx.ENVIRONMENT_ID) is None
    assert_request(rec.only, "DELETE", f"/v5/evaluators/{EID}/environments/{fx.ENVIRONMENT_ID}")


async def test_list_environments(mode: str) -> None:
    rec = Recorder(json_reply([fx.file_environment("production", "default", file=fx.evaluator())]))
    result = await invoke(mode, rec, "evaluators", "list_environments", EID)
    assert_request(rec.only, "GET", f"/v5/evaluators/{EID}/environments")
    assert [type(e) for e in result] == [FileEnvironmentResponse]
    assert_evaluator(result[0].file)


async def test_update_monitoring(mode: str) -> None:
    rec = Recorder(json_reply(fx.evaluator(evaluators=[fx.monitoring_evaluator()])))
    result = await invoke(
        mode,
        rec,
        "evaluators",
        "update_monitoring",
        EID,
        activate=[{"evaluator_id": "ev_meta9AbCdEf", "environment_id": fx.ENVIRONMENT_ID}],
        deactivate=[{"evaluator_version_id": "evv_oldQwErTy"}],
    )
    assert_request(
        rec.only,
        "POST",
        f"/v5/evaluators/{EID}/evaluators",
        body={
            "activate": [{"evaluator_id": "ev_meta9AbCdEf", "environment_id": fx.ENVIRONMENT_ID}],
            "deactivate": [{"evaluator_version_id": "evv_oldQwErTy"}],
        },
    )
    assert_evaluator(result)
    assert result.evaluators[0].state == "active"
