"""client.logs.*: the exact request on the wire and the parsed response, sync and async."""

from __future__ import annotations

import pytest

from humanloop import EvaluatorLogResponse, FlowLogResponse, PromptLogResponse, ToolLogResponse
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
    utc,
)

pytestmark = pytest.mark.parametrize("mode", ["sync", "async"])


async def test_list(mode: str) -> None:
    rec = Recorder(
        json_reply(fx.paginated([fx.prompt_log(), fx.tool_log()], page=1, size=2, total=4)),
        json_reply(fx.paginated([fx.evaluator_log(), fx.flow_log()], page=2, size=2, total=4)),
    )
    pager = await invoke(
        mode,
        rec,
        "logs",
        "list",
        file_id=fx.PROMPT_ID,
        size=2,
        version_id=fx.PROMPT_VERSION_ID,
        version_status="committed",
        search="list comprehension",
        metadata_search="s-001",
        start_date=START,
        end_date=END,
        include_parent=True,
        in_trace_filter=[True, False],
    )
    assert isinstance(pager, (SyncPager, AsyncPager))
    items = await drain(pager)
    assert [type(i) for i in items] == [PromptLogResponse, ToolLogResponse, EvaluatorLogResponse, FlowLogResponse]
    assert items[0].prompt.id == fx.PROMPT_ID
    assert items[1].tool.function.name == "get_stock_price"
    assert items[2].judgment == 4
    assert items[3].trace_status == "complete"
    assert len(rec.requests) == 2  # total reached after page 2: no request for page 3
    for number, request in enumerate(rec.requests, start=1):
        assert_request(
            request,
            "GET",
            "/v5/logs",
            query={
                "file_id": fx.PROMPT_ID,
                "page": str(number),
                "size": "2",
                "version_id": fx.PROMPT_VERSION_ID,
                "version_status": "committed",
                "search": "list comprehension",
                "metadata_search": "s-001",
                "start_date": START_WIRE,
                "end_date": END_WIRE,
                "include_parent": "true",
                "in_trace_filter": ["true", "false"],
            },
        )


async def test_list_walks_past_an_estimated_total(mode: str) -> None:
    """A ``total`` the server marks as an estimate (``X-Total-Is-Estimate: true``) does not end the
    walk: full pages are followed until a short one, so no Log past the estimate is lost."""
    estimated = {"X-Total-Is-Estimate": "true"}
    rec = Recorder(
        json_reply(fx.paginated([fx.prompt_log(), fx.tool_log()], page=1, size=2, total=2), headers=estimated),
        json_reply(fx.paginated([fx.evaluator_log(), fx.flow_log()], page=2, size=2, total=2), headers=estimated),
        json_reply(fx.paginated([fx.prompt_log()], page=3, size=2, total=2), headers=estimated),
    )
    pager = await invoke(mode, rec, "logs", "list", file_id=fx.PROMPT_ID, size=2, search="refund")
    items = await drain(pager)
    assert [type(i) for i in items] == [
        PromptLogResponse,
        ToolLogResponse,
        EvaluatorLogResponse,
        FlowLogResponse,
        PromptLogResponse,
    ]
    assert [r.url.params["page"] for r in rec.requests] == ["1", "2", "3"]  # page 3 was short: the end


async def test_list_sends_utc_dates_as_z(mode: str) -> None:
    """0.8.6 encodes ``start_date``/``end_date`` with ``serialize_datetime``: aware UTC as ``...Z``."""
    rec = Recorder(json_reply(fx.paginated([], page=1, size=10, total=0)))
    pager = await invoke(
        mode, rec, "logs", "list", file_id=fx.PROMPT_ID, start_date=utc(2024, 7, 1), end_date=utc(2024, 7, 19, 12)
    )
    assert await drain(pager) == []
    assert_request(
        rec.only,
        "GET",
        "/v5/logs",
        query={
            "file_id": fx.PROMPT_ID,
            "page": "1",
            "start_date": "2024-07-01T00:00:00Z",
            "end_date": "2024-07-19T12:00:00Z",
        },
    )


async def test_delete(mode: str) -> None:
    ids = ["data_7cQm2Lk9VxR4tNpW0aEjs", "data_T0oLlOg9aXc1Vbn2Mq3Re"]
    rec = Recorder(empty_reply(204))
    assert await invoke(mode, rec, "logs", "delete", id=ids) is None
    assert_request(rec.only, "DELETE", "/v5/logs", query={"id": ids})


async def test_delete_one(mode: str) -> None:
    rec = Recorder(empty_reply(204))
    assert await invoke(mode, rec, "logs", "delete", id="data_7cQm2Lk9VxR4tNpW0aEjs") is None
    assert_request(rec.only, "DELETE", "/v5/logs", query={"id": "data_7cQm2Lk9VxR4tNpW0aEjs"})


async def test_get(mode: str) -> None:
    rec = Recorder(json_reply(fx.prompt_log()))
    result = await invoke(mode, rec, "logs", "get", "data_7cQm2Lk9VxR4tNpW0aEjs")
    assert_request(rec.only, "GET", "/v5/logs/data_7cQm2Lk9VxR4tNpW0aEjs")
    assert isinstance(result, PromptLogResponse)
    assert result.id == "data_7cQm2Lk9VxR4tNpW0aEjs"
    assert result.prompt.version_id == fx.PROMPT_VERSION_ID
    assert result.output_message.role == "assistant"
    assert (result.prompt_tokens, result.output_tokens) == (42, 13)
    assert result.start_time == utc(2024, 7, 19, 0, 29, 28, 584000)


async def test_get_flow_log(mode: str) -> None:
    rec = Recorder(json_reply(fx.flow_log()))
    result = await invoke(mode, rec, "logs", "get", "log_FloW9zLm2Qx7Ty4Rv8Nb")
    assert_request(rec.only, "GET", "/v5/logs/log_FloW9zLm2Qx7Ty4Rv8Nb")
    assert isinstance(result, FlowLogResponse)
    assert result.flow.id == fx.FLOW_ID
