"""``Humanloop`` and ``AsyncHumanloop``: the generated base clients plus the hand-written extras.

The extras are the ones the 0.8.6 SDK had: ``client.prompts.populate_template``
and ``client.evaluations.run``. Clients close their HTTP connections with
``close()`` / ``aclose()`` or when used as (async) context managers.
"""

from __future__ import annotations

import typing

import httpx

from .base_client import AsyncBaseHumanloop, BaseHumanloop
from .environment import HumanloopEnvironment
from .eval_utils import Dataset, Evaluator, EvaluatorCheck, File, run_eval, run_eval_async
from .evaluations.client import AsyncEvaluationsClient, EvaluationsClient
from .prompt_utils import populate_template
from .prompts.client import AsyncPromptsClient, PromptsClient

if typing.TYPE_CHECKING:
    from .core.client_wrapper import AsyncClientWrapper, SyncClientWrapper


class ExtendedEvalsClient(EvaluationsClient):
    """The Evaluations resource plus :meth:`run`."""

    client: BaseHumanloop

    def __init__(self, *, client_wrapper: SyncClientWrapper, client: BaseHumanloop) -> None:
        super().__init__(client_wrapper=client_wrapper)
        self.client = client

    def run(
        self,
        file: File,
        name: typing.Optional[str],
        dataset: Dataset,
        evaluators: typing.Optional[typing.Sequence[Evaluator]] = None,
        workers: int = 4,
    ) -> typing.List[EvaluatorCheck]:
        """Evaluate ``file`` (with its callable) on ``dataset`` using ``evaluators``.

        See :mod:`humanloop.eval_utils` for what happens step by step.
        """
        return run_eval(self.client, file, name, dataset, evaluators, workers)


class AsyncExtendedEvalsClient(AsyncEvaluationsClient):
    """The async Evaluations resource plus :meth:`run` (callables may be coroutine functions)."""

    def __init__(
        self, *, client_wrapper: AsyncClientWrapper, make_sync_client: typing.Callable[[], BaseHumanloop]
    ) -> None:
        super().__init__(client_wrapper=client_wrapper)
        self._make_sync_client = make_sync_client

    async def run(
        self,
        file: File,
        name: typing.Optional[str],
        dataset: Dataset,
        evaluators: typing.Optional[typing.Sequence[Evaluator]] = None,
        workers: int = 4,
    ) -> typing.List[EvaluatorCheck]:
        """The async twin of :meth:`ExtendedEvalsClient.run`; the event loop stays free while it runs."""
        return await run_eval_async(self._make_sync_client, file, name, dataset, evaluators, workers)


class ExtendedPromptsClient(PromptsClient):
    """The Prompts resource plus :meth:`populate_template`."""

    populate_template = staticmethod(populate_template)


class AsyncExtendedPromptsClient(AsyncPromptsClient):
    """The async Prompts resource plus :meth:`populate_template`."""

    populate_template = staticmethod(populate_template)


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
            self._extended_prompts = ExtendedPromptsClient(client_wrapper=self._client_wrapper)
        return self._extended_prompts

    @prompts.setter
    def prompts(self, value: ExtendedPromptsClient) -> None:
        self._extended_prompts = value

    @property  # type: ignore[override]
    def evaluations(self) -> ExtendedEvalsClient:
        if self._extended_evaluations is None:
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
        self._extended_prompts: typing.Optional[AsyncExtendedPromptsClient] = None
        self._extended_evaluations: typing.Optional[AsyncExtendedEvalsClient] = None

    def _sync_twin(self) -> Humanloop:
        """A synchronous client with the same key, URL and timeout (used by ``evaluations.run``)."""
        wrapper = self._client_wrapper
        return Humanloop(base_url=wrapper.get_base_url(), api_key=wrapper.api_key, timeout=self._timeout)

    @property  # type: ignore[override]
    def prompts(self) -> AsyncExtendedPromptsClient:
        if self._extended_prompts is None:
            self._extended_prompts = AsyncExtendedPromptsClient(client_wrapper=self._client_wrapper)
        return self._extended_prompts

    @prompts.setter
    def prompts(self, value: AsyncExtendedPromptsClient) -> None:
        self._extended_prompts = value

    @property  # type: ignore[override]
    def evaluations(self) -> AsyncExtendedEvalsClient:
        if self._extended_evaluations is None:
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
