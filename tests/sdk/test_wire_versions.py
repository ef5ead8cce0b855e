"""Version management of the 0.8.38 API on the wire: version names on upserts, PATCH/DELETE of a
version for every kind, and the new response fields, sync and async."""

from __future__ import annotations

import typing

import pytest

from humanloop import DatasetResponse, EvaluatorResponse, FlowResponse, PromptResponse, ToolResponse

from . import fixtures as fx
from .wire import Recorder, assert_request, empty_reply, invoke, json_reply, multipart_parts

pytestmark = pytest.mark.parametrize("mode", ["sync", "async"])

NAMED = {"version_name": "v2", "version_description": "Shorter answers", "commit_message": None}

#: resource -> (file id, version id, fixture, response type, PATCH method, DELETE method)
KINDS: typing.Dict[str, typing.Tuple[str, str, typing.Callable[..., dict], type, str, str]] = {
    "prompts": (
        fx.PROMPT_ID,
        fx.PROMPT_VERSION_ID,
        fx.prompt,
        PromptResponse,
        "patch_prompt_version",
        "delete_prompt_version",
    ),
    "tools": (fx.TOOL_ID, fx.TOOL_VERSION_ID, fx.tool, ToolResponse, "update_tool_version", "delete_tool_version"),
    "datasets": (
        fx.DATASET_ID,
        fx.DATASET_VERSION_ID,
        fx.dataset,
        DatasetResponse,
        "update_dataset_version",
        "delete_dataset_version",
    ),
    "evaluators": (
        fx.EVALUATOR_ID,
        fx.EVALUATOR_VERSION_ID,
        fx.evaluator,
        EvaluatorResponse,
        "update_evaluator_version",
        "delete_evaluator_version",
    ),
    "flows": (fx.FLOW_ID, fx.FLOW_VERSION_ID, fx.flow, FlowResponse, "update_flow_version", "delete_flow_version"),
}


@pytest.mark.parametrize("kind", sorted(KINDS))
async def test_patch_version(mode: str, kind: str) -> None:
    file_id, version_id, fixture, response_type, patch, _ = KINDS[kind]
    rec = Recorder(json_reply(fixture(**NAMED)))
    result = await invoke(mode, rec, kind, patch, file_id, version_id, name="v2", description="Shorter answers")
    assert_request(
        rec.only,
        "PATCH",
        f"/v5/{kind}/{file_id}/versions/{version_id}",
        body={"name": "v2", "description": "Shorter answers"},
    )
    assert isinstance(result, response_type)
    assert (result.version_name, result.version_description) == ("v2", "Shorter answers")


@pytest.mark.parametrize("kind", sorted(KINDS))
async def test_patch_version_sends_only_what_is_given(mode: str, kind: str) -> None:
    file_id, version_id, fixture, _, patch, _ = KINDS[kind]
    rec = Recorder(json_reply(fixture()))
    await invoke(mode, rec, kind, patch, id=file_id, version_id=version_id, description="only this")
    assert_request(rec.only, "PATCH", f"/v5/{kind}/{file_id}/versions/{version_id}", body={"description": "only this"})


@pytest.mark.parametrize("kind", sorted(KINDS))
async def test_delete_version(mode: str, kind: str) -> None:
    file_id, version_id, _, _, _, delete = KINDS[kind]
    rec = Recorder(empty_reply())
    result = await invoke(mode, rec, kind, delete, file_id, version_id)
    assert result is None
    assert_request(rec.only, "DELETE", f"/v5/{kind}/{file_id}/versions/{version_id}")


async def test_prompt_upsert_with_version_name_and_file_fields(mode: str) -> None:
    rec = Recorder(
        json_reply(
            fx.prompt(
                **NAMED,
                description="Answers support questions",
                readme="# Support",
                tags=["support"],
                template_language="default",
                reasoning_effort="medium",
                schema={"type": "object"},
                raw_file_content=None,
            )
        )
    )
    result = await invoke(
        mode,
        rec,
        "prompts",
        "upsert",
        path="Support/answer",
        model="o3-mini",
        template="Answer {{question}}",
        template_language="default",
        reasoning_effort="medium",
        version_name="v2",
        version_description="Shorter answers",
        description="Answers support questions",
        readme="# Support",
        tags=["support"],
        commit_message="Shorter answers",
    )
    assert_request(
        rec.only,
        "POST",
        "/v5/prompts",
        body={
            "path": "Support/answer",
            "model": "o3-mini",
            "template": "Answer {{question}}",
            "template_language": "default",
            "reasoning_effort": "medium",
            "version_name": "v2",
            "version_description": "Shorter answers",
            "description": "Answers support questions",
            "readme": "# Support",
            "tags": ["support"],
            "commit_message": "Shorter answers",
        },
    )
    assert isinstance(result, PromptResponse)
    assert result.version_name == "v2" and result.tags == ["support"] and result.readme == "# Support"
    assert result.reasoning_effort == "medium" and result.template_language == "default"
    assert result.schema_ == {"type": "object"}  # `schema` on the wire


