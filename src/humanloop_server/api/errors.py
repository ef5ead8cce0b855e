"""How failures become HTTP answers.

- The whole `ServiceError` family raised by services: `{"detail": exc.detail}` with the error's
  status and headers (one exception handler).
- A path that matches no route: 404 that says where the API is, instead of a bare "Not Found"
  (a base URL without `/v5` is the most common first mistake).
- A database too busy to take a write in time (SQLite's "database is locked" after the busy
  timeout; a PostgreSQL lock timeout, deadlock or serialization failure): 503 with `Retry-After`
  and `x-should-retry: true`, never a 500. `BusyDatabaseMiddleware` is that one place: it wraps the
  routes and the Idempotency-Key layer alike, since both open transactions.
- Requests from a browser outside `/v5` (the web app's pages) get the web app's error page instead,
  when the app factory installs one (`html=`). A request counts as an API call, and keeps the JSON
  answers, when it has an `X-API-KEY` header or asks for JSON (`Accept: application/json`).
"""

from __future__ import annotations

import json
from typing import Any, Callable, Mapping, Optional

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..db.write_batch import WriteBatchFailed
from ..services.errors import ServiceError
from .routing import API_PREFIX

#: seconds a client is asked to wait before it sends a request refused for a busy database again
BUSY_RETRY_AFTER = 1
BUSY_DETAIL = "The database is busy with other writes and could not take this one in time; retry in a moment."
#: PostgreSQL: serialization failure, deadlock, lock not available (lock_timeout)
_PG_BUSY_STATES = frozenset({"40001", "40P01", "55P03"})


#: renders a failure for a browser: (request, status, detail, headers) -> a page
HtmlErrors = Callable[[Request, int, Any, Optional[Mapping[str, str]]], Response]


def looks_like_api_call(request: Request) -> bool:
    """An API client rather than a browser: it sends a key header or asks for JSON."""
    if request.headers.get("x-api-key"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def in_api(path: str) -> bool:
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


def install_error_handlers(app: FastAPI, html: Optional[HtmlErrors] = None) -> None:
    def for_browser(request: Request) -> bool:
        return html is not None and not in_api(request.url.path) and not looks_like_api_call(request)

    async def service_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ServiceError)
        if html is not None and for_browser(request):
            return html(request, exc.status, exc.detail, exc.headers or None)
        return JSONResponse(status_code=exc.status, content={"detail": exc.detail}, headers=exc.headers or None)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        path = request.url.path
        if html is not None and for_browser(request):
            detail = f"There is no page at {path}." if exc.status_code == 404 else exc.detail
            return html(request, exc.status_code, detail, exc.headers)
        if exc.status_code == 404 and exc.detail == "Not Found":
            base = str(request.base_url).rstrip("/")
            if in_api(path):
                detail = (
                    f"No API operation at {request.method} {path}; the operations are listed in {base}/openapi.json"
                )
            else:
                detail = (
                    f"Nothing at {path}: the Humanloop API lives under {API_PREFIX}, so the SDK's base_url is "
                    f"{base}{API_PREFIX}"
                )
            return JSONResponse(status_code=404, content={"detail": detail})
        return await http_exception_handler(request, exc)

    async def validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        if html is not None and for_browser(request):
            return html(request, 422, list(exc.errors()), None)
        return await request_validation_exception_handler(request, exc)

    app.add_exception_handler(ServiceError, service_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)


def database_busy(exc: BaseException) -> bool:
    """Whether ``exc`` says the database could not take a write in time (worth retrying later)."""
    if not isinstance(exc, OperationalError):
        return False
    orig = exc.orig
    if isinstance(orig, WriteBatchFailed):  # nothing of the request was stored: a retry is safe
        return True
    if getattr(orig, "sqlstate", None) in _PG_BUSY_STATES:
        return True
    message = str(orig).lower()
    return "database is locked" in message or "database table is locked" in message


class BusyDatabaseMiddleware:
    """Answers 503 + `Retry-After` when a request fails because the database is busy."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except OperationalError as exc:
            if started or not database_busy(exc):
                raise
            body = json.dumps({"detail": BUSY_DETAIL}).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 503,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                        (b"retry-after", str(BUSY_RETRY_AFTER).encode()),
                        (b"x-should-retry", b"true"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body, "more_body": False})
