"""Provider lookup and credentials.

``get_provider(name)`` answers a :class:`ProviderError` with status 422 for a provider this server
cannot call. ``resolve_api_key(name, provider_api_keys)`` picks the key for one request: the one the
request carries (used for that request only, never stored or logged), else the server's environment
variable (``OPENAI_API_KEY``, ``ANTHROPIC_API_KEY``, ``DEEPSEEK_API_KEY``); a provider that needs a key and has none is a
400. Base URLs come from ``OPENAI_BASE_URL`` / ``ANTHROPIC_BASE_URL`` / ``DEEPSEEK_BASE_URL`` (read at call time), so an
OpenAI-compatible local model server can stand in for OpenAI.
"""

from __future__ import annotations

import os
from typing import Any, Dict, Mapping, Optional

from .anthropic import AnthropicProvider
from .base import Provider, ProviderError
from .config import KEY_ENV, resolve_base_url
from .mock import MockProvider
from .openai import DeepSeekProvider, OpenAIProvider

__all__ = ["SUPPORTED", "get_provider", "resolve_api_key", "resolve_base_url"]


SUPPORTED = ("anthropic", "deepseek", "mock", "openai")

_instances: Dict[str, Provider] = {}


def _make(name: str) -> Provider:
    if name == "mock":
        return MockProvider()
    if name == "openai":
        return OpenAIProvider()
    if name == "anthropic":
        return AnthropicProvider()
    if name == "deepseek":
        return DeepSeekProvider()
    raise KeyError(name)


def get_provider(name: Optional[str]) -> Provider:
    """The provider called ``name`` (422 :class:`ProviderError` when this server does not support it)."""
    key = (name or "openai").lower()
    if key not in SUPPORTED:
        raise ProviderError(
            422,
            f"Provider {name!r} is not supported by this server; supported providers: {', '.join(SUPPORTED)}",
            type="unsupported_provider",
        )
    if key not in _instances:
        _instances[key] = _make(key)
    return _instances[key]


def resolve_api_key(
    name: str, provider_api_keys: Optional[Mapping[str, Any]] = None, environ: Optional[Mapping[str, str]] = None
) -> Optional[str]:
    """The key to call ``name`` with: the request's, else the environment's; 400 when one is needed and absent."""
    provider = get_provider(name)
    given = (provider_api_keys or {}).get(name) if provider_api_keys else None
    if given:
        return str(given)
    env = os.environ if environ is None else environ
    var = KEY_ENV.get(name)
    if var and env.get(var):
        return env[var]
    if not provider.requires_key:
        return None
    raise ProviderError(
        400,
        f"No API key for provider {name!r}: pass it in provider_api_keys.{name} "
        f"or set {var} in the server's environment",
        type="missing_provider_key",
    )
