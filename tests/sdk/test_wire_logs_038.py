"""The Log and File methods and parameters of the 0.8.38 API on the wire, sync and async: `log_id` /
`log_status` on log creation, `flows.update_log(log_status=)`, `logs.list(id=, sample=,
include_trace_children=)`, `files.list_files` and `files.retrieve_by_path`."""

from __future__ import annotations

import pytest

from humanloop import (
    CreateFlowLogResponse,
    EvaluatorLogResponse,
    FlowLogResponse,
    PromptLogResponse,
    PromptResponse,
    ToolResponse,
)

from . import fixtures as fx
from .wire import Recorder, assert_request, drain, invoke, json_reply

pytestmark = pytest.mark.parametrize("mode", ["sync", "async"])


async def test_prompt_log_with_log_id_status_and_reasoning_tokens(mode: str) -> None:
    rec = Recorder(json_reply({"id": "my-log-1", "prompt_id": fx.PROMPT_ID, "version_id": fx.PROMPT_VERSION_ID}))
    result = await invoke(
        mode,
        rec,
        "prompts",
        "log",
        path="Coding Assistant",
        output="x",
        log_id="my-log-1",
        log_status="incomplete",
        reasoning_tokens=12,
    )
    assert_request(
        rec.only,
        "POST",
        "/v5/prompts/log",
        body={
            "path": "Coding Assistant",
            "output": "x",
            "log_id": "my-log-1",
            "log_status": "incomplete",
            "reasoning_tokens": 12,
        },
    )
    assert result.id == "my-log-1"


@pytest.mark.parametrize("resource", ["tools", "flows"])
async def test_log_id_and_status_on_tools_and_flows(mode: str, resource: str) -> None:
    created = {"id": "c1", f"{resource[:-1]}_id": "f1", "version_id": "v1"}
    if resource == "flows":
        created["log_status"] = "complete"
    rec = Recorder(json_reply(created))
    result = await invoke(mode, rec, resource, "log", path="p", log_id="c1", log_status="complete")
    assert_request(
        rec.only, "POST", f"/v5/{resource}/log", body={"path": "p", "log_id": "c1", "log_status": "complete"}
    )
    if resource == "flows":
        assert isinstance(result, CreateFlowLogResponse) and result.log_status == "complete"


async def test_evaluator_log_new_fields(mode: str) -> None:
    rec = Recorder(json_reply({"id": "j1", "parent_id": "data_1", "version_id": fx.EVALUATOR_VERSION_ID}))
    await invoke(
        mode,
        rec,
        "evaluators",
        "log",
        parent_id="data_1",
        path="Rating",
        judgment="good",
        log_id="j1",
        marked_completed=True,
        output_message={"role": "assistant", "content": "good"},
    )
    assert_request(
        rec.only,
        "POST",
        "/v5/evaluators/log",
        body={
            "parent_id": "data_1",
            "path": "Rating",
            "judgment": "good",
            "log_id": "j1",
            "marked_completed": True,
            "output_message": {"role": "assistant", "content": "good"},
        },
    )


@pytest.mark.parametrize("field", ["log_status", "trace_status"])
async def test_flows_update_log_takes_either_name(mode: str, field: str) -> None:
    rec = Recorder(json_reply(fx.flow_log(log_status="complete", trace_status="complete")))
    result = await invoke(
        mode, rec, "flows", "update_log", "log_FloW9zLm2Qx7Ty4Rv8Nb", output="done", **{field: "complete"}
    )
    assert_request(
        rec.only, "PATCH", "/v5/flows/logs/log_FloW9zLm2Qx7Ty4Rv8Nb", body={"output": "done", field: "complete"}
    )
    assert isinstance(result, FlowLogResponse) and result.log_status == "complete"


async def test_prompt_update_log_status(mode: str) -> None:
    rec = Recorder(json_reply(fx.prompt_log(log_status="complete", reasoning_tokens=3)))
    result = await invoke(
        mode, rec, "prompts", "update_log", fx.PROMPT_ID, "data_1", log_status="complete", reasoning_tokens=3
    )
    assert_request(
        rec.only,
        "PATCH",
        f"/v5/prompts/{fx.PROMPT_ID}/log/data_1",
        body={"log_status": "complete", "reasoning_tokens": 3},
    )
    assert isinstance(result, PromptLogResponse) and result.reasoning_tokens == 3


async def test_logs_list_new_parameters(mode: str) -> None:
    judged = fx.evaluator_log(marked_completed=True, log_status="complete")
    rec = Recorder(json_reply(fx.paginated([fx.prompt_log(log_id="data_7cQm2Lk9VxR4tNpW0aEjs"), judged], total=2)))
    pager = await invoke(
        mode,
        rec,
        "logs",
        "list",
        file_id=fx.PROMPT_ID,
        id=["data_a", "data_b"],
        sample=5,
        include_trace_children=False,
    )
    items = await drain(pager)
    assert_request(
        rec.only,
        "GET",
        "/v5/logs",
        query={
            "file_id": fx.PROMPT_ID,
            "page": "1",
            "id": ["data_a", "data_b"],
            "sample": "5",
            "include_trace_children": "false",
        },
    )
    assert items[0].log_id == "data_7cQm2Lk9VxR4tNpW0aEjs"
    assert isinstance(items[1], EvaluatorLogResponse) and items[1].marked_completed is True


