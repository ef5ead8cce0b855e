"""services.evaluator_runtime: Python evaluators in the sandbox; LLM verdict parsing."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Optional

import pytest

from humanloop_server.services import evaluator_runtime as rt
from humanloop_server.services import seed
from humanloop_server.settings import Settings

FAST = Settings(evaluator_timeout_seconds=2.0, evaluator_memory_mb=256)


def spec(code: str, return_type: str = "boolean", arguments_type: str = "target_free", **kw: Any) -> dict:
    return {
        "evaluator_type": "python",
        "code": code,
        "return_type": return_type,
        "arguments_type": arguments_type,
        **kw,
    }


def run(code: str, return_type: str = "boolean", log: Optional[dict] = None, **kw: Any) -> rt.EvaluationOutcome:
    out = rt.evaluate(spec(code, return_type, **kw), log or {"output": "a", "inputs": {}}, None, FAST)
    assert out is not None
    return out


OPTIONS = [{"name": "good", "valence": "positive"}, {"name": "bad", "valence": "negative"}]


@pytest.mark.parametrize(
    "return_type,value,expected",
    [
        ("boolean", "True", True),
        ("number", "3", 3),
        ("number", "2.5", 2.5),
        ("select", "'good'", "good"),
        ("multi_select", "['good', 'bad']", ["good", "bad"]),
        ("text", "'fine'", "fine"),
    ],
)
def test_return_types_ok(return_type: str, value: str, expected: Any) -> None:
    out = run(f"def f(log):\n    return {value}\n", return_type, options=OPTIONS)
    assert out.error is None, out.error
    assert out.judgment == expected and type(out.judgment) is type(expected)
    assert out.latency is not None and out.latency > 0


@pytest.mark.parametrize(
    "return_type,value,needle",
    [
        ("boolean", "1", "boolean"),
        ("boolean", "None", "boolean"),
        ("number", "True", "number"),
        ("number", "'3'", "number"),
        ("number", "float('nan')", "JSON"),
        ("select", "'meh'", "not one of the options"),
        ("select", "1", "option"),
        ("multi_select", "'good'", "list"),
        ("multi_select", "['good', 'ugly']", "not among"),
        ("text", "['x']", "string"),
        ("text", "object()", "JSON"),
    ],
)
def test_return_types_wrong(return_type: str, value: str, needle: str) -> None:
    out = run(f"def f(log):\n    return {value}\n", return_type, options=OPTIONS)
    assert out.judgment is None
    assert out.error is not None and needle in out.error


def test_exception_gives_last_traceback_line_and_stdout() -> None:
    out = run(
        "def helper():\n    pass\n\ndef f(log):\n    print('checking', log['output'])\n    raise ValueError('bad log')\n"
    )
    assert out.error == "ValueError: bad log"
    assert out.stdout is not None and "checking a" in out.stdout


def test_last_top_level_function_is_called() -> None:
    code = "def first(log):\n    return False\n\ndef second(log):\n    return log['output'] == 'a'\n"
    assert run(code).judgment is True


def test_syntax_error_and_no_function() -> None:
    assert "SyntaxError" in (run("def f(log)\n    return 1\n").error or "")
    assert "no top-level function" in (run("x = 1\n").error or "")


def test_infinite_loop_times_out_within_the_limit() -> None:
    t = time.monotonic()
    out = run("def f(log):\n    while True:\n        pass\n")
    assert time.monotonic() - t < 6
    assert out.error is not None and "timed out" in out.error


def test_sleeping_child_processes_are_killed_with_the_group() -> None:
    code = (
        "import subprocess, sys\n"
        "def f(log):\n"
        "    subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        "    import time; time.sleep(60)\n"
    )
    t = time.monotonic()
    out = run(code)
    assert time.monotonic() - t < 6 and "timed out" in (out.error or "")


def test_memory_bomb_is_an_error() -> None:
    out = run("def f(log):\n    x = bytearray(2 * 1024 ** 3)\n    return True\n")
    assert out.judgment is None and "memory" in (out.error or "").lower()
    out = run("def f(log):\n    x = [0] * (10 ** 9)\n    return True\n")
    assert out.judgment is None and out.error is not None


def test_runner_cannot_see_secrets_nor_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret-1")
    monkeypatch.setenv("HUMANLOOP_API_KEY", "hl-secret-2")
    monkeypatch.setenv("MY_SERVICE_TOKEN", "tok-secret-3")
    monkeypatch.setenv("HUMANLOOP_DATABASE_URL", "postgresql://u:pw@h/db")
    monkeypatch.setenv("HARMLESS_SETTING", "visible")
    code = "import os\ndef f(log):\n    return repr(sorted(os.environ.items()))\n"
    out = run(code, "text")
    assert out.error is None
    # the sandbox starts from an empty environment: nothing of the server's, harmless or not
    assert "visible" not in out.judgment and "PATH" in out.judgment
    for secret in ("sk-secret-1", "hl-secret-2", "tok-secret-3", "pw@h"):
        assert secret not in out.judgment
    out = run("def f(log):\n    return input()\n", "text")
    assert "EOFError" in (out.error or "")


def test_exiting_early_is_an_error() -> None:
    out = run("import os\ndef f(log):\n    os._exit(3)\n")
    assert out.error is not None and "without a result" in out.error


def test_testcase_passed_for_target_required() -> None:
    code = "def f(log, testcase):\n    return testcase['target']['output'] + '|' + log['output']\n"
    s = spec(code, "text", "target_required")
    out = rt.evaluate(s, {"output": "a"}, {"inputs": {}, "target": {"output": "b"}}, FAST)
    assert out is not None and out.judgment == "b|a"
    missing = rt.evaluate(s, {"output": "a"}, None, FAST)
    assert missing is not None and "testcase" in (missing.error or "")


def _seeded(rel: str) -> dict:
    return dict(next(s for r, s in seed.EXAMPLE_EVALUATORS if r == rel))


def test_seeded_code_evaluators() -> None:
    exact, lev, lat = _seeded("Code/Exact match"), _seeded("Code/Levenshtein distance"), _seeded("Code/Latency")
    tc = {"inputs": {}, "target": {"output": "kitten"}}
    assert rt.evaluate(exact, {"output": " kitten\n"}, tc, FAST).judgment is True  # type: ignore[union-attr]
    assert rt.evaluate(exact, {"output": "sitting"}, tc, FAST).judgment is False  # type: ignore[union-attr]
    assert rt.evaluate(lev, {"output": "sitting"}, tc, FAST).judgment == 3  # type: ignore[union-attr]
    assert rt.evaluate(lev, {"output": "kitten"}, tc, FAST).judgment == 0  # type: ignore[union-attr]
    log = {"start_time": "2024-01-01T00:00:00Z", "end_time": "2024-01-01T00:00:02.5+00:00"}
    assert rt.evaluate(lat, log, None, FAST).judgment == 2.5  # type: ignore[union-attr]
    assert rt.evaluate(lat, {"provider_latency": 0.25}, None, FAST).judgment == 0.25  # type: ignore[union-attr]


def test_human_and_external_are_not_executed() -> None:
    assert rt.evaluate(_seeded("Human/rating"), {"output": "x"}, None, FAST) is None
    ext = {"evaluator_type": "external", "return_type": "boolean", "arguments_type": "target_free"}
    assert rt.evaluate(ext, {"output": "x"}, None, FAST) is None


def test_llm_inputs_and_verdicts() -> None:
    flat = rt.flatten_inputs({"inputs": {"q": "why"}, "output": "because", "trace_children": [{"output": "c"}]})
    assert flat["log.inputs.q"] == "why" and flat["log.output"] == "because"
    assert '"c"' in flat["log.children"]
    b = {"return_type": "boolean"}
    assert rt.parse_verdict(b, "Reasoning...\nTrue") == (True, None)
    assert rt.parse_verdict(b, "blah\n**False**") == (False, None)
    assert rt.parse_verdict(b, "maybe")[1] is not None
    assert rt.parse_verdict({"return_type": "number"}, "score:\n7") == (7, None)
    sel = {"return_type": "select", "options": OPTIONS}
    assert rt.parse_verdict(sel, "x\nGood") == ("good", None)
    assert rt.parse_verdict(sel, "x\nugly")[1] is not None


def test_llm_evaluator_with_the_mock_provider() -> None:
    s = {
        "evaluator_type": "llm",
        "return_type": "text",
        "arguments_type": "target_free",
        "prompt": {
            "model": "mock-1",
            "provider": "mock",
            "template": [{"role": "user", "content": "Judge {{log.inputs.q}} -> {{log.output}}"}],
        },
    }
    out = rt.evaluate(s, {"inputs": {"q": "why"}, "output": "because"}, None, FAST)
    assert out is not None and out.error is None, out and out.error
    assert "Judge why -> because" in out.judgment
    s["return_type"] = "boolean"
    out = rt.evaluate(s, {"inputs": {"q": "why"}, "output": "because"}, None, FAST)
    assert out is not None and out.judgment is None and "boolean" in (out.error or "")


# ---------------------------------------------------------------- the sandbox


def test_sandbox_settings_from_the_environment() -> None:
    s = Settings.from_env(
        {
            "HUMANLOOP_EVALUATOR_MAX_PROCESSES": "4",
            "HUMANLOOP_EVALUATOR_DISK_MB": "8",
            "HUMANLOOP_BWRAP": "/opt/bwrap",
            "HUMANLOOP_EVALUATOR_CGROUP": "/sys/fs/cgroup/hl",
            "HUMANLOOP_UNSAFE_UNSANDBOXED_EVALUATORS": "yes",
        }
    )
    assert (s.evaluator_max_processes, s.evaluator_disk_mb, s.bwrap) == (4, 8, "/opt/bwrap")
    assert s.evaluator_cgroup == Path("/sys/fs/cgroup/hl") and s.unsafe_unsandboxed_evaluators is True
    defaults = Settings.from_env({})
    assert (defaults.evaluator_max_processes, defaults.evaluator_disk_mb, defaults.bwrap) == (16, 64, "bwrap")
    assert defaults.unsafe_unsandboxed_evaluators is False and defaults.evaluator_cgroup is None
    assert Settings.from_env({"HUMANLOOP_UNSAFE_UNSANDBOXED_EVALUATORS": "0"}).unsafe_unsandboxed_evaluators is False
    with pytest.raises(ValueError, match="HUMANLOOP_UNSAFE_UNSANDBOXED_EVALUATORS"):
        Settings.from_env({"HUMANLOOP_UNSAFE_UNSANDBOXED_EVALUATORS": "perhaps"})


WHO = (
    "import json, os\n"
    "def f(log):\n"
    "    return json.dumps([os.getuid(), sorted(p for p in os.listdir('/proc') if p.isdigit())])\n"
)


def test_without_cgroups_the_sandbox_still_isolates_and_says_what_does_not_hold(tmp_path: Path) -> None:
    # a cgroup directory that is not one: no cgroups, bwrap alone
    settings = Settings(evaluator_timeout_seconds=2.0, evaluator_memory_mb=256, evaluator_cgroup=tmp_path)
    isolated, line = rt.sandbox_report(settings)
    assert isolated and "bubblewrap sandbox" in line
    assert "no cgroups" in line and "NOT limited for the whole evaluation: memory" in line
    out = rt.evaluate(spec(WHO, "text"), {"output": "a"}, None, settings)
    assert out is not None and out.error is None, out and out.error
    uid, pids = json.loads(out.judgment)
    assert uid == 65534 and len(pids) <= 3
    big = rt.evaluate(spec("def f(log):\n    x = bytearray(2 * 1024 ** 3)\n"), {"output": "a"}, None, settings)
    assert big is not None and "memory" in (big.error or "").lower()


EVALUATE_AND_LIST_CGROUPS = """
import json, os, sys
from humanloop_server import sandbox
from humanloop_server.services import evaluator_runtime as rt
from humanloop_server.settings import Settings

