"""The `.prompt` / `.agent` text format and the mock provider's Agent turns (no server needed)."""

from __future__ import annotations

import json
from typing import Any, Dict

import pytest

from humanloop_server.providers.base import ProviderRequest
from humanloop_server.providers.mock import MockProvider
from humanloop_server.services import agents, file_format, kernels
from humanloop_server.services.errors import Invalid

EVERY_AGENT_FIELD: Dict[str, Any] = {
    "model": "gpt-4o",
    "endpoint": "chat",
    "template": [
        {"role": "system", "content": "You answer questions about {{topic}}.\n\nBe brief."},
        {"role": "user", "content": "{{question}}"},
    ],
    "template_language": "jinja",
    "provider": "anthropic",
    "max_tokens": 512,
    "temperature": 0.25,
    "top_p": 0.9,
    "stop": ["END", "\n\n"],
    "presence_penalty": 0.5,
    "frequency_penalty": -0.5,
    "other": {"nested": {"list": [1, 2.5, None, "x"]}, "flag": True},
    "seed": 42,
    "response_format": {"type": "json_schema", "json_schema": {"name": "answer", "schema": {"type": "object"}}},
    "reasoning_effort": "high",
    "tools": [
        {
            "type": "inline",
            "json_schema": {"name": "lookup", "description": "d: with colon", "parameters": {"type": "object"}},
            "on_agent_call": "stop",
        },
        {"type": "file", "link": {"file_id": "tl_1", "version_id": "tv_2"}},
    ],
    "attributes": {"team": "search", "émoji": "🙂"},
    "max_iterations": 7,
}

TEMPLATES = [
    "plain text with {{x}}",
    "<user>\nlooks like a tag\n</user>",  # a string that would read as messages: kept in the front matter
    "\nstarts with a newline",
    "windows\r\nline",
    [{"role": "user", "content": "</user> inside"}],
    [{"role": "user", "content": [{"type": "text", "text": "parts"}]}],
    [{"role": "assistant", "content": "x", "name": "bot"}],
    [{"role": "user", "content": ""}],
    [],
    None,
]


def _round_trip(file_type: str, kernel: Dict[str, Any]) -> Dict[str, Any]:
    fields = agents.AGENT_TEXT_FIELDS if file_type == "agent" else agents.PROMPT_TEXT_FIELDS
    return agents.deserialize_text(file_type, file_format.dumps(kernel, fields))


def test_every_agent_field_round_trips_exactly() -> None:
    kernel = kernels.agent_kernel(EVERY_AGENT_FIELD)
    text = file_format.dumps(kernel, agents.AGENT_TEXT_FIELDS)
    assert "<system>\nYou answer questions about {{topic}}.\n\nBe brief.\n</system>" in text
    assert text.startswith('---\nmodel: "gpt-4o"\nprovider: "anthropic"\n')
    assert _round_trip("agent", kernel) == kernel


@pytest.mark.parametrize("template", TEMPLATES, ids=range(len(TEMPLATES)))
def test_templates_round_trip_exactly(template: Any) -> None:
    for file_type, build in (("agent", kernels.agent_kernel), ("prompt", kernels.prompt_kernel)):
        kernel = build({"model": "m", "template": template})
        assert _round_trip(file_type, kernel) == kernel, file_type


def test_a_hand_written_file_reads() -> None:
    text = "\n---\nmodel: gpt-4o-mini\ntemperature: 0.2\n# a comment\n---\n\n<system>\nHi {{name}}\n</system>\n\n<user>\nq\n</user>\n"
    kernel = agents.deserialize_text("prompt", text)
    assert kernel["model"] == "gpt-4o-mini" and kernel["temperature"] == 0.2
    assert kernel["template"] == [{"role": "system", "content": "Hi {{name}}"}, {"role": "user", "content": "q"}]


@pytest.mark.parametrize(
    "text", ["no front matter", "---\nmodel: x\n", "---\nnot a pair\n---\n", "---\n---\nbody only"]
)
def test_unreadable_texts_are_422(text: str) -> None:
    with pytest.raises(Invalid) as exc:
        agents.deserialize_text("agent", text)
    assert exc.value.status == 422


def _turn(messages: Any, **kw: Any) -> Any:
    tools = [
        {"name": "lookup", "parameters": {"type": "object", "properties": {"a": {}, "word": {}}, "required": ["word"]}}
    ]
    return MockProvider().complete(ProviderRequest(model="m", messages=messages, tools=tools, agent_turn=True, **kw))


def test_mock_agent_turns() -> None:
    asked = _turn([{"role": "user", "content": "pear"}], tool_choice="auto")
    assert asked.finish_reason == "tool_calls" and asked.tool_calls is not None
    assert asked.tool_calls[0]["id"] == "mock_call_0"
    assert json.loads(asked.tool_calls[0]["function"]["arguments"]) == {"word": "pear"}
    answered = _turn(
        [
            {"role": "user", "content": "pear"},
            {"role": "assistant", "tool_calls": asked.tool_calls},
            {"role": "tool", "content": "green", "tool_call_id": "mock_call_0"},
            {"role": "tool", "content": "sweet", "tool_call_id": "mock_call_1"},
        ]
    )
    assert answered.output == "mock agent answer: green | sweet" and answered.finish_reason == "stop"
    # tool_choice "none", or a request that is not an Agent turn: the plain text rule
    assert _turn([{"role": "user", "content": "pear"}], tool_choice="none").output == "mock response to: pear"
    plain = MockProvider().complete(
        ProviderRequest(
            model="m", messages=[{"role": "user", "content": "pear"}], tools=[{"name": "t"}], tool_choice="auto"
        )
    )
    assert plain.output == "mock response to: pear"
