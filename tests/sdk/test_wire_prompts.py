"""client.prompts.*: the exact request on the wire and the parsed response, sync and async."""

from __future__ import annotations

import pytest

from humanloop import (
    CreatePromptLogResponse,
    FileEnvironmentResponse,
    ListPrompts,
    PromptCallResponse,
    PromptCallStreamResponse,
    PromptLogResponse,
    PromptResponse,
)
from humanloop.core.pagination import AsyncPager, SyncPager

from . import fixtures as fx
from .wire import (
    END,
    END_WIRE,
    START,
    START_WIRE,
    Recorder,
    assert_request,
    drain,
    empty_reply,
    invoke,
    json_reply,
    page_items,
    sse_reply,
    utc,
)

pytestmark = pytest.mark.parametrize("mode", ["sync", "async"])

PID = fx.PROMPT_ID
VID = fx.PROMPT_VERSION_ID


def assert_prompt(result: object, **expected: object) -> None:
    assert isinstance(result, PromptResponse)
    assert result.id == expected.get("id", PID)
    assert result.version_id == expected.get("version_id", VID)
    assert result.path == "Personal Projects/Coding Assistant"
    assert result.model == "gpt-4o"
    assert result.provider == "openai"
    assert result.template[0].role == "system"
    assert result.template[0].content == "You are a helpful coding assistant specialising in {{language}}"
    assert result.environments[0].name == "production"
    assert result.created_by == fx.user()  # UserResponse is plain JSON, as in 0.8.6
    assert result.inputs[0].name == "language"
    assert result.created_at == utc(2024, 5, 1, 9, 12, 44, 381000)


async def test_log(mode: str) -> None:
    rec = Recorder(
        json_reply({"id": "data_7cQm2Lk9VxR4tNpW0aEjs", "prompt_id": PID, "version_id": VID, "session_id": None})
    )
    result = await invoke(
        mode,
        rec,
        "prompts",
        "log",
        version_id=VID,
        environment="staging",
        path="persona",
        prompt={
            "model": "gpt-4",
            "template": [{"role": "system", "content": "You are {{person}}. Answer questions as this person."}],
            "temperature": 0.8,
        },
        messages=[
            {"role": "user", "content": "What really happened at Roswell?"},
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {"id": "call_9xK2", "type": "function", "function": {"name": "search", "arguments": '{"q": "x"}'}}
                ],
            },
        ],
        inputs={"person": "Trump"},
        start_time=START,
        end_time=END,
        output_message={"role": "assistant", "content": "Well, you know..."},
        prompt_tokens=100,
        output_tokens=220,
        prompt_cost=1e-05,
        output_cost=0.0002,
        finish_reason="stop",
        provider_latency=6.5931549072265625,
        metadata={"session": "s-001", "attempt": 2},
        prompt_log_request_environment="production",
        trace_parent_id=None,
        save=True,
    )
    assert_request(
        rec.only,
        "POST",
        "/v5/prompts/log",
        query={"version_id": VID, "environment": "staging"},
        body={
            "path": "persona",
            "prompt": {
                "model": "gpt-4",
                "template": [{"role": "system", "content": "You are {{person}}. Answer questions as this person."}],
                "temperature": 0.8,
            },
            "messages": [
                {"role": "user", "content": "What really happened at Roswell?"},
                {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": "call_9xK2",
                            "type": "function",
                            "function": {"name": "search", "arguments": '{"q": "x"}'},
                        }
                    ],
                },
            ],
            "inputs": {"person": "Trump"},
            "start_time": START_WIRE,
            "end_time": END_WIRE,
            "output_message": {"role": "assistant", "content": "Well, you know..."},
            "prompt_tokens": 100,
            "output_tokens": 220,
            "prompt_cost": 1e-05,
            "output_cost": 0.0002,
            "finish_reason": "stop",
            "provider_latency": 6.5931549072265625,
            "metadata": {"session": "s-001", "attempt": 2},
            "environment": "production",
            "trace_parent_id": None,
            "save": True,
        },
    )
    assert isinstance(result, CreatePromptLogResponse)
    assert result.id == "data_7cQm2Lk9VxR4tNpW0aEjs"
    assert result.prompt_id == PID
    assert result.version_id == VID
    assert result.session_id is None


async def test_log_sends_utc_datetimes_as_z(mode: str) -> None:
    """The 0.8.6 SDK writes aware UTC datetimes in bodies as ``...Z`` (Fern ``serialize_datetime``)."""
    rec = Recorder(json_reply({"id": "data_1", "prompt_id": PID, "version_id": VID}))
    await invoke(mode, rec, "prompts", "log", path="persona", created_at=utc(2024, 7, 19, 0, 29, 35, 178000))
    assert_request(
        rec.only,
        "POST",
        "/v5/prompts/log",
        body={"path": "persona", "created_at": "2024-07-19T00:29:35.178000Z"},
    )


