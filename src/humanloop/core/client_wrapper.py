"""The object every generated resource client talks to.

It owns the configuration (API key, base URL, timeout, the httpx client) and
turns a described request (method, path, parameters, response type) into a
parsed result or a raised :class:`~humanloop.core.api_error.ApiError`.
"""

from __future__ import annotations

import json as _json
import os
import typing

import httpx
import pydantic

from .api_error import ApiError, ResponseParseError, error_class_for_status
from .http_client import AsyncHttpClient, HttpClient, build_request, max_retries_for
from .pagination import AsyncPager, SyncPager, page_has_next, total_is_estimate
from .parsing import parse_json_bytes, parse_obj
from .request_options import RequestOptions
from .retry import DEFAULT_MAX_RETRIES
from .streaming import SSEDecoder, decode_event, is_terminal

DEFAULT_TIMEOUT = 60.0
DEFAULT_BASE_URL = "https://api.humanloop.com/v5"

ErrorMap = typing.Optional[typing.Mapping[int, typing.Type[ApiError]]]
Params = typing.Optional[typing.Mapping[str, typing.Any]]


def _sdk_version() -> str:
    try:
        from ..version import __version__

        return str(__version__)
    except ImportError:  # pragma: no cover - only while the generated files are missing
        return "0.0.0"


def resolve_api_key(api_key: typing.Optional[str]) -> str:
    """The API key given, else ``HUMANLOOP_API_KEY``; a clear error when there is neither."""
    key = api_key if api_key is not None else os.environ.get("HUMANLOOP_API_KEY")
    if not key:
        raise ApiError(
            body="No API key: pass api_key=... to the client or set the HUMANLOOP_API_KEY environment variable."
        )
    return key


def resolve_base_url(base_url: typing.Optional[str], environment: typing.Optional[str]) -> str:
    """``base_url`` when given, else ``HUMANLOOP_BASE_URL``, else the environment's URL."""
    url = base_url or os.environ.get("HUMANLOOP_BASE_URL") or environment or DEFAULT_BASE_URL
    return url.rstrip("/")


def decode_error_body(response: httpx.Response) -> typing.Any:
    """An error body as JSON when it is JSON, else as text."""
    content = response.content
    if not content:
        return None
    try:
        return _json.loads(content)
    except ValueError:
        return response.text


def raise_for_response(response: httpx.Response, errors: ErrorMap) -> None:
    """Raise the matching :class:`ApiError` subclass for a non-2xx answer."""
    status = response.status_code
    if 200 <= status < 300:
        return
    body = decode_error_body(response)
    headers = dict(response.headers)
    specific = errors.get(status) if errors else None
    if specific is not None:
        body_type = getattr(specific, "body_type", None)
        if body_type is not None:
            try:
                body = parse_obj(body_type, body)
            except pydantic.ValidationError:
                pass  # keep the raw body rather than hide the error behind a parse failure
        raise specific(body=body, headers=headers)
    raise error_class_for_status(status)(status_code=status, body=body, headers=headers)


def parse_response(response: httpx.Response, response_type: typing.Any, errors: ErrorMap) -> typing.Any:
    """The parsed body of a response, or the error it stands for."""
    raise_for_response(response, errors)
    if response_type is None or response.status_code == 204 or not response.content:
        return None
    if response_type is str and response.headers.get("content-type", "").startswith("text/plain"):
        return response.text  # a text answer (``serialize``): the body as is
    try:
        return parse_json_bytes(response_type, response.content)
    except pydantic.ValidationError as exc:
        raise ResponseParseError(
            status_code=response.status_code,
            body=decode_error_body(response),
            headers=dict(response.headers),
        ) from exc


class BaseClientWrapper:
    """Configuration shared by the sync and async wrappers."""

    def __init__(
        self,
        *,
        api_key: typing.Optional[str] = None,
        base_url: typing.Optional[str] = None,
        environment: typing.Optional[str] = None,
        timeout: typing.Optional[float] = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
    ) -> None:
        self.api_key = resolve_api_key(api_key)
        self._base_url = resolve_base_url(base_url, environment)
        self._timeout = timeout
        self.max_retries = max_retries

    def get_headers(self) -> typing.Dict[str, str]:
        return {
            "X-Fern-Language": "Python",
            "X-Fern-SDK-Name": "humanloop",
            "X-Fern-SDK-Version": _sdk_version(),
            "X-API-KEY": self.api_key,
        }

    def get_base_url(self) -> str:
        return self._base_url

    def get_timeout(self) -> typing.Optional[float]:
        return self._timeout


