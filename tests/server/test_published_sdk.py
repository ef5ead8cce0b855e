"""The published ``humanloop`` SDK, installed in its own virtual environment, against our server.

Programs written for the original SDK must work against our server unchanged, so this runs the
published 0.8.6 release (the one whose surface ours reproduces) through a script of typical
calls and checks what came back and what the server stored. The environment is built once and
cached in ``.cache/`` (it needs the package registry the first time).
"""

import json
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest


def test_published_sdk_runs_against_our_server(server, published_python: Path) -> None:  # type: ignore[no-untyped-def]
    suffix = uuid.uuid4().hex[:8]
    script = Path(__file__).with_name("published_sdk_script.py")
    done = subprocess.run(
        [str(published_python), str(script), server.base_url, server.api_key, suffix],
        capture_output=True,
        text=True,
        timeout=120,
        cwd="/",
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])

    # three logs on the prompt: the 0.8.6 pager walks 2 + 1 and stops at the empty page
    assert [len(page) for page in out["pages"]][:2] == [2, 1]
    assert all(len(page) == 0 for page in out["pages"][2:])
    assert sorted(out["listed"]) == sorted(sum(out["pages"], []))
    assert out["log"]["id"] in out["listed"]
    assert out["prompt"] == {
        "path": f"compat/persona-{suffix}",
        "version_id": out["log"]["version_id"],
        "model": "gpt-4",
    }
    assert out["error"] == {"status_code": 404}
    assert out["dataset"] == {"count": 2, "status": "committed"}
    assert out["trace"]["status"] == "complete"
    assert out["call"]["output"] == "mock response to: Hi Ann"
    stream = out["call_stream"]
    assert stream["text"] == "mock response to: Hi Bo" and stream["finish_reason"] == "stop"
    assert len(stream["ids"]) == 1 and stream["version_ids"] == [out["call"]["version_id"]]

    # what the server stored, read back with plain HTTP
    with httpx.Client(headers={"X-API-KEY": server.api_key}, timeout=30) as http:
        stored = http.get(f"{server.base_url}/logs/{out['log']['id']}").json()
        assert stored["inputs"] == {"person": "Trump"}
        assert stored["output_message"]["content"] == "Something peculiar."
        assert stored["created_at"].startswith("2024-07-19T00:29:35")
        child = http.get(f"{server.base_url}/logs/{out['trace']['child']}").json()
        assert child["trace_parent_id"] is not None
        assert http.get(f"{server.base_url}/logs/{out['async_log']}").status_code == 200
        streamed = http.get(f"{server.base_url}/logs/{stream['ids'][0]}").json()
        assert streamed["output"] == "mock response to: Hi Bo" and streamed["inputs"] == {"name": "Bo"}


if sys.platform == "win32":  # pragma: no cover - the venv layout above is POSIX
    pytestmark = pytest.mark.skip("POSIX virtual environments only")