async def test_update_log(mode: str) -> None:
    log_id = "data_7cQm2Lk9VxR4tNpW0aEjs"
    rec = Recorder(json_reply(fx.prompt_log()))
    result = await invoke(
        mode,
        rec,
        "prompts",
        "update_log",
        id=PID,
        log_id=log_id,
        output="Use a list comprehension: [x * 2 for x in xs]",
        output_message={"role": "assistant", "content": "Use a list comprehension: [x * 2 for x in xs]"},
        prompt_tokens=42,
        output_tokens=13,
        finish_reason="stop",
        tool_choice="none",
        error=None,
        metadata={"reviewed": True},
        start_time=START,
        end_time=END,
    )
    assert_request(
        rec.only,
        "PATCH",
        f"/v5/prompts/{PID}/log/{log_id}",
        body={
            "output": "Use a list comprehension: [x * 2 for x in xs]",
            "output_message": {"role": "assistant", "content": "Use a list comprehension: [x * 2 for x in xs]"},
            "prompt_tokens": 42,
            "output_tokens": 13,
            "finish_reason": "stop",
            "tool_choice": "none",
            "error": None,
            "metadata": {"reviewed": True},
            "start_time": START_WIRE,
            "end_time": END_WIRE,
        },
    )
    assert isinstance(result, PromptLogResponse)
    assert result.id == log_id
    assert_prompt(result.prompt)
    assert result.output_message.content == "Use a list comprehension: [x * 2 for x in xs]"
    assert result.messages[0].role == "user"
    assert result.evaluator_logs == []
    assert result.created_at == utc(2024, 7, 19, 0, 29, 35, 178000)


CALL_ARGS = dict(
    version_id=VID,
    path="Personal Projects/Coding Assistant",
    messages=[{"role": "user", "content": "How do I reverse a string in Python?"}],
    inputs={"language": "python"},
    tool_choice={"type": "function", "function": {"name": "get_stock_price"}},
    provider_api_keys={"openai": "sk-live-abc", "ai_21": "ai21-key-xyz", "anthropic": None},
    source="sdk",
    metadata=None,
    num_samples=1,
    return_inputs=True,
    save=False,
    logprobs=2,
    user="raza@humanloop.com",
)

CALL_BODY = {
    "path": "Personal Projects/Coding Assistant",
    "messages": [{"role": "user", "content": "How do I reverse a string in Python?"}],
    "inputs": {"language": "python"},
    "tool_choice": {"type": "function", "function": {"name": "get_stock_price"}},
    "provider_api_keys": {"openai": "sk-live-abc", "ai21": "ai21-key-xyz", "anthropic": None},
    "source": "sdk",
    "metadata": None,
    "num_samples": 1,
    "return_inputs": True,
    "save": False,
    "logprobs": 2,
    "user": "raza@humanloop.com",
}


async def test_call(mode: str) -> None:
    rec = Recorder(json_reply(fx.prompt_call_response()))
    result = await invoke(mode, rec, "prompts", "call", **CALL_ARGS, prompts_call_request_environment="staging")
    assert_request(
        rec.only,
        "POST",
        "/v5/prompts/call",
        query={"version_id": VID},
        body={"stream": False, **CALL_BODY, "environment": "staging"},
    )
    assert isinstance(result, PromptCallResponse)
    assert result.id == "data_c4llQ2aZx8Lm3Rt6Wy1Kp"
    assert_prompt(result.prompt)
    assert result.tool_choice == "auto"
    assert len(result.logs) == 1
    assert result.logs[0].index == 0
    assert result.logs[0].output == "Use slicing: s[::-1]"
    assert result.logs[0].output_message.role == "assistant"
    assert result.logs[0].finish_reason == "stop"
    assert result.logs[0].prompt_tokens == 21


async def test_call_stream(mode: str) -> None:
    rec = Recorder(
        sse_reply(
            [
                fx.stream_chunk(0, "Use "),
                fx.stream_chunk(1, "slicing: "),
                fx.stream_chunk(2, "s[::-1]", finish_reason="stop"),
            ]
        )
    )
    stream = await invoke(
        mode, rec, "prompts", "call_stream", **CALL_ARGS, prompts_call_stream_request_environment="staging"
    )
    chunks = await drain(stream)
    assert_request(
        rec.only,
        "POST",
        "/v5/prompts/call",
        query={"version_id": VID},
        body={"stream": True, **CALL_BODY, "environment": "staging"},
    )
    assert [type(c) for c in chunks] == [PromptCallStreamResponse] * 3
    assert [c.index for c in chunks] == [0, 1, 2]
    assert "".join(c.output for c in chunks) == "Use slicing: s[::-1]"
    assert [c.finish_reason for c in chunks] == [None, None, "stop"]
    assert {c.prompt_id for c in chunks} == {PID}
    assert {c.version_id for c in chunks} == {VID}
    assert chunks[0].created_at == utc(2024, 7, 19, 0, 29, 35, 178000)


