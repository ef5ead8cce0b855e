"""What every model provider implements, and the types passed to and from it.

A provider turns a :class:`ProviderRequest` (a populated Prompt kernel plus credentials) into a
:class:`ProviderResult` (``complete``), or into an iterator of :class:`ProviderDelta` (``stream``)
whose last item carries the assembled result in ``result``.

Providers never raise anything but :class:`ProviderError` for expected failures (missing key,
provider HTTP error, unreachable provider, unparsable answer); ``to_error()`` turns one into the
service error the API answers, with ``detail = {type, message, code, origin}``.
"""

from __future__ import annotations

import abc
import dataclasses
from typing import Any, Dict, Iterator, List, Optional, Union

from ..services.errors import ProviderFailed

#: request keys that carry credentials and must never reach a stored Log
SECRET_KEYS = frozenset({"api_key", "api-key", "authorization", "x-api-key", "provider_api_keys"})


@dataclasses.dataclass
class ProviderRequest:
    model: str
    endpoint: str = "chat"  # "chat" | "complete"
    messages: List[Dict[str, Any]] = dataclasses.field(default_factory=list)
    prompt: Optional[str] = None  # the populated text template, for endpoint="complete"
    temperature: Optional[float] = None
    max_tokens: Optional[int] = None  # -1 or None: let the provider decide
    top_p: Optional[float] = None
    stop: Optional[Union[str, List[str]]] = None
    presence_penalty: Optional[float] = None
    frequency_penalty: Optional[float] = None
    seed: Optional[int] = None
    response_format: Optional[Dict[str, Any]] = None
    tools: Optional[List[Dict[str, Any]]] = None  # function definitions {name, description, parameters}
    tool_choice: Optional[Union[str, Dict[str, Any]]] = None
    #: an OpenAI effort level ("low", "medium", "high") or a token budget for Anthropic's thinking
    reasoning_effort: Optional[Union[str, int]] = None
    other: Dict[str, Any] = dataclasses.field(default_factory=dict)
    api_key: Optional[str] = dataclasses.field(default=None, repr=False)
    base_url: Optional[str] = None
    timeout: float = 300.0
    #: a model turn of an Agent's tool loop (the mock provider then plays an agent; others ignore it)
    agent_turn: bool = False


@dataclasses.dataclass
class ProviderResult:
    output: Optional[str] = None
    output_message: Dict[str, Any] = dataclasses.field(default_factory=dict)
    finish_reason: Optional[str] = None
    prompt_tokens: Optional[int] = None
    output_tokens: Optional[int] = None
    provider_request: Dict[str, Any] = dataclasses.field(default_factory=dict)  # credentials removed
    provider_response: Dict[str, Any] = dataclasses.field(default_factory=dict)
    tool_calls: Optional[List[Dict[str, Any]]] = None
    prompt_cost: Optional[float] = None
    output_cost: Optional[float] = None
    provider_latency: Optional[float] = None  # seconds; set by the caller that measured it


@dataclasses.dataclass
class ProviderDelta:
    """One streamed piece: ``output`` is the new text; the last delta has ``result`` set."""

    output: str = ""
    finish_reason: Optional[str] = None
    result: Optional[ProviderResult] = None


class ProviderError(Exception):
    """An expected failure of a provider call, answered as ``status_code`` with a structured detail."""

    def __init__(
        self,
        status_code: int,
        message: str,
        *,
        type: str = "provider_error",
        code: Any = None,
        origin: str = "Humanloop",
        retry: bool = False,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message
        self.type = type
        self.code = status_code if code is None else code
        self.origin = origin
        self.retry = retry

    @property
    def detail(self) -> Dict[str, Any]:
        return {"type": self.type, "message": self.message, "code": self.code, "origin": self.origin}

    def to_error(self) -> ProviderFailed:
        """The service error a caller raises for this failure."""
        return ProviderFailed(self.status_code, self.detail, retry=self.retry)


class Provider(abc.ABC):
    """A model provider. Implementations are stateless; one instance serves every request."""

    name: str = ""
    #: whether a key is needed (from the request's ``provider_api_keys`` or the environment)
    requires_key: bool = True

    @abc.abstractmethod
    def complete(self, request: ProviderRequest) -> ProviderResult:
        """Run the request to the end."""

    @abc.abstractmethod
    def stream(self, request: ProviderRequest) -> Iterator[ProviderDelta]:
        """Yield text deltas; the last one carries the assembled :class:`ProviderResult`."""


def redact(value: Any) -> Any:
    """A copy of ``value`` with credential-looking keys removed (recursively)."""
    if isinstance(value, dict):
        return {k: redact(v) for k, v in value.items() if str(k).lower() not in SECRET_KEYS}
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


def word_count(text: Optional[str]) -> int:
    return len(text.split()) if text else 0
