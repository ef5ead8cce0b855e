"""Dependencies shared by every route.

`get_context` is the single place where a request becomes "who is asking, and with which database
session". It is a placeholder now: it only reads the API key. The persistence layer will replace
its body (open a session, look the hashed key up, resolve the organisation, reject unknown keys)
without any route changing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from fastapi import Security
from fastapi.security import APIKeyHeader
from typing_extensions import Annotated

#: The API key header. `scheme_name` is the security scheme's name in the OpenAPI document.
api_key_header = APIKeyHeader(
    name="X-API-KEY",
    scheme_name="APIKeyHeader",
    description="API key of your organisation, sent with every request in the `X-API-KEY` header.",
    auto_error=False,
)


@dataclass
class RequestContext:
    """What a handler knows about the caller."""

    api_key: Optional[str]
    #: Database session for this request (set once the persistence layer exists).
    session: Any = None
    #: Organisation that owns the API key (set once authentication exists).
    organization: Any = None


def get_context(api_key: Annotated[Optional[str], Security(api_key_header)]) -> RequestContext:
    """Build the request context. Placeholder: no session, no key check yet."""
    return RequestContext(api_key=api_key)
