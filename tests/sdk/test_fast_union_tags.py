"""Unions of response models are told apart inside pydantic-core where the JSON says which member
a value is (``humanloop.core.unions.FastTags``: the ``type`` of the nested File body of a Log, the
``evaluator_type`` of an evaluator spec), and by the generated discriminator otherwise: either way
each value becomes the same member as before, from JSON bytes and from Python objects alike."""

from __future__ import annotations

import json
import typing

import pydantic

from humanloop.types import (
    CodeEvaluatorRequest,
    EvaluatorLogResponse,
    FlowLogResponse,
    LogResponse,
    PromptLogResponse,
    ToolLogResponse,
)
from humanloop.types.evaluator_response_spec import EvaluatorResponseSpec

from . import fixtures

LOGS = typing.List[LogResponse]


def _without_nested_type(body: typing.Dict[str, typing.Any], key: str) -> typing.Dict[str, typing.Any]:
    nested = dict(body[key])
    nested.pop("type", None)
    return {**body, key: nested}


def test_each_log_kind_becomes_its_member_from_json_and_from_python() -> None:
    bodies = [
        (fixtures.prompt_log(), PromptLogResponse),
        (fixtures.tool_log(), ToolLogResponse),
        (fixtures.evaluator_log(), EvaluatorLogResponse),
        (fixtures.flow_log(), FlowLogResponse),
    ]
    adapter = pydantic.TypeAdapter(LOGS)
    for body, member in bodies:
        key = member.__name__.replace("LogResponse", "").lower()
        variants = [body, _without_nested_type(body, key)]  # no tag in the JSON: the generated way
        for variant in variants:
            from_json = adapter.validate_json(json.dumps([variant]))
            from_python = adapter.validate_python([variant])
            assert type(from_json[0]) is member and type(from_python[0]) is member
            assert from_json == from_python


def test_trace_children_and_judgments_are_told_apart_too() -> None:
    child = fixtures.tool_log()
    judgment = fixtures.evaluator_log()
    body = fixtures.flow_log(trace_children=[child, fixtures.prompt_log()], evaluator_logs=[judgment])
    parsed = pydantic.TypeAdapter(LogResponse).validate_json(json.dumps(body))
    assert isinstance(parsed, FlowLogResponse)
    assert [type(c) for c in parsed.trace_children or []] == [ToolLogResponse, PromptLogResponse]
    assert [type(e) for e in parsed.evaluator_logs or []] == [EvaluatorLogResponse]


def test_evaluator_spec_by_its_evaluator_type() -> None:
    spec = {"evaluator_type": "python", "arguments_type": "target_free", "return_type": "boolean", "code": "x"}
    parsed = pydantic.TypeAdapter(EvaluatorResponseSpec).validate_json(json.dumps(spec))
    assert type(parsed) is CodeEvaluatorRequest


def test_the_tag_is_read_in_pydantic_core() -> None:
    """The schema tries a tagged union reading the JSON paths before the generated discriminator
    (which would turn every value into Python objects first)."""
    text = repr(pydantic.TypeAdapter(LogResponse).core_schema)
    assert "'tagged-union'" in text and "['prompt', 'type']" in text
