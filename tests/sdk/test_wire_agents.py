"""client.agents.* and prompts.serialize / deserialize: the exact request on the wire and the parsed response, sync and async."""

from __future__ import annotations

import typing

import httpx
import pytest

from humanloop import (
    AgentCallResponse,
    AgentCallStreamResponse,
    AgentContinueCallResponse,
    AgentContinueCallStreamResponse,
    AgentKernelRequest,
    AgentLogResponse,
    AgentResponse,
    CreateAgentLogResponse,
    FileEnvironmentResponse,
    ListAgents,
    PromptKernelRequest,
)

from .wire import Recorder, assert_request, drain, empty_reply, invoke, json_reply, sse_reply

pytestmark = pytest.mark.parametrize("mode", ["sync", "async"])

AID = "ag_7Hq2LmXz"
VID = "agv_9Kd3PqRs"
LID = "log_Ag51TnWq"
TS = "2025-03-01T10:00:00Z"
TOOL = {
    "type": "inline",
    "json_schema": {"name": "lookup", "description": "Looks a word up", "parameters": {"type": "object"}},
    "on_agent_call": "continue",
}


def agent(**over: typing.Any) -> typing.Dict[str, typing.Any]:
    body = {
        "path": "agents/helper",
        "id": AID,
        "name": "helper",
        "version_id": VID,
        "type": "agent",
        "model": "gpt-4o",
        "provider": "openai",
        "template": [{"role": "system", "content": "Be brief."}],
        "tools": [TOOL],
        "max_iterations": 5,
        "version_name": "v1",
        "schema": {"type": "object"},
        "created_at": TS,
        "updated_at": TS,
        "last_used_at": TS,
        "status": "uncommitted",
        "version_logs_count": 0,
        "total_logs_count": 0,
        "inputs": [],
        "environments": [],
    }
    body.update(over)
    return body


def log(**over: typing.Any) -> typing.Dict[str, typing.Any]:
    body = {
        "id": LID,
        "agent": agent(),
        "evaluator_logs": [],
        "log_status": "incomplete",
        "output_message": {
            "role": "assistant",
            "content": None,
            "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "lookup", "arguments": "{}"}}],
        },
    }
    body.update(over)
    return body


def assert_agent(result: object) -> None:
    assert isinstance(result, AgentResponse)
    assert (result.id, result.version_id, result.max_iterations) == (AID, VID, 5)
    assert result.tools[0].json_schema.name == "lookup" and result.schema_ == {"type": "object"}


async def test_upsert(mode: str) -> None:
    rec = Recorder(json_reply(agent()))
    result = await invoke(
        mode,
        rec,
        "agents",
        "upsert",
        model="gpt-4o",
        path="agents/helper",
        tools=[TOOL],
        max_iterations=5,
        version_name="v1",
    )
    assert_request(
        rec.only,
        "POST",
        "/v5/agents",
        body={"model": "gpt-4o", "path": "agents/helper", "tools": [TOOL], "max_iterations": 5, "version_name": "v1"},
    )
    assert_agent(result)


async def test_get_list_versions_and_move(mode: str) -> None:
    rec = Recorder(json_reply(agent()), json_reply({"records": [agent()]}), json_reply(agent(path="x/helper")))
    assert_agent(await invoke(mode, rec, "agents", "get", AID, version_id=VID, environment="prod"))
    versions = await invoke(mode, rec, "agents", "list_versions", AID)
    assert isinstance(versions, ListAgents) and versions.records[0].id == AID
    moved = await invoke(mode, rec, "agents", "move", AID, path="x/helper", directory_id="dir_1")
    assert moved.path == "x/helper"
    get, versions_req, move = rec.requests
    assert_request(get, "GET", f"/v5/agents/{AID}", query={"version_id": VID, "environment": "prod"})
    assert_request(versions_req, "GET", f"/v5/agents/{AID}/versions")
    assert_request(move, "PATCH", f"/v5/agents/{AID}", body={"path": "x/helper", "directory_id": "dir_1"})