async def test_list(mode: str) -> None:
    second = fx.prompt(id="pr_Zy0xWvUtSrQpOnMlKjIh", path="Support/Triage", name="Triage")
    rec = Recorder(
        json_reply(fx.paginated([fx.prompt()], page=1, size=1, total=2)),
        json_reply(fx.paginated([second], page=2, size=1, total=2)),
    )
    pager = await invoke(
        mode, rec, "prompts", "list", size=1, name="Assistant", user_filter="raza", sort_by="created_at", order="desc"
    )
    assert isinstance(pager, (SyncPager, AsyncPager))
    items = await drain(pager)
    assert [type(i) for i in items] == [PromptResponse, PromptResponse]
    assert [i.id for i in items] == [PID, "pr_Zy0xWvUtSrQpOnMlKjIh"]
    assert items[1].path == "Support/Triage"
    assert len(rec.requests) == 2  # the total says there is no third page: no request for it
    common = {"size": "1", "name": "Assistant", "user_filter": "raza", "sort_by": "created_at", "order": "desc"}
    assert_request(rec.requests[0], "GET", "/v5/prompts", query={"page": "1", **common})
    assert_request(rec.requests[1], "GET", "/v5/prompts", query={"page": "2", **common})


async def test_list_pages_short_page_ends(mode: str) -> None:
    rec = Recorder(json_reply({"records": [fx.prompt()], "page": 3, "size": 10, "total": 21}))
    pager = await invoke(mode, rec, "prompts", "list", page=3, size=10)
    assert [[p.id for p in page] for page in await page_items(pager)] == [[PID]]
    assert_request(rec.only, "GET", "/v5/prompts", query={"page": "3", "size": "10"})


async def test_upsert(mode: str) -> None:
    rec = Recorder(json_reply(fx.prompt()))
    result = await invoke(
        mode,
        rec,
        "prompts",
        "upsert",
        path="Personal Projects/Coding Assistant",
        model="gpt-4o",
        endpoint="chat",
        template=[{"role": "system", "content": "You are a helpful coding assistant specialising in {{language}}"}],
        provider="openai",
        max_tokens=-1,
        temperature=0.7,
        top_p=1.0,
        stop=["\n\n", "###"],
        seed=None,
        response_format={"type": "json_object"},
        tools=[
            {
                "name": "get_stock_price",
                "description": "Look up the latest price of a stock",
                "parameters": {"type": "object", "properties": {"ticker_symbol": {"type": "string"}}},
            }
        ],
        linked_tools=[fx.TOOL_ID],
        attributes={"team": "platform"},
        commit_message="Initial commit",
    )
    assert_request(
        rec.only,
        "POST",
        "/v5/prompts",
        body={
            "path": "Personal Projects/Coding Assistant",
            "model": "gpt-4o",
            "endpoint": "chat",
            "template": [
                {"role": "system", "content": "You are a helpful coding assistant specialising in {{language}}"}
            ],
            "provider": "openai",
            "max_tokens": -1,
            "temperature": 0.7,
            "top_p": 1.0,
            "stop": ["\n\n", "###"],
            "seed": None,
            "response_format": {"type": "json_object"},
            "tools": [
                {
                    "name": "get_stock_price",
                    "description": "Look up the latest price of a stock",
                    "parameters": {"type": "object", "properties": {"ticker_symbol": {"type": "string"}}},
                }
            ],
            "linked_tools": [fx.TOOL_ID],
            "attributes": {"team": "platform"},
            "commit_message": "Initial commit",
        },
    )
    assert_prompt(result)
    assert result.commit_message == "Initial commit"


async def test_get(mode: str) -> None:
    rec = Recorder(json_reply(fx.prompt()))
    result = await invoke(mode, rec, "prompts", "get", PID, version_id=VID, environment="production")
    assert_request(rec.only, "GET", f"/v5/prompts/{PID}", query={"version_id": VID, "environment": "production"})
    assert_prompt(result)


