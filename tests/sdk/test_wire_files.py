"""client.files.list: the exact request on the wire and the parsed response, sync and async."""

from __future__ import annotations

import pytest

from humanloop import (
    DatasetResponse,
    EvaluatorResponse,
    FlowResponse,
    PaginatedDataUnionPromptResponseToolResponseDatasetResponseEvaluatorResponseFlowResponse,
    PromptResponse,
    ToolResponse,
)

from . import fixtures as fx
from .wire import Recorder, assert_request, invoke, json_reply

pytestmark = pytest.mark.parametrize("mode", ["sync", "async"])


async def test_list(mode: str) -> None:
    records = [fx.prompt(), fx.tool(), fx.dataset(), fx.evaluator(), fx.flow()]
    rec = Recorder(json_reply(fx.paginated(records, page=1, size=5, total=12)))
    result = await invoke(
        mode,
        rec,
        "files",
        "list",
        page=1,
        size=5,
        name="Assistant",
        type=["prompt", "tool", "dataset", "evaluator", "flow"],
        environment="production",
        sort_by="updated_at",
        order="desc",
    )
    assert_request(
        rec.only,
        "GET",
        "/v5/files",
        query={
            "page": "1",
            "size": "5",
            "name": "Assistant",
            "type": ["prompt", "tool", "dataset", "evaluator", "flow"],
            "environment": "production",
            "sort_by": "updated_at",
            "order": "desc",
        },
    )
    # not paginated in 0.8.6: the page itself comes back
    assert isinstance(result, PaginatedDataUnionPromptResponseToolResponseDatasetResponseEvaluatorResponseFlowResponse)
    assert (result.page, result.size, result.total) == (1, 5, 12)
    assert [type(r) for r in result.records] == [
        PromptResponse,
        ToolResponse,
        DatasetResponse,
        EvaluatorResponse,
        FlowResponse,
    ]
    assert [r.id for r in result.records] == [
        fx.PROMPT_ID,
        fx.TOOL_ID,
        fx.DATASET_ID,
        fx.EVALUATOR_ID,
        fx.FLOW_ID,
    ]


async def test_list_single_type(mode: str) -> None:
    rec = Recorder(json_reply(fx.paginated([fx.flow()], page=1, size=10)))
    result = await invoke(mode, rec, "files", "list", type="flow")
    assert_request(rec.only, "GET", "/v5/files", query={"type": "flow"})
    assert [type(r) for r in result.records] == [FlowResponse]