async def test_list(mode: str) -> None:
    rec = Recorder(json_reply({"records": [agent()], "page": 1, "size": 10, "total": 1}))
    pager = await invoke(mode, rec, "agents", "list", size=10, name="help")
    items = [item for item in pager.items]
    assert_request(rec.only, "GET", "/v5/agents", query={"page": "1", "size": "10", "name": "help"})
    assert items[0].id == AID


async def test_delete_and_versions(mode: str) -> None:
    rec = Recorder(empty_reply(), empty_reply(), json_reply(agent(version_name="v2")))
    assert await invoke(mode, rec, "agents", "delete", AID) is None
    assert await invoke(mode, rec, "agents", "delete_agent_version", AID, VID) is None
    patched = await invoke(mode, rec, "agents", "patch_agent_version", AID, VID, name="v2", description="d")
    assert patched.version_name == "v2"
    delete, delete_version, patch = rec.requests
    assert_request(delete, "DELETE", f"/v5/agents/{AID}")
    assert_request(delete_version, "DELETE", f"/v5/agents/{AID}/versions/{VID}")
    assert_request(patch, "PATCH", f"/v5/agents/{AID}/versions/{VID}", body={"name": "v2", "description": "d"})


async def test_deployments_and_monitoring(mode: str) -> None:
    env = {"id": "env_1", "name": "prod", "tag": "default", "created_at": TS, "file": agent()}
    rec = Recorder(json_reply(agent()), empty_reply(), json_reply([env]), json_reply(agent()))
    assert_agent(await invoke(mode, rec, "agents", "set_deployment", AID, "env_1", version_id=VID))
    assert await invoke(mode, rec, "agents", "remove_deployment", AID, "env_1") is None
    envs = await invoke(mode, rec, "agents", "list_environments", AID)
    assert isinstance(envs[0], FileEnvironmentResponse) and envs[0].file.id == AID
    assert_agent(
        await invoke(mode, rec, "agents", "update_monitoring", AID, activate=[{"evaluator_version_id": "evv_1"}])
    )
    set_dep, remove, list_envs, monitor = rec.requests
    assert_request(set_dep, "POST", f"/v5/agents/{AID}/environments/env_1", query={"version_id": VID})
    assert_request(remove, "DELETE", f"/v5/agents/{AID}/environments/env_1")
    assert_request(list_envs, "GET", f"/v5/agents/{AID}/environments")
    assert_request(
        monitor, "POST", f"/v5/agents/{AID}/evaluators", body={"activate": [{"evaluator_version_id": "evv_1"}]}
    )


async def test_log_and_update_log(mode: str) -> None:
    rec = Recorder(
        json_reply({"id": LID, "agent_id": AID, "version_id": VID, "log_status": "incomplete"}),
        json_reply(log(log_status="complete")),
    )
    created = await invoke(
        mode,
        rec,
        "agents",
        "log",
        path="agents/helper",
        agent={"model": "gpt-4o"},
        log_status="incomplete",
        agent_log_request_environment="prod",
        log_id=LID,
    )
    assert isinstance(created, CreateAgentLogResponse) and created.log_status == "incomplete"
    updated = await invoke(mode, rec, "agents", "update_log", AID, LID, output="done", log_status="complete")
    assert isinstance(updated, AgentLogResponse) and updated.log_status == "complete"
    create, update = rec.requests
    assert_request(
        create,
        "POST",
        "/v5/agents/log",
        body={
            "path": "agents/helper",
            "agent": {"model": "gpt-4o"},
            "log_status": "incomplete",
            "environment": "prod",
            "log_id": LID,
        },
    )
    assert_request(update, "PATCH", f"/v5/agents/{AID}/log/{LID}", body={"output": "done", "log_status": "complete"})


