"""prompts.call / prompts.call_stream through the SDK (sync and async) against the real server, provider "mock".

The mock provider answers ``"mock response to: " + <populated last user message>`` (see
``humanloop_server/providers/mock.py``), so every expected output below is computed, not recorded.
"""

import json
from typing import Any, Dict, List

import pytest

from humanloop.core.api_error import ApiError

from . import sdk_lifecycle as lc
from .sdk_driver import Driver, driver_fixture

hl = driver_fixture()

CHAT = [
    {"role": "system", "content": "You answer questions about {{product}}."},
    {"role": "user", "content": "Question: {{ question }} (asked {{times}} times)"},
]


def mock_kernel(**extra: Any) -> Dict[str, Any]:
    return {"model": "mock-1", "provider": "mock", "template": CHAT, "temperature": 0.5, **extra}


INPUTS = {"product": "Widgets", "question": "how big?", "times": 3}
EXPECTED = "mock response to: Question: how big? (asked 3 times)"


def body_of(err: "pytest.ExceptionInfo[ApiError]") -> Any:
    """The error body as plain JSON (422 bodies are parsed into HttpValidationError by the SDK)."""
    value = err.value.body
    return value.model_dump(mode="json") if hasattr(value, "model_dump") else value


def stream(hl: Driver, **kwargs: Any) -> List[Any]:
    it = hl.client.prompts.call_stream(**kwargs)
    if hl.mode == "sync":
        return list(it)

    async def drain() -> List[Any]:
        return [chunk async for chunk in it]

    return hl.run(drain())


def test_call_inline_prompt_by_path_creates_file_and_logs(hl: Driver, uid: str) -> None:
    path = f"{uid}/call/inline"
    r = hl.prompts.call(path=path, prompt=mock_kernel(), inputs=INPUTS, metadata={"k": "v"}, user="ann", source="t")
    assert r.prompt.path == path and r.prompt.id.startswith("pr_") and r.prompt.version_id.startswith("prv_")
    assert r.prompt.model == "mock-1" and r.prompt.temperature == 0.5
    assert [x.index for x in r.logs] == [0]
    out = r.logs[0]
    assert out.output == EXPECTED
    assert out.output_message.role == "assistant" and out.output_message.content == EXPECTED
    assert out.finish_reason == "stop"
    # whitespace word counts: "You answer questions about Widgets." (5) + "Question: how big? (asked 3 times)" (6)
    assert (out.prompt_tokens, out.output_tokens) == (11, len(EXPECTED.split()))
    assert out.prompt_cost == 0 and out.output_cost == 0
    assert out.provider_latency is not None and out.provider_latency >= 0
    assert r.inputs == INPUTS and r.metadata == {"k": "v"} and r.user == "ann"
    assert [m.content for m in r.messages] == [
        "You answer questions about Widgets.",
        "Question: how big? (asked 3 times)",
    ]

    log = hl.logs.get(id=r.id)
    assert log.output == EXPECTED and log.prompt.id == r.prompt.id and log.prompt.version_id == r.prompt.version_id
    assert log.inputs == INPUTS and log.metadata == {"k": "v"} and log.user == "ann" and log.source == "t"
    assert [m.content for m in log.messages][-1] == "Question: how big? (asked 3 times)"
    assert log.output_message.content == EXPECTED and log.finish_reason == "stop" and log.prompt_tokens == 11
    assert log.provider_latency is not None and log.start_time is not None and log.end_time is not None

    # same details -> same version; the File exists and is a normal Prompt
    again = hl.prompts.call(path=path, prompt=mock_kernel(), inputs=INPUTS)
    assert again.prompt.version_id == r.prompt.version_id and again.id != r.id
    assert hl.prompts.get(id=r.prompt.id).path == path
    assert len(hl.logs.list(file_id=r.prompt.id).items) == 2


def test_call_by_version_id_and_environment(hl: Driver, uid: str) -> None:
    path = f"{uid}/call/versions"
    v1 = hl.prompts.upsert(
        path=path, model="mock-1", provider="mock", template=[{"role": "user", "content": "one {{x}}"}]
    )
    v2 = hl.prompts.upsert(
        path=path, model="mock-1", provider="mock", template=[{"role": "user", "content": "two {{x}}"}]
    )
    assert v1.version_id != v2.version_id
    prod = next(e for e in hl.prompts.list_environments(id=v1.id) if e.name == "production")
    hl.prompts.set_deployment(id=v1.id, environment_id=prod.id, version_id=v1.version_id)

    by_version = hl.prompts.call(id=v1.id, version_id=v2.version_id, inputs={"x": "a"})
    assert by_version.logs[0].output == "mock response to: two a" and by_version.prompt.version_id == v2.version_id
    by_env = hl.prompts.call(id=v1.id, environment="production", inputs={"x": "b"})
    assert by_env.logs[0].output == "mock response to: one b" and by_env.prompt.version_id == v1.version_id
    by_path = hl.prompts.call(path=path, inputs={"x": "c"})  # default: the production deployment
    assert by_path.logs[0].output == "mock response to: one c"
    assert hl.logs.get(id=by_version.id).prompt.version_id == v2.version_id
    assert hl.logs.get(id=by_env.id).prompt.version_id == v1.version_id
    with pytest.raises(ApiError) as err:
        hl.prompts.call(path=f"{uid}/call/nothing-here", inputs={})
    assert lc.status(err) == 404


