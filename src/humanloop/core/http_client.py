"""Sending requests with retries.

Building a request and deciding about a retry are plain functions
(:func:`build_request`, :mod:`humanloop.core.retry`); only the loop that does
I/O exists twice, once for ``httpx.Client`` and once for ``httpx.AsyncClient``.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import typing
import uuid

import httpx

from .api_error import ApiConnectionError, ApiTimeoutError
from .request_options import RequestOptions
from .retry import DEFAULT_MAX_RETRIES, retry_delay, should_retry_status
from .serialization import OMIT, drop_omitted, encode_json_body, encode_query

logger = logging.getLogger("humanloop")

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_NOT_RETRYABLE_TRANSPORT_ERRORS = (httpx.UnsupportedProtocol, httpx.LocalProtocolError, httpx.ProxyError)


def build_request(
    client: typing.Union[httpx.Client, httpx.AsyncClient],
    *,
    base_url: str,
    method: str,
    path: str,
    headers: typing.Mapping[str, str],
    params: typing.Optional[typing.Mapping[str, typing.Any]] = None,
    json: typing.Any = None,
    data: typing.Optional[typing.Mapping[str, typing.Any]] = None,
    files: typing.Optional[typing.Mapping[str, typing.Any]] = None,
    request_options: typing.Optional[RequestOptions] = None,
) -> httpx.Request:
    """Build the one ``httpx.Request`` that every attempt of a call sends.

    The body is serialised (or, for multipart, read) once here, so a retry
    re-sends exactly the same bytes, and a non-GET request gets a single
    ``Idempotency-Key`` shared by all of its attempts.
    """
    options: RequestOptions = request_options or {}
    url = base_url.rstrip("/") + "/" + path.lstrip("/")

    all_headers: typing.Dict[str, str] = dict(headers)
    method = method.upper()
    if method not in _SAFE_METHODS:
        all_headers["Idempotency-Key"] = uuid.uuid4().hex
    for key, value in (options.get("additional_headers") or {}).items():
        if value is not None:
            all_headers[key] = str(value)

    query = encode_query(params)
    query.update(encode_query(options.get("additional_query_parameters")))

    content: typing.Optional[bytes] = None
    form: typing.Optional[typing.Dict[str, typing.Any]] = None
    upload: typing.Optional[typing.Dict[str, typing.Any]] = None
    extra_body = options.get("additional_body_parameters")
    if files is not None or data is not None:
        form = {k: v for k, v in drop_omitted(data).items() if v is not None}
        if extra_body:
            form.update(extra_body)
        upload = {k: v for k, v in drop_omitted(files).items() if v is not None}
    elif json is not None or extra_body:
        body = drop_omitted(json) if isinstance(json, dict) else json
        if extra_body:
            body = {**(body or {}), **extra_body}
        # a call that sets none of its body parameters sends no body at all, as the 0.8.6 SDK did
        if not (isinstance(json, dict) and body == {} and not extra_body):
            content = encode_json_body(body)
            all_headers["Content-Type"] = "application/json"

    timeout_in_seconds = options.get("timeout_in_seconds")
    request = client.build_request(
        method,
        url,
        params=query or None,
        headers=all_headers,
        content=content,
        data=form or None,
        files=upload or None,
        timeout=float(timeout_in_seconds) if timeout_in_seconds is not None else httpx.USE_CLIENT_DEFAULT,
    )
    if upload:
        request.read()  # buffer the multipart body so every attempt sends the same bytes
    return request


def max_retries_for(request_options: typing.Optional[RequestOptions], default: int) -> int:
    """``request_options["max_retries"]`` when given, else the client's default."""
    if request_options is not None:
        value = request_options.get("max_retries")
        if value is not None and value is not OMIT:
            return max(int(value), 0)
    return default


def _connection_error(exc: Exception, request: httpx.Request, attempts: int) -> ApiConnectionError:
    where = f"{request.method} {request.url.copy_with(query=None)}"
    tries = f" after {attempts} attempt{'s' if attempts != 1 else ''}"
    if isinstance(exc, httpx.TimeoutException):
        return ApiTimeoutError(f"Timed out waiting for {where}{tries}: {exc!r}", cause=exc)
    return ApiConnectionError(f"Could not reach {where}{tries}: {exc!r}", cause=exc)