async def test_call_and_continue(mode: str) -> None:
    rec = Recorder(
        json_reply(log()), json_reply(log(log_status="complete", previous_agent_message={"role": "assistant"}))
    )
    called = await invoke(
        mode, rec, "agents", "call", id=AID, messages=[{"role": "user", "content": "hi"}], include_trace_children=True
    )
    assert isinstance(called, AgentCallResponse) and called.output_message.tool_calls[0].id == "c1"
    done = await invoke(
        mode,
        rec,
        "agents",
        "continue_call",
        log_id=LID,
        messages=[{"role": "tool", "content": "r", "tool_call_id": "c1"}],
    )
    assert isinstance(done, AgentContinueCallResponse) and done.previous_agent_message.role == "assistant"
    call, cont = rec.requests
    assert_request(
        call,
        "POST",
        "/v5/agents/call",
        body={
            "stream": False,
            "id": AID,
            "messages": [{"role": "user", "content": "hi"}],
            "include_trace_children": True,
        },
    )
    assert_request(
        cont,
        "POST",
        "/v5/agents/continue",
        body={"stream": False, "log_id": LID, "messages": [{"role": "tool", "content": "r", "tool_call_id": "c1"}]},
    )


async def test_streams(mode: str) -> None:
    event = {
        "log_id": LID,
        "message": "waiting",
        "type": "agent_turn_suspend",
        "created_at": TS,
        "payload": {"id": "c1", "type": "function", "function": {"name": "lookup", "arguments": "{}"}},
    }
    rec = Recorder(sse_reply([event]), sse_reply([{**event, "type": "agent_turn_continue", "payload": None}]))
    events = await drain(await invoke(mode, rec, "agents", "call_stream", id=AID))
    assert isinstance(events[0], AgentCallStreamResponse) and events[0].type == "agent_turn_suspend"
    more = await drain(
        await invoke(
            mode,
            rec,
            "agents",
            "continue_call_stream",
            log_id=LID,
            messages=[{"role": "tool", "content": "r", "tool_call_id": "c1"}],
        )
    )
    assert isinstance(more[0], AgentContinueCallStreamResponse) and more[0].type == "agent_turn_continue"
    call, cont = rec.requests
    assert_request(call, "POST", "/v5/agents/call", body={"stream": True, "id": AID})
    assert_request(
        cont,
        "POST",
        "/v5/agents/continue",
        body={"stream": True, "log_id": LID, "messages": [{"role": "tool", "content": "r", "tool_call_id": "c1"}]},
    )


async def test_serialize_and_deserialize(mode: str) -> None:
    text = '---\nmodel: "gpt-4o"\n---\n<system>\nBe brief.\n</system>\n'
    plain = httpx.Response(200, headers={"content-type": "text/plain; charset=utf-8"}, content=text.encode())
    plain2 = httpx.Response(200, headers={"content-type": "text/plain; charset=utf-8"}, content=text.encode())
    rec = Recorder(plain, json_reply({"model": "gpt-4o", "max_iterations": 5}), plain2, json_reply({"model": "gpt-4o"}))
    assert await invoke(mode, rec, "agents", "serialize", AID, version_id=VID) == text
    kernel = await invoke(mode, rec, "agents", "deserialize", agent=text)
    assert isinstance(kernel, AgentKernelRequest) and kernel.max_iterations == 5
    assert await invoke(mode, rec, "prompts", "serialize", "pr_1", environment="prod") == text
    pkernel = await invoke(mode, rec, "prompts", "deserialize", prompt=text)
    assert isinstance(pkernel, PromptKernelRequest) and pkernel.model == "gpt-4o"
    ser, deser, pser, pdeser = rec.requests
    assert_request(ser, "GET", f"/v5/agents/{AID}/serialize", query={"version_id": VID})
    assert_request(deser, "POST", "/v5/agents/deserialize", body={"agent": text})
    assert_request(pser, "GET", "/v5/prompts/pr_1/serialize", query={"environment": "prod"})
    assert_request(pdeser, "POST", "/v5/prompts/deserialize", body={"prompt": text})
