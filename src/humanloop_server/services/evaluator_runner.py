"""Child-process side of the Python evaluator sandbox (see ``evaluator_runtime``).

Run as a script (``python -I evaluator_runner.py``, in the sandbox at
``/run/humanloop/evaluator_runner.py``), never imported by the server: it uses the standard
library only. Its address space, CPU time and file size limits were set from outside before it
started; it reads one JSON request from stdin (``{"code", "arguments_type", "log", "testcase",
"marker", "limits"}``), closes stdin, sets the limits that must be set from inside the sandbox
(``limits.processes``: ``RLIMIT_NPROC``, which counts the sandbox's own user namespace), executes
``code`` in a fresh module namespace, calls the last top-level function the code defines with
``log`` (``target_free``) or ``log, testcase`` (``target_required``), and writes
``<marker><json result>`` at the end of stdout. Everything the code prints comes before the
marker. The result is ``{"ok": true, "value": ...}`` or ``{"ok": false, "error": "..."}``.
"""

import ast
import json
import os
import sys
import traceback
from typing import Any, Dict


def _set_limits(limits: Dict[str, Any]) -> None:
    import resource

    def lower(which: int, value: int) -> None:
        if value <= 0:
            return
        soft, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(which, (value, value))

    lower(resource.RLIMIT_NPROC, int(limits.get("processes") or 0))


def _last_function_name(code: str) -> "str | None":
    name = None
    for node in ast.parse(code).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            name = node.name
    return name


def _describe(exc: BaseException) -> str:
    lines = traceback.format_exception_only(type(exc), exc)
    last = lines[-1].strip() if lines else type(exc).__name__
    return last or type(exc).__name__


def _run(request: Dict[str, Any]) -> Dict[str, Any]:
    code = request.get("code")
    if not isinstance(code, str) or not code.strip():
        return {"ok": False, "error": "the evaluator has no code"}
    try:
        name = _last_function_name(code)
    except SyntaxError as exc:
        return {"ok": False, "error": _describe(exc)}
    if name is None:
        return {"ok": False, "error": "the evaluator code defines no top-level function"}
    namespace: Dict[str, Any] = {"__name__": "__evaluator__", "__builtins__": __builtins__}
    try:
        exec(compile(code, "<evaluator>", "exec"), namespace)
        fn = namespace[name]
        if request.get("arguments_type") == "target_required":
            value = fn(request.get("log"), request.get("testcase"))
        else:
            value = fn(request.get("log"))
        if hasattr(value, "__await__"):
            import asyncio

            value = asyncio.run(value)
    except BaseException as exc:  # noqa: BLE001 - anything the user code raises is its error
        return {"ok": False, "error": _describe(exc)}
    return {"ok": True, "value": value}


def main() -> int:
    raw = sys.stdin.buffer.read()
    sys.stdin.close()
    # the code must not read from our stdin (closed) nor find anything there
    sys.stdin = open(os.devnull)
    request = json.loads(raw)
    _set_limits(request.get("limits") or {})
    marker = request.get("marker") or ""
    out = _run(request)
    try:
        encoded = json.dumps(out, allow_nan=False)
    except (TypeError, ValueError) as exc:
        encoded = json.dumps({"ok": False, "error": f"the return value is not JSON-serialisable ({exc})"})
    try:
        sys.stdout.flush()
    except Exception:  # noqa: BLE001
        pass
    os.write(1, ("\n" + marker + encoded).encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
