"""Model providers that ``prompts.call`` (and server-side LLM evaluators) send Prompts to.

``get_provider(name)`` (in :mod:`.registry`) returns a :class:`~.base.Provider`; see :mod:`.base`
for the request/result types and the error type every provider raises.
"""

from .base import Provider, ProviderDelta, ProviderError, ProviderRequest, ProviderResult
from .registry import SUPPORTED, get_provider, resolve_api_key

__all__ = [
    "Provider",
    "ProviderDelta",
    "ProviderError",
    "ProviderRequest",
    "ProviderResult",
    "SUPPORTED",
    "get_provider",
    "resolve_api_key",
]
