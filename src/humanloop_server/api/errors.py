"""Exceptions that handlers raise, and how they become HTTP responses."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse


class NotImplementedYet(Exception):
    """Raised by a handler whose behaviour does not exist yet; answered with HTTP 501."""


async def _not_implemented(request: Request, exc: Exception) -> JSONResponse:
    # deterministic: tell clients (the SDK retries 5xx by default) that another attempt cannot help
    return JSONResponse(status_code=501, content={"detail": "not implemented yet"}, headers={"x-should-retry": "false"})


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(NotImplementedYet, _not_implemented)
