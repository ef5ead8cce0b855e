"""`Idempotency-Key` support for POST, PATCH and DELETE.

The first request with a key (per organisation) claims it by inserting a row (a unique index makes
the claim atomic across threads and server processes), runs, and stores its status and body before
the response is sent. A repeat within the TTL gets the stored response without acting again, even
when the client never saw the first response. A repeat that arrives while the first one still runs
waits for it, and after a while gets 409 with `x-should-retry: true`. A key reused for a different
request gets 422. Server errors (5xx) and streamed responses are not stored.
"""

import asyncio
import datetime as dt
import hashlib
import json
from typing import Any, Dict, List, Optional, Tuple

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .db.models import IdempotencyRecord, utcnow

METHODS = frozenset({"POST", "PATCH", "DELETE"})
#: a claim older than this without a stored response belongs to a request that died
STALE_AFTER = dt.timedelta(minutes=5)


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in METHODS:
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope.get("headers") or []}
        raw_key = headers.get(b"idempotency-key")
        api_key = headers.get(b"x-api-key")
        state = scope["app"].state
        if not raw_key or not api_key or not hasattr(state, "write_sessions"):
            await self.app(scope, receive, send)
            return
        key = raw_key.decode("latin-1")[:255]
        org_id = await run_in_threadpool(_org_for_key, state, api_key.decode("latin-1"))
        if org_id is None:  # the route answers 401
            await self.app(scope, receive, send)
            return

        body = await _read_body(receive)
        if body is None:  # the client hung up before its request was complete: do nothing
            return
        path = scope.get("path", "")
        query = scope.get("query_string", b"")
        request_hash = hashlib.sha256(b"\n".join([scope["method"].encode(), path.encode(), query, body])).hexdigest()
        settings = state.settings
        deadline = asyncio.get_running_loop().time() + settings.idempotency_wait_seconds
        while True:
            outcome = await run_in_threadpool(
                _claim, state, org_id, key, scope["method"], path, request_hash, settings.idempotency_ttl_seconds
            )
            kind = outcome[0]
            if kind == "replay":
                _, status, ctype, stored = outcome
                await _send(send, status, stored, ctype, replayed=True)
                return
            if kind == "mismatch":
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
                return
            if kind == "busy":
                if asyncio.get_running_loop().time() >= deadline:
                    await _send_json(
                        send,
                        409,
                        {"detail": "A request with this Idempotency-Key is still being processed; retry later."},
                        extra=[(b"x-should-retry", b"true"), (b"retry-after", b"1")],
                    )
                    return
                await asyncio.sleep(0.05)
                continue
            break
        record_id = outcome[1]
        await self._run_and_store(scope, body, send, state, record_id)

    async def _run_and_store(self, scope: Scope, body: bytes, send: Send, state: Any, record_id: int) -> None:
        sent_body = False

        async def replay_receive() -> Message:
            nonlocal sent_body
            if not sent_body:
                sent_body = True
                return {"type": "http.request", "body": body, "more_body": False}
            await asyncio.Event().wait()  # never: the body was read in full
            return {"type": "http.disconnect"}

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
                    await run_in_threadpool(_release, state, record_id)
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
                    ctype = (_header(start, b"content-type") or b"").decode("latin-1") or None
                    if status >= 500:
                        await run_in_threadpool(_release, state, record_id)
                    else:
                        await run_in_threadpool(_store, state, record_id, status, ctype, payload)
                    await send(start)
                    await send({"type": "http.response.body", "body": payload, "more_body": False})
                return
            await send(message)

        try:
            await self.app(scope, replay_receive, capture)
        except BaseException:
            await run_in_threadpool(_release, state, record_id)
            raise


def _header(message: Message, name: bytes) -> Optional[bytes]:
    for k, v in message.get("headers") or []:
        if k.lower() == name:
            return v
    return None


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


# ------------------------------------------------------------------ database side (threads)


def _org_for_key(state: Any, api_key: str) -> Optional[str]:
    from .services.seed import org_for_key

    with state.read_sessions() as s:
        return org_for_key(s, api_key)


def _claim(
    state: Any, org_id: str, key: str, method: str, path: str, request_hash: str, ttl_seconds: int
) -> Tuple[Any, ...]:
    for _ in range(5):
        with state.write_sessions() as s:
            rec = IdempotencyRecord(
                org_id=org_id, key=key, method=method, path=path, request_hash=request_hash, created_at=utcnow()
            )
            s.add(rec)
            try:
                s.commit()
                return ("new", rec.id)
            except IntegrityError:
                s.rollback()
            existing = s.execute(
                select(IdempotencyRecord).where(IdempotencyRecord.org_id == org_id, IdempotencyRecord.key == key)
            ).scalar_one_or_none()
            if existing is None:
                continue  # released meanwhile: claim again
            age = utcnow() - existing.created_at
            expired = age > dt.timedelta(seconds=ttl_seconds)
            abandoned = existing.status_code is None and age > STALE_AFTER
            if expired or abandoned:
                s.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == existing.id))
                s.commit()
                continue
            if existing.request_hash != request_hash:
                return ("mismatch",)
            if existing.status_code is None:
                return ("busy",)
            return ("replay", existing.status_code, existing.content_type, existing.response_body or b"")
    return ("busy",)


def _store(state: Any, record_id: int, status: int, ctype: Optional[str], body: bytes) -> None:
    with state.write_sessions() as s:
        rec = s.get(IdempotencyRecord, record_id)
        if rec is not None:
            rec.status_code = status
            rec.content_type = ctype
            rec.response_body = body
            s.commit()


def _release(state: Any, record_id: int) -> None:
    with state.write_sessions() as s:
        s.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == record_id))
        s.commit()


def sweep(state: Any, ttl_seconds: int) -> int:
    """Forget keys older than the TTL; returns how many."""
    cutoff = utcnow() - dt.timedelta(seconds=ttl_seconds)
    with state.write_sessions() as s:
        res = s.execute(delete(IdempotencyRecord).where(IdempotencyRecord.created_at < cutoff))
        s.commit()
        return int(res.rowcount or 0)
