"""Tools the server runs itself (``tools.call``) and the environment variables kept per Tool.

A Tool version can be run when its kernel has Python ``source_code``: the function named by
``function.name`` (else the last top-level function of the code) is called with the request's
``inputs`` as keyword arguments, in the evaluator sandbox (``evaluator_runtime.run_python``, the
same isolation and limits as Python evaluators), with the Tool's environment variables in
``os.environ``. Its return value is the Log's ``output`` (a string as is, anything else as JSON);
an exception, a timeout or a missing sandbox is the Log's ``error``. Every run is stored as a Tool
Log through ``logs.create_log``, like ``tools.log``. Other Tools (no source code) are refused with
422: the server has no way to run them.

Environment variables are stored as sent and never answered in full: an answer shows ``********``
followed by the last four characters of a value of at least 12 characters, and ``********`` for a
shorter one.
"""

from __future__ import annotations

import ast
from typing import Any, Dict, List, Optional

from sqlalchemy import select

from ..db.models import File, Log, ToolEnvironmentVariable
from . import evaluator_runtime, files, kinds, logs
from .bounds import check_length
from .common import conflict, iso, not_found, now, reject_nul, unprocessable
from .context import Context
from .tenancy import find_owned

MASK = "********"

#: appended to the Tool's source: the last top-level function, which the sandbox runner calls
_WRAPPER = """

def __humanloop_tool_call__(log):
    import json as _json
    import os as _os

    _os.environ.update(log["environment_variables"])
    _result = globals()[log["function_name"]](**log["inputs"])
    if isinstance(_result, str):
        return _result
    return _json.dumps(_result, default=str)
"""


def _function_name(kernel: Dict[str, Any]) -> Optional[str]:
    fn = kernel.get("function")
    name = fn.get("name") if isinstance(fn, dict) else None
    return name if isinstance(name, str) and name.isidentifier() else None


