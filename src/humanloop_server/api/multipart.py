"""A multipart upload whose content type lacks its boundary gets the boundary from the body.

The published 0.8.38 SDK sets ``content-type: multipart/form-data`` itself for
``datasets.upload_csv``, which replaces the header httpx would have written, so the request
arrives without ``boundary=``; the body itself is well-formed and starts with ``--<boundary>``.
Starlette refuses such a request ("Missing boundary in multipart"), and programs of that era could
not upload a CSV. This middleware reads the boundary off the first line of the body and puts it
back in the header; every other request passes through untouched.
"""

from __future__ import annotations

import re
from typing import List, Optional

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# RFC 2046: 1 to 70 characters from this set (a space only inside, never last)
_FIRST_LINE = re.compile(
    rb"--([0-9A-Za-z'()+_,./:=?-][0-9A-Za-z'()+_,./:=? -]{0,68}[0-9A-Za-z'()+_,./:=?-]|[0-9A-Za-z'()+_,./:=?-])\r?\n"
)
# the first line is short; once this much has arrived without a line end, give up
_PEEK_LIMIT = 200


class MultipartBoundaryMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _needs_boundary(scope):
            await self.app(scope, receive, send)
            return
        held: List[Message] = []
        start = b""
        while True:  # read just enough of the body to see its first line
            message = await receive()
            held.append(message)
            if message["type"] != "http.request":
                break
            start += message.get("body", b"")
            if b"\n" in start or len(start) >= _PEEK_LIMIT or not message.get("more_body", False):
                break
        boundary = _boundary_of(start)
        headers = scope.get("headers") or []
        if boundary is not None:
            headers = [(k, v) for k, v in headers if k.lower() != b"content-type"]
            headers.append((b"content-type", b'multipart/form-data; boundary="' + boundary + b'"'))

        async def replay() -> Message:
            if held:
                return held.pop(0)
            return await receive()

        await self.app({**scope, "headers": headers}, replay, send)


def _needs_boundary(scope: Scope) -> bool:
    for key, value in scope.get("headers") or []:
        if key.lower() == b"content-type":
            kind, _, params = value.partition(b";")
            return kind.strip().lower() == b"multipart/form-data" and b"boundary=" not in params.lower()
    return False


def _boundary_of(start: bytes) -> Optional[bytes]:
    found = _FIRST_LINE.match(start)
    return found.group(1) if found else None
