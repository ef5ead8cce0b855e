"""``prompts.call``: fill the template, send it to the model provider, store the result as Logs.

Two entry points:

- :func:`run_kernel` (no database): a Prompt kernel + chat messages + inputs -> one
  :class:`~humanloop_server.providers.ProviderResult`, with ``provider_latency`` measured. Used by
  server-side LLM evaluators and by :func:`call_prompt`.
- :func:`call_prompt`: the whole ``POST /prompts/call``. Resolves the version (``version_id``,
  ``environment``, or the inline ``prompt`` kernel -> content-addressed version; a new ``path`` creates
  the File), fills the template, calls the provider ``num_samples`` times and stores each generation
  through :func:`humanloop_server.services.logs.create_log` (the function ``prompts.log`` uses, so
  traces, datapoints, batches, ``save`` and monitoring behave the same).

Order of checks, all answered before anything is stored or sent: unknown File/version (404),
unsupported provider or endpoint (422), missing template variables (422, one ``detail`` entry per
missing name, sorted), missing provider key (400, ``detail = {type, message, code, origin}``).
Provider failures answer ``detail = {type, message, code, origin}`` too (4xx kept, 5xx -> 502);
nothing is stored for a failed non-streamed call.

The database write lock is not held while the provider works: the version is resolved, the read
transaction ended, the provider called, and only then the Logs are written.

Streaming (``stream=true``) returns a :class:`CallStream` whose events the API sends as
server-sent events: one PromptCallStreamResponse per text delta, each with ``output`` (the delta), ``index``, ``id`` (the Log id, chosen up
front), ``prompt_id`` and ``version_id``; the last event of a sample has ``output=""`` plus
``finish_reason``, tokens, costs, ``output_message`` and ``provider_latency``. Samples are streamed
one after another. Each sample's Log is stored when its stream ends; when the provider fails midway
the Log keeps the partial output with ``error`` set and a final event carrying ``error`` ends the
stream; when the client disconnects midway the partial output is stored with an ``error`` note.
Provider keys from the request are used for that request only: they are never stored or logged.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from typing import Any, AsyncGenerator, Dict, Iterator, List, Mapping, Optional, Tuple, Union

import anyio

from .. import ids
from ..db.models import Log
from ..providers import Provider, ProviderError, ProviderRequest, ProviderResult, get_provider
from ..providers.base import redact
from ..providers.mock import content_text
from ..providers.registry import resolve_api_key, resolve_base_url
from . import files, kinds, logs, templates
from .common import bad_request, conflict, iso, not_found, now, unprocessable
from .context import Context
from .errors import Invalid, ServiceError
from .tenancy import find_owned, get_owned

logger = logging.getLogger(__name__)

MAX_SAMPLES = 50
DISCONNECTED = "The client disconnected before the stream ended; the output is partial."

#: request fields echoed in the response and stored on each Log as given
ECHO_FIELDS = [
    "source",
    "metadata",
    "source_datapoint_id",
    "trace_parent_id",
    "batch_id",
    "user",
    "environment",
    "save",
    "log_status",
]


# ---------------------------------------------------------------- kernel -> provider request


def _chat_messages(kernel: Dict[str, Any], messages: Optional[List[Dict[str, Any]]], inputs: Dict[str, Any]) -> Any:
    """Populated template messages followed by the request's messages (chat endpoint).

    A string template on the chat endpoint is sent as one ``user`` message.
    """
    template = kernel.get("template")
    filled = templates.populate(template, inputs, kernel.get("template_language"))
    out: List[Dict[str, Any]] = []
    if isinstance(filled, str):
        out.append({"role": "user", "content": filled})
    elif isinstance(filled, list):
        out.extend(filled)
    for m in messages or []:
        out.append({k: v for k, v in dict(m).items() if v is not None})
    return out


def _complete_prompt(kernel: Dict[str, Any], inputs: Dict[str, Any]) -> str:
    filled = templates.populate(kernel.get("template"), inputs, kernel.get("template_language"))
    if isinstance(filled, list):
        return "\n".join(content_text(m.get("content")) for m in filled)
    return filled or ""


def prepare(
    kernel: Dict[str, Any],
    messages: Optional[List[Dict[str, Any]]] = None,
    inputs: Optional[Dict[str, Any]] = None,
    provider_api_keys: Optional[Mapping[str, Any]] = None,
    *,
    tool_choice: Any = None,
    extra_tools: Optional[List[Dict[str, Any]]] = None,
    settings: Optional[Mapping[str, str]] = None,
) -> Tuple[Provider, ProviderRequest]:
    """Check and build everything a provider call needs; raises ``Invalid`` (422) or ``ProviderFailed`` (400) on bad input.

    ``settings``: an environment-like mapping for ``*_API_KEY`` / ``*_BASE_URL`` (default ``os.environ``).
    """
    name = str(kernel.get("provider") or "openai")
    try:
        provider = get_provider(name)
    except ProviderError as exc:
        raise Invalid(exc.message, ["body", "prompt", "provider"], type=exc.type) from None
    endpoint = str(kernel.get("endpoint") or "chat")
    if endpoint not in ("chat", "complete"):
        raise unprocessable(
            f"Endpoint {endpoint!r} is not supported by this server (use chat or complete)",
            ["body", "prompt", "endpoint"],
        )
    values = dict(inputs or {})
    if endpoint == "chat":
        msgs, prompt_text = _chat_messages(kernel, messages, values), None
    else:
        msgs, prompt_text = [], _complete_prompt(kernel, values)
    try:
        key = resolve_api_key(provider.name, provider_api_keys, settings)
    except ProviderError as exc:
        raise exc.to_error() from None
    tools = [
        {k: v for k, v in t.items() if k in ("name", "description", "parameters", "strict")}
        for t in list(kernel.get("tools") or []) + list(extra_tools or [])
        if isinstance(t, dict) and t.get("name")
    ]
    if tool_choice is None and tools:
        tool_choice = "auto"
    request = ProviderRequest(
        model=str(kernel.get("model") or ""),
        endpoint=endpoint,
        messages=msgs,
        prompt=prompt_text,
        temperature=kernel.get("temperature"),
        max_tokens=kernel.get("max_tokens"),
        top_p=kernel.get("top_p"),
        stop=kernel.get("stop"),
        presence_penalty=kernel.get("presence_penalty"),
        frequency_penalty=kernel.get("frequency_penalty"),
        seed=kernel.get("seed"),
        response_format=kernel.get("response_format"),
        tools=tools or None,
        tool_choice=tool_choice if tools else None,
        reasoning_effort=kernel.get("reasoning_effort"),
        other=dict(kernel.get("other") or {}),
        api_key=key,
        base_url=resolve_base_url(provider.name, settings) if provider.name != "mock" else None,
    )
    return provider, request


def complete(provider: Provider, request: ProviderRequest) -> ProviderResult:
    """One provider call with ``provider_latency`` measured; failures become ``ProviderFailed``."""
    started = time.perf_counter()
    try:
        result = provider.complete(request)
    except ProviderError as exc:
        raise exc.to_error() from None
    result.provider_latency = time.perf_counter() - started
    return result


def run_kernel(
    kernel: Dict[str, Any],
    messages: Optional[List[Dict[str, Any]]] = None,
    inputs: Optional[Dict[str, Any]] = None,
    provider_api_keys: Optional[Mapping[str, Any]] = None,
    settings: Optional[Mapping[str, str]] = None,
    *,
    tool_choice: Any = None,
) -> ProviderResult:
    """Fill the kernel's template with ``inputs``, append ``messages``, call its provider once.

    Raises ``Invalid``/``ProviderFailed``: 422 (unsupported provider/endpoint, missing variables), 400 (no key),
    provider errors as 4xx/502 with ``detail = {type, message, code, origin}``. Catch
    :class:`~humanloop_server.providers.ProviderError` is not needed: it is converted here.
    The populated messages sent are in ``result.provider_request`` (and returned by :func:`prepare`).
    """
    provider, request = prepare(kernel, messages, inputs, provider_api_keys, tool_choice=tool_choice, settings=settings)
    return complete(provider, request)


# ---------------------------------------------------------------- prompts.call


def _resolve(
    ctx: Context, data: Dict[str, Any], version_id: Optional[str], environment: Optional[str]
) -> Dict[str, Any]:
    """Which File/version the call uses, and its kernel (read only; nothing is created here)."""
    inline = kinds.PROMPT.details_in_log(data) if kinds.PROMPT.details_in_log is not None else None
    f = files.find_file(ctx, "prompt", data.get("id"), data.get("path"))
    if inline is not None:
        kernel = kinds.PROMPT.kernel(inline)
        if f is None and not data.get("path"):
            raise unprocessable("Provide the path or id of the Prompt", ["body", "path"])
        return {"file_id": f.id if f is not None else None, "version_id": None, "kernel": kernel}
    if f is None:
        if not data.get("path"):
            raise unprocessable("Provide the path or id of the Prompt", ["body", "path"])
        raise not_found(f"Prompt at path {data.get('path')!r} (send its details in `prompt` to create it);")
    v = files.resolve_version(ctx, f, version_id, environment)
    return {"file_id": f.id, "version_id": v.id, "kernel": dict(v.kernel or {})}


def _log_data(data: Dict[str, Any], target: Dict[str, Any], messages: List[Dict[str, Any]]) -> Dict[str, Any]:
    """The prompts.log body for one generation (without the provider's result)."""
    out: Dict[str, Any] = {k: data[k] for k in ECHO_FIELDS if k in data}
    out["inputs"] = dict(data.get("inputs") or {})
    out["messages"] = messages
    if data.get("tool_choice") is not None:
        out["tool_choice"] = data["tool_choice"]
    if data.get("evaluation_id"):
        out["evaluation_id"] = data["evaluation_id"]
    if target["file_id"]:
        out["id"] = target["file_id"]
    else:
        out["path"] = data.get("path")
    if target["version_id"] is None:
        out["prompt"] = data.get("prompt")
    return out


def _result_fields(result: ProviderResult) -> Dict[str, Any]:
    return {
        "output": result.output,
        "output_message": result.output_message or None,
        "prompt_tokens": result.prompt_tokens,
        "output_tokens": result.output_tokens,
        "prompt_cost": result.prompt_cost,
        "output_cost": result.output_cost,
        "finish_reason": result.finish_reason,
        "provider_latency": result.provider_latency,
        "provider_request": redact(result.provider_request),
        "provider_response": redact(result.provider_response),
    }


def _create(
    ctx: Context,
    base: Dict[str, Any],
    target: Dict[str, Any],
    fields: Dict[str, Any],
    preset_id: Optional[str] = None,
) -> Dict[str, Any]:
    """Store one Log through logs.create_log, in ``ctx``'s (write) transaction."""
    data = {**base, **{k: v for k, v in fields.items() if v is not None}}
    return logs.create_log(ctx, "prompt", data, version_id=target["version_id"], preset_id=preset_id)


def _store(
    ctx: Context,
    base: Dict[str, Any],
    target: Dict[str, Any],
    fields: Dict[str, Any],
    preset_id: Optional[str] = None,
) -> Dict[str, Any]:
    """Store one Log in a write transaction of its own (a streamed sample: never held for an answer)."""
    with ctx.rt.db.write() as session:
        return _create(ctx.with_session(session), base, target, fields, preset_id=preset_id)


def _check_trace_parent(ctx: Context, data: Dict[str, Any]) -> None:
    """The checks logs.create_log makes on ``trace_parent_id``, made before the provider is called."""
    parent_id = data.get("trace_parent_id")
    if not parent_id:
        return
    parent = get_owned(ctx, Log, parent_id, "Trace parent log")
    root = find_owned(ctx, Log, parent.trace_id)
    for node in (root, parent):
        if node is not None and node.file_type == "flow" and node.trace_status == "complete":
            raise bad_request(f"Trace of log {node.id} is complete; no more logs can be added to it")


def _sanitize_inputs(data: Dict[str, Any]) -> None:
    num = data.get("num_samples")
    if num is None:
        data["num_samples"] = 1
    elif not isinstance(num, int) or num < 1 or num > MAX_SAMPLES:
        raise unprocessable(f"num_samples must be between 1 and {MAX_SAMPLES}", ["body", "num_samples"])
    if data.get("inputs") is None:
        data["inputs"] = {}


def call_prompt(
    ctx: Context,
    body: Dict[str, Any],
    version_id: Optional[str] = None,
    environment: Optional[str] = None,
) -> Union[Dict[str, Any], CallStream]:
    """``POST /prompts/call``: a PromptCallResponse dict, or a :class:`CallStream` when ``stream`` is set.

    ``ctx.session`` is used for reads only (its transaction is ended, ``ctx.pause()``, before the
    provider is called); each Log is stored in a write transaction of its own, or, when the
    request's transaction is held for its Idempotency-Key, in that one (``ctx.write()``). A streamed
    call's Logs always get their own: a stream's answer is never stored for a key.
    """
    data = dict(body)
    provider_api_keys = data.pop("provider_api_keys", None) or {}
    _sanitize_inputs(data)
    logs.check_fields_fit(data, "prompt")  # before the provider is paid for a Log that cannot be stored
    target = _resolve(ctx, data, version_id, environment)
    _check_trace_parent(ctx, data)
    if data.get("log_id") and find_owned(ctx, Log, data["log_id"]) is not None:
        raise conflict(f"A log with id {data['log_id']!r} already exists")
    linked = []
    if target["kernel"].get("linked_tools"):
        linked = files._linked_tools(ctx, target["kernel"]["linked_tools"])
    # end the transaction before the provider is called, so no write lock is held meanwhile (a
    # commit, not a rollback: a caller's earlier work in this session is kept, as create_log would)
    ctx.pause()
    provider, request = prepare(
        target["kernel"],
        data.get("messages"),
        data["inputs"],
        provider_api_keys,
        tool_choice=data.get("tool_choice"),
        extra_tools=linked,
    )
    base = _log_data(data, target, request.messages if request.endpoint == "chat" else [])
    if data.get("stream"):
        return _stream(ctx, data, target, base, provider, request)

    results: List[Tuple[ProviderResult, Any, Any]] = []
    for _ in range(data["num_samples"]):
        started = now()
        result = complete(provider, request)
        results.append((result, started, now()))
    created: List[Dict[str, Any]] = []
    chosen_id = data.get("log_id")  # a client-chosen id names the first sample's Log
    for result, started, ended in results:
        fields = _result_fields(result)
        timing = {"start_time": data.get("start_time") or iso(started), "end_time": data.get("end_time") or iso(ended)}
        # ctx.write(): a transaction per Log, or the request's own when its answer is held (an
        # Idempotency-Key), so that every sample commits with that answer or none does
        with ctx.write() as wctx:
            created.append(_create(wctx, base, target, {**fields, **timing}, preset_id=chosen_id))
        chosen_id = None
    first = created[0]
    f = files.get_file(ctx, first["prompt_id"], "prompt")
    v = files.get_version(ctx, f, first["version_id"])
    first_log = find_owned(ctx, Log, first["id"])
    response: Dict[str, Any] = {k: data.get(k) for k in ECHO_FIELDS}
    response.update(
        {
            "id": first["id"],
            "log_id": first["id"],
            "log_status": logs.status_of(first_log) if first_log is not None else None,
            "trace_id": first_log.trace_id if first_log is not None else None,
            "prompt": files.serialize(ctx, f, v),
            "messages": base["messages"] or None,
            "tool_choice": data.get("tool_choice"),
            "inputs": dict(data["inputs"]) if data.get("return_inputs", True) is not False else {},
            "start_time": data.get("start_time") or iso(results[0][1]),
            "end_time": data.get("end_time") or iso(results[-1][2]),
            "logs": [
                {
                    "output": result.output,
                    "created_at": iso(ended),
                    "error": None,
                    "provider_latency": result.provider_latency,
                    "stdout": None,
                    "output_message": result.output_message or None,
                    "prompt_tokens": result.prompt_tokens,
                    "output_tokens": result.output_tokens,
                    "prompt_cost": result.prompt_cost,
                    "output_cost": result.output_cost,
                    "finish_reason": result.finish_reason,
                    "index": i,
                }
                for i, (result, _started, ended) in enumerate(results)
            ],
        }
    )
    return response


# ---------------------------------------------------------------- streaming

_DONE = object()


def _next(it: Iterator[Any]) -> Any:
    try:
        return next(it)
    except StopIteration:
        return _DONE


@dataclasses.dataclass
class CallStream:
    """A streamed ``prompts.call``: ``events`` yields one PromptCallStreamResponse dict per delta.

    Whoever sends the events must close ``events`` (``aclose()``) however the sending ends: that
    is when the Log of an interrupted generation is stored with its partial output.
    """

    events: AsyncGenerator[Dict[str, Any], None]


def _stream(
    ctx: Context,
    data: Dict[str, Any],
    target: Dict[str, Any],
    base: Dict[str, Any],
    provider: Provider,
    request: ProviderRequest,
) -> CallStream:
    num = data["num_samples"]
    # the File/version the Logs will land on: known now unless the call creates them
    prompt_id, version = target["file_id"], target["version_id"]
    # open the provider stream before answering: a refused key, an unknown model or an unreachable
    # provider is a plain 4xx/502 JSON answer, not a 200 stream that fails at once
    first_started, first_clock = now(), time.perf_counter()
    first_it = iter(provider.stream(request))
    try:
        first = _next(first_it)
    except ProviderError as exc:
        raise exc.to_error() from None
    try:
        if version is None:
            # inline kernel: create the File/version now, so every chunk can name them
            with ctx.rt.db.write() as session:
                wctx = ctx.with_session(session)
                f = files.ensure_file(wctx, "prompt", data.get("id"), data.get("path"))
                v, _ = files.ensure_version(wctx, f, target["kernel"])
                prompt_id, version = f.id, v.id
            target = {"file_id": f.id, "version_id": v.id, "kernel": target["kernel"]}
            base = {k: val for k, val in base.items() if k not in ("prompt", "path")}
            base["id"] = f.id
    except BaseException:
        close = getattr(first_it, "close", None)
        if close is not None:
            close()
        raise

    def store(log_id: str, fields: Dict[str, Any]) -> Optional[str]:
        """Store one sample's Log; returns an error text when it could not be stored."""
        try:
            _store(ctx, base, target, fields, preset_id=log_id)
            return None
        except ServiceError as exc:  # e.g. the trace was completed meanwhile
            logger.warning("the log %s of a streamed prompts.call was refused: %s", log_id, exc.detail)
            return f"The Log could not be stored: {exc.detail}"
        except Exception:  # never lose it silently: say so in the server log and to the client
            logger.exception("could not store the log %s of a streamed prompts.call", log_id)
            return "The Log could not be stored (server error)."

    class Sample:
        """One streamed generation: its Log id, the text so far, and whether its Log is stored."""

        def __init__(self, index: int) -> None:
            # a client-chosen id (``log_id``) names the first sample's Log
            self.log_id = (data.get("log_id") if index == 0 else None) or ids.new_id("log")
            self.head = {"index": index, "id": self.log_id, "prompt_id": prompt_id, "version_id": version}
            self.parts: List[str] = []
            self.stored = False
            self.pending: Any = None
            if index == 0:  # opened before the response started
                self.started, self.clock, self.it, self.pending = first_started, first_clock, first_it, first
            else:
                self.started, self.clock = now(), time.perf_counter()
                self.it = iter(provider.stream(request))

        async def next(self) -> Any:
            if self.pending is not None:
                delta, self.pending = self.pending, None
                return delta
            return await anyio.to_thread.run_sync(_next, self.it)

        def latency(self) -> float:
            return time.perf_counter() - self.clock

        async def finish(self, fields: Dict[str, Any]) -> Optional[str]:
            if self.stored:
                return None
            self.stored = True
            fields = {"start_time": data.get("start_time") or iso(self.started), **fields}
            fields.setdefault("end_time", data.get("end_time") or iso(now()))
            with anyio.CancelScope(shield=True):
                close = getattr(self.it, "close", None)
                if close is not None:
                    await anyio.to_thread.run_sync(close)
                stored: Optional[str] = await anyio.to_thread.run_sync(store, self.log_id, fields)
            return stored

    async def events() -> AsyncGenerator[Dict[str, Any], None]:
        for index in range(num):
            s = Sample(index)
            try:
                while True:
                    try:
                        delta = await s.next()
                    except ProviderError as exc:
                        await s.finish(
                            {"output": "".join(s.parts) or None, "error": exc.message, "provider_latency": s.latency()}
                        )
                        yield ({**s.head, "output": "", "error": exc.message, "created_at": iso(now())})
                        return
                    if delta is _DONE:
                        break
                    if delta.result is None:
                        if delta.output:
                            s.parts.append(delta.output)
                            yield ({**s.head, "output": delta.output})
                        continue
                    result: ProviderResult = delta.result
                    result.provider_latency = s.latency()
                    if not result.output:
                        result.output = "".join(s.parts)
                    store_error = await s.finish(_result_fields(result))
                    yield (
                        {
                            **s.head,
                            "error": store_error,
                            "output": delta.output or "",
                            "created_at": iso(now()),
                            "finish_reason": result.finish_reason,
                            "prompt_tokens": result.prompt_tokens,
                            "output_tokens": result.output_tokens,
                            "prompt_cost": result.prompt_cost,
                            "output_cost": result.output_cost,
                            "provider_latency": result.provider_latency,
                            "output_message": result.output_message or None,
                        }
                    )
                    break
                if not s.stored:  # the provider ended without its closing delta
                    message = "The provider ended the stream early."
                    await s.finish({"output": "".join(s.parts), "error": message, "provider_latency": s.latency()})
                    yield ({**s.head, "output": "", "error": message})
            except Exception as exc:  # a bug: still keep the Log, and tell the client
                logger.exception("streamed prompts.call failed")
                message = f"Internal error while streaming: {type(exc).__name__}"
                await s.finish({"output": "".join(s.parts) or None, "error": message, "provider_latency": s.latency()})
                yield ({**s.head, "output": "", "error": message})
                return
            except BaseException:
                # the client went away (task cancelled / generator closed): keep what was produced
                await s.finish(
                    {"output": "".join(s.parts) or None, "error": DISCONNECTED, "provider_latency": s.latency()}
                )
                raise

    return CallStream(events=events())


def populate_prompt(
    ctx: Context,
    prompt_id: str,
    inputs: Dict[str, Any],
    version_id: Optional[str] = None,
    environment: Optional[str] = None,
) -> Dict[str, Any]:
    """``POST /prompts/{id}/populate``: the Prompt version with ``populated_template``, its template
    filled from ``inputs`` as ``prompts.call`` fills it (a missing variable is 422, one entry each)."""
    f = files.get_file(ctx, prompt_id, "prompt")
    v = files.resolve_version(ctx, f, version_id, environment)
    body = files.serialize(ctx, f, v)
    kernel = v.kernel or {}
    body["populated_template"] = templates.populate(kernel.get("template"), inputs, kernel.get("template_language"))
    return body
