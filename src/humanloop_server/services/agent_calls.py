"""``agents.call`` and ``agents.continue_call``: the tool-call loop, stored as one Agent Log with its children.

The loop (``_run``, a generator of stream events, consumed whole by a non-streamed call):

1. the Agent Log is created first, ``log_status="incomplete"`` (so every child can name it);
2. a model turn: the template filled with ``inputs`` + the conversation so far, the Agent's tools
   offered as functions; the turn is stored as a child Agent Log (``trace_parent_id`` = the Agent
   Log) with its messages, output, tokens and provider payloads;
3. no tool calls: the answer is final; the Agent Log is completed with it;
4. tool calls: each call of a tool the server runs itself is run and stored as a child Log, and its
   result appended as a ``tool`` message; a tool with ``on_agent_call="stop"`` ends the loop with
   its result as the output. A call of a tool the server cannot run (inline tools, linked Tool
   Files) suspends the loop: the Agent Log stays ``incomplete`` with the pending calls in its
   ``output_message``, and ``continue_call(log_id, messages=[tool results])`` resumes it;
5. after ``max_iterations`` model turns the loop stops, ``finish_reason="max_iterations"``.

Tools the server runs: linked **Prompt** Files (a model call of that Prompt with the call's
arguments as its inputs, stored as a Prompt Log under the Agent Log). Everything else is the
caller's to run.

No transaction is open while a provider works; each Log is written in a write transaction of its
own (or the request's, when held for an Idempotency-Key).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
from typing import Any, AsyncGenerator, Callable, Dict, Iterator, List, Optional, Tuple, Union

import anyio
from sqlalchemy import func, select

from .. import ids
from ..db.models import Log
from ..providers import Provider, ProviderRequest
from ..providers.base import redact
from . import agents, files, kernels, kinds, logs, prompt_calls
from .common import iso, not_found, now, unprocessable
from .context import Context
from .errors import Conflict, ServiceError
from .prompt_calls import CallStream

__all__ = ["CallStream", "call_agent", "continue_call"]
from .tenancy import find_owned, get_owned

Event = Dict[str, Any]
ECHO = ["source", "metadata", "source_datapoint_id", "trace_parent_id", "user", "environment", "save"]
#: what the server's own callers (an orchestrated Evaluation Run) add to the Agent Log; no request body
#: has these fields, so only those callers set them
INTERNAL_ECHO = ["evaluation_id", "batch_id"]


@dataclasses.dataclass
class Target:
    file_id: str
    version_id: str
    kernel: Dict[str, Any]


@dataclasses.dataclass
class LoopTool:
    """A tool as the model sees it, and how the loop handles it."""

    function: Dict[str, Any]
    on_agent_call: str
    #: the linked Prompt the server runs, or None when the caller runs the tool
    runner: Optional[Tuple[str, str, Dict[str, Any]]] = None


def _safe_name(name: str) -> str:
    out = "".join(c if c.isalnum() or c in "_-" else "_" for c in name)
    return out[:64] or "tool"


def _tools(ctx: Context, kernel: Dict[str, Any]) -> Dict[str, LoopTool]:
    out: Dict[str, LoopTool] = {}
    for tool in kernel.get("tools") or []:
        on_call = str(tool.get("on_agent_call") or "continue")
        if tool.get("type") == "inline":
            fn = dict(tool["json_schema"])
            out[str(fn["name"])] = LoopTool(fn, on_call)
            continue
        try:
            f, v = files.linked_version(ctx, tool.get("link") or {})
        except ServiceError:
            continue  # the linked File is gone: the model is not offered it
        k = dict(v.kernel or {})
        if f.type == "tool" and isinstance(k.get("function"), dict):
            fn = {x: y for x, y in k["function"].items() if x in ("name", "description", "parameters", "strict")}
            out[str(fn["name"])] = LoopTool(fn, on_call)
        elif f.type == "prompt":
            names = [i["name"] for i in kernels.prompt_inputs(k)]
            fn = {
                "name": _safe_name(f.name),
                "description": f"Runs the Prompt {f.path}.",
                "parameters": {
                    "type": "object",
                    "properties": {n: {"type": "string"} for n in names},
                    "required": names,
                },
            }
            out[fn["name"]] = LoopTool(fn, on_call, runner=(f.id, v.id, k))
    return out


def _resolve(
    ctx: Context, data: Dict[str, Any], version_id: Optional[str], environment: Optional[str]
) -> Tuple[Optional[Any], Optional[Any], Optional[Dict[str, Any]]]:
    """(File or None, version or None, inline kernel or None); read only."""
    details = kinds.AGENT.details_in_log(data) if kinds.AGENT.details_in_log else None
    f = files.find_file(ctx, "agent", data.get("id"), data.get("path"))
    if details is not None:
        kernel = kinds.AGENT.kernel(details)
        if f is None and not data.get("path"):
            raise unprocessable("Provide the path or id of the Agent", ["body", "path"])
        return f, None, kernel
    if f is None:
        if not data.get("path"):
            raise unprocessable("Provide the path or id of the Agent", ["body", "path"])
        raise not_found(f"Agent at path {data.get('path')!r} (send its details in `agent` to create it);")
    return f, files.resolve_version(ctx, f, version_id, environment), None


def _usage(result: Any) -> Dict[str, Any]:
    return {
        "prompt_tokens": result.prompt_tokens,
        "output_tokens": result.output_tokens,
        "prompt_cost": result.prompt_cost,
        "output_cost": result.output_cost,
    }


def _add(total: Dict[str, Any], part: Dict[str, Any]) -> None:
    for key, value in part.items():
        if value is not None:
            total[key] = (total.get(key) or 0) + value


def _event(log_id: str, kind: str, message: str, payload: Any = None) -> Event:
    return {"log_id": log_id, "message": message, "payload": payload, "type": kind, "created_at": iso(now())}


class Loop:
    """One run of the tool loop over an Agent Log (a new call, or a continued one)."""

    def __init__(
        self,
        ctx: Context,
        target: Target,
        log_id: str,
        conversation: List[Dict[str, Any]],
        provider: Provider,
        request: ProviderRequest,
        tools: Dict[str, LoopTool],
        keys: Dict[str, Any],
        writer: Callable[[], Any],
        turns_done: int = 0,
    ) -> None:
        self.ctx, self.target, self.log_id = ctx, target, log_id
        self.conversation = conversation
        self.provider = provider
        self.request = request
        self.tools = tools
        self.keys = keys
        self.writer = writer
        self.turns_done = turns_done
        self.max_turns = int(target.kernel.get("max_iterations") or 10)

    def _write(self, fn: Callable[[Context], Any]) -> Any:
        with self.writer() as wctx:
            return fn(wctx)

    def _child(self, file_type: str, data: Dict[str, Any], version_id: str) -> Dict[str, Any]:
        body = {k: v for k, v in data.items() if v is not None}
        body["trace_parent_id"] = self.log_id
        created: Dict[str, Any] = self._write(lambda w: logs.create_log(w, file_type, body, version_id=version_id))
        return created

    def _finish(self, fields: Dict[str, Any], status: str) -> None:
        def apply(w: Context) -> None:
            log = get_owned(w, Log, self.log_id, "Log")
            totals = {k: getattr(log, k) for k in ("prompt_tokens", "output_tokens", "prompt_cost", "output_cost")}
            _add(totals, fields.pop("usage", {}))
            for key, value in {**fields, **totals}.items():
                setattr(log, key, value)
            log.messages = self.conversation
            agents.complete_log(w, log, status)
            w.commit()

        self._write(apply)

    def run(self) -> Iterator[Event]:
        while self.turns_done < self.max_turns:
            request = dataclasses.replace(self.request, messages=list(self.conversation))
            started = now()
            try:
                result = prompt_calls.complete(self.provider, request)
            except ServiceError as exc:
                self._finish({"error": str(exc.detail), "end_time": now()}, "complete")
                yield _event(self.log_id, "agent_generation_error", str(exc.detail))
                raise
            self.turns_done += 1
            message = result.output_message or {"role": "assistant", "content": result.output}
            self.conversation.append(message)
            turn = self._child(
                "agent",
                {
                    "id": self.target.file_id,
                    "messages": request.messages,
                    "output_message": message,
                    "output": result.output,
                    "finish_reason": result.finish_reason,
                    "provider_latency": result.provider_latency,
                    "provider_request": redact(result.provider_request),
                    "provider_response": redact(result.provider_response),
                    "start_time": iso(started),
                    "end_time": iso(now()),
                    "log_status": "complete",
                    **_usage(result),
                },
                self.target.version_id,
            )
            yield _event(
                self.log_id,
                "agent_update",
                f"Model turn {self.turns_done} ended ({result.finish_reason}).",
                {
                    "id": turn["id"],
                    "agent_id": self.target.file_id,
                    "version_id": self.target.version_id,
                    "output": result.output,
                    "output_message": message,
                    "finish_reason": result.finish_reason,
                    "provider_latency": result.provider_latency,
                    "created_at": iso(now()),
                    **_usage(result),
                },
            )
            turn_fields: Dict[str, Any] = {
                "usage": _usage(result),
                "output": result.output,
                "output_message": message,
                "finish_reason": result.finish_reason,
            }
            calls = result.tool_calls or message.get("tool_calls") or []
            if not calls:
                self._finish({**turn_fields, "end_time": now()}, "complete")
                yield _event(self.log_id, "agent_end", "The Agent gave its final answer.", self.log_body())
                return
            pending: List[Dict[str, Any]] = []
            stop_output: Optional[str] = None
            for call in calls:
                name = str((call.get("function") or {}).get("name") or "")
                tool = self.tools.get(name)
                if tool is None or tool.runner is None:
                    pending.append(call)
                    continue
                yield _event(self.log_id, "tool_start", f"Running the tool {name}.", call)
                output = self._run_tool(tool, call)
                self.conversation.append({"role": "tool", "content": output["text"], "tool_call_id": call.get("id")})
                yield _event(self.log_id, "tool_end", f"The tool {name} returned.", output["log"])
                if tool.on_agent_call == "stop":
                    stop_output = output["text"]
            if pending:
                self._finish(turn_fields, "incomplete")
                for call in pending:
                    yield _event(self.log_id, "agent_turn_suspend", "Waiting for the result of a tool call.", call)
                yield _event(self.log_id, "agent_end", "The Agent waits for tool results.", self.log_body())
                return
            if stop_output is not None:
                self._finish(
                    {**turn_fields, "output": stop_output, "finish_reason": "tool_stop", "end_time": now()}, "complete"
                )
                yield _event(self.log_id, "agent_end", "A tool ended the Agent's turn.", self.log_body())
                return
            self._finish(turn_fields, "incomplete")
        self._finish({"finish_reason": "max_iterations", "end_time": now()}, "complete")
        yield _event(self.log_id, "agent_end", f"The Agent reached max_iterations ({self.max_turns}).", self.log_body())

    def _run_tool(self, tool: LoopTool, call: Dict[str, Any]) -> Dict[str, Any]:
        assert tool.runner is not None
        file_id, version_id, kernel = tool.runner
        raw = (call.get("function") or {}).get("arguments") or "{}"
        try:
            arguments = json.loads(raw) if isinstance(raw, str) else dict(raw)
        except ValueError:
            arguments = None
        if not isinstance(arguments, dict):
            text = f"The arguments of the call were not a JSON object: {raw!r}"
            child = self._child("prompt", {"id": file_id, "error": text, "inputs": {}}, version_id)
            return {"text": text, "log": self._log(child["id"])}
        started = now()
        try:
            result = prompt_calls.run_kernel(
                kernel, None, {k: str(v) if not isinstance(v, str) else v for k, v in arguments.items()}, self.keys
            )
            text, fields = (
                result.output or "",
                {
                    "output": result.output,
                    "output_message": result.output_message or None,
                    "provider_latency": result.provider_latency,
                    **_usage(result),
                },
            )
        except ServiceError as exc:
            text, fields = f"The tool failed: {exc.detail}", {"error": str(exc.detail)}
        child = self._child(
            "prompt",
            {"id": file_id, "inputs": arguments, "start_time": iso(started), "end_time": iso(now()), **fields},
            version_id,
        )
        return {"text": text, "log": self._log(child["id"])}

    def _log(self, log_id: str) -> Dict[str, Any]:
        # through the writer: a transaction held for an Idempotency-Key holds Logs no other session sees yet
        with self.writer() as rctx:
            return logs.serialize(rctx, get_owned(rctx, Log, log_id, "Log"), depth=4)

    def log_body(self) -> Dict[str, Any]:
        return self._log(self.log_id)


def content_of(conversation: List[Dict[str, Any]]) -> Optional[str]:
    for message in reversed(conversation):
        if message.get("role") == "assistant" and isinstance(message.get("content"), str):
            return str(message["content"])
    return None


# ---------------------------------------------------------------- entry points


def _response(ctx: Context, log_id: str, data: Dict[str, Any], previous: Optional[Dict[str, Any]]) -> Dict[str, Any]:
    with ctx.write() as rctx:  # the held transaction, when there is one (see Loop._log)
        body = logs.serialize(rctx, get_owned(rctx, Log, log_id, "Log"))
    if not data.get("include_trace_children"):
        body["trace_children"] = None
    if data.get("return_inputs") is False:
        body["inputs"] = {}
    body["previous_agent_message"] = previous
    return body


def _drive(
    ctx: Context, loop: Loop, data: Dict[str, Any], previous: Optional[Dict[str, Any]]
) -> Union[Dict[str, Any], CallStream]:
    if data.get("stream"):
        return CallStream(events=_async_events(loop.run(), loop.log_id))
    for _ in loop.run():
        pass
    return _response(ctx, loop.log_id, data, previous)


_DONE = object()


def _next(it: Iterator[Event]) -> Any:
    try:
        return next(it)
    except StopIteration:
        return _DONE


async def _async_events(it: Iterator[Event], log_id: str) -> AsyncGenerator[Dict[str, Any], None]:
    """The loop's events, each step run in a worker thread (the loop blocks on providers and the database).

    A client that goes away ends the loop where it is: what was stored stays, and the Agent Log stays
    ``incomplete`` (``update_log`` can complete it)."""
    try:
        while True:
            try:
                item = await anyio.to_thread.run_sync(_next, it)
            except ServiceError as exc:  # told as an event already; the stream ends with an error event
                yield _event(log_id, "error", str(exc.detail))
                return
            if item is _DONE:
                return
            yield item
    finally:
        close = getattr(it, "close", None)
        if close is not None:
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(close)


def _writer(ctx: Context, streamed: bool) -> Callable[[], Any]:
    """How the loop opens a write: ``ctx.write`` (its own transaction, or the request's held one), or,
    for a stream (whose answer is never held for a key), always a transaction of its own."""
    if not streamed:
        return ctx.write

    @contextlib.contextmanager
    def own() -> Iterator[Context]:
        with ctx.rt.db.write() as session:
            yield ctx.with_session(session)

    return own


def call_agent(
    ctx: Context, body: Dict[str, Any], version_id: Optional[str] = None, environment: Optional[str] = None
) -> Union[Dict[str, Any], CallStream]:
    """``POST /agents/call``: an AgentCallResponse dict, or a CallStream of AgentCallStreamResponse events."""
    data = dict(body)
    keys = data.pop("provider_api_keys", None) or {}
    inputs = data.get("inputs") or {}
    data["inputs"] = inputs
    logs.check_fields_fit(data, "agent")
    f, v, inline = _resolve(ctx, data, version_id, environment)
    if data.get("trace_parent_id"):
        get_owned(ctx, Log, data["trace_parent_id"], "Trace parent log")
    log_id = data.get("log_id") or ids.new_id("log")
    if data.get("log_id"):
        if find_owned(ctx, Log, log_id) is not None:
            raise Conflict(f"A log with id {log_id!r} already exists")
    kernel = inline if inline is not None else dict(v.kernel or {}) if v is not None else {}
    tools = _tools(ctx, kernel)
    ctx.pause()
    provider, request = prompt_calls.prepare(
        kernel,
        data.get("messages"),
        inputs,
        keys,
        tool_choice=data.get("tool_choice"),
        extra_tools=[t.function for t in tools.values()],
    )
    request = dataclasses.replace(request, agent_turn=True)
    if request.endpoint != "chat":
        raise unprocessable("An Agent needs the chat endpoint", ["body", "agent", "endpoint"])
    streamed = bool(data.get("stream"))
    writer = _writer(ctx, streamed)

    def create(w: Context) -> Tuple[str, str]:
        log_body: Dict[str, Any] = {k: data[k] for k in [*ECHO, *INTERNAL_ECHO] if data.get(k) is not None}
        log_body.update(
            {
                "inputs": inputs,
                "messages": request.messages,
                "log_status": "incomplete",
                "start_time": data.get("start_time") or iso(now()),
            }
        )
        if data.get("tool_choice") is not None:
            log_body["tool_choice"] = data["tool_choice"]
        if f is not None:
            log_body["id"] = f.id
        else:
            log_body["path"] = data.get("path")
        if inline is not None:
            log_body["agent"] = inline
        created = logs.create_log(w, "agent", log_body, version_id=v.id if v is not None else None, preset_id=log_id)
        return created["agent_id"], created["version_id"]

    with writer() as wctx:
        file_id, ver_id = create(wctx)
    target = Target(file_id, ver_id, kernel)
    loop = Loop(ctx, target, log_id, list(request.messages), provider, request, tools, keys, writer)
    return _drive(ctx, loop, data, None)


def continue_call(ctx: Context, body: Dict[str, Any]) -> Union[Dict[str, Any], CallStream]:
    """``POST /agents/continue``: resume an incomplete Agent Log with the results of its pending tool calls."""
    data = dict(body)
    keys = data.pop("provider_api_keys", None) or {}
    log = get_owned(ctx, Log, data.get("log_id"), "Log")
    if log.file_type != "agent":
        raise not_found("Agent log", log.id)
    if log.trace_status != "incomplete":
        raise Conflict(f"Agent log {log.id} is complete; there is nothing to continue")
    previous = dict(log.output_message or {})
    pending = {str(c.get("id")): c for c in previous.get("tool_calls") or []}
    conversation = list(log.messages or [])
    answered = (
        {str(m.get("tool_call_id")) for m in conversation[conversation.index(previous) + 1 :]}
        if previous in conversation
        else set()
    )
    waiting = [i for i in pending if i not in answered]
    if not waiting:
        raise Conflict(f"Agent log {log.id} waits for no tool result; mark it complete with update_log")
    messages = [dict(m) for m in data.get("messages") or []]
    given = []
    for i, m in enumerate(messages):
        if m.get("role") != "tool" or not m.get("tool_call_id"):
            raise unprocessable("each message must be a tool result with its tool_call_id", ["body", "messages", i])
        if m["tool_call_id"] not in waiting:
            raise unprocessable(
                f"no pending tool call has the id {m['tool_call_id']!r}", ["body", "messages", i, "tool_call_id"]
            )
        given.append(m["tool_call_id"])
    missing = [i for i in waiting if i not in given]
    if missing:
        raise unprocessable(f"results missing for the tool calls {', '.join(missing)}", ["body", "messages"])
    conversation.extend({k: val for k, val in m.items() if val is not None} for m in messages)
    f = files.get_file(ctx, log.file_id, "agent")
    v = files.get_version(ctx, f, log.version_id)
    kernel = dict(v.kernel or {})
    tools = _tools(ctx, kernel)
    turns = _turns(ctx, log.id)
    ctx.pause()
    provider, request = prompt_calls.prepare(
        kernel,
        None,
        log.inputs or {},
        keys,
        tool_choice=log.tool_choice,
        extra_tools=[t.function for t in tools.values()],
    )
    request = dataclasses.replace(request, agent_turn=True)
    writer = _writer(ctx, bool(data.get("stream")))
    loop = Loop(
        ctx, Target(f.id, v.id, kernel), log.id, conversation, provider, request, tools, keys, writer, turns_done=turns
    )
    if data.get("stream"):
        first = _event(log.id, "agent_turn_continue", "The Agent resumes with the tool results.")

        def chained() -> Iterator[Event]:
            yield first
            yield from loop.run()

        return CallStream(events=_async_events(chained(), log.id))
    return _drive(ctx, loop, data, previous)


def _turns(ctx: Context, log_id: str) -> int:
    """Model turns an Agent Log has had so far (its child Agent Logs)."""
    return int(
        ctx.session.execute(
            select(func.count(Log.id)).where(
                Log.org_id == ctx.org_id, Log.trace_parent_id == log_id, Log.file_type == "agent"
            )
        ).scalar_one()
    )
