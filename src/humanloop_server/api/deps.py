"""Dependencies shared by every route.

`get_context` turns a request into "who is asking, and with which database session": it opens a
session (a writing one for POST/PATCH/PUT/DELETE), looks the hashed `X-API-KEY` up, and answers
401 when the key is missing or unknown. The session is closed when the request is done; services
commit their own writes before returning.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator, Optional

from fastapi import HTTPException, Request, Security
from fastapi.security import APIKeyHeader
from typing_extensions import Annotated

from ..services.common import Context, reject_nul

#: The API key header. `scheme_name` is the security scheme's name in the OpenAPI document.
api_key_header = APIKeyHeader(
    name="X-API-KEY",
    scheme_name="APIKeyHeader",
    description="API key of your organisation, sent with every request in the `X-API-KEY` header.",
    auto_error=False,
)

WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})


@dataclass
class RequestContext(Context):
    """What a handler knows about the caller: a service `Context` plus the raw key."""

    api_key: Optional[str] = None
    organization: Any = None


def get_context(
    request: Request, api_key: Annotated[Optional[str], Security(api_key_header)]
) -> Iterator[RequestContext]:
    """Open a session and authenticate the caller."""
    from ..services.seed import org_for_key

    state = request.app.state
    if not api_key:
        raise HTTPException(
            status_code=401,
            detail="Missing API key: send your key in the X-API-KEY header.",
            headers={"WWW-Authenticate": "APIKey"},
        )
    with state.read_sessions() as probe:
        org_id = org_for_key(probe, api_key)
    if org_id is None:
        raise HTTPException(status_code=401, detail="Invalid API key.", headers={"WWW-Authenticate": "APIKey"})
    for name, value in request.path_params.items():
        reject_nul(value, ["path", name])
    for name, value in request.query_params.multi_items():
        reject_nul(value, ["query", name])
    factory = state.write_sessions if request.method in WRITE_METHODS else state.read_sessions
    session = factory()
    try:
        yield RequestContext(session=session, org_id=org_id, api_key=api_key, organization=org_id)
    finally:
        session.close()
