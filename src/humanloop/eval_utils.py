"""Running an Evaluation from code: ``client.evaluations.run(...)``.

``run`` takes a File (a Prompt, Tool, Flow or Agent, with a Python callable
that produces its output), a Dataset and a list of Evaluators. It makes sure all
of them exist on the server, creates (or reuses) an Evaluation, calls the
callable on every datapoint in a thread pool, logs each result, judges the logs
with the local evaluators, then waits for the server to finish the Evaluation
and returns one :class:`EvaluatorCheck` per Evaluator.

Compared with the 0.8.6 SDK: the wait polls quickly at first and backs off
(instead of a fixed 5 s sleep), progress is drawn live on stderr, the first run
reports its real score, and ``AsyncHumanloop.evaluations.run`` exists too.

Two ways to run, chosen by the arguments. With the 0.8.6 arguments (a File with a
``callable``, a Dataset with its ``datapoints``) the run is a 0.8.6 batch: the
Evaluation names the Dataset and each Log carries ``evaluation_id`` + ``batch_id``.
Arguments only the later SDKs (0.8.9 to 0.8.38) accept select a Run instead: a
``version_id`` or ``environment`` naming the File, Dataset or an Evaluator
version, a File without ``callable`` (a Prompt or an Agent the server calls itself), a Dataset
without ``datapoints`` (one already stored), or a File of type ``agent``. The Run
is created with ``create_run``, each Log carries its ``run_id`` and the wait ends
when that Run is completed. The server keeps one store: a batch is a Run and a
Run is a batch, so either way every listing of both eras shows the result.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import inspect
import json
import logging
import os
import sys
import threading
import time
import typing
import uuid

import pydantic
from typing_extensions import NotRequired, TypedDict

from .core.api_error import ApiError

if typing.TYPE_CHECKING:
    from .base_client import BaseHumanloop
    from .requests.create_datapoint_request import CreateDatapointRequestParams as DatapointDict
    from .requests.evaluations_dataset_request import EvaluationsDatasetRequestParams
    from .types.boolean_evaluator_stats_response import BooleanEvaluatorStatsResponse as BooleanStats
    from .types.datapoint_response import DatapointResponse
    from .types.evaluation_response import EvaluationResponse
    from .types.evaluation_stats import EvaluationStats
    from .types.evaluator_arguments_type import EvaluatorArgumentsType
    from .types.evaluator_return_type_enum import EvaluatorReturnTypeEnum
    from .types.file_type import FileType
    from .types.numeric_evaluator_stats_response import NumericEvaluatorStatsResponse as NumericStats
    from .types.update_dateset_action import UpdateDatesetAction as UpdateDatasetAction
    from .types.version_stats_response import VersionStatsResponse

    Version = typing.Dict[str, typing.Any]
else:
    DatapointDict = typing.Dict[str, typing.Any]
    Version = typing.Dict[str, typing.Any]
    FileType = str
    UpdateDatasetAction = str
    EvaluatorArgumentsType = str
    EvaluatorReturnTypeEnum = str

logger = logging.getLogger("humanloop.evaluations")

# ANSI colours used in the summary printed at the end of a run.
YELLOW = "\033[93m"
CYAN = "\033[96m"
GREEN = "\033[92m"
RED = "\033[91m"
RESET = "\033[0m"


def _coloured(text: str, colour: str) -> str:
    """``text`` in ``colour`` when standard output is a terminal and NO_COLOR is not set
    (https://no-color.org); plain otherwise, so logs and pipes get no escape codes."""
    if "NO_COLOR" in os.environ or not sys.stdout.isatty():
        return text
    return f"{colour}{text}{RESET}"


class Identifiers(TypedDict):
    """A File on Humanloop, named by ``id`` or by ``path``."""

    id: NotRequired[str]
    path: NotRequired[str]
    version_id: NotRequired[str]
    environment: NotRequired[str]


class File(Identifiers):
    """The File being evaluated and the callable that produces its output."""

    type: NotRequired[FileType]
    version: NotRequired[Version]
    callable: NotRequired[typing.Callable[..., typing.Any]]
    custom_logger: NotRequired[typing.Callable[..., typing.Any]]


class Dataset(Identifiers):
    """The Dataset to evaluate on (created or updated with these datapoints)."""

    datapoints: NotRequired[typing.Sequence[DatapointDict]]
    action: NotRequired[UpdateDatasetAction]


class Evaluator(Identifiers):
    """An Evaluator: one on the server (``id``/``path`` only) or a local one with a ``callable``."""

    args_type: NotRequired[EvaluatorArgumentsType]
    return_type: NotRequired[EvaluatorReturnTypeEnum]
    callable: NotRequired[typing.Callable[..., typing.Any]]
    custom_logger: NotRequired[typing.Callable[..., typing.Any]]
    threshold: NotRequired[float]


class EvaluatorCheck(pydantic.BaseModel):
    """How one Evaluator scored this run, and whether that passes.

    Beyond the fields of the 0.8.6 SDK, a check says what went wrong: ``num_errors`` judgments
    of this Evaluator failed (raised, timed out, returned the wrong type), ``num_failed_logs``
    datapoints failed in the File's callable, out of ``num_logs``; ``errors`` holds the first few
    error texts. A check whose Evaluator failed on every Log, or whose callable failed on every
    datapoint, is neither an improvement nor above its threshold.
    """

    path: str
    improvement_check: bool
    score: float
    delta: float
    threshold: typing.Optional[float] = None
    threshold_check: typing.Optional[bool] = None
    num_logs: int = 0
    num_errors: int = 0
    num_failed_logs: int = 0
    errors: typing.List[str] = []
    evaluation_id: typing.Optional[str] = None

    @property
    def failed(self) -> bool:
        """Whether nothing was really judged: every judgment or every datapoint failed."""
        return self.num_logs > 0 and (self.num_errors >= self.num_logs or self.num_failed_logs >= self.num_logs)


class EvaluationStalledError(RuntimeError):
    """The Evaluation made no progress for longer than ``stall_timeout``; the message says what is missing."""


# ---------------------------------------------------------------------------------------------
# Scores


def get_score_from_evaluator_stat(
    stat: typing.Union[NumericStats, BooleanStats],
) -> typing.Union[float, None]:
    """The score of one Evaluator's stats: share of ``True`` for booleans, the mean for numbers."""
    num_true = getattr(stat, "num_true", None)
    if num_true is not None:
        total = getattr(stat, "total_logs", 0) or 0
        return round(num_true / total, 2) if total else None
    mean = getattr(stat, "mean", None)
    if mean is not None:
        return round(float(mean), 2)
    return None


def get_evaluator_stats_by_path(
    stat: VersionStatsResponse, evaluation: EvaluationResponse
) -> typing.Dict[str, typing.Union[NumericStats, BooleanStats]]:
    """Map each Evaluator's path to its stats within one evaluated version (batch)."""
    path_of_version = {ev.version.version_id: ev.version.path for ev in evaluation.evaluators}
    result: typing.Dict[str, typing.Any] = {}
    for item in stat.evaluator_version_stats:
        path = path_of_version.get(item.evaluator_version_id)
        if path is not None:
            result[path] = item
    return result


def _stats_for_batch(stats: EvaluationStats, batch_id: str) -> typing.Optional[VersionStatsResponse]:
    for entry in stats.version_stats or []:
        if entry.batch_id == batch_id:
            return entry
    return None


def _previous_stats(stats: EvaluationStats, batch_id: str) -> typing.Optional[VersionStatsResponse]:
    """The stats entry that came right before this batch's (chronological order)."""
    entries = list(stats.version_stats or [])
    for index, entry in enumerate(entries):
        if entry.batch_id == batch_id:
            return entries[index - 1] if index > 0 else None
    return entries[-2] if len(entries) >= 2 else None


def check_evaluation_threshold(
    evaluation: EvaluationResponse,
    stats: EvaluationStats,
    evaluator_path: str,
    threshold: float,
    batch_id: str,
) -> bool:
    """Whether this batch's score for ``evaluator_path`` reaches ``threshold``."""
    latest = _stats_for_batch(stats, batch_id)
    if latest is None:
        raise ValueError(f"No stats for batch {batch_id} in the Evaluation")
    stat = get_evaluator_stats_by_path(latest, evaluation).get(evaluator_path)
    if stat is None:
        raise ValueError(f"No stats for Evaluator {evaluator_path} in batch {batch_id}")
    score = get_score_from_evaluator_stat(stat)
    return score is not None and score >= threshold


def check_evaluation_improvement(
    evaluation: EvaluationResponse,
    evaluator_path: str,
    stats: EvaluationStats,
    batch_id: str,
) -> typing.Tuple[bool, float, float]:
    """``(improved_or_equal, score, delta)`` of this batch against the one before it.

    On the first run there is nothing to compare with: the real score is returned
    with a delta of 0 (the 0.8.6 SDK returned a score of 0 here).
    """
    latest = _stats_for_batch(stats, batch_id)
    if latest is None:
        raise ValueError(f"No stats for batch {batch_id} in the Evaluation")
    latest_stat = get_evaluator_stats_by_path(latest, evaluation).get(evaluator_path)
    score = get_score_from_evaluator_stat(latest_stat) if latest_stat is not None else None
    if score is None:
        return True, 0.0, 0.0
    previous = _previous_stats(stats, batch_id)
    previous_stat = get_evaluator_stats_by_path(previous, evaluation).get(evaluator_path) if previous else None
    previous_score = get_score_from_evaluator_stat(previous_stat) if previous_stat is not None else None
    if previous_score is None:
        return True, score, 0.0
    delta = round(score - previous_score, 2)
    return delta >= 0, score, delta


# ---------------------------------------------------------------------------------------------
# Progress on stderr


class _Progress:
    """A one-line live progress bar on stderr (plain lines when stderr is not a terminal)."""

    def __init__(self, total: int, label: str) -> None:
        self.total = total
        self.done = 0
        self.label = label
        self.lock = threading.Lock()
        self.live = sys.stderr.isatty()
        self.started = time.monotonic()
        self._draw()

    def advance(self) -> None:
        with self.lock:
            self.done += 1
            self._draw()

    def _draw(self) -> None:
        width = 30
        filled = int(width * self.done / self.total) if self.total else width
        bar = "#" * filled + "-" * (width - filled)
        elapsed = time.monotonic() - self.started
        line = f"{self.label} [{bar}] {self.done}/{self.total} ({elapsed:.1f}s)"
        if self.live:
            sys.stderr.write("\r" + line)
            if self.done >= self.total:
                sys.stderr.write("\n")
        elif self.done >= self.total or self.done == 0:
            sys.stderr.write(line + "\n")
        sys.stderr.flush()


# ---------------------------------------------------------------------------------------------
# The run


def _poll_delays(first: float = 0.25, factor: float = 1.6, ceiling: float = 5.0) -> typing.Iterator[float]:
    """Delays between status checks: quick at first, then backing off to ``ceiling``."""
    delay = first
    while True:
        yield delay
        delay = min(delay * factor, ceiling)


def _identifiers(spec: typing.Mapping[str, typing.Any]) -> typing.Dict[str, typing.Any]:
    """The ``id`` / ``path`` keys of a File, Dataset or Evaluator spec."""
    return {key: spec[key] for key in ("id", "path") if key in spec}


def _upsert_file(client: BaseHumanloop, file: File, file_type: str) -> typing.Any:
    ident = _identifiers(file)
    if not ident:
        raise ValueError("file needs a 'path' (or the 'id' of an existing File) to log the run under")
    version = dict(file.get("version") or {})
    if file_type == "prompt" and not version.get("model"):
        if "id" in ident and not version:
            return client.prompts.get(id=ident["id"])  # evaluate the Prompt's current version
        raise ValueError(
            "file['version'] must describe the Prompt version that file['callable'] runs, with at least its "
            "'model', e.g. file={'path': 'qa/answer', 'type': 'prompt', 'version': {'model': 'gpt-4o', "
            "'template': [...]}, 'callable': answer} (or give the 'id' of an existing Prompt and no version)"
        )
    if file_type == "tool" and not version:
        if "id" in ident:
            return client.tools.get(id=ident["id"])
        raise ValueError(
            "file['version'] must describe the Tool version that file['callable'] runs, e.g. "
            "{'function': {'name': 'lookup', 'parameters': {...}}} (or give the 'id' of an existing Tool)"
        )
    if file_type == "agent" and not version:
        if "id" in ident:
            return client.agents.get(id=ident["id"])  # evaluate the Agent's current version
        found = client.files.retrieve_by_path(path=ident["path"])
        if getattr(found, "type", None) != "agent":
            raise ValueError(f"The File at {ident['path']!r} is a {getattr(found, 'type', None)}, not an agent")
        return found
    if file_type == "flow":
        attributes = version.get("attributes", version)
        return client.flows.upsert(**ident, attributes=attributes)
    if file_type == "prompt":
        return client.prompts.upsert(**ident, **version)
    if file_type == "tool":
        return client.tools.upsert(**ident, **version)
    if file_type == "agent":
        return client.agents.upsert(**ident, **version)
    raise ValueError(f"Cannot evaluate a File of type {file_type!r}: use prompt, tool, flow or agent")


def _log_function(client: BaseHumanloop, file_type: str) -> typing.Callable[..., typing.Any]:
    """The file type's log method, taking the same fields for every type.

    ``tools.log`` has no ``evaluation_id`` parameter (nor had it in 0.8.6, whose
    ``run`` failed with a ``TypeError`` on Tools): fields a method lacks are sent
    in the request body all the same, so every Log of the run names its Evaluation.
    """
    functions: typing.Dict[str, typing.Callable[..., typing.Any]] = {
        "flow": client.flows.log,
        "prompt": client.prompts.log,
        "tool": client.tools.log,
        "agent": client.agents.log,
    }
    function = functions[file_type]
    accepted = inspect.signature(function).parameters

    def log(**kwargs: typing.Any) -> typing.Any:
        extra = {key: kwargs.pop(key) for key in list(kwargs) if key not in accepted}
        if extra:
            kwargs["request_options"] = {"additional_body_parameters": extra}
        return function(**kwargs)

    return log


def _check_datapoints(dataset: Dataset) -> None:
    """Refuse, before any request, datapoints the server would refuse: inputs are strings."""
    if not isinstance(dataset, typing.Mapping) or not ("path" in dataset or "id" in dataset):
        raise ValueError("dataset must be a dict with a 'path' (or 'id') and its 'datapoints'")
    for index, datapoint in enumerate(dataset.get("datapoints") or []):
        inputs = datapoint.get("inputs") if isinstance(datapoint, typing.Mapping) else None
        for key, value in (inputs or {}).items():
            if not isinstance(value, str):
                raise ValueError(
                    f"dataset['datapoints'][{index}]['inputs'][{key!r}] is {value!r} ({type(value).__name__}): "
                    f"Dataset inputs are strings; pass {json.dumps(str(value))} instead"
                )


def _target_of(datapoint: DatapointResponse) -> typing.Any:
    target = datapoint.target
    if target is None:
        return None
    return {
        key: (value.model_dump() if isinstance(value, pydantic.BaseModel) else value) for key, value in target.items()
    }


def _call(
    loop: typing.Optional[asyncio.AbstractEventLoop],
    function: typing.Callable[..., typing.Any],
    *args: typing.Any,
    **kwargs: typing.Any,
) -> typing.Any:
    """Call a user callable; a coroutine function runs on ``loop`` (the caller's, for an async run)."""
    result = function(*args, **kwargs)
    if inspect.isawaitable(result):
        if loop is None:
            return asyncio.run(_await(result))
        return asyncio.run_coroutine_threadsafe(_await(result), loop).result()
    return result


async def _await(awaitable: typing.Awaitable[typing.Any]) -> typing.Any:
    return await awaitable


#: how long the wait for the server may see no progress before the run gives up (seconds)
DEFAULT_STALL_TIMEOUT = 300.0


def run_eval(
    client: BaseHumanloop,
    file: File,
    name: typing.Optional[str],
    dataset: Dataset,
    evaluators: typing.Optional[typing.Sequence[Evaluator]] = None,
    workers: int = 4,
    loop: typing.Optional[asyncio.AbstractEventLoop] = None,
    stall_timeout: float = DEFAULT_STALL_TIMEOUT,
) -> typing.List[EvaluatorCheck]:
    """Evaluate ``file`` on ``dataset`` with ``evaluators``; see the module docstring.

    ``loop`` is where coroutine callables run (given by the async client). ``stall_timeout``:
    seconds the server may report no progress before :class:`EvaluationStalledError` is raised.
    """
    evaluators = list(evaluators or [])
    if _runs_era(file, dataset, evaluators):
        return _run_eval_runs(client, file, name, dataset, evaluators, workers, loop, stall_timeout)
    function = file.get("callable")
    if function is None:
        raise ValueError("file['callable'] is required: it produces the output that is evaluated")
    file_type = file.get("type")
    if file_type is None:
        logger.warning("No file['type'] given; evaluating it as a 'flow'")
        file_type = "flow"
    if file_type == "evaluator":
        # an Evaluator Log needs the Log it judges (``parent_id``): there is none for a datapoint
        raise ValueError(
            "An evaluator File cannot be evaluated on a Dataset by evaluations.run: use type 'prompt', 'tool' or 'flow'"
        )
    if file_type not in ("flow", "prompt", "tool"):
        raise ValueError(f"Cannot evaluate a File of type {file_type!r}: use prompt, tool or flow")
    custom_logger = file.get("custom_logger")

    _check_datapoints(dataset)
    hl_file = _upsert_file(client, file, file_type)

    ds_ident = _identifiers(dataset)
    ds_extra: typing.Dict[str, typing.Any] = {"action": dataset["action"]} if "action" in dataset else {}
    hl_dataset = client.datasets.upsert(**ds_ident, datapoints=list(dataset.get("datapoints") or []), **ds_extra)
    hl_dataset = client.datasets.get(id=hl_dataset.id, version_id=hl_dataset.version_id, include_datapoints=True)
    datapoints: typing.List[DatapointResponse] = list(hl_dataset.datapoints or [])

    local_evaluators = _upsert_local_evaluators(client, evaluators, datapoints)

    evaluation = _create_or_reuse_evaluation(client, name, hl_file, hl_dataset, evaluators)
    batch_id = uuid.uuid4().hex[:10]
    callable_errors, judge_errors = _log_all(
        client,
        file_type,
        function,
        custom_logger,
        hl_file,
        datapoints,
        local_evaluators,
        {"evaluation_id": evaluation.id, "batch_id": batch_id},
        workers,
        loop,
    )

    stats = _wait_for_completion(client, evaluation.id, stall_timeout)
    evaluation = client.evaluations.get(id=evaluation.id)
    server_errors = _judgment_errors(client, evaluation.id, batch_id)
    for version_id, texts in judge_errors.items():
        server_errors.setdefault(version_id, texts)
    return _checks(evaluation, stats, evaluators, batch_id, callable_errors, server_errors)


def _log_all(
    client: BaseHumanloop,
    file_type: str,
    function: typing.Callable[..., typing.Any],
    custom_logger: typing.Optional[typing.Callable[..., typing.Any]],
    hl_file: typing.Any,
    datapoints: typing.Sequence[DatapointResponse],
    local_evaluators: typing.Sequence[typing.Tuple[Evaluator, typing.Any]],
    tag: typing.Dict[str, typing.Any],
    workers: int,
    loop: typing.Optional[asyncio.AbstractEventLoop],
) -> typing.Tuple[typing.List[str], typing.Dict[str, typing.List[str]]]:
    """Call ``function`` on every datapoint in ``workers`` threads, log each result with ``tag`` (the
    batch or the Run it belongs to) and judge it with the local Evaluators.

    Returns what failed on this side: the callable's error texts, and the local Evaluators' per
    Evaluator version.
    """
    log = _log_function(client, file_type)
    # what failed on this side: the callable per datapoint, local evaluators per Log
    failures_lock = threading.Lock()
    callable_errors: typing.List[str] = []
    judge_errors: typing.Dict[str, typing.List[str]] = {}

    # set when a datapoint fails outside the user's code (a request): the rest are dropped
    stop = threading.Event()

    def process(datapoint: DatapointResponse) -> None:
        if stop.is_set():
            return
        try:
            process_one(datapoint)
        except BaseException:
            stop.set()
            raise

    def process_one(datapoint: DatapointResponse) -> None:
        inputs = dict(datapoint.inputs or {})
        kwargs: typing.Dict[str, typing.Any] = dict(inputs)
        if datapoint.messages:
            kwargs["messages"] = [m.model_dump(exclude_none=True) for m in datapoint.messages]
        start = dt.datetime.now(dt.timezone.utc)
        log_args: typing.Dict[str, typing.Any] = {
            "id": hl_file.id,
            "version_id": hl_file.version_id,
            **tag,
            "inputs": inputs,
            "source_datapoint_id": datapoint.id,
            "start_time": start,
        }
        if file_type == "flow":
            log_args["trace_status"] = "complete"
        # Only the user's callable may fail "into" the datapoint's Log (any exception, an
        # ApiError of a Humanloop call it makes included); a failing request to log it ends the run.
        error: typing.Optional[str] = None
        output: typing.Any = None
        try:
            output = _call(loop, function, **kwargs)
            if custom_logger is None and not isinstance(output, str):
                raise TypeError(
                    f"file['callable'] returned {type(output).__name__}; it must return a str "
                    "(or give file['custom_logger'] to log other outputs)"
                )
        except Exception as exc:  # the datapoint's failure is logged, the run goes on
            error = f"{type(exc).__name__}: {exc}"
            with failures_lock:
                callable_errors.append(error)
        log_args["end_time"] = dt.datetime.now(dt.timezone.utc)
        if error is not None:
            created = log(**log_args, error=error)
        elif custom_logger is not None:
            created = _call(loop, custom_logger, client=client, output=output, **log_args)
        else:
            created = log(**log_args, output=output)
        log_id = getattr(created, "id", None)
        if log_id is None or not local_evaluators:
            return
        log_dict = client.logs.get(id=log_id).model_dump(mode="json")
        for evaluator, hl_evaluator in local_evaluators:
            failure = _judge(client, evaluator, hl_evaluator, log_dict, datapoint, log_id, loop)
            if failure is not None:
                with failures_lock:
                    judge_errors.setdefault(hl_evaluator.version_id, []).append(failure)

    progress = _Progress(len(datapoints), f"Evaluating {getattr(hl_file, 'path', '')}")
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = [pool.submit(process, dp) for dp in datapoints]
        try:
            for future in concurrent.futures.as_completed(futures):
                future.result()
                progress.advance()
        except BaseException:
            stop.set()
            for future in futures:
                future.cancel()
            raise

    return callable_errors, judge_errors


def _upsert_local_evaluators(
    client: BaseHumanloop, evaluators: typing.Sequence[Evaluator], datapoints: typing.Sequence[DatapointResponse]
) -> typing.List[typing.Tuple[Evaluator, typing.Any]]:
    """Upsert each local Evaluator (one with a ``callable``) as an ``external`` Evaluator whose
    version is keyed by the callable's source; returns ``(evaluator, upserted)`` pairs."""
    local_evaluators: typing.List[typing.Tuple[Evaluator, typing.Any]] = []
    for evaluator in evaluators:
        judge = evaluator.get("callable")
        if judge is None:
            continue
        if "path" not in evaluator and "id" not in evaluator:
            raise ValueError("A local Evaluator needs a 'path' (or 'id') to be stored under")
        args_type = evaluator.get("args_type", "target_free")
        if args_type == "target_required":
            lacking = sum(1 for dp in datapoints if not dp.target)
            if lacking:
                raise ValueError(
                    f"Evaluator {evaluator.get('path', evaluator.get('id'))!r} needs a target, "
                    f"but {lacking} datapoint(s) of the Dataset have none"
                )
        ev_ident = _identifiers(evaluator)
        hl_evaluator = client.evaluators.upsert(
            **ev_ident,
            spec={
                "evaluator_type": "external",
                "arguments_type": args_type,
                "return_type": evaluator.get("return_type", "boolean"),
                "attributes": {"code": inspect.getsource(judge)},
            },
        )
        local_evaluators.append((evaluator, hl_evaluator))
    return local_evaluators


def _judge(
    client: BaseHumanloop,
    evaluator: Evaluator,
    hl_evaluator: typing.Any,
    log_dict: typing.Dict[str, typing.Any],
    datapoint: DatapointResponse,
    log_id: str,
    loop: typing.Optional[asyncio.AbstractEventLoop],
) -> typing.Optional[str]:
    """Judge one Log with a local Evaluator and post the judgment; returns the error text when it failed."""
    judge = evaluator["callable"]
    args: typing.List[typing.Any] = [log_dict]
    if evaluator.get("args_type") == "target_required":
        args.append(_target_of(datapoint))
    start = dt.datetime.now(dt.timezone.utc)
    try:
        judgment = _call(loop, judge, *args)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        client.evaluators.log(
            parent_id=log_id,
            id=hl_evaluator.id,
            version_id=hl_evaluator.version_id,
            error=error,
            start_time=start,
            end_time=dt.datetime.now(dt.timezone.utc),
        )
        return error
    custom = evaluator.get("custom_logger")
    if custom is not None:
        _call(loop, custom, client=client, parent_id=log_id, judgment=judgment)
        return None
    client.evaluators.log(
        parent_id=log_id,
        id=hl_evaluator.id,
        version_id=hl_evaluator.version_id,
        judgment=judgment,
        start_time=start,
        end_time=dt.datetime.now(dt.timezone.utc),
    )
    return None


def _create_or_reuse_evaluation(
    client: BaseHumanloop,
    name: typing.Optional[str],
    hl_file: typing.Any,
    hl_dataset: typing.Any,
    evaluators: typing.Sequence[Evaluator],
) -> EvaluationResponse:
    """The Evaluation this run adds a batch to, set up with the Dataset version the run works on.

    A new Evaluation names that version. An existing one (same ``name``) is moved to it and given
    any Evaluator it lacks; its earlier batches keep the version and the Evaluators they ran with,
    so they stay complete and this batch is judged on exactly the datapoints it logged.
    """
    refs: typing.List[typing.Any] = []
    for evaluator in evaluators:
        ref: typing.Dict[str, typing.Any] = (
            {"path": evaluator["path"]} if "path" in evaluator else {"file_id": evaluator["id"]}
        )
        ref["orchestrated"] = "callable" not in evaluator
        refs.append(ref)
    dataset_ref: EvaluationsDatasetRequestParams = {"version_id": hl_dataset.version_id}
    try:
        return client.evaluations.create(name=name, dataset=dataset_ref, evaluators=refs, file={"id": hl_file.id})
    except ApiError as exc:
        if exc.status_code != 409 or name is None:
            raise
    existing = next((e for e in client.evaluations.list(file_id=hl_file.id, size=50) if e.name == name), None)
    if existing is None:
        raise ValueError(f"The server reported an Evaluation named {name!r} already exists, but it could not be found")
    have = {(e.version.path, e.version.id) for e in existing.evaluators}
    missing = [
        ref for ref in refs if not any(ref.get("path") == path or ref.get("file_id") == id_ for path, id_ in have)
    ]
    current_version = getattr(existing.dataset, "version_id", None)
    if current_version == hl_dataset.version_id and not missing:
        return existing
    update: typing.Dict[str, typing.Any] = {"dataset": dataset_ref}
    if missing:
        kept = [{"version_id": e.version.version_id, "orchestrated": e.orchestrated} for e in existing.evaluators]
        update["evaluators"] = kept + missing
    return client.evaluations.update_setup(id=existing.id, **update)


def _progress_key(stats: EvaluationStats) -> str:
    """What counts as progress: the counts in the progress text (not the list of what is awaited)."""
    return (stats.progress or "").split(";", 1)[0]


def _wait_for_completion(
    client: BaseHumanloop, evaluation_id: str, stall_timeout: float = DEFAULT_STALL_TIMEOUT
) -> EvaluationStats:
    """Poll until the Evaluation is complete; raise when it makes no progress for ``stall_timeout``."""
    last_progress = None
    last_change = time.monotonic()
    for delay in _poll_delays():
        stats = client.evaluations.get_stats(id=evaluation_id)
        key = _progress_key(stats)
        if key != last_progress:
            last_progress, last_change = key, time.monotonic()
            sys.stderr.write(f"{stats.progress}\n")
            sys.stderr.flush()
        if stats.status == "completed":
            if stats.report:
                print(stats.report)
            return stats
        if stats.status == "cancelled":
            raise RuntimeError(f"Evaluation {evaluation_id} was cancelled")
        if time.monotonic() - last_change > stall_timeout:
            raise EvaluationStalledError(
                f"Evaluation {evaluation_id} made no progress for {stall_timeout:g} s and is not complete: "
                f"{stats.progress}"
            )
        time.sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover


def _judgment_errors(client: BaseHumanloop, evaluation_id: str, batch_id: str) -> typing.Dict[str, typing.List[str]]:
    """The error texts of this batch's judgments, per Evaluator version (as the server stored them)."""
    errors: typing.Dict[str, typing.List[str]] = {}
    page, size = 1, 100
    while True:
        rows = client.evaluations.get_logs(id=evaluation_id, page=page, size=size).records
        for row in rows:
            log = row.log
            if log is None or batch_id not in (getattr(log, "batches", None) or []):
                continue
            for judgment in row.evaluator_logs or []:
                error = getattr(judgment, "error", None)
                version = getattr(getattr(judgment, "evaluator", None), "version_id", None)
                if error and version:
                    errors.setdefault(version, []).append(error)
        if len(rows) < size:
            return errors
        page += 1


#: how many error texts a check keeps and the summary shows
SHOWN_ERRORS = 3


def _checks(
    evaluation: EvaluationResponse,
    stats: EvaluationStats,
    evaluators: typing.Sequence[Evaluator],
    batch_id: str,
    callable_errors: typing.Sequence[str] = (),
    judgment_errors: typing.Optional[typing.Mapping[str, typing.Sequence[str]]] = None,
) -> typing.List[EvaluatorCheck]:
    """One check per Evaluator, printed in green when it passes and in red (with the first error
    texts) when it does not or when anything failed."""
    judgment_errors = judgment_errors or {}
    checks: typing.List[EvaluatorCheck] = []
    path_of_id = {ev.version.id: ev.version.path for ev in evaluation.evaluators}
    version_of_path = {ev.version.path: ev.version.version_id for ev in evaluation.evaluators}
    batch = _stats_for_batch(stats, batch_id)
    num_logs = int(getattr(batch, "num_logs", 0) or 0)
    stats_by_path = get_evaluator_stats_by_path(batch, evaluation) if batch is not None else {}
    if callable_errors:
        shown = "; ".join(callable_errors[:SHOWN_ERRORS])
        print(_coloured(f"{len(callable_errors)} of {num_logs} datapoint(s) failed in file['callable']: {shown}", RED))
    for evaluator in evaluators:
        path = evaluator.get("path") or path_of_id.get(evaluator.get("id", ""), "")
        improved, score, delta = check_evaluation_improvement(evaluation, path, stats, batch_id)
        stat = stats_by_path.get(path)
        num_errors = int(getattr(stat, "num_errors", 0) or 0)
        errors = list(judgment_errors.get(version_of_path.get(path, ""), []))[:SHOWN_ERRORS]
        check = EvaluatorCheck(
            path=path,
            improvement_check=improved,
            score=score,
            delta=delta,
            threshold=evaluator.get("threshold"),
            threshold_check=None,
            num_logs=num_logs,
            num_errors=num_errors,
            num_failed_logs=len(callable_errors),
            errors=errors,
        )
        if check.failed:
            check.improvement_check = False
        if check.threshold is not None:
            check.threshold_check = not check.failed and score >= check.threshold
        passed = check.threshold_check is not False and check.improvement_check and not num_errors
        line = f"{path}: score {score}, change {delta:+}"
        if num_errors:
            line += f"; {num_errors} of {num_logs} judgment(s) failed"
            if errors:
                line += ": " + "; ".join(errors)
        print(_coloured(line, GREEN if passed else RED))
        checks.append(check)
    return checks


# ---------------------------------------------------------------------------------------------
# The runs era (SDK 0.8.9 to 0.8.38)

#: keys of a File, Dataset or Evaluator spec that only the runs-era SDKs accept
RUNS_ERA_KEYS = ("version_id", "environment")
#: File types whose Logs the server can make itself (a Run of them needs no ``callable``)
SERVER_CALLED_TYPES = ("prompt", "agent")


def _runs_era(file: File, dataset: Dataset, evaluators: typing.Sequence[Evaluator]) -> bool:
    """Whether the arguments use anything only the runs-era SDKs accept (see the module docstring)."""
    specs: typing.List[typing.Mapping[str, typing.Any]] = [file, dataset, *evaluators]
    if any(key in spec for spec in specs for key in RUNS_ERA_KEYS):
        return True
    if file.get("callable") is None or file.get("type") == "agent":
        return True
    return isinstance(dataset, typing.Mapping) and "datapoints" not in dataset


def _file_version(client: BaseHumanloop, file: File, file_type: str) -> typing.Any:
    """The File version a Run evaluates: named by ``version_id``/``environment``, or as in 0.8.6."""
    if "version_id" not in file and "environment" not in file:
        return _upsert_file(client, file, file_type)
    getters: typing.Dict[str, typing.Callable[..., typing.Any]] = {
        "prompt": client.prompts.get,
        "tool": client.tools.get,
        "flow": client.flows.get,
        "agent": client.agents.get,
    }
    if file_type not in getters:
        raise ValueError(f"Cannot evaluate a File of type {file_type!r} here: use prompt, tool, flow or agent")
    if "id" not in file:
        raise ValueError("file['version_id'] / file['environment'] need the File's 'id'")
    selector = {key: file[key] for key in RUNS_ERA_KEYS if key in file}  # type: ignore[literal-required]
    return getters[file_type](id=file["id"], **selector)


def _dataset_version(client: BaseHumanloop, dataset: Dataset) -> typing.Any:
    """The Dataset version of the Run, with its datapoints: upserted from ``datapoints`` when they are
    given, else the stored one named by ``id``/``path`` (and ``version_id``/``environment``)."""
    if not isinstance(dataset, typing.Mapping) or not ("path" in dataset or "id" in dataset):
        raise ValueError("dataset must be a dict with a 'path' (or 'id')")
    if "datapoints" in dataset:
        _check_datapoints(dataset)
        extra: typing.Dict[str, typing.Any] = {"action": dataset["action"]} if "action" in dataset else {}
        stored = client.datasets.upsert(**_identifiers(dataset), datapoints=list(dataset["datapoints"]), **extra)
        return client.datasets.get(id=stored.id, version_id=stored.version_id, include_datapoints=True)
    selector = {key: dataset[key] for key in RUNS_ERA_KEYS if key in dataset}  # type: ignore[literal-required]
    dataset_id = dataset.get("id")
    if dataset_id is None:
        # an upsert that adds nothing names the Dataset by path without changing it
        dataset_id = client.datasets.upsert(path=dataset["path"], datapoints=[], action="add").id
    return client.datasets.get(id=dataset_id, include_datapoints=True, **selector)


def _evaluator_refs(evaluators: typing.Sequence[Evaluator]) -> typing.List[typing.Dict[str, typing.Any]]:
    """The runs-era references of the Evaluators: by version, by id or by path; local ones not orchestrated."""
    refs: typing.List[typing.Dict[str, typing.Any]] = []
    for evaluator in evaluators:
        ref: typing.Dict[str, typing.Any]
        if "version_id" in evaluator and "callable" not in evaluator:
            ref = {"version_id": evaluator["version_id"]}
        elif "path" in evaluator:
            ref = {"path": evaluator["path"]}
        elif "id" in evaluator:
            ref = {"id": evaluator["id"]}
        else:
            raise ValueError("each Evaluator needs a 'path', an 'id' or a 'version_id'")
        if "environment" in evaluator and "version_id" not in ref:
            ref["environment"] = evaluator["environment"]
        ref["orchestrated"] = "callable" not in evaluator
        refs.append(ref)
    return refs


def _evaluation_for_runs(
    client: BaseHumanloop,
    name: typing.Optional[str],
    hl_file: typing.Any,
    refs: typing.List[typing.Dict[str, typing.Any]],
) -> EvaluationResponse:
    """A new Evaluation of the File (runs-era body), or the one with that name given the Evaluators it lacks."""
    try:
        return client.evaluations.create(name=name, file={"id": hl_file.id}, evaluators=refs)  # type: ignore[arg-type]
    except ApiError as exc:
        if exc.status_code != 409 or name is None:
            raise
    existing = next((e for e in client.evaluations.list(file_id=hl_file.id, size=50) if e.name == name), None)
    if existing is None:
        raise ValueError(f"The server reported an Evaluation named {name!r} already exists, but it could not be found")
    have = {(e.version.path, e.version.id, e.version.version_id) for e in existing.evaluators}
    missing = [
        ref
        for ref in refs
        if not any(ref.get("path") == p or ref.get("id") == i or ref.get("version_id") == v for p, i, v in have)
    ]
    if missing:
        return client.evaluations.add_evaluators(id=existing.id, evaluators=missing)  # type: ignore[arg-type]
    return existing


def _run_stats(stats: EvaluationStats, run_id: str) -> typing.Tuple[typing.Any, typing.Any]:
    """This Run's stats entry and the one of the Run created before it (``run_stats`` lists the latest first)."""
    entries = list(stats.run_stats or [])
    for index, entry in enumerate(entries):
        if entry.run_id == run_id:
            return entry, entries[index + 1] if index + 1 < len(entries) else None
    return None, None


def _wait_for_run(
    client: BaseHumanloop, evaluation_id: str, run_id: str, stall_timeout: float = DEFAULT_STALL_TIMEOUT
) -> EvaluationStats:
    """Poll until the Run is complete; raise when it is cancelled or makes no progress for ``stall_timeout``."""
    last_progress = None
    last_change = time.monotonic()
    for delay in _poll_delays():
        stats = client.evaluations.get_stats(id=evaluation_id)
        entry, _ = _run_stats(stats, run_id)
        status = getattr(entry, "status", None)
        key = (_progress_key(stats), getattr(entry, "num_logs", None))
        if key != last_progress:
            last_progress, last_change = key, time.monotonic()
            sys.stderr.write(f"{stats.progress}\n")
            sys.stderr.flush()
        if status == "completed":
            if stats.report:
                print(stats.report)
            return stats
        if status == "cancelled":
            raise RuntimeError(f"Run {run_id} of Evaluation {evaluation_id} was cancelled")
        if time.monotonic() - last_change > stall_timeout:
            raise EvaluationStalledError(
                f"Run {run_id} of Evaluation {evaluation_id} made no progress for {stall_timeout:g} s and is not "
                f"complete: {stats.progress}"
            )
        time.sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover


def _run_eval_runs(
    client: BaseHumanloop,
    file: File,
    name: typing.Optional[str],
    dataset: Dataset,
    evaluators: typing.Sequence[Evaluator],
    workers: int,
    loop: typing.Optional[asyncio.AbstractEventLoop],
    stall_timeout: float,
) -> typing.List[EvaluatorCheck]:
    """``run`` as the runs-era SDKs do it: an Evaluation of the File, one new Run, Logs with ``run_id``."""
    file_type = file.get("type")
    if file_type is None:
        logger.warning("No file['type'] given; evaluating it as a 'flow'")
        file_type = "flow"
    if file_type not in ("flow", "prompt", "tool", "agent"):
        raise ValueError(f"Cannot evaluate a File of type {file_type!r}: use prompt, tool, flow or agent")
    function = file.get("callable")
    if function is None and file_type not in SERVER_CALLED_TYPES:
        raise ValueError(
            "file['callable'] is required unless the File is a Prompt or an Agent that the server calls itself"
        )
    hl_file = _file_version(client, file, file_type)
    hl_dataset = _dataset_version(client, dataset)
    datapoints: typing.List[DatapointResponse] = list(hl_dataset.datapoints or [])
    if function is None and any("callable" in evaluator for evaluator in evaluators):
        raise ValueError("local Evaluators (with a 'callable') need file['callable'] to produce the Logs they judge")
    local_evaluators = _upsert_local_evaluators(client, evaluators, datapoints)
    evaluation = _evaluation_for_runs(client, name, hl_file, _evaluator_refs(evaluators))
    run = client.evaluations.create_run(
        id=evaluation.id,
        dataset={"version_id": hl_dataset.version_id},
        version={"version_id": hl_file.version_id},
        orchestrated=function is None,
    )
    callable_errors: typing.List[str] = []
    judge_errors: typing.Dict[str, typing.List[str]] = {}
    try:
        if function is not None:
            callable_errors, judge_errors = _log_all(
                client,
                file_type,
                function,
                file.get("custom_logger"),
                hl_file,
                datapoints,
                local_evaluators,
                {"run_id": run.id},
                workers,
                loop,
            )
        stats = _wait_for_run(client, evaluation.id, run.id, stall_timeout)
    except KeyboardInterrupt:
        client.evaluations.update_evaluation_run(id=evaluation.id, run_id=run.id, status="cancelled")
        raise
    evaluation = client.evaluations.get(id=evaluation.id)
    return _run_checks(client, evaluation, stats, evaluators, run.id, callable_errors, judge_errors)


def _run_checks(
    client: BaseHumanloop,
    evaluation: EvaluationResponse,
    stats: EvaluationStats,
    evaluators: typing.Sequence[Evaluator],
    run_id: str,
    callable_errors: typing.Sequence[str],
    judge_errors: typing.Mapping[str, typing.Sequence[str]],
) -> typing.List[EvaluatorCheck]:
    """One check per Evaluator from this Run's stats and the Run before it; printed like the 0.8.6 ones."""
    path_of_version = {e.version.version_id: e.version.path for e in evaluation.evaluators}
    path_of_id = {e.version.id: e.version.path for e in evaluation.evaluators}
    version_of_path = {e.version.path: e.version.version_id for e in evaluation.evaluators}
    latest, previous = _run_stats(stats, run_id)

    def by_path(entry: typing.Any) -> typing.Dict[str, typing.Any]:
        found: typing.Dict[str, typing.Any] = {}
        for item in getattr(entry, "evaluator_stats", None) or []:
            path = path_of_version.get(item.evaluator_version_id)
            if path is not None:
                found[path] = item
        return found

    latest_stats, previous_stats = by_path(latest), by_path(previous)
    num_logs = int(getattr(latest, "num_logs", 0) or 0)
    errors_by_version: typing.Dict[str, typing.List[str]] = {k: list(v) for k, v in judge_errors.items()}
    page = 1
    while True:  # the error texts of this Run's judgments, as the server stored them
        records = client.evaluations.get_logs(id=evaluation.id, run_id=run_id, page=page, size=100).records
        for record in records:
            for judgment in record.evaluator_logs or []:
                error = getattr(judgment, "error", None)
                version = getattr(getattr(judgment, "evaluator", None), "version_id", None)
                if error and version:
                    errors_by_version.setdefault(version, []).append(error)
        if len(records) < 100:
            break
        page += 1
    if callable_errors:
        shown = "; ".join(callable_errors[:SHOWN_ERRORS])
        print(_coloured(f"{len(callable_errors)} of {num_logs} datapoint(s) failed in file['callable']: {shown}", RED))
    checks: typing.List[EvaluatorCheck] = []
    for evaluator in evaluators:
        path = (
            evaluator.get("path")
            or path_of_id.get(evaluator.get("id", ""), "")
            or path_of_version.get(evaluator.get("version_id", ""), "")
        )
        stat = latest_stats.get(path)
        score = get_score_from_evaluator_stat(stat) if stat is not None else None
        before = previous_stats.get(path)
        previous_score = get_score_from_evaluator_stat(before) if before is not None else None
        delta = round((score or 0.0) - previous_score, 2) if score is not None and previous_score is not None else 0.0
        num_errors = int(getattr(stat, "num_errors", 0) or 0)
        check = EvaluatorCheck(
            path=path,
            improvement_check=delta >= 0,
            score=score if score is not None else 0.0,
            delta=delta,
            threshold=evaluator.get("threshold"),
            threshold_check=None,
            num_logs=num_logs,
            num_errors=num_errors,
            num_failed_logs=len(callable_errors),
            errors=errors_by_version.get(version_of_path.get(path, ""), [])[:SHOWN_ERRORS],
            evaluation_id=evaluation.id,
        )
        if check.failed:
            check.improvement_check = False
        if check.threshold is not None:
            check.threshold_check = not check.failed and check.score >= check.threshold
        passed = check.threshold_check is not False and check.improvement_check and not num_errors
        line = f"{path}: score {check.score}, change {delta:+}"
        if num_errors:
            line += f"; {num_errors} of {num_logs} judgment(s) failed"
            if check.errors:
                line += ": " + "; ".join(check.errors)
        print(_coloured(line, GREEN if passed else RED))
        checks.append(check)
    return checks


async def run_eval_async(
    make_sync_client: typing.Callable[[], BaseHumanloop],
    file: File,
    name: typing.Optional[str],
    dataset: Dataset,
    evaluators: typing.Optional[typing.Sequence[Evaluator]] = None,
    workers: int = 4,
    stall_timeout: float = DEFAULT_STALL_TIMEOUT,
) -> typing.List[EvaluatorCheck]:
    """The async entry point: the same orchestration in a worker thread, so the event loop stays free.

    Callables may be plain functions or coroutine functions; coroutines run on the calling loop.
    """
    loop = asyncio.get_running_loop()
    client = make_sync_client()
    try:
        return await loop.run_in_executor(
            None,
            lambda: run_eval(client, file, name, dataset, evaluators, workers, loop=loop, stall_timeout=stall_timeout),
        )
    finally:
        client._client_wrapper.close()
