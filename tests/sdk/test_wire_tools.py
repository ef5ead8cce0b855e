"""client.tools.*: the exact request on the wire and the parsed response, sync and async."""

from __future__ import annotations

import pytest

from humanloop import (
    CreateToolLogResponse,
    FileEnvironmentResponse,
    ListTools,
    ToolFunction,
    ToolLogResponse,
    ToolResponse,
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
)

pytestmark = pytest.mark.parametrize("mode", ["sync", "async"])

TID = fx.TOOL_ID
VID = fx.TOOL_VERSION_ID

FUNCTION = {
    "name": "get_stock_price",
    "description": "Look up the latest price of a stock",
    "parameters": {
        "type": "object",
        "properties": {"ticker_symbol": {"type": "string", "name": "Ticker Symbol", "description": "Ticker"}},
        "required": ["ticker_symbol"],
    },
    "strict": True,
}


def assert_tool(result: object, **expected: object) -> None:
    assert isinstance(result, ToolResponse)
    assert result.id == expected.get("id", TID)
    assert result.version_id == expected.get("version_id", VID)
    assert result.path == expected.get("path", "Finance Tools/Stock Price Lookup")
    assert isinstance(result.function, ToolFunction)
    assert result.function.name == "get_stock_price"
    assert result.function.parameters["required"] == ["ticker_symbol"]
    assert result.setup_values == {"api_base": "https://quotes.example.com"}
    assert result.environments[0].tag == "default"
    assert result.created_by["full_name"] == "Raza Habib"  # plain JSON, as in 0.8.6


async def test_log(mode: str) -> None:
    rec = Recorder(json_reply({"id": "data_T0oLlOg9aXc1Vbn2Mq3Re", "tool_id": TID, "version_id": VID}))
    result = await invoke(
        mode,
        rec,
        "tools",
        "log",
        environment="production",
        path="Finance Tools/Stock Price Lookup",
        tool={"function": FUNCTION, "source_code": "def get_stock_price(ticker_symbol): ..."},
        inputs={"ticker_symbol": "NVDA"},
        output="182.5",
        start_time=START,
        end_time=END,
        trace_parent_id="log_FloW9zLm2Qx7Ty4Rv8Nb",
        source_datapoint_id=None,
        tool_log_request_environment="production",
        save=True,
    )
    assert_request(
        rec.only,
        "POST",
        "/v5/tools/log",
        query={"environment": "production"},
        body={
            "path": "Finance Tools/Stock Price Lookup",
            "tool": {"function": FUNCTION, "source_code": "def get_stock_price(ticker_symbol): ..."},
            "inputs": {"ticker_symbol": "NVDA"},
            "output": "182.5",
            "start_time": START_WIRE,
            "end_time": END_WIRE,
            "trace_parent_id": "log_FloW9zLm2Qx7Ty4Rv8Nb",
            "source_datapoint_id": None,
            "environment": "production",
            "save": True,
        },
    )
    assert isinstance(result, CreateToolLogResponse)
    assert (result.id, result.tool_id, result.version_id) == ("data_T0oLlOg9aXc1Vbn2Mq3Re", TID, VID)
    assert result.session_id is None


async def test_update(mode: str) -> None:
    log_id = "data_T0oLlOg9aXc1Vbn2Mq3Re"
    rec = Recorder(json_reply(fx.tool_log(output="183.1")))
    result = await invoke(
        mode,
        rec,
        "tools",
        "update",
        id=TID,
        log_id=log_id,
        output="183.1",
        error=None,
        provider_latency=0.12,
        metadata={"retry": 1},
        end_time=END,
    )
    assert_request(
        rec.only,
        "PATCH",
        f"/v5/tools/{TID}/log/{log_id}",
        body={
            "output": "183.1",
            "error": None,
            "provider_latency": 0.12,
            "metadata": {"retry": 1},
            "end_time": END_WIRE,
        },
    )
    assert isinstance(result, ToolLogResponse)
    assert result.id == log_id
    assert result.output == "183.1"
    assert_tool(result.tool)


async def test_list(mode: str) -> None:
    rec = Recorder(json_reply(fx.paginated([fx.tool(), fx.tool(id="tl_2ndToolAbCdEfGh", path="Web/Search")])))
    pager = await invoke(mode, rec, "tools", "list", page=1, size=10, sort_by="name", order="asc")
    assert isinstance(pager, (SyncPager, AsyncPager))
    items = await drain(pager)
    assert [type(i) for i in items] == [ToolResponse, ToolResponse]
    assert [i.id for i in items] == [TID, "tl_2ndToolAbCdEfGh"]
    assert_request(rec.only, "GET", "/v5/tools", query={"page": "1", "size": "10", "sort_by": "name", "order": "asc"})


