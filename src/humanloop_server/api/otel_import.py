"""``POST /v5/import/otel/v1/traces``: the spans the decorators of the published SDK 0.8.38 send.

From 0.8.3x the SDK's ``@client.tool`` / ``@client.prompt`` / ``@client.flow`` decorators no
longer call ``tools.log`` and friends: each finished span is posted here as OTLP JSON (the
protobuf ``TracesData`` message printed by ``MessageToJson``). A Humanloop span carries
``humanloop.file.type``, ``humanloop.file.path``, the File's version under ``humanloop.file.*``
and the Log under ``humanloop.log.*``, flattened to dotted keys (``humanloop.log.inputs.a``,
``...tools.0.name``) whose values are all strings. We rebuild those two objects, validate them
with the same request models as the log routes, and store them through the same services; a
span whose Log names an existing ``id`` (the flow decorator creates its Log first, then sends
the finished span) completes that Log instead. The answer lists the Log ids, as the SDK expects.

The route is not part of the v5 SDK surface, so it is left out of the OpenAPI document.
"""

from __future__ import annotations

import ast
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Tuple, Type

from fastapi import APIRouter, Request
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from ..schemas import FlowLogRequest, PromptLogRequest, ToolLogRequest
from ..services import logs
from ..services.common import UnstorableJSON, loads_strict
from ..services.errors import BadRequest, Invalid
from .bodies import dump
from .deps import ContextDep
from .routing import StrictJSONRoute

router = APIRouter(prefix="/import/otel/v1", tags=["Import"], route_class=StrictJSONRoute)

#: the Log request model and the body key of the File's version, per file type
LOG_MODELS: Dict[str, Tuple[Type[BaseModel], str]] = {
    "prompt": (PromptLogRequest, "prompt"),
    "tool": (ToolLogRequest, "tool"),
    "flow": (FlowLogRequest, "flow"),
}
FILE_PREFIX = "humanloop.file."
LOG_PREFIX = "humanloop.log."
#: keys under humanloop.file.* that describe the span, not the File's version
SPAN_KEYS = {"type", "path"}
MAX_SPANS = 1000


@router.post("/traces", include_in_schema=False)
async def import_traces(request: Request, ctx: ContextDep) -> Dict[str, Any]:
    # the SDK posts the JSON without a content type, so the body is read here rather than by FastAPI
    try:
        payload = loads_strict(await request.body())
    except (ValueError, UnstorableJSON):
        raise BadRequest("The body must be OTLP JSON (a TracesData message)") from None
    # storing is blocking database work: off the event loop, like every other route's
    return await run_in_threadpool(_import_all, ctx, payload)


def _import_all(ctx: ContextDep, payload: Any) -> Dict[str, Any]:
    spans = list(_spans_of(payload))
    if len(spans) > MAX_SPANS:
        raise BadRequest(f"At most {MAX_SPANS} spans per request")
    records: List[str] = []
    for index, span in enumerate(spans):
        log_id = _import_span(ctx, span, index)
        if log_id is not None:
            records.append(log_id)
    return {"records": records}


def _spans_of(payload: Any) -> List[Dict[str, Any]]:
    if not isinstance(payload, dict):
        raise BadRequest("The body must be OTLP JSON (a TracesData message)")
    found: List[Dict[str, Any]] = []
    for resource in _list(payload.get("resourceSpans") or payload.get("resource_spans")):
        for scope in _list(resource.get("scopeSpans") or resource.get("scope_spans")):
            found.extend(_list(scope.get("spans")))
    return found


