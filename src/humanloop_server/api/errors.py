"""How failures become HTTP answers.

- The whole `ServiceError` family raised by services: `{"detail": exc.detail}` with the error's
  status and headers.
- A path that matches no route: 404 that says where the API is, instead of a bare "Not Found"
  (a base URL without `/v5` is the most common first mistake).
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..services.errors import ServiceError
from .routing import API_PREFIX


async def _service_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ServiceError)
    return JSONResponse(status_code=exc.status, content={"detail": exc.detail}, headers=exc.headers or None)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    path = request.url.path
    if exc.status_code == 404 and exc.detail == "Not Found":
        base = str(request.base_url).rstrip("/")
        if path == API_PREFIX or path.startswith(API_PREFIX + "/"):
            detail = f"No API operation at {request.method} {path}; the operations are listed in {base}/openapi.json"
        else:
            detail = (
                f"Nothing at {path}: the Humanloop API lives under {API_PREFIX}, so the SDK's base_url is "
                f"{base}{API_PREFIX}"
            )
        return JSONResponse(status_code=404, content={"detail": detail})
    return await http_exception_handler(request, exc)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ServiceError, _service_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
