"""A request to a writing route with no body at all is read as the empty JSON object.

The SDKs send no body (and no content type) when a call sets none of its body parameters, e.g.
``prompts.update_log(id=..., log_id=...)`` or ``evaluations.pin_evaluatee(id=...)`` in the 0.8.6
SDK. Every body of this API is an object whose fields are optional unless the route says otherwise,
so "no body" means ``{}``: a route whose body has required fields still answers 422 naming them.
"""

from __future__ import annotations

from typing import List, Tuple

from starlette.types import ASGIApp, Message, Receive, Scope, Send

WITH_BODY = frozenset({"POST", "PATCH", "PUT"})


class EmptyBodyMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in WITH_BODY or not _has_no_body(scope):
            await self.app(scope, receive, send)
            return
        replaced = False

        async def receive_empty_object() -> Message:
            nonlocal replaced
            message = await receive()
            if not replaced and message["type"] == "http.request":
                replaced = True  # the request's (empty) body becomes "{}"
                return {"type": "http.request", "body": b"{}", "more_body": False}
            return message

        headers: List[Tuple[bytes, bytes]] = [
            (k, v) for k, v in scope.get("headers") or [] if k.lower() not in (b"content-length", b"content-type")
        ]
        headers += [(b"content-type", b"application/json"), (b"content-length", b"2")]
        await self.app({**scope, "headers": headers}, receive_empty_object, send)


def _has_no_body(scope: Scope) -> bool:
    """No content type, and a length of zero or no length and no chunked transfer announced."""
    length = None
    for key, value in scope.get("headers") or []:
        name = key.lower()
        if name == b"content-type":
            return False
        if name == b"transfer-encoding":
            return False
        if name == b"content-length":
            length = value
    return length is None or length.strip() == b"0"
