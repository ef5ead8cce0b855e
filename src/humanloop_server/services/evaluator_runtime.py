"""Running evaluators on the server.

``evaluate(spec, log, testcase, settings)`` returns an :class:`EvaluationOutcome`:

- ``python``: ``spec["code"]`` runs in ``evaluator_runner.py`` (``python -I``) inside the
  evaluator sandbox (``humanloop_server.sandbox``: bubblewrap namespaces, a read-only view of
  only what Python needs, a size-limited ``/tmp``, no network, a minimal environment, cgroup
  limits for the whole evaluation where available, per-process resource limits and a wall-clock
  timeout after which everything it started is killed). When the machine gives no working
  sandbox, the judgment is an error saying why, unless the operator opted in to running
  evaluators unsandboxed (``HUMANLOOP_UNSAFE_UNSANDBOXED_EVALUATORS=1``).
- ``llm``: the evaluator's ``prompt`` kernel is called through ``services.prompt_calls.run_kernel``
  with the log flattened into template inputs (``log.inputs.x``, ``log.output``, ``log.children``
  ...); the verdict is parsed from the last line of the output.
- ``human`` / ``external``: nothing to execute, ``evaluate`` returns ``None``.

A return value that does not fit ``return_type``, an exception, a timeout or a memory overrun is an
``error`` (never raised to the caller).
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
import secrets
import signal
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from .. import sandbox
from ..settings import Settings
from . import prompt_calls

RUNNER = Path(__file__).resolve().parent / "evaluator_runner.py"

STDOUT_LIMIT_CHARS = 10_000  # returned (and stored) stdout


@dataclasses.dataclass
class EvaluationOutcome:
    judgment: Any = None
    error: Optional[str] = None
    stdout: Optional[str] = None
    latency: Optional[float] = None  # seconds

    @property
    def ok(self) -> bool:
        return self.error is None


# ---------------------------------------------------------------- return types


def _options(spec: Dict[str, Any]) -> Optional[List[str]]:
    opts = spec.get("options")
    if not opts:
        return None
    names = []
    for o in opts:
        if isinstance(o, dict) and isinstance(o.get("name"), str):
            names.append(o["name"])
        elif isinstance(o, str):
            names.append(o)
    return names or None


def check_return(spec: Dict[str, Any], value: Any) -> Optional[str]:
    """None when ``value`` fits the evaluator's ``return_type``, else an error message."""
    rt = spec.get("return_type") or "boolean"
    got = type(value).__name__
    if rt == "boolean":
        return None if isinstance(value, bool) else f"the evaluator must return a boolean, got {got}"
    if rt == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"the evaluator must return a number, got {got}"
        if isinstance(value, float) and not math.isfinite(value):
            return f"the evaluator must return a finite number, got {value!r}"
        return None
    if rt == "text":
        return None if isinstance(value, str) else f"the evaluator must return a string, got {got}"
    options = _options(spec)
    if rt == "select":
        if not isinstance(value, str):
            return f"the evaluator must return one of the option names, got {got}"
        if options is not None and value not in options:
            return f"{value!r} is not one of the options {options}"
        return None
    if rt == "multi_select":
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            return f"the evaluator must return a list of option names, got {got}"
        bad = [x for x in value if options is not None and x not in options]
        if bad:
            return f"{bad!r} are not among the options {options}"
        return None
    return f"unknown return_type {rt!r}"


# ---------------------------------------------------------------- python


def _truncate(text: str) -> str:
    if len(text) <= STDOUT_LIMIT_CHARS:
        return text
    return text[:STDOUT_LIMIT_CHARS] + f"\n... [truncated, {len(text)} characters]"


def sandbox_report(settings: Settings) -> Tuple[bool, str]:
    """Whether Python evaluators run isolated, and the line saying which isolation and limits hold."""
    isolation = sandbox.probe(sandbox.SandboxConfig.from_settings(settings))
    return isolation.sandboxed, isolation.summary(sandbox.Limits.from_settings(settings))