def _list(value: Any) -> List[Dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise BadRequest("Malformed OTLP JSON: expected a list of objects")
    return value


def _import_span(ctx: ContextDep, span: Dict[str, Any], index: int) -> Optional[str]:
    attributes = _attributes(span)
    file_type = attributes.get("humanloop.file.type")
    if file_type is None:
        return None  # not a Humanloop span (an instrumented library's own span): nothing to store
    if file_type not in LOG_MODELS:
        raise Invalid(f"Spans of {file_type!r} files cannot be imported", ["body", "spans", index])
    model, kernel_key = LOG_MODELS[file_type]
    log = _unflatten({k[len(LOG_PREFIX) :]: v for k, v in attributes.items() if k.startswith(LOG_PREFIX)})
    kernel = _unflatten(
        {
            k[len(FILE_PREFIX) :]: v
            for k, v in attributes.items()
            if k.startswith(FILE_PREFIX) and k[len(FILE_PREFIX) :].split(".")[0] not in SPAN_KEYS
        }
    )
    if not isinstance(log, dict) or not isinstance(kernel, dict):
        raise Invalid("humanloop.log and humanloop.file must be objects", ["body", "spans", index])
    existing = log.pop("id", None)
    if existing is not None and file_type == "flow":
        status = log.get("log_status") or log.get("trace_status")
        update = {k: log[k] for k in ("inputs", "output", "error") if k in log}
        if status is not None:
            update["trace_status"] = status
        return str(logs.update_trace(ctx, str(existing), update)["id"])
    body: Dict[str, Any] = dict(log)
    body["path"] = attributes.get("humanloop.file.path")
    if kernel:
        body[kernel_key] = kernel
    for key, field in (("startTimeUnixNano", "start_time"), ("endTimeUnixNano", "end_time")):
        if field not in body and span.get(key):
            body[field] = _iso(span[key])
    if "log_status" in body and file_type == "flow":
        body.setdefault("trace_status", body["log_status"])
    try:
        parsed = model.model_validate(body)
    except ValidationError as error:
        first = error.errors()[0]
        raise Invalid(f"{first['msg']} (in the span's Log or File)", ["body", "spans", index, *first["loc"]]) from None
    return str(logs.create_log(ctx, file_type, dump(parsed, unset=True))["id"])


def _attributes(span: Dict[str, Any]) -> Dict[str, str]:
    """The span's attributes as strings (the SDK writes every value with ``str()``)."""
    found: Dict[str, str] = {}
    for item in _list(span.get("attributes")):
        key, value = item.get("key"), item.get("value") or {}
        if not isinstance(key, str) or not isinstance(value, dict):
            continue
        for kind in ("stringValue", "string_value", "intValue", "doubleValue", "boolValue"):
            if kind in value:
                found[key] = str(value[kind])
                break
    return found


def _unflatten(flat: Dict[str, str]) -> Any:
    """``{"a.b": "1", "c.0": "x"}`` -> ``{"a": {"b": "1"}, "c": ["x"]}``: objects whose keys are all
    0..n-1 become lists; booleans and null as Python prints them become JSON ones."""
    root: Dict[str, Any] = {}
    for key in sorted(flat):
        node = root
        parts = key.split(".")
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):  # "a" = "x" and "a.b" = "y": the deeper one wins
                child = node[part] = {}
            node = child
        if not isinstance(node.get(parts[-1]), dict):
            node[parts[-1]] = _scalar(flat[key])
    return _lists(root)


def _scalar(value: str) -> Any:
    if value in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[value]
    if value[:1] in "([" and value[-1:] in ")]":  # a tuple or list the SDK wrote with str()
        try:
            parsed = ast.literal_eval(value)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return value
        if isinstance(parsed, (list, tuple)) and all(isinstance(v, (str, int, float, bool)) for v in parsed):
            return list(parsed)
    return value


def _lists(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    items = {k: _lists(v) for k, v in node.items()}
    if items and all(k.isdigit() for k in items) and sorted(int(k) for k in items) == list(range(len(items))):
        return [items[str(i)] for i in range(len(items))]
    return items


def _iso(nanos: Any) -> Optional[str]:
    try:
        return datetime.fromtimestamp(int(nanos) / 1e9, tz=timezone.utc).isoformat()
    except (TypeError, ValueError, OverflowError, OSError):
        return None
