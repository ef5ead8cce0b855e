"""OpenAI, DeepSeek and OpenAI-compatible servers (vLLM, llama.cpp, Ollama, LM Studio ...) over plain httpx.

- ``endpoint="chat"`` -> ``POST {base}/chat/completions``; ``endpoint="complete"`` -> ``POST {base}/completions``.
- Base URL: ``ProviderRequest.base_url``, else ``OPENAI_BASE_URL``, else ``https://api.openai.com/v1``.
- Key: ``Authorization: Bearer <key>`` (the request's ``provider_api_keys.openai``, else ``OPENAI_API_KEY``).
- Streaming: ``"stream": true``; the SSE lines are parsed here (``data: {...}`` ... ``data: [DONE]``);
  text and tool-call deltas are assembled into the final result. Usage is requested with
  ``stream_options.include_usage`` from the public OpenAI API only (some compatible servers reject
  unknown fields).
- ``max_tokens`` of ``-1`` (or unset) is left out, so the server decides; ``other`` is merged into the body.
- ``reasoning_effort``: a level (``low`` / ``medium`` / ``high``) is sent as ``reasoning_effort``; an
  integer budget (Anthropic's form) is not sent.
- DeepSeek (``provider="deepseek"``) speaks the same protocol: :class:`DeepSeekProvider` differs only in
  its base URL (``DEEPSEEK_BASE_URL``, else ``https://api.deepseek.com``), its key
  (``provider_api_keys.deepseek``, else ``DEEPSEEK_API_KEY``) and the name its errors carry.
"""

from __future__ import annotations

from typing import Any, Dict, Iterator, List, Optional

import httpx

from . import _http
from .base import Provider, ProviderDelta, ProviderError, ProviderRequest, ProviderResult, redact
from .config import resolve_base_url

LABEL = "OpenAI"
PUBLIC = "https://api.openai.com/v1"
DEEPSEEK_PUBLIC = "https://api.deepseek.com"


def _tools(tools: Optional[List[Dict[str, Any]]]) -> Optional[List[Dict[str, Any]]]:
    if not tools:
        return None
    out = []
    for t in tools:
        fn = {k: v for k, v in t.items() if k in ("name", "description", "parameters", "strict") and v is not None}
        if not fn.get("strict"):
            fn.pop("strict", None)
        out.append({"type": "function", "function": fn})
    return out


def build_body(request: ProviderRequest, reasoning: bool = True) -> Dict[str, Any]:
    """The JSON body; ``reasoning``: whether the server takes OpenAI's ``reasoning_effort`` level."""
    body: Dict[str, Any] = {"model": request.model}
    if request.endpoint == "complete":
        body["prompt"] = request.prompt or ""
    else:
        body["messages"] = [{k: v for k, v in m.items() if v is not None} for m in request.messages]
    for name in ("temperature", "top_p", "stop", "presence_penalty", "frequency_penalty", "seed"):
        value = getattr(request, name)
        if value is not None:
            body[name] = value
    if request.max_tokens is not None and request.max_tokens > 0:
        body["max_tokens"] = request.max_tokens
    if request.response_format:
        body["response_format"] = request.response_format
    if reasoning and isinstance(request.reasoning_effort, str) and request.reasoning_effort:
        body["reasoning_effort"] = request.reasoning_effort
    tools = _tools(request.tools)
    if tools and request.endpoint != "complete":
        body["tools"] = tools
        if request.tool_choice is not None:
            body["tool_choice"] = request.tool_choice
    body.update(request.other or {})
    return body


def _result(request_body: Dict[str, Any], response: Dict[str, Any], endpoint: str) -> ProviderResult:
    choices = response.get("choices") or []
    choice = choices[0] if choices and isinstance(choices[0], dict) else {}
    usage = response.get("usage") or {}
    if endpoint == "complete":
        text = choice.get("text")
        message: Dict[str, Any] = {"role": "assistant", "content": text}
        tool_calls = None
    else:
        raw = choice.get("message") or {}
        text = raw.get("content")
        if isinstance(text, list):  # some compatible servers answer content parts
            text = "".join(p.get("text", "") for p in text if isinstance(p, dict))
        tool_calls = raw.get("tool_calls") or None
        message = {"role": raw.get("role") or "assistant", "content": text}
        if tool_calls:
            message["tool_calls"] = tool_calls
    return ProviderResult(
        output=text if text is not None else ("" if tool_calls else None),
        output_message=message,
        finish_reason=choice.get("finish_reason"),
        prompt_tokens=usage.get("prompt_tokens"),
        output_tokens=usage.get("completion_tokens"),
        provider_request=redact(request_body),
        provider_response=redact(response),
        tool_calls=tool_calls,
    )