_DEATHS = {
    "SIGXCPU": "it exceeded its CPU time limit",
    "SIGXFSZ": "it wrote too much output",
    "SIGKILL": "it was killed (memory or time limit)",
    "SIGSEGV": "it crashed (possibly out of memory)",
}


def run_python(
    spec: Dict[str, Any], log: Dict[str, Any], testcase: Optional[Dict[str, Any]], settings: Settings
) -> EvaluationOutcome:
    isolation = sandbox.probe(sandbox.SandboxConfig.from_settings(settings))
    if not isolation.enabled:
        return EvaluationOutcome(error=isolation.refusal())
    limits = sandbox.Limits.from_settings(settings)
    marker = "@@HL-RESULT-" + secrets.token_hex(16) + "@@"
    request = {
        "code": spec.get("code"),
        "arguments_type": spec.get("arguments_type") or "target_free",
        "log": log,
        "testcase": testcase,
        "marker": marker,
        "limits": {"processes": isolation.nproc_inside(limits)},
    }
    try:
        payload = json.dumps(request, default=str).encode("utf-8")
    except (TypeError, ValueError) as exc:
        return EvaluationOutcome(error=f"cannot pass the log to the evaluator: {exc}")
    done = sandbox.run_script(RUNNER, payload, limits, isolation)
    latency = done.latency
    raw = done.stdout.decode("utf-8", errors="replace")
    err_text = done.stderr.decode("utf-8", errors="replace")
    pos = raw.rfind(marker)
    user_out = raw if pos < 0 else raw[:pos]
    if pos >= 0 and user_out.endswith("\n"):
        user_out = user_out[:-1]
    stdout = _truncate(user_out) if user_out else None
    if done.timed_out:
        return EvaluationOutcome(
            error=f"the evaluator timed out after {limits.timeout_seconds:g} s", stdout=stdout, latency=latency
        )
    if pos < 0:
        if done.failure is not None:
            return EvaluationOutcome(error=f"the evaluator sandbox failed: {done.failure}", latency=latency)
        if done.killed_by is not None:
            sig = done.killed_by
            name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
            reason = _DEATHS.get(name, f"it was killed by {name}")
            return EvaluationOutcome(error=f"the evaluator process died: {reason}", stdout=stdout, latency=latency)
        last = [ln for ln in err_text.strip().splitlines() if ln.strip()]
        detail = last[-1].strip() if last else f"exit status {done.returncode}"
        if "MemoryError" in detail:
            detail = "MemoryError (memory limit exceeded)"
        return EvaluationOutcome(
            error=f"the evaluator exited without a result: {detail}", stdout=stdout, latency=latency
        )
    try:
        result = json.loads(raw[pos + len(marker) :])
    except ValueError:
        return EvaluationOutcome(error="the evaluator produced an unreadable result", stdout=stdout, latency=latency)
    if not result.get("ok"):
        error = str(result.get("error") or "the evaluator failed")
        if error.startswith("MemoryError"):
            error = "MemoryError (memory limit exceeded)"
        return EvaluationOutcome(error=error, stdout=stdout, latency=latency)
    value = result.get("value")
    problem = check_return(spec, value)
    if problem is not None:
        return EvaluationOutcome(error=problem, stdout=stdout, latency=latency)
    return EvaluationOutcome(judgment=value, stdout=stdout, latency=latency)


# ---------------------------------------------------------------- llm


