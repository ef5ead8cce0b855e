"""Running evaluators on the server.

``evaluate(spec, log, testcase, settings)`` returns an :class:`EvaluationOutcome`:

- ``python``: ``spec["code"]`` runs in a separate process (``sys.executable -I
  evaluator_runner.py``) in its own session/process group and a fresh temporary directory, with a
  wall-clock timeout (the whole group is killed), ``RLIMIT_AS`` (memory), ``RLIMIT_CPU`` and
  ``RLIMIT_FSIZE`` (bounded stdout), stdin closed, and an environment without secrets. The limits
  are set by the runner itself before any user code runs (``preexec_fn`` is not safe in a
  threaded server).
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
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

from ..settings import Settings
from . import prompt_calls

RUNNER = Path(__file__).resolve().parent / "evaluator_runner.py"

STDOUT_LIMIT_CHARS = 10_000  # returned (and stored) stdout
FILE_LIMIT_BYTES = 8 * 1024 * 1024  # what the child may write to stdout/stderr at all

_SECRET_PREFIXES = ("HUMANLOOP_", "OPENAI_", "ANTHROPIC_", "AWS_", "AZURE_", "GOOGLE_", "PG")
_SECRET_WORDS = ("KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", "DATABASE_URL", "DSN", "AUTH")


@dataclasses.dataclass
class EvaluationOutcome:
    judgment: Any = None
    error: Optional[str] = None
    stdout: Optional[str] = None
    latency: Optional[float] = None  # seconds

    @property
    def ok(self) -> bool:
        return self.error is None


def clean_env(environ: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    """The environment given to evaluator code: no API keys, tokens, passwords or database URLs."""
    src = os.environ if environ is None else environ
    out: Dict[str, str] = {}
    for k, v in src.items():
        upper = k.upper()
        if upper.startswith(_SECRET_PREFIXES) or any(w in upper for w in _SECRET_WORDS):
            continue
        if upper.startswith("PYTHON"):
            continue
        out[k] = v
    out["PYTHONIOENCODING"] = "utf-8"
    out["PYTHONDONTWRITEBYTECODE"] = "1"
    return out


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


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        pass


def run_python(
    spec: Dict[str, Any], log: Dict[str, Any], testcase: Optional[Dict[str, Any]], settings: Settings
) -> EvaluationOutcome:
    timeout = settings.evaluator_timeout_seconds
    marker = "@@HL-RESULT-" + secrets.token_hex(16) + "@@"
    request = {
        "code": spec.get("code"),
        "arguments_type": spec.get("arguments_type") or "target_free",
        "log": log,
        "testcase": testcase,
        "marker": marker,
        "limits": {
            "memory_bytes": settings.evaluator_memory_mb * 1024 * 1024,
            "cpu_seconds": int(math.ceil(timeout)) + 1,
            "file_bytes": FILE_LIMIT_BYTES,
        },
    }
    try:
        payload = json.dumps(request, default=str).encode("utf-8")
    except (TypeError, ValueError) as exc:
        return EvaluationOutcome(error=f"cannot pass the log to the evaluator: {exc}")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="hl-eval-") as work:
        out_path = Path(work) / "stdout"
        err_path = Path(work) / "stderr"
        cwd = Path(work) / "cwd"
        cwd.mkdir()
        with open(out_path, "wb") as out_f, open(err_path, "wb") as err_f:
            proc = subprocess.Popen(
                [sys.executable, "-I", str(RUNNER)],
                stdin=subprocess.PIPE,
                stdout=out_f,
                stderr=err_f,
                cwd=str(cwd),
                env=clean_env(),
                start_new_session=True,
                close_fds=True,
            )
            timed_out = False
            try:
                assert proc.stdin is not None
                try:
                    proc.stdin.write(payload)
                    proc.stdin.close()
                except (BrokenPipeError, OSError):
                    pass
                try:
                    proc.wait(timeout=max(0.1, timeout - (time.monotonic() - started)))
                except subprocess.TimeoutExpired:
                    timed_out = True
            finally:
                # whatever happened, nothing the code started outlives the evaluation
                _kill_group(proc)
                proc.wait()
        latency = time.monotonic() - started
        raw = out_path.read_bytes().decode("utf-8", errors="replace")
        err_text = err_path.read_bytes()[-4000:].decode("utf-8", errors="replace")
    pos = raw.rfind(marker)
    user_out = raw if pos < 0 else raw[:pos]
    if pos >= 0 and user_out.endswith("\n"):
        user_out = user_out[:-1]
    stdout = _truncate(user_out) if user_out else None
    if timed_out:
        return EvaluationOutcome(error=f"the evaluator timed out after {timeout:g} s", stdout=stdout, latency=latency)
    if pos < 0:
        rc = proc.returncode
        if rc is not None and rc < 0:
            sig = -rc
            name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
            reason = {
                "SIGXCPU": "it exceeded its CPU time limit",
                "SIGXFSZ": "it wrote too much output",
                "SIGKILL": "it was killed (memory or time limit)",
                "SIGSEGV": "it crashed (possibly out of memory)",
            }.get(name, f"it was killed by {name}")
            return EvaluationOutcome(error=f"the evaluator process died: {reason}", stdout=stdout, latency=latency)
        last = [ln for ln in err_text.strip().splitlines() if ln.strip()]
        detail = last[-1].strip() if last else f"exit status {rc}"
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