def _last_function(code: str) -> Optional[str]:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    names = [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    return names[-1] if names else None


def _resolve(
    ctx: Context, data: Dict[str, Any], version_id: Optional[str], environment: Optional[str]
) -> tuple[Optional[File], Optional[str], Dict[str, Any]]:
    """(File or None, version id or None, kernel) without writing: inline ``tool`` details are
    stored (File and version) only after the run, so no write transaction waits on the code."""
    if isinstance(data.get("tool"), dict):
        kernel = kinds.kind("tool").kernel(data["tool"])
        if not data.get("path") and not data.get("id"):
            raise unprocessable("Provide the path or id of the Tool", ["body", "path"])
        return files.find_file(ctx, "tool", data.get("id"), data.get("path")), None, kernel
    f = files.find_file(ctx, "tool", data.get("id"), data.get("path"))
    if f is None:
        if not data.get("path") and not data.get("id"):
            raise unprocessable("Provide the path or id of the Tool", ["body", "path"])
        raise not_found(f"Tool at path {data.get('path')!r}")
    v = files.resolve_version(ctx, f, version_id, environment)
    return f, v.id, dict(v.kernel or {})


def call_tool(
    ctx: Context, body: Dict[str, Any], version_id: Optional[str] = None, environment: Optional[str] = None
) -> Dict[str, Any]:
    """``POST /tools/call``: run the Tool version and store the run as a Tool Log (ToolCallResponse)."""
    data = dict(body)
    data["inputs"] = dict(data.get("inputs") or {})
    logs.check_fields_fit(data, "tool")
    f, version, kernel = _resolve(ctx, data, version_id, environment)
    label = repr(f.path) if f is not None else repr(data.get("path"))
    code = kernel.get("source_code")
    if not isinstance(code, str) or not code.strip():
        raise unprocessable(
            f"Tool {label} has no Python source_code; this server only runs Tools defined by Python code",
            ["body", "tool", "source_code"],
        )
    name = _function_name(kernel) or _last_function(code)
    if name is None:
        raise unprocessable(f"The source code of Tool {label} defines no function", ["body", "tool", "source_code"])
    if data.get("log_id") and find_owned(ctx, Log, data["log_id"]) is not None:
        raise conflict(f"A log with id {data['log_id']!r} already exists")
    env = {row.name: row.value for row in _variables(ctx, f)} if f is not None else {}
    ctx.pause()  # no transaction is held while the code runs
    started = now()
    spec = {"code": code + _WRAPPER, "arguments_type": "target_free", "return_type": "text"}
    request = {"inputs": data["inputs"], "function_name": name, "environment_variables": env}
    outcome = evaluator_runtime.run_python(spec, request, None, ctx.rt.settings)
    ended = now()
    log_body: Dict[str, Any] = {
        k: data[k]
        for k in (
            "source",
            "metadata",
            "source_datapoint_id",
            "trace_parent_id",
            "user",
            "environment",
            "save",
            "log_status",
            "log_id",
        )
        if data.get(k) is not None
    }
    log_body.update(
        {
            "inputs": data["inputs"],
            "output": outcome.judgment if outcome.ok else None,
            "error": outcome.error,
            "stdout": outcome.stdout,
            "provider_latency": outcome.latency,
            "start_time": data.get("start_time") or iso(started),
            "end_time": data.get("end_time") or iso(ended),
        }
    )
    with ctx.write() as wctx:
        if version is None:  # inline details: the File and version, found or made now
            tool = files.ensure_file(wctx, "tool", data.get("id"), data.get("path"))
            version = files.ensure_version(wctx, tool, kernel)[0].id
        else:
            tool = files.get_file(wctx, f.id if f is not None else None, "tool")
        log_body["id"] = tool.id
        created = logs.create_log(wctx, "tool", log_body, version_id=version)
        return logs.get(wctx, created["id"])


# ---------------------------------------------------------------- environment variables


def mask(value: str) -> str:
    return MASK + value[-4:] if len(value) >= 12 else MASK


def _variables(ctx: Context, f: File) -> List[ToolEnvironmentVariable]:
    return list(
        ctx.session.execute(
            select(ToolEnvironmentVariable)
            .where(ToolEnvironmentVariable.file_id == f.id)
            .order_by(ToolEnvironmentVariable.name)
        ).scalars()
    )


def _listing(ctx: Context, f: File) -> List[Dict[str, Any]]:
    return [{"name": row.name, "value": mask(row.value)} for row in _variables(ctx, f)]


def list_variables(ctx: Context, tool_id: str) -> List[Dict[str, Any]]:
    return _listing(ctx, files.get_file(ctx, tool_id, "tool"))


def add_variables(ctx: Context, tool_id: str, items: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Set each named variable (a name already set gets the new value); answers them all, masked."""
    f = files.get_file(ctx, tool_id, "tool")
    for i, item in enumerate(items):
        name, value = item.get("name"), item.get("value")
        if not isinstance(name, str) or not name.strip():
            raise unprocessable("A variable needs a name", ["body", i, "name"])
        reject_nul(name, ["body", i, "name"])
        reject_nul(value, ["body", i, "value"])
        check_length(name, ToolEnvironmentVariable, "name", ["body", i, "name"])
    by_name = {row.name: row for row in _variables(ctx, f)}
    ts = now()
    for item in items:
        row = by_name.get(item["name"])
        if row is None:
            row = ToolEnvironmentVariable(file_id=f.id, name=item["name"], value=item["value"], created_at=ts)
            ctx.session.add(row)
            by_name[item["name"]] = row
        row.value = item["value"]
        row.updated_at = ts
    ctx.session.flush()
    ctx.commit()
    return _listing(ctx, f)


def delete_variable(ctx: Context, tool_id: str, name: str) -> List[Dict[str, Any]]:
    f = files.get_file(ctx, tool_id, "tool")
    row = next((r for r in _variables(ctx, f) if r.name == name), None)
    if row is None:
        raise not_found(f"Environment variable {name!r} of Tool {f.path!r}")
    ctx.session.delete(row)
    ctx.commit()
    return _listing(ctx, f)


__all__ = ["call_tool", "list_variables", "add_variables", "delete_variable", "mask"]