async def test_reasoning_effort_as_token_budget(mode: str) -> None:
    rec = Recorder(json_reply(fx.prompt(reasoning_effort=2048)))
    result = await invoke(mode, rec, "prompts", "upsert", model="claude-3-7-sonnet", reasoning_effort=2048)
    assert_request(rec.only, "POST", "/v5/prompts", body={"model": "claude-3-7-sonnet", "reasoning_effort": 2048})
    assert result.reasoning_effort == 2048


@pytest.mark.parametrize("kind", ["tools", "evaluators", "flows"])
async def test_upsert_version_name(mode: str, kind: str) -> None:
    _, _, fixture, response_type, _, _ = KINDS[kind]
    content: typing.Dict[str, typing.Any] = {
        "tools": {"function": fx.tool_function()},
        "evaluators": {"spec": fx.llm_spec()},
        "flows": {"attributes": {"team": "search"}},
    }[kind]
    rec = Recorder(json_reply(fixture(**NAMED)))
    result = await invoke(
        mode, rec, kind, "upsert", path="a/b", version_name="v2", version_description="Shorter answers", **content
    )
    assert_request(
        rec.only,
        "POST",
        f"/v5/{kind}",
        body={"path": "a/b", "version_name": "v2", "version_description": "Shorter answers", **content},
    )
    assert isinstance(result, response_type) and result.version_name == "v2"


async def test_dataset_upsert_and_csv_version_name(mode: str) -> None:
    rec = Recorder(json_reply(fx.dataset(**NAMED)), json_reply(fx.dataset(**NAMED)))
    await invoke(
        mode,
        rec,
        "datasets",
        "upsert",
        path="qa",
        datapoints=[{"inputs": {"q": "1"}}],
        version_name="v2",
        version_description="Shorter answers",
    )
    assert_request(
        rec.requests[0],
        "POST",
        "/v5/datasets",
        body={
            "path": "qa",
            "datapoints": [{"inputs": {"q": "1"}}],
            "version_name": "v2",
            "version_description": "Shorter answers",
        },
    )
    rec2 = Recorder(json_reply(fx.dataset(**NAMED)))
    await invoke(
        mode,
        rec2,
        "datasets",
        "upload_csv",
        fx.DATASET_ID,
        file=("rows.csv", b"q\n1\n", "text/csv"),
        version_name="v3",
        version_description="from a file",
    )
    parts = multipart_parts(rec2.only)
    assert parts["version_name"] == "v3" and parts["version_description"] == "from a file"
    assert "commit_message" not in parts
    assert parts["file"] == ("rows.csv", "text/csv", b"q\n1\n")


async def test_directory_fields(mode: str) -> None:
    rec = Recorder(json_reply(fx.directory(description="Team files", readme="read me", tags=["team"])))
    result = await invoke(mode, rec, "directories", "create", path="Team")
    assert (result.description, result.readme, result.tags) == ("Team files", "read me", ["team"])


async def test_thinking_deepseek_and_evaluator_fields(mode: str) -> None:
    thinking = [{"type": "thinking", "thinking": "hm", "signature": "s"}, {"type": "redacted_thinking", "data": "x"}]
    rec = Recorder(json_reply(fx.prompt_call_response()))
    await invoke(
        mode,
        rec,
        "prompts",
        "call",
        path="p",
        messages=[{"role": "assistant", "content": "4", "thinking": thinking}],
        provider_api_keys={"deepseek": "sk-d"},
    )
    assert_request(
        rec.only,
        "POST",
        "/v5/prompts/call",
        body={
            "path": "p",
            "messages": [{"role": "assistant", "content": "4", "thinking": thinking}],
            "provider_api_keys": {"deepseek": "sk-d"},
            "stream": False,
        },
    )
    spec = {
        "evaluator_type": "python",
        "arguments_type": "target_free",
        "return_type": "number",
        "code": "def f(log):\n    return 1\n",
        "number_limits": {"min": 0, "max": 5},
        "number_valence": "negative",
        "options": [{"name": "ok", "valence": "neutral"}],
    }
    rec2 = Recorder(json_reply(fx.evaluator(spec=spec)))
    result = await invoke(mode, rec2, "evaluators", "upsert", path="e", spec=spec)
    assert_request(rec2.only, "POST", "/v5/evaluators", body={"path": "e", "spec": spec})
    assert result.spec.number_valence == "negative" and result.spec.number_limits.max == 5


async def test_dataset_list_versions_include_datapoints(mode: str) -> None:
    rec = Recorder(json_reply({"records": [fx.dataset()]}))
    await invoke(mode, rec, "datasets", "list_versions", fx.DATASET_ID, include_datapoints="latest_committed")
    assert_request(
        rec.only, "GET", f"/v5/datasets/{fx.DATASET_ID}/versions", query={"include_datapoints": "latest_committed"}
    )
