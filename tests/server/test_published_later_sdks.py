"""Published SDKs of 2025 (0.8.13, 0.8.17, 0.8.24, 0.8.38), each in its own virtual environment,
against our server: every method each release has, called at least once, by
``published_later_script.py``; this checks what came back and what the server stored.

The releases are the ones teams were left with when the hosted service stopped: runs-era
evaluations (0.8.13+), version deletion and files by path (0.8.24+), version names, agents and
tool environment variables (0.8.31+ / 0.8.36+).
"""

import json
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any, Dict

import httpx
import pytest

from .conftest import published_sdk_python

LATER_RELEASES = ["0.8.13", "0.8.17", "0.8.24", "0.8.38"]


def run_script(server: Any, version: str) -> Dict[str, Any]:
    python = published_sdk_python(version)
    suffix = uuid.uuid4().hex[:8]
    done = subprocess.run(
        [
            str(python),
            str(Path(__file__).with_name("published_later_script.py")),
            server.base_url,
            server.api_key,
            suffix,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd="/",
    )
    assert done.returncode == 0, done.stderr[-4000:]
    out: Dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    out["suffix"] = suffix
    out["stderr"] = done.stderr
    return out


@pytest.mark.parametrize("version", LATER_RELEASES)
def test_published_release_runs_its_whole_surface(server, version: str) -> None:  # type: ignore[no-untyped-def]
    out = run_script(server, version)
    assert out["errors"] == [], json.dumps(out["errors"], indent=1) + out["stderr"][-3000:]
    # every method of every resource of this release was called at least once
    assert set(out["surface"]) - set(out["called"]) == set()

    assert out["directories"]["listed"] and out["directories"]["renamed"] == f"scratch-{out['suffix']}"

    prompts = out["prompts"]
    assert prompts["v1_temperature"] == 0.1 and prompts["listed"] and prompts["deployed_version"]
    assert prompts["versions"] >= 2
    assert prompts["log_output"] == "five"
    assert prompts["populated"] == "hi!"
    assert prompts["call_output"] == "mock response to: hello"
    assert prompts["stream_text"] == "mock response to: yo"
    if "populate" in prompts:
        assert prompts["populate"] == "Answer why briefly."
        assert prompts["serialized_round_trip"] is True
        assert prompts["patched_name"] == "renamed"
    if "version_deleted" in prompts:
        assert prompts["version_deleted"] is True

    tools = out["tools"]
    assert tools["get"] and tools["listed"] and tools["envs"] and tools["monitoring"]
    assert tools["update"] == "5"
    if "env_vars" in tools:
        assert tools["env_vars"] == {"added": ["API_TOKEN"], "after_delete": []}
        assert tools["renamed"] == "first"
        assert tools["after_version_delete"] == tools["versions"] - 1
        assert str(tools["call_output"]) == "5"

    datasets = out["datasets"]
    assert datasets["points"] == 2 and datasets["get"] == 2 and datasets["uploaded_version"]
    if "after_version_delete" in datasets:
        assert datasets["after_version_delete"] == datasets["versions"] - 1

    evaluators = out["evaluators"]
    assert evaluators["judged_parent"] and evaluators["human"] == "human" and evaluators["get"]

    flows = out["flows"]
    assert flows["status"] == "complete"
    assert flows["child"] in flows["children"]

    assert out["files"]["listed"]
    if "by_path" in out["files"]:
        assert out["files"]["by_path"]
    assert out["logs"] == {
        "listed": True,
        "got": True,
        **({"by_id": out["logs"]["by_id"]} if "by_id" in out["logs"] else {}),
    }
    if "by_id" in out["logs"]:
        assert len(out["logs"]["by_id"]) == 1

    evaluations = out["evaluations"]
    assert evaluations["run"] in evaluations["runs"]
    assert evaluations["latest_first"] == evaluations["run"]
    assert evaluations["logs_rows"] >= 1
    assert evaluations["evaluators_after_add"] == 2 and evaluations["evaluators_after_remove"] == 1
    assert evaluations["cancelled"] == "cancelled"

    # the runs-era evaluations.run: two of three datapoints answered right, judged by a local
    # evaluator. Every release reports the first Run's score as 0 ("no previous run to compare
    # with") but checks the threshold against the real one; the server's stats hold it.
    checks = out["run"]
    assert checks is not None and len(checks) == 1 and checks[0]["threshold_check"] is True
    with httpx.Client(headers={"X-API-KEY": server.api_key}, timeout=30) as http:
        stats = http.get(f"{server.base_url}/evaluations/{checks[0]['evaluation_id']}/stats").json()
    run = stats["run_stats"][0]
    assert run["status"] == "completed" and run["num_logs"] == 3
    (judged,) = run["evaluator_stats"]
    assert (judged["num_true"], judged["num_false"], judged["num_errors"]) == (2, 1, 0)

    if "agents" in out:
        agents = out["agents"]
        assert agents["call_status"] == "incomplete" and agents["resumed_status"] == "complete"
        assert agents["stream_events"] == ["agent_update", "agent_turn_suspend", "agent_end"]
        assert agents["continue_stream_events"] == ["agent_turn_continue", "agent_update", "agent_end"]
        assert agents["continue_stream_answer"] == "mock agent answer: done"
        assert agents["update_log"] == "changed" and agents["versions"] == 2
        assert agents["round_trip"] and agents["get"] and agents["listed"] and agents["patched"] == "first"

    if "decorators" in out:  # 0.8.14+: a decorated flow calling a decorated tool is one trace
        assert out["decorators"] == {"result": "sum=5", "tool": True, "flow_output": "sum=5", "children": 1}
    else:
        assert not any(name.startswith("decorators") for name in out["called"]) and version == "0.8.13"

    assert out["not_found"] == 404
    with httpx.Client(headers={"X-API-KEY": server.api_key}, timeout=30) as http:
        stored = http.get(f"{server.base_url}/logs/{out['async_log']}")
        assert stored.status_code == 200
    # the Files are deleted at the end of the scenario, their Logs with them
    assert evaluations["run_log_inputs"] == {"question": "2+2"}


if sys.platform == "win32":  # pragma: no cover - the venv layout above is POSIX
    pytestmark = pytest.mark.skip("POSIX virtual environments only")
