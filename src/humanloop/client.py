"""``Humanloop`` and ``AsyncHumanloop``: the generated base clients plus the hand-written extras.

The extras are the ones the 0.8.6 SDK had: ``client.prompts.populate_template``
and ``client.evaluations.run``. Clients close their HTTP connections with
``close()`` / ``aclose()`` or when used as (async) context managers. Building a
client is cheap: resources (and their types) are imported on first use.
"""

from __future__ import annotations

import typing

from .base_client import AsyncBaseHumanloop, BaseHumanloop
from .environment import HumanloopEnvironment

if typing.TYPE_CHECKING:
    import httpx

    from ._extended import (
        AsyncExtendedEvalsClient,
        AsyncExtendedPromptsClient,
        ExtendedEvalsClient,
        ExtendedPromptsClient,
    )

_EXTENDED = ("ExtendedEvalsClient", "ExtendedPromptsClient", "AsyncExtendedEvalsClient", "AsyncExtendedPromptsClient")


def __getattr__(name: str) -> typing.Any:
    # ``from humanloop.client import ExtendedEvalsClient`` keeps working, loaded on demand
    if name in _EXTENDED:
        from . import _extended

        return getattr(_extended, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Humanloop(BaseHumanloop):
    """Client for the Humanloop v5 API.

    ``api_key`` defaults to ``$HUMANLOOP_API_KEY`` and ``base_url`` to
    ``$HUMANLOOP_BASE_URL`` (then to the hosted API's URL), both read here, when
    the client is built. Requests time out after 60 s and are retried twice on
    408, 429, 5xx and connection failures, unless configured otherwise.
    """

    def __init__(
        self,
        *,
        base_url: typing.Optional[str] = None,
        environment: HumanloopEnvironment = HumanloopEnvironment.DEFAULT,
        api_key: typing.Optional[str] = None,
        timeout: typing.Optional[float] = None,
        follow_redirects: typing.Optional[bool] = True,
        httpx_client: typing.Optional[httpx.Client] = None,
    ) -> None:
        super().__init__(
            base_url=base_url,
            environment=environment,
            api_key=api_key,
            timeout=timeout,
            follow_redirects=follow_redirects,
            httpx_client=httpx_client,
        )
        self._extended_prompts: typing.Optional[ExtendedPromptsClient] = None
        self._extended_evaluations: typing.Optional[ExtendedEvalsClient] = None

    @property  # type: ignore[override]
    def prompts(self) -> ExtendedPromptsClient:
        if self._extended_prompts is None:
            from ._extended import ExtendedPromptsClient

            self._extended_prompts = ExtendedPromptsClient(client_wrapper=self._client_wrapper)
        return self._extended_prompts

    @prompts.setter
    def prompts(self, value: ExtendedPromptsClient) -> None:
        self._extended_prompts = value

    @property  # type: ignore[override]
    def evaluations(self) -> ExtendedEvalsClient:
        if self._extended_evaluations is None:
            from ._extended import ExtendedEvalsClient

            self._extended_evaluations = ExtendedEvalsClient(client_wrapper=self._client_wrapper, client=self)
        return self._extended_evaluations

    @evaluations.setter
    def evaluations(self, value: ExtendedEvalsClient) -> None:
        self._extended_evaluations = value

    def close(self) -> None:
        """Close the HTTP connections (also a custom ``httpx_client`` that was passed in)."""
        self._client_wrapper.close()

    def __enter__(self) -> Humanloop:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncHumanloop(AsyncBaseHumanloop):
    """Asyncio client for the Humanloop v5 API; every method is awaited. See :class:`Humanloop`."""

    def __init__(
        self,
        *,
        base_url: typing.Optional[str] = None,
        environment: HumanloopEnvironment = HumanloopEnvironment.DEFAULT,
        api_key: typing.Optional[str] = None,
        timeout: typing.Optional[float] = None,
        follow_redirects: typing.Optional[bool] = True,
        httpx_client: typing.Optional[httpx.AsyncClient] = None,
    ) -> None:
        super().__init__(
            base_url=base_url,
            environment=environment,
            api_key=api_key,
            timeout=timeout,
            follow_redirects=follow_redirects,
            httpx_client=httpx_client,
        )
        self._timeout = timeout
        self._follow_redirects = follow_redirects
        self._extended_prompts: typing.Optional[AsyncExtendedPromptsClient] = None
        self._extended_evaluations: typing.Optional[AsyncExtendedEvalsClient] = None

    def _sync_twin(self) -> Humanloop:
        """A synchronous client with the same key, URL, timeout and redirect policy (used by ``evaluations.run``).

        Tests replace it (``monkeypatch.setattr(AsyncHumanloop, "_sync_twin", ...)``) to give the twin
        a mock transport: an ``httpx.AsyncClient``'s transport cannot serve a sync client.
        """
        wrapper = self._client_wrapper
        return Humanloop(
            base_url=wrapper.get_base_url(),
            api_key=wrapper.api_key,
            timeout=self._timeout,
            follow_redirects=self._follow_redirects,
        )

    @property  # type: ignore[override]
    def prompts(self) -> AsyncExtendedPromptsClient:
        if self._extended_prompts is None:
            from ._extended import AsyncExtendedPromptsClient

            self._extended_prompts = AsyncExtendedPromptsClient(client_wrapper=self._client_wrapper)
        return self._extended_prompts

    @prompts.setter
    def prompts(self, value: AsyncExtendedPromptsClient) -> None:
        self._extended_prompts = value

    @property  # type: ignore[override]
    def evaluations(self) -> AsyncExtendedEvalsClient:
        if self._extended_evaluations is None:
            from ._extended import AsyncExtendedEvalsClient

            self._extended_evaluations = AsyncExtendedEvalsClient(
                client_wrapper=self._client_wrapper, make_sync_client=self._sync_twin
            )
        return self._extended_evaluations

    @evaluations.setter
    def evaluations(self, value: AsyncExtendedEvalsClient) -> None:
        self._extended_evaluations = value

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self._client_wrapper.aclose()

    close = aclose

    async def __aenter__(self) -> AsyncHumanloop:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