def next_retry_delay(
    *,
    response: typing.Optional[httpx.Response],
    error: typing.Optional[Exception],
    retries: int,
    max_retries: int,
    rand: typing.Callable[[], float],
) -> typing.Optional[float]:
    """After an attempt: how long to wait before the next one, or ``None`` to stop here.

    Stops on success, on an answer not worth retrying, on an error no retry can
    fix (a bad URL scheme, a malformed request), and once ``max_retries`` is used up.
    """
    if error is not None:
        if isinstance(error, _NOT_RETRYABLE_TRANSPORT_ERRORS) or retries >= max_retries:
            return None
        return retry_delay(retries, None, rand)
    assert response is not None
    if response.status_code < 400 or retries >= max_retries:
        return None
    if not should_retry_status(response.status_code, response.headers):
        return None
    return retry_delay(retries, response.headers, rand)


def _log_retry(request: httpx.Request, response: typing.Optional[httpx.Response], error: object, delay: float) -> None:
    what = f"answered {response.status_code}" if response is not None else f"failed ({error!r})"
    logger.debug("humanloop: %s %s %s, retrying in %.2fs", request.method, request.url, what, delay)


class HttpClient:
    """Sends requests through an ``httpx.Client``, retrying when it is worth it."""

    def __init__(
        self,
        *,
        httpx_client: httpx.Client,
        max_retries: int = DEFAULT_MAX_RETRIES,
        sleep: typing.Callable[[float], None] = time.sleep,
        rand: typing.Callable[[], float] = random.random,
    ) -> None:
        self.httpx_client = httpx_client
        self.max_retries = max_retries
        self.sleep = sleep
        self.rand = rand

    def send(self, request: httpx.Request, *, max_retries: int, stream: bool = False) -> httpx.Response:
        """Send ``request``; on a retryable failure wait and send it again, at most ``max_retries`` times.

        With ``stream=True`` the body of a successful answer is left unread; failed
        answers are always read, so their body can go into the error.
        """
        retries = 0
        while True:
            response: typing.Optional[httpx.Response] = None
            error: typing.Optional[httpx.TransportError] = None
            try:
                response = self.httpx_client.send(request, stream=stream)
                if stream and response.status_code >= 400:
                    response.read()
                    response.close()
            except httpx.TransportError as exc:
                error = exc
            delay = next_retry_delay(
                response=response, error=error, retries=retries, max_retries=max_retries, rand=self.rand
            )
            if delay is None:
                if error is not None:
                    raise _connection_error(error, request, retries + 1) from error
                assert response is not None
                return response
            _log_retry(request, response, error, delay)
            self.sleep(delay)
            retries += 1


class AsyncHttpClient:
    """Sends requests through an ``httpx.AsyncClient``, retrying when it is worth it."""

    def __init__(
        self,
        *,
        httpx_client: httpx.AsyncClient,
        max_retries: int = DEFAULT_MAX_RETRIES,
        sleep: typing.Callable[[float], typing.Awaitable[None]] = asyncio.sleep,
        rand: typing.Callable[[], float] = random.random,
    ) -> None:
        self.httpx_client = httpx_client
        self.max_retries = max_retries
        self.sleep = sleep
        self.rand = rand

    async def send(self, request: httpx.Request, *, max_retries: int, stream: bool = False) -> httpx.Response:
        """The async twin of :meth:`HttpClient.send` (the same decisions, awaited I/O)."""
        retries = 0
        while True:
            response: typing.Optional[httpx.Response] = None
            error: typing.Optional[httpx.TransportError] = None
            try:
                response = await self.httpx_client.send(request, stream=stream)
                if stream and response.status_code >= 400:
                    await response.aread()
                    await response.aclose()
            except httpx.TransportError as exc:
                error = exc
            delay = next_retry_delay(
                response=response, error=error, retries=retries, max_retries=max_retries, rand=self.rand
            )
            if delay is None:
                if error is not None:
                    raise _connection_error(error, request, retries + 1) from error
                assert response is not None
                return response
            _log_retry(request, response, error, delay)
            await self.sleep(delay)
            retries += 1
