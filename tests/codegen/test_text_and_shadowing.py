"""A `text/plain` answer becomes a `str` method (the body as is), and a model field that would shadow
a BaseModel attribute gets a trailing `_` on the model only (the `.prompt` serialize endpoints,
`AgentResponse.schema`)."""

from __future__ import annotations

import typing

import httpx
from codegen.render_types import MODEL_SHADOWING

from codegen import spec as spec_mod

from .mini_openapi import doc


def _with_text_operation() -> typing.Dict[str, typing.Any]:
    d = doc()
    d["paths"]["/v5/widgets/{id}/text"] = {
        "get": {
            "x-fern-sdk-group-name": "widgets",
            "x-fern-sdk-method-name": "as_text",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": {"content": {"text/plain": {"schema": {"type": "string"}}}}},
        }
    }
    return d


def test_a_text_plain_answer_is_a_str() -> None:
    spec = spec_mod.load(_with_text_operation())
    op = next(o for o in spec.operations if o.name == "as_text")
    assert op.response is not None and op.response.kind == "str"


def test_the_core_returns_text_answers_as_is() -> None:
    from humanloop.core.client_wrapper import parse_response

    text = '---\nmodel: "m"\n---\n'
    plain = httpx.Response(200, headers={"content-type": "text/plain; charset=utf-8"}, content=text.encode())
    assert parse_response(plain, str, {}) == text
    quoted = httpx.Response(200, json="a JSON string")  # a JSON answer of a str method is still parsed
    assert parse_response(quoted, str, {}) == "a JSON string"


def test_shadowing_field_names_on_models_only() -> None:
    from humanloop.requests import AgentResponseParams
    from humanloop.types import AgentResponse

    assert "schema" in MODEL_SHADOWING
    field = AgentResponse.model_fields["schema_"]
    assert field.alias == "schema"
    assert "schema" in AgentResponseParams.__annotations__ and "schema_" not in AgentResponseParams.__annotations__
