"""Drive the same test body through ``Humanloop`` and ``AsyncHumanloop`` against the real server.

``Driver("sync" | "async", server)`` exposes the client's resources; for the async client every
method call is awaited on a private event loop and ``AsyncPager`` results are wrapped so that a test
walks them exactly as it walks a ``SyncPager``. Every HTTP request is recorded in ``requests``
(method, path, query), so tests can check how many pages a pager fetched.
"""

import asyncio
import inspect
from typing import Any, Callable, Iterator, List, Tuple

import httpx
import pytest

from humanloop import AsyncHumanloop, Humanloop
from humanloop.core.pagination import AsyncPager

from .conftest import Server

MODES = ["sync", "async"]


class _PagerView:
    """A synchronous view of an ``AsyncPager`` (same attributes as ``SyncPager``)."""

    def __init__(self, driver: "Driver", pager: AsyncPager) -> None:
        self._driver = driver
        self._pager = pager
        self.items = pager.items
        self.has_next = pager.has_next
        self.response = pager.response

    def next_page(self) -> "_PagerView | None":
        nxt = self._driver.run(self._pager.next_page())
        return _PagerView(self._driver, nxt) if nxt is not None else None

    def iter_pages(self) -> Iterator["_PagerView"]:
        page: _PagerView | None = self
        while page is not None:
            yield page
            page = page.next_page()

    def __iter__(self) -> Iterator[Any]:
        for page in self.iter_pages():
            yield from page.items


class _Resource:
    def __init__(self, driver: "Driver", inner: Any) -> None:
        self._driver = driver
        self._inner = inner

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self._inner, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            return self._driver.resolve(method(*args, **kwargs))

        return call


class Driver:
    def __init__(self, mode: str, server: Server, api_key: "str | None" = None) -> None:
        self.mode = mode
        self.requests: List[Tuple[str, str, str]] = []
        key = api_key or server.api_key
        if mode == "sync":
            http = httpx.Client(timeout=30, event_hooks={"request": [self._record]})
            self.client: Any = Humanloop(api_key=key, base_url=server.base_url, httpx_client=http)
            self.loop = None
        else:
            self.loop = asyncio.new_event_loop()

            async def record(request: httpx.Request) -> None:
                self._record(request)

            async def make() -> AsyncHumanloop:
                http = httpx.AsyncClient(timeout=30, event_hooks={"request": [record]})
                return AsyncHumanloop(api_key=key, base_url=server.base_url, httpx_client=http)

            self.client = self.loop.run_until_complete(make())

    def _record(self, request: httpx.Request) -> None:
        self.requests.append((request.method, request.url.path, request.url.query.decode()))

    def run(self, awaitable: Any) -> Any:
        assert self.loop is not None
        return self.loop.run_until_complete(awaitable)

    def resolve(self, value: Any) -> Any:
        if inspect.isawaitable(value):
            value = self.run(value)
        if isinstance(value, AsyncPager):
            return _PagerView(self, value)
        if inspect.isasyncgen(value):  # a streamed method: its events, collected
            agen = value

            async def collect() -> List[Any]:
                return [item async for item in agen]

            return self.run(collect())
        return value

    def requests_to(self, method: str, path_suffix: str) -> List[Tuple[str, str, str]]:
        return [r for r in self.requests if r[0] == method and r[1].endswith(path_suffix)]

    def __getattr__(self, name: str) -> _Resource:
        return _Resource(self, getattr(self.client, name))

    def close(self) -> None:
        if self.loop is None:
            self.client.close()
        else:
            self.loop.run_until_complete(self.client.aclose())
            self.loop.close()


def driver_fixture() -> Any:
    """A function-scoped fixture ``hl``: a ``Driver``, once per mode (sync, async)."""

    @pytest.fixture(params=MODES)
    def hl(request: pytest.FixtureRequest, server: Server) -> Iterator[Driver]:
        d = Driver(request.param, server)
        try:
            yield d
        finally:
            d.close()

    return hl


def status_of(exc: pytest.ExceptionInfo) -> int:
    return int(exc.value.status_code)
