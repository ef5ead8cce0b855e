"""`Idempotency-Key` support for POST, PATCH and DELETE (the HTTP side; the records and the held
transaction: `services.idempotency`).

A keyed request (per organisation) whose key has an answer stored gets that answer again, without
acting, even when the client never saw the first one; a key reused for a different request gets
422. Otherwise the request runs with its write transaction held open (`get_context` takes it from
the scope under `KEYED_REQUEST`): when its answer is complete, the answer is stored in that same
transaction and committed with the request's work, then sent. So the work is stored once or not at
all, whatever happens to the server: after a crash, a retry either replays or runs. Server errors
(5xx) store nothing and undo the work; streamed answers are never stored (their Logs are written
as they end, outside the held transaction). A duplicate that arrives while the first request runs
waits for it (PostgreSQL: at most `idempotency_wait_seconds`, then 409 with `x-should-retry`).
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
from typing import Any, Callable, Dict, List, Optional, Tuple, TypeVar

import anyio
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..services import idempotency as records
from ..services.context import Runtime
from ..services.errors import BadRequest
from ..services.keys import org_for_key
from .deps import KEYED_REQUEST, api_key_of

METHODS = frozenset({"POST", "PATCH", "DELETE"})

T = TypeVar("T")


async def _in_own_thread(fn: Callable[..., T], *args: Any) -> T:
    """Run ``fn`` in a thread that does not wait for a free slot of the shared thread pool: it ends
    a transaction that may hold SQLite's write lock, which the threads of that pool may be waiting
    for (FastAPI ends dependencies the same way)."""
    return await anyio.to_thread.run_sync(functools.partial(fn, *args), limiter=anyio.CapacityLimiter(1))


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in METHODS:
            await self.app(scope, receive, send)
            return
        raw_headers = scope.get("headers") or []
        keys = [v for k, v in raw_headers if k.lower() == b"idempotency-key" and v]
        rt: Optional[Runtime] = getattr(scope["app"].state, "runtime", None)
        try:
            api_key = api_key_of(raw_headers)
        except BadRequest:
            api_key = None  # the route refuses it, by the same rule
        if not keys or not api_key or rt is None:
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        refusal = _refusal(keys, path)
        if refusal is not None:
            if await run_in_threadpool(org_for_key, rt.db, api_key) is None:  # the route answers 401
                await self.app(scope, receive, send)
                return
            status, detail = refusal
            await _send_json(send, status, {"detail": detail})
            return
        key = keys[0].decode("latin-1")

        body = await _read_body(receive)
        if body is None:  # the client hung up before its request was complete: do nothing
            return
        query = scope.get("query_string", b"")
        request_hash = hashlib.sha256(b"\n".join([scope["method"].encode(), path.encode(), query, body])).hexdigest()
        settings = rt.settings
        # the organisation is the route's to find (``deps.authenticate`` gives it to ``keyed``), and
        # the key is looked up as the route's write transaction begins: no transaction of its own
        keyed = records.KeyedRequest(
            rt.db,
            None,
            key,
            scope["method"],
            path,
            request_hash,
            ttl_seconds=settings.idempotency_ttl_seconds,
            wait_seconds=settings.idempotency_wait_seconds,
        )
        scope[KEYED_REQUEST] = keyed
        try:
            await self._run(scope, body, send, keyed)
        finally:
            if keyed.is_open:  # still open after a stream or a failure: roll it back
                await _in_own_thread(keyed.abandon)

    async def _run(self, scope: Scope, body: bytes, send: Send, keyed: records.KeyedRequest) -> None:
        replay_receive = _replaying(body)

        start: Optional[Message] = None
        chunks: List[bytes] = []
        streaming = False

        async def capture(message: Message) -> None:
            nonlocal start, streaming
            if message["type"] == "http.response.start":
                start = message
                ctype = _header(message, b"content-type") or b""
                if ctype.startswith(b"text/event-stream"):
                    streaming = True
                    if keyed.is_open:
                        await _in_own_thread(keyed.abandon)
                    await send(message)
                return
            if message["type"] == "http.response.body":
                if streaming:
                    await send(message)
                    return
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    assert start is not None
                    payload = b"".join(chunks)
                    status = int(start["status"])
                    content_type = (_header(start, b"content-type") or b"").decode("latin-1") or None
                    if keyed.settled:  # the route stored its answer itself (deps.answer_now)
                        instead = keyed.finish(status, content_type, payload)
                    else:
                        instead = await _in_own_thread(keyed.finish, status, content_type, payload)
                    if instead is not None:  # the key was used by another request first: its answer
                        await _send_stored(send, instead)
                        return
                    await send(start)
                    await send({"type": "http.response.body", "body": payload, "more_body": False})
                return
            await send(message)

        await self.app(scope, replay_receive, capture)


async def _send_stored(send: Send, stored: records.Stored) -> None:
    if stored.outcome == "replay":
        await _send(send, stored.status, stored.body, stored.content_type, replayed=True)
        return
    await _send_json(
        send,
        422,
        {
            "detail": [
                {
                    "loc": ["header", "Idempotency-Key"],
                    "msg": "This Idempotency-Key was already used for a different request.",
                    "type": "idempotency_key_reused",
                }
            ]
        },
    )


def _refusal(keys: List[bytes], path: str) -> Optional[Tuple[int, Any]]:
    """Why a request's Idempotency-Key cannot be honoured, as (status, detail); None when it can.

    A key is kept whole, never cut: two different long keys must not become one.
    """
    if len(keys) > 1:
        return 400, f"Send one Idempotency-Key header; this request has {len(keys)}."
    key = keys[0].decode("latin-1")
    if len(key) > records.KEY_MAX:
        msg = f"An Idempotency-Key has at most {records.KEY_MAX} characters; this one has {len(key)}."
        return 422, [{"loc": ["header", "Idempotency-Key"], "msg": msg, "type": "string_too_long"}]
    if len(path) > records.PATH_MAX:
        msg = (
            f"A request with an Idempotency-Key has a path of at most {records.PATH_MAX} characters; "
            f"this one has {len(path)}."
        )
        return 422, [{"loc": ["path"], "msg": msg, "type": "string_too_long"}]
    return None


def _header(message: Message, name: bytes) -> Optional[bytes]:
    for k, v in message.get("headers") or []:
        if k.lower() == name:
            return bytes(v)
    return None


def _replaying(body: bytes) -> Receive:
    """A ``receive`` that gives ``body`` (read in full already) once, then waits for nothing."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()  # never: the body was read in full
        return {"type": "http.disconnect"}

    return receive


async def _read_body(receive: Receive) -> Optional[bytes]:
    parts: List[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.request":
            parts.append(message.get("body", b""))
            if not message.get("more_body", False):
                return b"".join(parts)
        elif message["type"] == "http.disconnect":
            return None


async def _send(
    send: Send,
    status: int,
    body: bytes,
    ctype: Optional[str],
    replayed: bool = False,
    extra: Optional[List[Tuple[bytes, bytes]]] = None,
) -> None:
    headers = [(b"content-length", str(len(body)).encode())]
    if ctype:
        headers.append((b"content-type", ctype.encode("latin-1")))
    if replayed:
        headers.append((b"idempotent-replayed", b"true"))
    headers.extend(extra or [])
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def _send_json(
    send: Send, status: int, content: Dict[str, Any], extra: Optional[List[Tuple[bytes, bytes]]] = None
) -> None:
    await _send(send, status, json.dumps(content).encode(), "application/json", extra=extra)
