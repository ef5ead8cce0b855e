"""Anthropic's Messages API over plain httpx.

- ``POST {base}/v1/messages`` with ``x-api-key`` and ``anthropic-version: 2023-06-01``; base URL from
  ``ProviderRequest.base_url``, else ``ANTHROPIC_BASE_URL``, else ``https://api.anthropic.com``.
- Chat messages are translated: ``system`` messages become the ``system`` field; ``tool`` messages
  become ``tool_result`` blocks of a user turn; assistant ``tool_calls`` become ``tool_use`` blocks.
  ``endpoint="complete"`` sends the prompt text as one user message.
- ``max_tokens`` is required by Anthropic: ``-1``/unset becomes 4096.
- ``reasoning_effort`` as an integer is the extended-thinking budget: ``thinking = {"type": "enabled",
  "budget_tokens": n}``; an unset ``max_tokens`` then becomes ``n + 4096`` so the answer has room
  after the thinking. A level (``low`` ...) is OpenAI's form and is not sent. Thinking blocks of the
  answer are not part of the output.
- ``tool_choice``: ``auto`` -> ``{"type": "auto"}``, ``required`` -> ``{"type": "any"}``, a named
  function -> ``{"type": "tool", "name": ...}``, ``none`` -> tools are not sent.
- ``stop_reason`` maps to OpenAI-style finish reasons: ``end_turn``/``stop_sequence`` -> ``stop``,
  ``max_tokens`` -> ``length``, ``tool_use`` -> ``tool_calls``.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Iterator, List, Optional

import httpx

from . import _http
from .base import Provider, ProviderDelta, ProviderError, ProviderRequest, ProviderResult, redact
from .config import resolve_base_url
from .mock import content_text

LABEL = "Anthropic"
VERSION = "2023-06-01"
DEFAULT_MAX_TOKENS = 4096
FINISH = {"end_turn": "stop", "stop_sequence": "stop", "max_tokens": "length", "tool_use": "tool_calls"}


def _content(content: Any) -> Any:
    if isinstance(content, list):
        blocks = []
        for p in content:
            if not isinstance(p, dict):
                continue
            if p.get("type") == "text":
                blocks.append({"type": "text", "text": p.get("text", "")})
            elif p.get("type") == "image_url":
                url = (p.get("image_url") or {}).get("url", "")
                if url.startswith("data:") and ";base64," in url:
                    media, data = url[5:].split(";base64,", 1)
                    blocks.append({"type": "image", "source": {"type": "base64", "media_type": media, "data": data}})
                else:
                    blocks.append({"type": "image", "source": {"type": "url", "url": url}})
        return blocks
    return content if isinstance(content, str) else ""


def _messages(messages: List[Dict[str, Any]]) -> tuple[Optional[str], List[Dict[str, Any]]]:
    system: List[str] = []
    out: List[Dict[str, Any]] = []
    for m in messages:
        role = m.get("role")
        if role == "system":
            system.append(content_text(m.get("content")))
        elif role == "tool":
            block = {"type": "tool_result", "tool_use_id": m.get("tool_call_id"), "content": _content(m.get("content"))}
            out.append({"role": "user", "content": [block]})
        elif role == "assistant" and m.get("tool_calls"):
            blocks: List[Dict[str, Any]] = []
            text = content_text(m.get("content"))
            if text:
                blocks.append({"type": "text", "text": text})
            for tc in m["tool_calls"]:
                fn = tc.get("function") or {}
                try:
                    args = json.loads(fn.get("arguments") or "{}")
                except ValueError:
                    args = {}
                blocks.append({"type": "tool_use", "id": tc.get("id"), "name": fn.get("name"), "input": args})
            out.append({"role": "assistant", "content": blocks})
        else:
            out.append({"role": "assistant" if role == "assistant" else "user", "content": _content(m.get("content"))})
    return ("\n\n".join(system) if system else None), out


def build_body(request: ProviderRequest) -> Dict[str, Any]:
    if request.endpoint == "complete":
        system, messages = None, [{"role": "user", "content": request.prompt or ""}]
    else:
        system, messages = _messages(request.messages)
    budget = request.reasoning_effort
    thinking = isinstance(budget, int) and not isinstance(budget, bool) and budget > 0
    if request.max_tokens and request.max_tokens > 0:
        max_tokens = request.max_tokens
    else:
        max_tokens = DEFAULT_MAX_TOKENS + (int(budget or 0) if thinking else 0)
    body: Dict[str, Any] = {"model": request.model, "messages": messages, "max_tokens": max_tokens}
    if thinking:
        body["thinking"] = {"type": "enabled", "budget_tokens": budget}
    if system:
        body["system"] = system
    if request.temperature is not None:
        body["temperature"] = request.temperature
    if request.top_p is not None and request.top_p != 1:
        body["top_p"] = request.top_p
    if request.stop:
        body["stop_sequences"] = [request.stop] if isinstance(request.stop, str) else list(request.stop)
    choice = request.tool_choice
    if request.tools and choice != "none":
        body["tools"] = [
            {
                "name": t.get("name"),
                "description": t.get("description") or "",
                "input_schema": t.get("parameters") or {"type": "object", "properties": {}},
            }
            for t in request.tools
        ]
        if choice == "required":
            body["tool_choice"] = {"type": "any"}
        elif isinstance(choice, dict) and (choice.get("function") or {}).get("name"):
            body["tool_choice"] = {"type": "tool", "name": choice["function"]["name"]}
        elif choice == "auto":
            body["tool_choice"] = {"type": "auto"}
    body.update(request.other or {})
    return body


def _assemble(text: str, calls: List[Dict[str, Any]], stop: Optional[str]) -> tuple[Dict[str, Any], Optional[str]]:
    message: Dict[str, Any] = {"role": "assistant", "content": text if (text or not calls) else None}
    if calls:
        message["tool_calls"] = calls
    return message, FINISH.get(stop or "", stop)


class AnthropicProvider(Provider):
    name = "anthropic"
    requires_key = True

    def _url(self, request: ProviderRequest) -> str:
        return (request.base_url or resolve_base_url("anthropic")).rstrip("/") + "/v1/messages"

    def _headers(self, request: ProviderRequest) -> Dict[str, str]:
        return {"x-api-key": request.api_key or "", "anthropic-version": VERSION, "content-type": "application/json"}

    def complete(self, request: ProviderRequest) -> ProviderResult:
        url = self._url(request)
        body = build_body(request)
        try:
            with _http.client(url, request.timeout) as http:
                response = http.post(url, json=body, headers=self._headers(request))
        except httpx.HTTPError as exc:
            raise _http.transport_error(exc, LABEL, url) from None
        if response.status_code >= 400:
            raise _http.status_error(response, LABEL)
        data = _http.parse_json(response, LABEL)
        texts: List[str] = []
        calls: List[Dict[str, Any]] = []
        for block in data.get("content") or []:
            if not isinstance(block, dict):
                continue
            if block.get("type") == "text":
                texts.append(block.get("text") or "")
            elif block.get("type") == "tool_use":
                calls.append(
                    {
                        "id": block.get("id"),
                        "type": "function",
                        "function": {"name": block.get("name"), "arguments": json.dumps(block.get("input") or {})},
                    }
                )
        text = "".join(texts)
        message, finish = _assemble(text, calls, data.get("stop_reason"))
        usage = data.get("usage") or {}
        return ProviderResult(
            output=text,
            output_message=message,
            finish_reason=finish,
            prompt_tokens=usage.get("input_tokens"),
            output_tokens=usage.get("output_tokens"),
            provider_request=redact(body),
            provider_response=redact(data),
            tool_calls=calls or None,
        )

    def stream(self, request: ProviderRequest) -> Iterator[ProviderDelta]:
        url = self._url(request)
        body = build_body(request)
        body["stream"] = True
        headers = self._headers(request)
        headers["accept"] = "text/event-stream"
        texts: List[str] = []
        blocks: Dict[int, Dict[str, Any]] = {}
        stop: Optional[str] = None
        usage: Dict[str, Any] = {}
        try:
            with _http.client(url, request.timeout) as http:
                with http.stream("POST", url, json=body, headers=headers) as response:
                    if response.status_code >= 400:
                        raise _http.status_error(response, LABEL)
                    for _event, data in _http.sse_events(response):
                        ev = _http.loads(data, LABEL)
                        kind = ev.get("type")
                        if kind == "error":
                            err = ev.get("error") or {}
                            raise ProviderError(
                                502,
                                f"{LABEL} failed while streaming: {err.get('message')}",
                                type=err.get("type") or "provider_error",
                                origin=LABEL,
                            )
                        if kind == "message_start":
                            usage.update((ev.get("message") or {}).get("usage") or {})
                        elif kind == "content_block_start":
                            block = ev.get("content_block") or {}
                            if block.get("type") == "tool_use":
                                blocks[int(ev.get("index", 0))] = {
                                    "id": block.get("id"),
                                    "type": "function",
                                    "function": {"name": block.get("name"), "arguments": ""},
                                }
                        elif kind == "content_block_delta":
                            delta = ev.get("delta") or {}
                            if delta.get("type") == "text_delta" and delta.get("text"):
                                texts.append(delta["text"])
                                yield ProviderDelta(output=delta["text"])
                            elif delta.get("type") == "input_json_delta":
                                slot = blocks.get(int(ev.get("index", 0)))
                                if slot is not None:
                                    slot["function"]["arguments"] += delta.get("partial_json") or ""
                        elif kind == "message_delta":
                            stop = (ev.get("delta") or {}).get("stop_reason") or stop
                            usage.update(ev.get("usage") or {})
                        elif kind == "message_stop":
                            break
        except httpx.HTTPError as exc:
            raise _http.transport_error(exc, LABEL, url) from None
        calls = [blocks[i] for i in sorted(blocks)]
        for c in calls:
            c["function"]["arguments"] = c["function"]["arguments"] or "{}"
        text = "".join(texts)
        message, finish = _assemble(text, calls, stop)
        result = ProviderResult(
            output=text,
            output_message=message,
            finish_reason=finish,
            prompt_tokens=usage.get("input_tokens"),
            output_tokens=usage.get("output_tokens"),
            provider_request=redact(body),
            provider_response={"stream": True, "stop_reason": stop, "usage": usage, "message": message},
            tool_calls=calls or None,
        )
        yield ProviderDelta(output="", finish_reason=finish, result=result)