settings = Settings(data_dir=sys.argv[1], evaluator_timeout_seconds=2.0, evaluator_memory_mb=256)
escape = (
    "import subprocess, sys\\n"
    "def f(log):\\n"
    "    subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)'], start_new_session=True)\\n"
    "    return True\\n"
)
spec = {"evaluator_type": "python", "code": escape, "return_type": "boolean", "arguments_type": "target_free"}
isolation = sandbox.probe(sandbox.SandboxConfig.from_settings(settings))
judgments = [rt.evaluate(spec, {"output": "a"}, None, settings).judgment for _ in range(2)]
mine = f"{sandbox.cgroups.PREFIX}{os.getpid()}-"
parents = [str(h.parent) for h in isolation.cgroups.hierarchies] if isolation.cgroups else []
left = [p.name for h in (isolation.cgroups.hierarchies if isolation.cgroups else ()) for p in h.parent.iterdir()
        if p.name.startswith(mine)]
print(json.dumps({"judgments": judgments, "parents": parents, "left": left, "problem": isolation.cgroup_problem}))
"""


def test_every_evaluation_cgroup_is_removed(tmp_path: Path) -> None:
    # in a fresh interpreter, so that no other evaluation of this process (a background worker of
    # another test's server) can be running meanwhile
    done = subprocess.run(
        [sys.executable, "-c", EVALUATE_AND_LIST_CGROUPS, str(tmp_path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout.strip().splitlines()[-1])
    if not got["parents"]:
        pytest.skip(f"no usable cgroups here: {got['problem']}")
    assert got["judgments"] == [True, True]
    assert got["left"] == []


def test_the_data_directory_stays_hidden_even_under_a_bound_directory() -> None:
    # a data directory inside the interpreter's prefix, which the sandbox binds read-only
    data = Path(sys.prefix) / f"hl-hidden-{os.getpid()}"
    try:
        data.mkdir()
    except OSError:
        pytest.skip("the interpreter's prefix is not writable here")
    try:
        (data / "humanloop.db").write_bytes(b"secret rows")
        settings = Settings(data_dir=data, evaluator_timeout_seconds=2.0, evaluator_memory_mb=256)
        code = f"import os\ndef f(log):\n    return repr(os.listdir({str(data)!r}))\n"
        out = rt.evaluate(spec(code, "text"), {"output": "a"}, None, settings)
        assert out is not None and out.error is None and out.judgment == "[]", out
    finally:
        (data / "humanloop.db").unlink()
        data.rmdir()