async def test_upsert(mode: str) -> None:
    rec = Recorder(json_reply(fx.tool()))
    result = await invoke(
        mode,
        rec,
        "tools",
        "upsert",
        path="Finance Tools/Stock Price Lookup",
        function=FUNCTION,
        source_code=None,
        setup_values={"api_base": "https://quotes.example.com"},
        attributes={"category": "finance"},
        tool_type="json_schema",
        commit_message="Initial commit",
    )
    assert_request(
        rec.only,
        "POST",
        "/v5/tools",
        body={
            "path": "Finance Tools/Stock Price Lookup",
            "function": FUNCTION,
            "source_code": None,
            "setup_values": {"api_base": "https://quotes.example.com"},
            "attributes": {"category": "finance"},
            "tool_type": "json_schema",
            "commit_message": "Initial commit",
        },
    )
    assert_tool(result)
    assert result.tool_type == "json_schema"


async def test_get(mode: str) -> None:
    rec = Recorder(json_reply(fx.tool()))
    result = await invoke(mode, rec, "tools", "get", TID, version_id=VID)
    assert_request(rec.only, "GET", f"/v5/tools/{TID}", query={"version_id": VID})
    assert_tool(result)


async def test_delete(mode: str) -> None:
    rec = Recorder(empty_reply(204))
    assert await invoke(mode, rec, "tools", "delete", TID) is None
    assert_request(rec.only, "DELETE", f"/v5/tools/{TID}")


async def test_move(mode: str) -> None:
    rec = Recorder(json_reply(fx.tool(path="Finance Tools/Quote Lookup", name="Quote Lookup")))
    result = await invoke(mode, rec, "tools", "move", TID, path=None, name="Quote Lookup")
    assert_request(rec.only, "PATCH", f"/v5/tools/{TID}", body={"path": None, "name": "Quote Lookup"})
    assert_tool(result, path="Finance Tools/Quote Lookup")
    assert result.name == "Quote Lookup"


async def test_list_versions(mode: str) -> None:
    rec = Recorder(json_reply({"records": [fx.tool(), fx.tool(version_id="tv_draftAaBbCc", status="uncommitted")]}))
    result = await invoke(mode, rec, "tools", "list_versions", TID, evaluator_aggregates=False)
    assert_request(rec.only, "GET", f"/v5/tools/{TID}/versions", query={"evaluator_aggregates": "false"})
    assert isinstance(result, ListTools)
    assert [(r.version_id, r.status) for r in result.records] == [(VID, "committed"), ("tv_draftAaBbCc", "uncommitted")]


async def test_commit(mode: str) -> None:
    rec = Recorder(json_reply(fx.tool(commit_message="Strict schema")))
    result = await invoke(mode, rec, "tools", "commit", TID, VID, commit_message="Strict schema")
    assert_request(rec.only, "POST", f"/v5/tools/{TID}/versions/{VID}/commit", body={"commit_message": "Strict schema"})
    assert_tool(result)
    assert result.commit_message == "Strict schema"


async def test_set_deployment(mode: str) -> None:
    rec = Recorder(json_reply(fx.tool()))
    result = await invoke(mode, rec, "tools", "set_deployment", TID, fx.ENVIRONMENT_ID, version_id=VID)
    assert_request(rec.only, "POST", f"/v5/tools/{TID}/environments/{fx.ENVIRONMENT_ID}", query={"version_id": VID})
    assert_tool(result)


async def test_remove_deployment(mode: str) -> None:
    rec = Recorder(empty_reply(204))
    assert await invoke(mode, rec, "tools", "remove_deployment", TID, fx.ENVIRONMENT_ID) is None
    assert_request(rec.only, "DELETE", f"/v5/tools/{TID}/environments/{fx.ENVIRONMENT_ID}")


async def test_list_environments(mode: str) -> None:
    rec = Recorder(json_reply([fx.file_environment("production", "default", file=fx.tool())]))
    result = await invoke(mode, rec, "tools", "list_environments", TID)
    assert_request(rec.only, "GET", f"/v5/tools/{TID}/environments")
    assert [type(e) for e in result] == [FileEnvironmentResponse]
    assert result[0].id == fx.ENVIRONMENT_ID
    assert_tool(result[0].file)


async def test_update_monitoring(mode: str) -> None:
    rec = Recorder(json_reply(fx.tool()))
    result = await invoke(
        mode,
        rec,
        "tools",
        "update_monitoring",
        TID,
        activate=None,
        deactivate=[{"evaluator_version_id": fx.EVALUATOR_VERSION_ID}],
    )
    assert_request(
        rec.only,
        "POST",
        f"/v5/tools/{TID}/evaluators",
        body={"activate": None, "deactivate": [{"evaluator_version_id": fx.EVALUATOR_VERSION_ID}]},
    )
    assert_tool(result)