def flatten_inputs(log: Dict[str, Any], testcase: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """Template inputs for an LLM evaluator: ``log.inputs.x``, ``log.output``, ``log.children`` ...

    Nested dicts are flattened with dotted keys (and also given whole at every level, JSON-encoded
    when not a string); ``testcase.*`` likewise when there is a testcase.
    """
    out: Dict[str, Any] = {}

    def text(v: Any) -> Any:
        if v is None:
            return ""
        if isinstance(v, str):
            return v
        return json.dumps(v, default=str, ensure_ascii=False)

    def walk(prefix: str, value: Any, depth: int) -> None:
        out[prefix] = text(value)
        if isinstance(value, dict) and depth < 4:
            for k, v in value.items():
                walk(f"{prefix}.{k}", v, depth + 1)

    log = dict(log)
    if "children" not in log:
        log["children"] = log.get("trace_children") or []
    walk("log", log, 0)
    if testcase is not None:
        walk("testcase", testcase, 0)
        target = testcase.get("target")
        if isinstance(target, dict) and "target" not in out:
            walk("target", target, 0)
    return out


_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def parse_verdict(spec: Dict[str, Any], output: Optional[str]) -> tuple[Any, Optional[str]]:
    """(judgment, error) from the last non-empty line of an LLM evaluator's output."""
    lines = [ln.strip() for ln in (output or "").splitlines() if ln.strip()]
    if not lines:
        return None, "the LLM evaluator returned no output"
    last = lines[-1].strip().strip("*`\"'").strip()
    rt = spec.get("return_type") or "boolean"
    if rt == "boolean":
        word = last.rstrip(".!").strip().lower()
        if word in ("true", "yes", "1", "pass"):
            return True, None
        if word in ("false", "no", "0", "fail"):
            return False, None
        return None, f"cannot read a boolean verdict from the last line {last!r}"
    if rt == "number":
        m = _NUMBER.findall(last)
        if not m:
            return None, f"cannot read a number from the last line {last!r}"
        n = float(m[-1])
        if not math.isfinite(n):
            return None, f"the number on the last line is out of range: {m[-1][:40]!r}"
        return (int(n) if n.is_integer() and "." not in m[-1] else n), None
    options = _options(spec)
    if rt == "select":
        if options is None:
            return last, None
        for name in options:
            if last == name:
                return name, None
        for name in options:
            if last.lower().rstrip(".") == name.lower():
                return name, None
        return None, f"{last!r} is not one of the options {options}"
    if rt == "multi_select":
        parts = [p.strip() for p in last.split(",") if p.strip()]
        if options is not None:
            lowered = {o.lower(): o for o in options}
            picked = [lowered.get(p.lower()) for p in parts]
            if any(p is None for p in picked):
                return None, f"{last!r} names something not among the options {options}"
            return picked, None
        return parts, None
    if rt == "text":
        return "\n".join(lines), None
    return None, f"unknown return_type {rt!r}"


def run_llm(
    spec: Dict[str, Any], log: Dict[str, Any], testcase: Optional[Dict[str, Any]], settings: Settings
) -> EvaluationOutcome:
    kernel = spec.get("prompt")
    if not isinstance(kernel, dict):
        return EvaluationOutcome(error="the LLM evaluator has no prompt")
    started = time.monotonic()
    try:
        # provider keys come from the server environment (run_kernel's default), never from the log
        result = prompt_calls.run_kernel(kernel, None, flatten_inputs(log, testcase))
    except Exception as exc:  # noqa: BLE001 - a failed provider call is this evaluator's error
        detail = getattr(exc, "detail", None) or str(exc) or type(exc).__name__
        return EvaluationOutcome(error=f"the LLM evaluator call failed: {detail}", latency=time.monotonic() - started)
    latency = time.monotonic() - started
    output = getattr(result, "output", None)
    if output is None and isinstance(result, dict):
        output = result.get("output")
    judgment, error = parse_verdict(spec, output)
    return EvaluationOutcome(judgment=judgment, error=error, stdout=None, latency=latency)


# ---------------------------------------------------------------- entry point


def evaluate(
    spec: Dict[str, Any], log: Dict[str, Any], testcase: Optional[Dict[str, Any]], settings: Settings
) -> Optional[EvaluationOutcome]:
    """Run a server-side evaluator on ``log``; None for evaluators the server does not execute."""
    kind = spec.get("evaluator_type")
    if kind not in ("python", "llm"):
        return None
    if (spec.get("arguments_type") or "target_free") == "target_required" and testcase is None:
        return EvaluationOutcome(
            error="this evaluator needs a testcase (arguments_type target_required), and the log has none"
        )
    if kind == "python":
        return run_python(spec, log, testcase, settings)
    return run_llm(spec, log, testcase, settings)