async def test_delete(mode: str) -> None:
    rec = Recorder(empty_reply(204))
    result = await invoke(mode, rec, "prompts", "delete", PID)
    assert result is None
    assert_request(rec.only, "DELETE", f"/v5/prompts/{PID}")


async def test_move(mode: str) -> None:
    rec = Recorder(json_reply(fx.prompt(path="Archive/Coding Assistant")))
    result = await invoke(mode, rec, "prompts", "move", PID, path="Archive/Coding Assistant", name=None)
    assert_request(rec.only, "PATCH", f"/v5/prompts/{PID}", body={"path": "Archive/Coding Assistant", "name": None})
    assert isinstance(result, PromptResponse)
    assert result.path == "Archive/Coding Assistant"


async def test_list_versions(mode: str) -> None:
    older = fx.prompt(version_id="prv_1aB2cD3eF4gH5iJ6kL7mN", status="committed", commit_message="First draft")
    rec = Recorder(json_reply({"records": [fx.prompt(), older]}))
    result = await invoke(mode, rec, "prompts", "list_versions", PID, status="committed", evaluator_aggregates=True)
    assert_request(
        rec.only, "GET", f"/v5/prompts/{PID}/versions", query={"status": "committed", "evaluator_aggregates": "true"}
    )
    assert isinstance(result, ListPrompts)
    assert [r.version_id for r in result.records] == [VID, "prv_1aB2cD3eF4gH5iJ6kL7mN"]
    assert result.records[1].commit_message == "First draft"
    assert all(isinstance(r, PromptResponse) for r in result.records)


async def test_commit(mode: str) -> None:
    rec = Recorder(json_reply(fx.prompt(commit_message="Tighter system message")))
    result = await invoke(mode, rec, "prompts", "commit", PID, VID, commit_message="Tighter system message")
    assert_request(
        rec.only, "POST", f"/v5/prompts/{PID}/versions/{VID}/commit", body={"commit_message": "Tighter system message"}
    )
    assert_prompt(result)
    assert result.commit_message == "Tighter system message"


async def test_set_deployment(mode: str) -> None:
    rec = Recorder(json_reply(fx.prompt()))
    result = await invoke(mode, rec, "prompts", "set_deployment", PID, fx.ENVIRONMENT_ID, version_id=VID)
    assert_request(rec.only, "POST", f"/v5/prompts/{PID}/environments/{fx.ENVIRONMENT_ID}", query={"version_id": VID})
    assert_prompt(result)


async def test_remove_deployment(mode: str) -> None:
    rec = Recorder(empty_reply(204))
    result = await invoke(mode, rec, "prompts", "remove_deployment", PID, fx.ENVIRONMENT_ID)
    assert result is None
    assert_request(rec.only, "DELETE", f"/v5/prompts/{PID}/environments/{fx.ENVIRONMENT_ID}")


async def test_list_environments(mode: str) -> None:
    rec = Recorder(
        json_reply(
            [
                fx.file_environment("production", "default", file=fx.prompt()),
                fx.file_environment("staging", "other", file=None),
            ]
        )
    )
    result = await invoke(mode, rec, "prompts", "list_environments", PID)
    assert_request(rec.only, "GET", f"/v5/prompts/{PID}/environments")
    assert isinstance(result, list)
    assert [type(e) for e in result] == [FileEnvironmentResponse, FileEnvironmentResponse]
    assert [(e.name, e.tag) for e in result] == [("production", "default"), ("staging", "other")]
    assert isinstance(result[0].file, PromptResponse)
    assert result[0].file.version_id == VID
    assert result[1].file is None


async def test_update_monitoring(mode: str) -> None:
    rec = Recorder(json_reply(fx.prompt(evaluators=[fx.monitoring_evaluator()])))
    result = await invoke(
        mode,
        rec,
        "prompts",
        "update_monitoring",
        PID,
        activate=[
            {"evaluator_version_id": fx.EVALUATOR_VERSION_ID},
            {"evaluator_id": fx.EVALUATOR_ID, "environment_id": fx.ENVIRONMENT_ID},
        ],
        deactivate=None,
    )
    assert_request(
        rec.only,
        "POST",
        f"/v5/prompts/{PID}/evaluators",
        body={
            "activate": [
                {"evaluator_version_id": fx.EVALUATOR_VERSION_ID},
                {"evaluator_id": fx.EVALUATOR_ID, "environment_id": fx.ENVIRONMENT_ID},
            ],
            "deactivate": None,
        },
    )
    assert_prompt(result)
    monitor = result.evaluators[0]
    assert monitor.state == "active"
    assert monitor.version_reference.type == "version"
    assert monitor.version_reference.version.id == fx.EVALUATOR_ID
    assert monitor.version.spec.evaluator_type == "llm"
