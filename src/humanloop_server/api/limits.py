"""The request body limit: ASGI middleware that refuses a body larger than `Settings.max_body_bytes`.

It is the outermost layer of the application, so the limit holds before anything reads a body
(the Idempotency-Key layer reads whole bodies to hash them; FastAPI parses JSON and multipart):

- a `Content-Length` above the limit is answered 413 at once, before the body is read;
- a body without a length (chunked) is counted as it arrives, and refused with 413 as soon as it
  goes over, without reading the rest.

The 413 answer is JSON, `{"detail": "..."}`, and names the limit.
"""

from __future__ import annotations

import json
from typing import Optional

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def _size(n: int) -> str:
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= factor and n % factor == 0:
            return f"{n // factor} {unit}"
    return f"{n} bytes"


def too_large_message(limit: int) -> str:
    return f"Request body too large: this server accepts at most {limit} bytes ({_size(limit)}) per request."


class BodyTooLarge(HTTPException):
    """Raised from `receive` when a streamed body goes over the limit.

    An `HTTPException`, so that FastAPI, which turns other errors met while it reads a body into
    400, passes it on and the app answers 413 with this detail.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=too_large_message(limit))


def _limit(scope: Scope) -> int:
    rt = getattr(scope["app"].state, "runtime", None)
    return int(rt.settings.max_body_bytes) if rt is not None else 0


def _content_length(scope: Scope) -> Optional[int]:
    for name, value in scope.get("headers") or []:
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = _limit(scope)
        if limit <= 0:
            await self.app(scope, receive, send)
            return
        length = _content_length(scope)
        if length is not None and length > limit:
            await _refuse(send, limit)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            # raised where no exception handler answers it (the Idempotency-Key layer reads bodies
            # before the app): answer here, unless an answer is already on its way
            if started:
                raise
            await _refuse(send, limit)


async def _refuse(send: Send, limit: int) -> None:
    body = json.dumps({"detail": too_large_message(limit)}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body, "more_body": False})
