"""Small fakes for the core tests: a recording transport and a fake clock."""

from __future__ import annotations

import typing

import httpx

from humanloop.core.client_wrapper import AsyncClientWrapper, SyncClientWrapper

Handler = typing.Callable[[httpx.Request], httpx.Response]


class Recorder:
    """An httpx transport handler that answers from a script and records every request."""

    def __init__(self, *responses: typing.Union[httpx.Response, Exception, Handler]) -> None:
        self.script = list(responses)
        self.requests: typing.List[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        item = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        if isinstance(item, Exception):
            raise item
        if callable(item) and not isinstance(item, httpx.Response):
            return item(request)
        # a fresh response each time: one object cannot be read twice, nor by both clients
        return httpx.Response(item.status_code, headers=item.headers, content=item.content)


class FakeClock:
    """Stands in for ``time.sleep`` / ``asyncio.sleep``: records the delays, never waits."""

    def __init__(self) -> None:
        self.delays: typing.List[float] = []

    def sleep(self, seconds: float) -> None:
        self.delays.append(seconds)

    async def async_sleep(self, seconds: float) -> None:
        self.delays.append(seconds)


def sync_wrapper(
    recorder: Recorder, clock: typing.Optional[FakeClock] = None, **kwargs: typing.Any
) -> SyncClientWrapper:
    wrapper = SyncClientWrapper(
        api_key="test-key",
        base_url="https://example.test/v5",
        httpx_client=httpx.Client(transport=httpx.MockTransport(recorder)),
        **kwargs,
    )
    clock = clock or FakeClock()
    wrapper.httpx_client.sleep = clock.sleep
    wrapper.httpx_client.rand = lambda: 0.0
    return wrapper


def async_wrapper(
    recorder: Recorder, clock: typing.Optional[FakeClock] = None, **kwargs: typing.Any
) -> AsyncClientWrapper:
    wrapper = AsyncClientWrapper(
        api_key="test-key",
        base_url="https://example.test/v5",
        httpx_client=httpx.AsyncClient(transport=httpx.MockTransport(recorder)),
        **kwargs,
    )
    clock = clock or FakeClock()
    wrapper.httpx_client.sleep = clock.async_sleep
    wrapper.httpx_client.rand = lambda: 0.0
    return wrapper