class SyncClientWrapper(BaseClientWrapper):
    """Sends the requests of the synchronous clients."""

    def __init__(
        self,
        *,
        api_key: typing.Optional[str] = None,
        base_url: typing.Optional[str] = None,
        environment: typing.Optional[str] = None,
        timeout: typing.Optional[float] = None,
        follow_redirects: typing.Optional[bool] = True,
        httpx_client: typing.Optional[httpx.Client] = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
    ) -> None:
        super().__init__(
            api_key=api_key, base_url=base_url, environment=environment, timeout=timeout, max_retries=max_retries
        )
        if httpx_client is None:
            httpx_client = httpx.Client(
                timeout=timeout if timeout is not None else DEFAULT_TIMEOUT,
                follow_redirects=bool(follow_redirects) if follow_redirects is not None else True,
            )
        elif timeout is not None:
            httpx_client.timeout = httpx.Timeout(timeout)
        self.httpx_client = HttpClient(httpx_client=httpx_client, max_retries=max_retries)
        self._headers = self.get_headers()

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: Params,
        json: typing.Any,
        data: Params,
        files: Params,
        request_options: typing.Optional[RequestOptions],
        stream: bool = False,
    ) -> httpx.Response:
        request = build_request(
            self.httpx_client.httpx_client,
            base_url=self._base_url,
            method=method,
            path=path,
            headers=self._headers,
            params=params,
            json=json,
            data=data,
            files=files,
            request_options=request_options,
        )
        retries = max_retries_for(request_options, self.max_retries)
        return self.httpx_client.send(request, max_retries=retries, stream=stream)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Params = None,
        json: typing.Any = None,
        data: Params = None,
        files: Params = None,
        response_type: typing.Any = None,
        errors: ErrorMap = None,
        request_options: typing.Optional[RequestOptions] = None,
    ) -> typing.Any:
        """Send one request (with retries) and return its parsed body."""
        response = self._send(
            method, path, params=params, json=json, data=data, files=files, request_options=request_options
        )
        return parse_response(response, response_type, errors)

    def stream(
        self,
        method: str,
        path: str,
        *,
        params: Params = None,
        json: typing.Any = None,
        event_type: typing.Any,
        errors: ErrorMap = None,
        request_options: typing.Optional[RequestOptions] = None,
    ) -> typing.Iterator[typing.Any]:
        """Send a streaming request and yield each SSE event parsed into ``event_type``.

        Retries happen only until the response headers arrive. The response is
        closed when the stream ends, fails, or the consumer stops early.
        """
        response = self._send(
            method, path, params=params, json=json, data=None, files=None, request_options=request_options, stream=True
        )
        try:
            raise_for_response(response, errors)
            decoder = SSEDecoder()
            for chunk in response.iter_bytes():
                for event in decoder.feed(chunk):
                    if is_terminal(event):
                        return
                    yield decode_event(event_type, event, response.status_code)
            for event in decoder.flush():
                if is_terminal(event):
                    return
                yield decode_event(event_type, event, response.status_code)
        finally:
            response.close()

    def paginate(
        self,
        method: str,
        path: str,
        *,
        params: typing.Dict[str, typing.Any],
        response_type: typing.Any,
        items_field: str = "records",
        errors: ErrorMap = None,
        request_options: typing.Optional[RequestOptions] = None,
    ) -> SyncPager[typing.Any]:
        """Fetch one page and return a pager that fetches the following ones on demand."""

        def fetch(page_number: int) -> SyncPager[typing.Any]:
            page_params = dict(params)
            page_params["page"] = page_number
            response = self._send(
                method, path, params=page_params, json=None, data=None, files=None, request_options=request_options
            )
            result = parse_response(response, response_type, errors)
            items = list(getattr(result, items_field, None) or [])
            exact = not total_is_estimate(response.headers)
            has_next = page_has_next(result, len(items), params.get("size"), total_exact=exact)
            return SyncPager(
                items=items,
                has_next=has_next,
                get_next=(lambda: fetch(page_number + 1)) if has_next else None,
                response=result,
            )

        return fetch(int(params.get("page") or 1))

    def close(self) -> None:
        self.httpx_client.httpx_client.close()