def test_num_samples_and_return_inputs(hl: Driver, uid: str) -> None:
    r = hl.prompts.call(
        path=f"{uid}/call/samples", prompt=mock_kernel(), inputs=INPUTS, num_samples=3, return_inputs=False
    )
    assert [x.index for x in r.logs] == [0, 1, 2]
    assert all(x.output == EXPECTED for x in r.logs)
    assert r.inputs == {}
    stored = hl.logs.list(file_id=r.prompt.id, size=10).items
    assert len(stored) == 3
    assert all(rec.inputs == INPUTS and rec.output == EXPECTED for rec in stored)
    with pytest.raises(ApiError) as err:
        hl.prompts.call(path=f"{uid}/call/samples", prompt=mock_kernel(), inputs=INPUTS, num_samples=0)
    assert lc.status(err) == 422


def test_missing_variables_are_422_listing_names_and_store_nothing(hl: Driver, uid: str) -> None:
    template = [{"role": "user", "content": "{{zeta}} and {{ alpha }} and {{mid.x}} and {{given}}"}]
    kernel = {"model": "m", "provider": "mock", "template": template}
    with pytest.raises(ApiError) as err:
        hl.prompts.call(path=f"{uid}/call/missing", prompt=kernel, inputs={"given": 1})
    assert lc.status(err) == 422
    detail = body_of(err)["detail"]
    assert [d["loc"][-1] for d in detail] == ["alpha", "mid.x", "zeta"]
    assert "alpha, mid.x, zeta" in detail[0]["msg"]
    # nothing was created: the call failed before the File existed
    assert hl.files.list(name=f"{uid}").total == 0
    # streaming fails the same way, before any event
    with pytest.raises(ApiError) as err2:
        stream(hl, path=f"{uid}/call/missing", prompt=kernel, inputs={})
    assert lc.status(err2) == 422


def test_stream_chunks_concatenate_to_the_output_and_log_is_stored(hl: Driver, uid: str) -> None:
    path = f"{uid}/call/stream"
    whole = hl.prompts.call(path=path, prompt=mock_kernel(), inputs=INPUTS)
    chunks = stream(hl, path=path, prompt=mock_kernel(), inputs=INPUTS, metadata={"s": 1})
    assert len(chunks) == len(EXPECTED.split()) + 1  # one per word, then the closing chunk
    for c in chunks:
        assert c.output is not None and c.id and c.prompt_id and c.version_id and c.index == 0
    assert len({c.id for c in chunks}) == 1 and chunks[0].id != whole.id
    assert chunks[0].prompt_id == whole.prompt.id and chunks[0].version_id == whole.prompt.version_id
    text = "".join(c.output for c in chunks)
    assert text == whole.logs[0].output == EXPECTED
    last = chunks[-1]
    assert last.finish_reason == "stop" and last.output_tokens == len(EXPECTED.split()) and last.prompt_tokens == 11
    assert last.output_message.content == EXPECTED
    assert all(c.finish_reason is None for c in chunks[:-1])
    log = hl.logs.get(id=last.id)  # stored once the stream completed
    assert log.output == EXPECTED and log.error is None and log.metadata == {"s": 1}
    assert log.prompt_tokens == 11 and log.finish_reason == "stop" and log.inputs == INPUTS


def test_stream_num_samples_streams_each_sample(hl: Driver, uid: str) -> None:
    chunks = stream(hl, path=f"{uid}/call/stream2", prompt=mock_kernel(), inputs=INPUTS, num_samples=2)
    by_index: Dict[int, List[Any]] = {}
    for c in chunks:
        by_index.setdefault(c.index, []).append(c)
    assert sorted(by_index) == [0, 1]
    ids = {i: {c.id for c in cs} for i, cs in by_index.items()}
    assert all(len(v) == 1 for v in ids.values()) and ids[0] != ids[1]
    for cs in by_index.values():
        assert "".join(c.output for c in cs) == EXPECTED
        assert hl.logs.get(id=cs[0].id).output == EXPECTED


TOOLS = [
    {"name": "get_weather", "description": "Weather in a city", "parameters": {"type": "object", "properties": {}}},
    {"name": "get_time", "description": "Time in a city", "parameters": {"type": "object", "properties": {}}},
]


