"""The ``mock`` provider: deterministic answers, no network, no key. Meant for tests and demos.

Exact behaviour (a contract: tests and clients may rely on it):

- **Text.** ``output = "mock response to: " + T`` where ``T`` is, for ``endpoint="chat"``, the
  populated content of the *last* message whose role is ``user`` (string content as is; list content
  = the ``text`` of its text parts joined with one space; ``""`` when there is no user message),
  and for ``endpoint="complete"`` the populated prompt text.
- **Tokens.** ``prompt_tokens`` = number of whitespace-separated words of all message contents
  (chat; text parts as above) or of the prompt text (complete); ``output_tokens`` = words of the output.
  ``prompt_cost = output_cost = 0``; ``finish_reason = "stop"``.
- **Tools.** When the request has ``tools`` and ``tool_choice`` is ``"required"`` or names a function
  (``{"type": "function", "function": {"name": ...}}``), the answer is one tool call instead of text:
  id ``"mock_call_0"``, the named function (``required``: the first tool), ``arguments = "{}"``;
  ``output = ""``, ``output_message.content = None``, ``finish_reason = "tool_calls"``,
  ``output_tokens = 0``.
- **Agent turns** (``request.agent_turn``, set by the Agent tool loop only; ``tool_choice`` neither
  ``"none"`` nor forcing a function as above): when tools are offered and the last message is a
  ``user`` message, the answer is one call of the *first* tool: id ``"mock_call_<n>"`` (``n`` = number
  of ``assistant`` messages so far), ``arguments`` = a JSON object that gives the user text to the
  tool's first parameter (its first ``required`` property, else its first property, else
  ``"input"``); ``finish_reason = "tool_calls"``. When the last message is a ``tool`` message the
  answer is text: ``"mock agent answer: " + <the contents of the tool messages after the last
  assistant message, joined with " | ">``. Otherwise the text rule above applies.
- **Streaming** yields the output word by word: each delta is one word with the whitespace before
  it (``"mock"``, ``" response"``, ``" to:"``, ...), so the deltas concatenate to the complete output;
  the last delta (``output=""``) carries ``finish_reason`` and the full result.
"""

from __future__ import annotations

import json
import re
from typing import Any, Dict, Iterator, List, Optional

from .base import Provider, ProviderDelta, ProviderRequest, ProviderResult, word_count

PREFIX = "mock response to: "


def content_text(content: Any) -> str:
    """The text of a message content: a string, or the text parts of a list joined with one space."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(
            p["text"]
            for p in content
            if isinstance(p, dict) and p.get("type", "text") == "text" and isinstance(p.get("text"), str)
        )
    return ""


def mock_output(request: ProviderRequest) -> str:
    """``"mock response to: " + <populated last user message, or the prompt text>``."""
    if request.endpoint == "complete":
        return PREFIX + (request.prompt or "")
    for message in reversed(request.messages):
        if message.get("role") == "user":
            return PREFIX + content_text(message.get("content"))
    return PREFIX


def _forced_tool(request: ProviderRequest) -> Optional[str]:
    if not request.tools:
        return None
    choice = request.tool_choice
    if choice == "required":
        return str(request.tools[0].get("name", ""))
    if isinstance(choice, dict):
        fn = choice.get("function") or {}
        if isinstance(fn, dict) and fn.get("name"):
            return str(fn["name"])
    return None


AGENT_PREFIX = "mock agent answer: "


def _first_parameter(tool: Dict[str, Any]) -> str:
    raw = tool.get("parameters")
    params: Dict[str, Any] = raw if isinstance(raw, dict) else {}
    required = params.get("required")
    if isinstance(required, list) and required and isinstance(required[0], str):
        return required[0]
    props = params.get("properties")
    return str(next(iter(props), "input")) if isinstance(props, dict) else "input"


def _agent_step(request: ProviderRequest) -> Optional[Dict[str, Any]]:
    """An Agent turn's scripted answer: a tool call, a text built from tool results, or None (plain rule)."""
    if not request.agent_turn or request.endpoint != "chat" or not request.messages:
        return None
    last = request.messages[-1]
    if last.get("role") == "tool":
        results: List[str] = []
        for message in reversed(request.messages):
            if message.get("role") != "tool":
                break
            results.insert(0, content_text(message.get("content")))
        return {"text": AGENT_PREFIX + " | ".join(results)}
    if last.get("role") == "user" and request.tools and request.tool_choice != "none":
        tool = request.tools[0]
        turn = sum(1 for m in request.messages if m.get("role") == "assistant")
        arguments = json.dumps({_first_parameter(tool): content_text(last.get("content"))})
        call = {
            "id": f"mock_call_{turn}",
            "type": "function",
            "function": {"name": tool.get("name"), "arguments": arguments},
        }
        return {"call": call}
    return None


def _prompt_tokens(request: ProviderRequest) -> int:
    if request.endpoint == "complete":
        return word_count(request.prompt)
    return sum(word_count(content_text(m.get("content"))) for m in request.messages)


class MockProvider(Provider):
    name = "mock"
    requires_key = False

    def _provider_request(self, request: ProviderRequest) -> Dict[str, Any]:
        body: Dict[str, Any] = {"model": request.model, "endpoint": request.endpoint}
        if request.endpoint == "complete":
            body["prompt"] = request.prompt
        else:
            body["messages"] = request.messages
        if request.tools:
            body["tools"] = request.tools
        if request.tool_choice is not None:
            body["tool_choice"] = request.tool_choice
        return body

    def complete(self, request: ProviderRequest) -> ProviderResult:
        tool = _forced_tool(request)
        step = _agent_step(request) if tool is None else None
        tool_calls: Optional[List[Dict[str, Any]]] = None
        if step is not None and "call" in step:
            tool_calls = [step["call"]]
            output, finish = "", "tool_calls"
            message: Dict[str, Any] = {"role": "assistant", "content": None, "tool_calls": tool_calls}
        elif step is not None:
            output, finish = step["text"], "stop"
            message = {"role": "assistant", "content": output}
        elif tool is not None:
            tool_calls = [{"id": "mock_call_0", "type": "function", "function": {"name": tool, "arguments": "{}"}}]
            output, finish = "", "tool_calls"
            message = {"role": "assistant", "content": None, "tool_calls": tool_calls}
        else:
            output, finish = mock_output(request), "stop"
            message = {"role": "assistant", "content": output}
        return ProviderResult(
            output=output,
            output_message=message,
            finish_reason=finish,
            prompt_tokens=_prompt_tokens(request),
            output_tokens=word_count(output),
            provider_request=self._provider_request(request),
            provider_response={"provider": "mock", "output": output, "tool_calls": tool_calls},
            tool_calls=tool_calls,
            prompt_cost=0.0,
            output_cost=0.0,
        )

    def stream(self, request: ProviderRequest) -> Iterator[ProviderDelta]:
        result = self.complete(request)
        text = result.output or ""
        pieces = re.findall(r"\s*\S+", text)
        rest = text[len("".join(pieces)) :]
        if rest:
            pieces.append(rest)
        for piece in pieces:
            yield ProviderDelta(output=piece)
        yield ProviderDelta(output="", finish_reason=result.finish_reason, result=result)