class OpenAIProvider(Provider):
    name = "openai"
    requires_key = True
    #: how errors name the provider
    label = LABEL
    #: the provider's own API, which accepts ``stream_options`` (compatible servers may not)
    public_url = PUBLIC
    #: whether ``reasoning_effort`` levels are sent (a token budget never is)
    reasoning = True

    def _target(self, request: ProviderRequest) -> str:
        base = (request.base_url or resolve_base_url(self.name)).rstrip("/")
        return base + ("/completions" if request.endpoint == "complete" else "/chat/completions")

    def _headers(self, request: ProviderRequest) -> Dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if request.api_key:
            headers["Authorization"] = f"Bearer {request.api_key}"
        return headers

    def complete(self, request: ProviderRequest) -> ProviderResult:
        url = self._target(request)
        body = build_body(request, self.reasoning)
        try:
            with _http.client(url, request.timeout) as http:
                response = http.post(url, json=body, headers=self._headers(request))
        except httpx.HTTPError as exc:
            raise _http.transport_error(exc, self.label, url) from None
        if response.status_code >= 400:
            raise _http.status_error(response, self.label)
        return _result(body, _http.parse_json(response, self.label), request.endpoint)

    def stream(self, request: ProviderRequest) -> Iterator[ProviderDelta]:
        url = self._target(request)
        body = build_body(request, self.reasoning)
        body["stream"] = True
        if url.startswith(self.public_url):
            body["stream_options"] = {"include_usage": True}
        headers = self._headers(request)
        headers["Accept"] = "text/event-stream"
        text: List[str] = []
        tool_calls: Dict[int, Dict[str, Any]] = {}
        finish: Optional[str] = None
        usage: Dict[str, Any] = {}
        last: Dict[str, Any] = {}
        role = "assistant"
        try:
            with _http.client(url, request.timeout) as http:
                with http.stream("POST", url, json=body, headers=headers) as response:
                    if response.status_code >= 400:
                        raise _http.status_error(response, self.label)
                    for _event, data in _http.sse_events(response):
                        if data.strip() == "[DONE]":
                            break
                        chunk = _http.loads(data, self.label)
                        if isinstance(chunk.get("error"), dict):
                            err = chunk["error"]
                            raise ProviderError(
                                502,
                                f"{self.label} failed while streaming: {err.get('message')}",
                                type=err.get("type") or "provider_error",
                                origin=self.label,
                            )
                        last = chunk
                        if isinstance(chunk.get("usage"), dict):
                            usage = chunk["usage"]
                        for choice in chunk.get("choices") or []:
                            if not isinstance(choice, dict) or choice.get("index", 0) != 0:
                                continue
                            if choice.get("finish_reason"):
                                finish = choice["finish_reason"]
                            if request.endpoint == "complete":
                                piece = choice.get("text")
                            else:
                                delta = choice.get("delta") or {}
                                role = delta.get("role") or role
                                piece = delta.get("content")
                                for tc in delta.get("tool_calls") or []:
                                    slot = tool_calls.setdefault(
                                        int(tc.get("index", 0)),
                                        {"id": None, "type": "function", "function": {"name": "", "arguments": ""}},
                                    )
                                    if tc.get("id"):
                                        slot["id"] = tc["id"]
                                    fn = tc.get("function") or {}
                                    if fn.get("name"):
                                        slot["function"]["name"] += fn["name"]
                                    if fn.get("arguments"):
                                        slot["function"]["arguments"] += fn["arguments"]
                            if piece:
                                text.append(piece)
                                yield ProviderDelta(output=piece)
        except httpx.HTTPError as exc:
            raise _http.transport_error(exc, self.label, url) from None
        output = "".join(text)
        calls = [tool_calls[i] for i in sorted(tool_calls)] or None
        message: Dict[str, Any] = {"role": role, "content": output if (output or not calls) else None}
        if calls:
            message["tool_calls"] = calls
        summary = {k: v for k, v in last.items() if k not in ("choices",)}
        summary.update({"choices": [{"index": 0, "message": message, "finish_reason": finish}], "stream": True})
        if usage:
            summary["usage"] = usage
        result = ProviderResult(
            output=output,
            output_message=message,
            finish_reason=finish,
            prompt_tokens=usage.get("prompt_tokens"),
            output_tokens=usage.get("completion_tokens"),
            provider_request=redact(body),
            provider_response=redact(summary),
            tool_calls=calls,
        )
        yield ProviderDelta(output="", finish_reason=finish, result=result)


class DeepSeekProvider(OpenAIProvider):
    """DeepSeek's chat completions API, which follows OpenAI's: only the name, key and address differ."""

    name = "deepseek"
    label = "DeepSeek"
    public_url = DEEPSEEK_PUBLIC
    reasoning = False  # DeepSeek's reasoner takes no effort setting


__all__ = ["DeepSeekProvider", "OpenAIProvider", "build_body"]
