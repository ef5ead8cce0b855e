"""Dependencies shared by every route.

`get_context` turns a request into "who is asking, within which transaction": it looks the hashed
`X-API-KEY` up (401 when missing or unknown), then opens a write transaction for POST, PATCH, PUT
and DELETE and a read transaction otherwise (`Database.write()` / `Database.read()`), and closes it
when the request is done. Services commit their work before they return; whatever they leave
uncommitted is rolled back if the route failed. A request with an Idempotency-Key is the exception:
its write transaction is held (`Context.held`) and committed by the Idempotency-Key layer together
with the answer, once the answer is complete; a failing route rolls it back here.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, AsyncIterator, Dict, Iterable, Iterator, Optional, Tuple, Type

import anyio
from fastapi import Depends, Request, Response, Security
from fastapi.security import APIKeyHeader
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from typing_extensions import Annotated

from ..services.common import reject_nul
from ..services.context import Context, Runtime
from ..services.errors import BadRequest, Unauthorized
from ..services.idempotency import KeyedRequest
from ..services.keys import org_for_key

#: The API key header. `scheme_name` is the security scheme's name in the OpenAPI document.
api_key_header = APIKeyHeader(
    name="X-API-KEY",
    scheme_name="APIKeyHeader",
    description="API key of your organisation, sent with every request in the `X-API-KEY` header.",
    auto_error=False,
)

WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})

#: ASGI scope entry under which the Idempotency-Key layer hands a keyed request's held
#: transaction (``services.idempotency.KeyedRequest``) to :func:`get_context`
KEYED_REQUEST = "humanloop.keyed_request"


@dataclass
class RequestContext(Context):
    """A service `Context` plus the raw key of the caller."""

    api_key: Optional[str] = None


def api_key_of(headers: Iterable[Tuple[bytes, bytes]]) -> Optional[str]:
    """The `X-API-KEY` of a request (raw ASGI headers); None when there is none.

    A request with more than one is refused (`BadRequest`, 400): the routes and the Idempotency-Key
    layer both read the key here, so no two parts of the server can take different ones.
    """
    values = [value for name, value in headers if name.lower() == b"x-api-key"]
    if len(values) > 1:
        raise BadRequest(f"Send one X-API-KEY header; this request has {len(values)}.")
    return values[0].decode("latin-1") if values else None


def runtime_of(request: Request) -> Runtime:
    rt: Runtime = request.app.state.runtime
    return rt


def authenticate(request: Request) -> str:
    """The caller's organisation (401 when the key is missing or unknown, 400 for two keys); NUL in
    the path or query is 422. The routes (through `get_context`) and the benchmark's floor route
    authenticate alike."""
    rt = runtime_of(request)
    api_key = api_key_of(request.scope.get("headers") or [])
    if not api_key:
        raise Unauthorized("Missing API key: send your key in the X-API-KEY header.")
    org_id = org_for_key(rt.db, api_key)
    if org_id is None:
        raise Unauthorized("Invalid API key.")
    keyed: Optional[KeyedRequest] = request.scope.get(KEYED_REQUEST)
    if keyed is not None:
        keyed.org_id = org_id  # its key is the organisation's: looked up when its transaction begins
    for name, value in request.path_params.items():
        reject_nul(value, ["path", name])
    for name, value in request.query_params.multi_items():
        reject_nul(value, ["query", name])
    return org_id


@contextmanager
def _request_context(request: Request) -> Iterator[RequestContext]:
    """Authenticate the caller and open the request's transaction (blocking: run in a thread)."""
    rt = runtime_of(request)
    org_id = authenticate(request)
    api_key = api_key_of(request.scope.get("headers") or [])
    keyed: Optional[KeyedRequest] = request.scope.get(KEYED_REQUEST)
    if keyed is not None and request.method in WRITE_METHODS:
        # a request with an Idempotency-Key: its transaction is held by the Idempotency-Key layer,
        # which commits it together with the answer (or rolls it back); it begins at the route's
        # first statement, so the body is validated without holding SQLite's write lock
        session = keyed.open_deferred()
        try:
            yield RequestContext(session=session, org_id=org_id, rt=rt, api_key=api_key, held=keyed)
        except BaseException:
            keyed.abandon()
            raise
        return
    # a write transaction begins at the first statement (the body is validated after this opens)
    transaction = rt.db.write(deferred=True) if request.method in WRITE_METHODS else rt.db.read()
    with transaction as session:
        yield RequestContext(session=session, org_id=org_id, rt=rt, api_key=api_key)


async def get_context(
    request: Request, declared: Annotated[Optional[str], Security(api_key_header)]
) -> AsyncIterator[RequestContext]:
    """The caller's context: `_request_context`, opened in a thread of the pool.

    ``declared`` (the security scheme of the OpenAPI document) reads the header as Starlette does,
    the first of several; the key used is the one `api_key_of` reads.

    FastAPI would run a blocking dependency's exit in a thread too. Here a request with an
    Idempotency-Key that went well ends on the event loop: its transaction belongs to the
    Idempotency-Key layer, so the exit does nothing, and the thread hop (a tenth of a millisecond
    of every `prompts.log` under load) is saved. Any other exit may commit or roll back, and runs
    in a thread that does not wait for a free slot of the pool (the slots may all be held by
    requests waiting for the write turn this transaction holds, as FastAPI also guards against).
    """
    opened = _request_context(request)
    ctx = await run_in_threadpool(opened.__enter__)
    try:
        yield ctx
    except BaseException as exc:
        with anyio.CancelScope(shield=True):
            suppressed = await anyio.to_thread.run_sync(
                opened.__exit__, type(exc), exc, exc.__traceback__, limiter=anyio.CapacityLimiter(1)
            )
        if not suppressed:
            raise
        return
    if isinstance(ctx.held, KeyedRequest):
        opened.__exit__(None, None, None)  # returns at once: nothing to end
        return
    with anyio.CancelScope(shield=True):
        await anyio.to_thread.run_sync(opened.__exit__, None, None, None, limiter=anyio.CapacityLimiter(1))


#: What a route declares to get its caller's context. ``scope="function"``: the transaction ends
#: when the route function returns, before the response is sent (and before the Idempotency-Key
#: layer stores it), not after the whole response went out.
ContextDep = Annotated[RequestContext, Depends(get_context, scope="function")]


def answer_now(ctx: RequestContext, model: Type[BaseModel], data: Dict[str, Any]) -> Response:
    """A route's 200 answer ``data``, rendered here as FastAPI renders a ``response_model=model``
    answer (validated by the model, dumped to JSON by pydantic, by alias), for a route whose
    decorator still declares that model.

    For a request with an Idempotency-Key the answer is stored and the held transaction committed
    right here, in the route's thread: otherwise SQLite's write lock stays held while the answer
    travels through the event loop and back into a thread to be stored, and under load those
    hops were most of the time every other writer waited. (When another request's answer comes
    first, the Idempotency-Key layer sends that one instead.)
    """
    body = model.model_validate(data).model_dump_json(by_alias=True).encode()
    if isinstance(ctx.held, KeyedRequest):
        ctx.held.finish(200, "application/json", body)
    return Response(content=body, media_type="application/json")
