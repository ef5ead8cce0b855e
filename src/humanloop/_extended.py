"""The resource clients that ``Humanloop`` extends with hand-written methods.

Kept apart from ``client.py`` so that building a client imports none of them:
they load on first use of ``client.prompts`` / ``client.evaluations``.
"""

from __future__ import annotations

import typing

from .base_client import BaseHumanloop
from .core.client_wrapper import AsyncClientWrapper, SyncClientWrapper
from .eval_utils import DEFAULT_STALL_TIMEOUT, Dataset, Evaluator, EvaluatorCheck, File, run_eval, run_eval_async
from .evaluations.client import AsyncEvaluationsClient, EvaluationsClient
from .prompt_utils import populate_template
from .prompts.client import AsyncPromptsClient, PromptsClient


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
        *,
        stall_timeout: float = DEFAULT_STALL_TIMEOUT,
    ) -> typing.List[EvaluatorCheck]:
        """Evaluate ``file`` (with its callable) on ``dataset`` using ``evaluators``.

        See :mod:`humanloop.eval_utils` for what happens step by step. The wait for the server's
        judgments gives up with ``EvaluationStalledError`` after ``stall_timeout`` seconds without
        progress, saying what is missing.
        """
        return run_eval(self.client, file, name, dataset, evaluators, workers, stall_timeout=stall_timeout)


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
        *,
        stall_timeout: float = DEFAULT_STALL_TIMEOUT,
    ) -> typing.List[EvaluatorCheck]:
        """The async twin of :meth:`ExtendedEvalsClient.run`; the event loop stays free while it runs."""
        return await run_eval_async(
            self._make_sync_client, file, name, dataset, evaluators, workers, stall_timeout=stall_timeout
        )


class ExtendedPromptsClient(PromptsClient):
    """The Prompts resource plus :meth:`populate_template`."""

    populate_template = staticmethod(populate_template)


class AsyncExtendedPromptsClient(AsyncPromptsClient):
    """The async Prompts resource plus :meth:`populate_template`."""

    populate_template = staticmethod(populate_template)