async def test_files_list_files(mode: str) -> None:
    rec = Recorder(json_reply(fx.paginated([fx.prompt(), fx.tool()], total=2)))
    result = await invoke(
        mode,
        rec,
        "files",
        "list_files",
        path="Team",
        template=False,
        type=["prompt", "tool"],
        sort_by="name",
        order="asc",
        include_raw_file_content=True,
    )
    assert_request(
        rec.only,
        "GET",
        "/v5/files",
        query={
            "path": "Team",
            "template": "false",
            "type": ["prompt", "tool"],
            "sort_by": "name",
            "order": "asc",
            "include_raw_file_content": "true",
        },
    )
    assert [type(r) for r in result.records] == [PromptResponse, ToolResponse]


async def test_files_retrieve_by_path(mode: str) -> None:
    rec = Recorder(json_reply(fx.tool()))
    result = await invoke(
        mode, rec, "files", "retrieve_by_path", path="Finance Tools/Stock Price Lookup", environment="production"
    )
    assert_request(
        rec.only,
        "POST",
        "/v5/files/retrieve-by-path",
        query={"environment": "production"},
        body={"path": "Finance Tools/Stock Price Lookup"},
    )
    assert isinstance(result, ToolResponse) and result.id == fx.TOOL_ID


async def test_prompt_call_with_log_id_and_status(mode: str) -> None:
    answer = {**fx.prompt_call_response(), "log_id": "call-1", "log_status": "incomplete"}
    rec = Recorder(json_reply(answer))
    result = await invoke(
        mode, rec, "prompts", "call", path="Coding Assistant", log_id="call-1", log_status="incomplete"
    )
    assert_request(
        rec.only,
        "POST",
        "/v5/prompts/call",
        body={"path": "Coding Assistant", "log_id": "call-1", "log_status": "incomplete", "stream": False},
    )
    assert (result.log_id, result.log_status) == ("call-1", "incomplete")


async def test_prompts_populate(mode: str) -> None:
    answer = {**fx.prompt(), "populated_template": [{"role": "user", "content": "Hi Ada"}]}
    rec = Recorder(json_reply(answer))
    result = await invoke(
        mode, rec, "prompts", "populate", fx.PROMPT_ID, request={"name": "Ada"}, environment="production"
    )
    assert_request(
        rec.only,
        "POST",
        f"/v5/prompts/{fx.PROMPT_ID}/populate",
        query={"environment": "production"},
        body={"name": "Ada"},
    )
    assert result.populated_template[0].content == "Hi Ada"


async def test_tools_call(mode: str) -> None:
    answer = {
        "id": "run-1",
        "log_id": "run-1",
        "tool": fx.tool(),
        "output": "5",
        "evaluator_logs": [],
        "log_status": "complete",
    }
    rec = Recorder(json_reply(answer))
    result = await invoke(
        mode,
        rec,
        "tools",
        "call",
        version_id=fx.TOOL_VERSION_ID,
        path="Math/add",
        inputs={"a": 2, "b": 3},
        log_id="run-1",
        tool_call_request_environment="production",
    )
    assert_request(
        rec.only,
        "POST",
        "/v5/tools/call",
        query={"version_id": fx.TOOL_VERSION_ID},
        body={"path": "Math/add", "inputs": {"a": 2, "b": 3}, "log_id": "run-1", "environment": "production"},
    )
    assert (result.id, result.output, result.tool.id) == ("run-1", "5", fx.TOOL_ID)


async def test_tool_environment_variables(mode: str) -> None:
    masked = [{"name": "API_KEY", "value": "********abcd"}]
    rec = Recorder(json_reply(masked), json_reply(masked), json_reply([]))
    client_calls = [
        ("get_environment_variables", (fx.TOOL_ID,), {}),
        ("add_environment_variable", (fx.TOOL_ID,), {"request": [{"name": "API_KEY", "value": "sk-0123456789abcd"}]}),
        ("delete_environment_variable", (fx.TOOL_ID, "API_KEY"), {}),
    ]
    results = [await invoke(mode, rec, "tools", name, *args, **kwargs) for name, args, kwargs in client_calls]
    base = f"/v5/tools/{fx.TOOL_ID}/environment-variables"
    assert_request(rec.requests[0], "GET", base)
    assert_request(rec.requests[1], "POST", base, body=[{"name": "API_KEY", "value": "sk-0123456789abcd"}])
    assert_request(rec.requests[2], "DELETE", base + "/API_KEY")
    assert results[0][0].value == "********abcd" and results[2] == []
