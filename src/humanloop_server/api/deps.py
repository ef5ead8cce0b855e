"""Dependencies shared by every route.

`get_context` turns a request into "who is asking, within which transaction": it looks the hashed
`X-API-KEY` up (401 when missing or unknown), then opens a write transaction for POST, PATCH, PUT
and DELETE and a read transaction otherwise (`Database.write()` / `Database.read()`), and closes it
when the request is done. Services commit their work before they return; whatever they leave
uncommitted is rolled back if the route failed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Optional

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader
from typing_extensions import Annotated

from ..services.common import reject_nul
from ..services.context import Context, Runtime
from ..services.errors import Unauthorized
from ..services.keys import org_for_key

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
    """A service `Context` plus the raw key of the caller."""

    api_key: Optional[str] = None


def runtime_of(request: Request) -> Runtime:
    rt: Runtime = request.app.state.runtime
    return rt


def authenticate(request: Request, api_key: Optional[str]) -> str:
    """The caller's organisation (401 when the key is missing or unknown); NUL in the path or query is 422."""
    rt = runtime_of(request)
    if not api_key:
        raise Unauthorized("Missing API key: send your key in the X-API-KEY header.")
    org_id = org_for_key(rt.db, api_key)
    if org_id is None:
        raise Unauthorized("Invalid API key.")
    for name, value in request.path_params.items():
        reject_nul(value, ["path", name])
    for name, value in request.query_params.multi_items():
        reject_nul(value, ["query", name])
    return org_id


def get_context(
    request: Request, api_key: Annotated[Optional[str], Security(api_key_header)]
) -> Iterator[RequestContext]:
    """Authenticate the caller and open the request's transaction."""
    rt = runtime_of(request)
    org_id = authenticate(request, api_key)
    transaction = rt.db.write() if request.method in WRITE_METHODS else rt.db.read()
    with transaction as session:
        yield RequestContext(session=session, org_id=org_id, rt=rt, api_key=api_key)


#: What a route declares to get its caller's context. ``scope="function"``: the transaction ends
#: when the route function returns, before the response is sent (and before the Idempotency-Key
#: layer stores it), not after the whole response went out.
ContextDep = Annotated[RequestContext, Depends(get_context, scope="function")]