def test_tool_choice_required_and_named(hl: Driver, uid: str) -> None:
    path = f"{uid}/call/tools"
    kernel = mock_kernel(tools=TOOLS)
    r = hl.prompts.call(path=path, prompt=kernel, inputs=INPUTS, tool_choice="required")
    out = r.logs[0]
    assert out.finish_reason == "tool_calls"
    calls = out.output_message.tool_calls
    assert len(calls) == 1 and calls[0].function.name == "get_weather" and calls[0].function.arguments == "{}"
    assert json.loads(calls[0].function.arguments) == {}
    assert r.tool_choice == "required"
    named = hl.prompts.call(
        path=path, prompt=kernel, inputs=INPUTS, tool_choice={"type": "function", "function": {"name": "get_time"}}
    )
    assert named.logs[0].output_message.tool_calls[0].function.name == "get_time"
    log = hl.logs.get(id=named.id)
    assert log.output_message.tool_calls[0].function.name == "get_time"
    auto = hl.prompts.call(path=path, prompt=kernel, inputs=INPUTS)  # tools present, default "auto": text
    assert auto.logs[0].output == EXPECTED and not auto.logs[0].output_message.tool_calls
    chunks = stream(hl, path=path, prompt=kernel, inputs=INPUTS, tool_choice="required")
    assert chunks[-1].output_message.tool_calls[0].function.name == "get_weather"
    assert chunks[-1].finish_reason == "tool_calls"


def test_call_inside_a_trace_and_with_datapoint_and_batch(hl: Driver, uid: str) -> None:
    flow = hl.flows.log(path=f"{uid}/call/flow", inputs={"q": "x"})
    r = hl.prompts.call(
        path=f"{uid}/call/traced",
        prompt=mock_kernel(),
        inputs=INPUTS,
        trace_parent_id=flow.id,
        batch_id="b123",
        save=False,
    )
    assert r.trace_id == flow.id and r.trace_parent_id == flow.id and r.batch_id == "b123" and r.save is False
    log = hl.logs.get(id=r.id)
    assert log.trace_parent_id == flow.id and log.trace_id == flow.id and log.batches == ["b123"]
    assert log.provider_request is None and log.provider_response is None  # save=false: no payloads
    children = hl.logs.get(id=flow.id).trace_children
    assert [c.id for c in children] == [r.id]
    chunks = stream(hl, path=f"{uid}/call/traced", prompt=mock_kernel(), inputs=INPUTS, trace_parent_id=flow.id)
    assert hl.logs.get(id=chunks[-1].id).trace_parent_id == flow.id
    assert {c.id for c in hl.logs.get(id=flow.id).trace_children} == {r.id, chunks[-1].id}


def test_unsupported_provider_is_422(hl: Driver, uid: str) -> None:
    with pytest.raises(ApiError) as err:
        hl.prompts.call(path=f"{uid}/call/cohere", prompt={"model": "c", "provider": "cohere", "template": "x"})
    assert lc.status(err) == 422
    text = json.dumps(body_of(err))
    assert "cohere" in text and "not supported" in text


def test_missing_provider_key_is_400(hl: Driver, uid: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(ApiError) as err:
        hl.prompts.call(path=f"{uid}/call/nokey", prompt={"model": "gpt-4o", "template": "hi"})
    assert lc.status(err) == 400
    detail = body_of(err)["detail"]
    assert detail["type"] == "missing_provider_key" and detail["origin"] == "Humanloop"
    assert "provider_api_keys.openai" in detail["message"] and "OPENAI_API_KEY" in detail["message"]
    assert hl.files.list(name=uid).total == 0
    with pytest.raises(ApiError) as err2:
        stream(hl, path=f"{uid}/call/nokey", prompt={"model": "gpt-4o", "template": "hi"})
    assert lc.status(err2) == 400


def test_bad_trace_parent_is_refused_before_the_call(hl: Driver, uid: str) -> None:
    flow = hl.flows.log(path=f"{uid}/call/doneflow", inputs={"q": "x"}, output="o", trace_status="complete")
    for call in (hl.prompts.call, lambda **kw: stream(hl, **kw)):
        with pytest.raises(ApiError) as err:
            call(path=f"{uid}/call/late", prompt=mock_kernel(), inputs=INPUTS, trace_parent_id=flow.id)
        assert lc.status(err) == 400 and "complete" in json.dumps(body_of(err))
        with pytest.raises(ApiError) as err:
            call(path=f"{uid}/call/late", prompt=mock_kernel(), inputs=INPUTS, trace_parent_id="log_nope")
        assert lc.status(err) == 404
    assert hl.files.list(name=f"{uid}/call/late").total == 0
