"""Helpers for the SDK wire tests.

A :class:`Recorder` is the handler of an ``httpx.MockTransport``: it answers
from a script of canned replies and keeps every request it saw. ``invoke``
calls one SDK method through a sync or an async client (the ``mode``), so
each test body is written once and runs both ways. ``assert_request`` checks
everything about a request that the SDK is responsible for.
"""

from __future__ import annotations

import datetime as dt
import email.parser
import email.policy
import inspect
import json
import re
import typing

import httpx

from humanloop import AsyncHumanloop, Humanloop

API_KEY = "hl_sk_test_7f3c1a9e5b2d4c6e8a0f"
BASE_URL = "https://hl.test/v5"
MODES = ["sync", "async"]

#: Marks "the request has no body at all" in :func:`assert_request`.
NO_BODY: typing.Any = object()

_IDEMPOTENCY_KEY = re.compile(r"^[0-9a-f]{32}$")


def json_reply(body: typing.Any, status: int = 200, headers: typing.Optional[dict] = None) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


def empty_reply(status: int = 204) -> httpx.Response:
    return httpx.Response(status)


def sse_reply(events: typing.Sequence[typing.Any]) -> httpx.Response:
    """A ``text/event-stream`` answer with one ``data:`` event per item (dicts are JSON-encoded)."""
    chunks = []
    for event in events:
        data = event if isinstance(event, str) else json.dumps(event)
        chunks.append(f"data: {data}\n\n")
    return httpx.Response(200, headers={"content-type": "text/event-stream"}, content="".join(chunks).encode("utf-8"))


class Recorder:
    """Answers requests from a script of replies, in order, and records every request.

    Running out of replies fails the test: no request may be made that the test did not expect.
    """

    def __init__(self, *replies: httpx.Response) -> None:
        self.replies = list(replies)
        self.requests: typing.List[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if not self.replies:
            raise AssertionError(f"unexpected extra request: {request.method} {request.url}")
        reply = self.replies.pop(0)
        # a fresh response object per request, so the same script works for both clients
        return httpx.Response(reply.status_code, headers=reply.headers, content=reply.content)

    @property
    def only(self) -> httpx.Request:
        """The one request that was made."""
        assert len(self.requests) == 1, [f"{r.method} {r.url}" for r in self.requests]
        return self.requests[0]


def make_client(mode: str, recorder: Recorder, **kwargs: typing.Any) -> typing.Union[Humanloop, AsyncHumanloop]:
    transport = httpx.MockTransport(recorder)
    if mode == "sync":
        return Humanloop(api_key=API_KEY, base_url=BASE_URL, httpx_client=httpx.Client(transport=transport), **kwargs)
    return AsyncHumanloop(
        api_key=API_KEY, base_url=BASE_URL, httpx_client=httpx.AsyncClient(transport=transport), **kwargs
    )


async def invoke(mode: str, recorder: Recorder, resource: str, method: str, *args: typing.Any, **kwargs: typing.Any):
    """Call ``client.<resource>.<method>(*args, **kwargs)`` with a sync or an async client.

    Awaitables are awaited; the result is returned as the SDK gives it (a model,
    ``None``, a pager, or a (sync or async) iterator for streams).
    """
    client = make_client(mode, recorder)
    result = getattr(getattr(client, resource), method)(*args, **kwargs)
    if inspect.isawaitable(result):
        result = await result
    return result


async def drain(result: typing.Any) -> typing.List[typing.Any]:
    """Every item of a stream or a pager, sync or async."""
    if hasattr(result, "__aiter__"):
        return [item async for item in result]
    return list(result)


async def page_items(pager: typing.Any) -> typing.List[typing.List[typing.Any]]:
    """The items of each page, walking ``iter_pages()`` of a sync or async pager."""
    pages = pager.iter_pages()
    if hasattr(pages, "__aiter__"):
        return [list(page.items) async for page in pages]
    return [list(page.items) for page in pages]


def query_items(request: httpx.Request) -> typing.Dict[str, typing.Union[str, typing.List[str]]]:
    """The query string as a dict; a key given several times maps to the list of its values."""
    result: typing.Dict[str, typing.Any] = {}
    for key, value in request.url.params.multi_items():
        if key in result:
            previous = result[key]
            result[key] = (previous if isinstance(previous, list) else [previous]) + [value]
        else:
            result[key] = value
    return result


def assert_request(
    request: httpx.Request,
    method: str,
    path: str,
    *,
    query: typing.Optional[typing.Dict[str, typing.Any]] = None,
    body: typing.Any = NO_BODY,
    multipart: typing.Optional[typing.Dict[str, typing.Any]] = None,
) -> None:
    """The request went to ``method path?query`` on the test host, authenticated, with exactly ``body``.

    ``body`` is compared with the parsed JSON body; ``NO_BODY`` means no body was sent.
    ``multipart`` instead compares the parts of a ``multipart/form-data`` body (see :func:`multipart_parts`).
    Non-GET requests must carry an ``Idempotency-Key``, GET requests must not.
    """
    assert request.method == method
    assert request.url.scheme == "https"
    assert request.url.host == "hl.test"
    assert request.url.path == path
    assert query_items(request) == (query or {})
    assert request.headers["x-api-key"] == API_KEY
    if method == "GET":
        assert "idempotency-key" not in request.headers
    else:
        assert _IDEMPOTENCY_KEY.match(request.headers.get("idempotency-key", "")), request.headers
    if multipart is not None:
        assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
        assert multipart_parts(request) == multipart
    elif body is NO_BODY:
        assert request.content == b""
        assert "content-type" not in request.headers
    else:
        assert request.headers["content-type"] == "application/json"
        assert json.loads(request.content) == body


def multipart_parts(request: httpx.Request) -> typing.Dict[str, typing.Any]:
    """The parts of a multipart body: ``{name: value}`` for fields, ``{name: (filename, content_type, bytes)}`` for files."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + request.headers["content-type"].encode() + b"\r\n\r\n" + request.content
    )
    parts: typing.Dict[str, typing.Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        filename = part.get_filename()
        payload = part.get_payload(decode=True)
        if filename is None:
            parts[name] = payload.decode("utf-8")
        else:
            parts[name] = (filename, part.get_content_type(), payload)
    return parts


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.timezone.utc)


def parse_ts(value: str) -> dt.datetime:
    """An ISO-8601 timestamp from the wire (``Z`` or an offset)."""
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


#: Timestamps with a non-UTC offset: every ISO-8601 encoder writes them the same way.
CET = dt.timezone(dt.timedelta(hours=2))
START = dt.datetime(2024, 7, 19, 2, 29, 28, 584000, tzinfo=CET)
START_WIRE = "2024-07-19T02:29:28.584000+02:00"
END = dt.datetime(2024, 7, 19, 2, 29, 35, 178000, tzinfo=CET)
END_WIRE = "2024-07-19T02:29:35.178000+02:00"