class AsyncClientWrapper(BaseClientWrapper):
    """Sends the requests of the asyncio clients."""

    def __init__(
        self,
        *,
        api_key: typing.Optional[str] = None,
        base_url: typing.Optional[str] = None,
        environment: typing.Optional[str] = None,
        timeout: typing.Optional[float] = None,
        follow_redirects: typing.Optional[bool] = True,
        httpx_client: typing.Optional[httpx.AsyncClient] = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
    ) -> None:
        super().__init__(
            api_key=api_key, base_url=base_url, environment=environment, timeout=timeout, max_retries=max_retries
        )
        if httpx_client is None:
            httpx_client = httpx.AsyncClient(
                timeout=timeout if timeout is not None else DEFAULT_TIMEOUT,
                follow_redirects=bool(follow_redirects) if follow_redirects is not None else True,
            )
        elif timeout is not None:
            httpx_client.timeout = httpx.Timeout(timeout)
        self.httpx_client = AsyncHttpClient(httpx_client=httpx_client, max_retries=max_retries)
        self._headers = self.get_headers()

    async def _send(
        self,
        method: str,
        path: str,
        *,
        params: Params,
        json: typing.Any,
        data: Params,
        files: Params,
        request_options: typing.Optional[RequestOptions],
        stream: bool = False,
    ) -> httpx.Response:
        request = build_request(
            self.httpx_client.httpx_client,
            base_url=self._base_url,
            method=method,
            path=path,
            headers=self._headers,
            params=params,
            json=json,
            data=data,
            files=files,
            request_options=request_options,
        )
        retries = max_retries_for(request_options, self.max_retries)
        return await self.httpx_client.send(request, max_retries=retries, stream=stream)

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Params = None,
        json: typing.Any = None,
        data: Params = None,
        files: Params = None,
        response_type: typing.Any = None,
        errors: ErrorMap = None,
        request_options: typing.Optional[RequestOptions] = None,
    ) -> typing.Any:
        response = await self._send(
            method, path, params=params, json=json, data=data, files=files, request_options=request_options
        )
        return parse_response(response, response_type, errors)

    async def stream(
        self,
        method: str,
        path: str,
        *,
        params: Params = None,
        json: typing.Any = None,
        event_type: typing.Any,
        errors: ErrorMap = None,
        request_options: typing.Optional[RequestOptions] = None,
    ) -> typing.AsyncIterator[typing.Any]:
        response = await self._send(
            method, path, params=params, json=json, data=None, files=None, request_options=request_options, stream=True
        )
        try:
            raise_for_response(response, errors)
            decoder = SSEDecoder()
            async for chunk in response.aiter_bytes():
                for event in decoder.feed(chunk):
                    if is_terminal(event):
                        return
                    yield decode_event(event_type, event, response.status_code)
            for event in decoder.flush():
                if is_terminal(event):
                    return
                yield decode_event(event_type, event, response.status_code)
        finally:
            await response.aclose()

    async def paginate(
        self,
        method: str,
        path: str,
        *,
        params: typing.Dict[str, typing.Any],
        response_type: typing.Any,
        items_field: str = "records",
        errors: ErrorMap = None,
        request_options: typing.Optional[RequestOptions] = None,
    ) -> AsyncPager[typing.Any]:
        async def fetch(page_number: int) -> AsyncPager[typing.Any]:
            page_params = dict(params)
            page_params["page"] = page_number
            response = await self._send(
                method, path, params=page_params, json=None, data=None, files=None, request_options=request_options
            )
            result = parse_response(response, response_type, errors)
            items = list(getattr(result, items_field, None) or [])
            exact = not total_is_estimate(response.headers)
            has_next = page_has_next(result, len(items), params.get("size"), total_exact=exact)

            async def get_next() -> typing.Optional[AsyncPager[typing.Any]]:
                return await fetch(page_number + 1)

            return AsyncPager(items=items, has_next=has_next, get_next=get_next if has_next else None, response=result)

        return await fetch(int(params.get("page") or 1))

    async def aclose(self) -> None:
        await self.httpx_client.httpx_client.aclose()
