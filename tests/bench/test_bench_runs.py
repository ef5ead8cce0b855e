"""The server benchmark keeps working: `bench/server.py --quick` runs every part and writes every section.

Nothing here looks at a timing: benchmarks report, they assert nothing about time. The run uses
SQLite, and PostgreSQL too when ``HUMANLOOP_TEST_DATABASE_URL`` is set (as in CI).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Optional

import psycopg
import pytest
from fastapi.testclient import TestClient

from humanloop_server.app import create_app
from humanloop_server.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
import _report  # noqa: E402

README_BODY = {
    "path": "support/answer-bot",
    "prompt": {"model": "gpt-4o", "template": [{"role": "system", "content": "You help {{customer}}."}]},
    "inputs": {"customer": "Ada"},
    "output": "Happy to help!",
}


def _bench(script: str, *args: str, timeout: float, cwd: Optional[Path] = None) -> subprocess.CompletedProcess[str]:
    """Run ``bench/<script>`` with ``args`` as a user would, this environment passed on."""
    return subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=dict(os.environ),
    )


def test_quick_benchmark_runs_and_reports_every_section(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    raw = tmp_path / "results.json"
    run = _bench("server.py", "--quick", "--out", str(out), "--json", str(raw), timeout=1800, cwd=tmp_path)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    text = out.read_text()
    for heading in _report.SECTIONS:
        assert heading in text, heading
    results = json.loads(raw.read_text())
    backends = ["sqlite"] + (["postgresql"] if os.environ.get("HUMANLOOP_TEST_DATABASE_URL") else [])
    assert sorted(results["ingest"]) == sorted(backends)
    assert sorted(results["reads"]) == sorted(backends)
    for backend in backends:
        ingest = results["ingest"][backend]
        variants = {r["variant"] for r in ingest["rows"]}
        assert {"floor", "prompts.log", "floor + Idempotency-Key", "prompts.log without Idempotency-Key"} <= variants
        # every measurement ran without an error; single requests complete within even the quick window
        # (a whole flow trace, 7 requests, may not on a loaded machine: its correctness is tested elsewhere)
        assert all(r["errors"] == 0 for r in ingest["rows"] + ingest["other"]), backend
        assert all(r["calls"] > 0 for r in ingest["rows"]), backend
        # the steady-rate rows: both variants at the planned rate, every call answered
        paced = {(r["variant"], r["rate"]) for r in ingest["paced"] if r["calls"] > 0 and r["errors"] == 0}
        assert paced == {("floor", 20), ("prompts.log", 20)}, ingest["paced"]
        assert ingest["drain"]["judgments"] == ingest["drain"]["jobs"]
        sizes = results["reads"][backend]["sizes"]
        assert sizes and sizes[0]["rows"] >= 10_000 and len(sizes[0]["reads"]) == 13
    if "postgresql" in backends:
        rows = results["scaleout"]["rows"]
        assert [r["servers"] for r in rows] == [1, 2]
        assert all(r["judged_once"] == r["judged_expected"] for r in rows)
    else:
        assert "Not run" in text.split("## 3. Scale-out")[1].split("## 4")[0]
    assert results["sdk_page"]["records"] == 100
    assert len(results["pager"]["rows"]) == 2
    assert [t["target"] for t in results["targets"]]


def test_the_a_b_script_runs_each_tree_in_turns(tmp_path: Path) -> None:
    # the same tree under two names: both run, in turns, and each gets its median
    src = str(ROOT / "src")
    run = _bench(
        "ab.py",
        *["--tree", f"one={src}", "--tree", f"two={src}", "--clients", "2", "--duration", "0.5", "--repeats", "2"],
        timeout=600,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    runs = [line.split()[0] for line in run.stdout.splitlines() if " run " in line]
    assert runs == ["one", "two", "one", "two"]  # alternating
    assert all("errors 0" in line for line in run.stdout.splitlines() if " run " in line)
    medians = [line.split(":")[0].strip() for line in run.stdout.splitlines() if "median" in line]
    assert medians == ["one", "two"]
    bad = _bench("ab.py", "--tree", f"one={tmp_path}", timeout=120)
    assert bad.returncode == 2 and "humanloop_server" in bad.stderr  # not a src tree: a usage error


def test_the_floor_route_exists_only_for_the_benchmark(tmp_path: Path) -> None:
    key = "hl_bench_floor_test"
    for enabled in (False, True):
        settings = Settings(data_dir=tmp_path / str(enabled), api_key=key, workers=0, benchmark_routes=enabled)
        app = create_app(settings)
        assert not any("bench" in path for path in app.openapi()["paths"])
        with TestClient(app, base_url="http://127.0.0.1") as client:
            r = client.post("/v5/bench/floor", json=README_BODY, headers={"X-API-KEY": key})
            if not enabled:
                assert r.status_code == 404
                continue
            assert r.status_code == 200 and set(r.json()) == {"id", "prompt_id", "version_id", "session_id"}
            assert client.post("/v5/bench/floor", json=README_BODY).status_code == 401
            assert (
                client.post("/v5/bench/floor", json={"messages": "not a list"}, headers={"X-API-KEY": key}).status_code
                == 422
            )
            # it stores nothing
            logs = client.get("/v5/prompts", headers={"X-API-KEY": key}).json()
            assert all(p["path"] != "support/answer-bot" for p in logs["records"])


def test_settings_flag_reads_the_environment() -> None:
    assert Settings.from_env({"HUMANLOOP_BENCHMARK_ROUTES": "1"}).benchmark_routes is True
    assert Settings.from_env({}).benchmark_routes is False


def test_the_committed_report_renders_again_from_its_raw_results(tmp_path: Path) -> None:
    # --render judges the targets again from the raw numbers: the committed RESULTS.md is what the
    # committed RESULTS.json gives with this version of the benchmark
    out = tmp_path / "again.md"
    run = _bench("server.py", "--render", str(ROOT / "bench" / "RESULTS.json"), "--out", str(out), timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert out.read_text() == (ROOT / "bench" / "RESULTS.md").read_text()
    targets = out.read_text().split("## Targets")[1]
    backends = json.loads((ROOT / "bench" / "RESULTS.json").read_text())["ingest"]
    assert targets.count("clients, p99 < 50 ms |") == len(backends)  # the latency target: a row of its own


@pytest.mark.skipif(not os.environ.get("HUMANLOOP_TEST_DATABASE_URL"), reason="PostgreSQL only")
def test_the_driver_comparison_runs_both_ways_and_cleans_up() -> None:
    run = _bench("pg_driver.py", "--concurrency", "2", "--seconds", "0.3", timeout=300)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    lines = run.stdout.splitlines()
    assert [line.split(":")[0].strip() for line in lines if "transactions/s" in line] == ["threads", "asyncio"]
    assert "asyncio / threads" in run.stdout
    # its table is gone
    url = os.environ["HUMANLOOP_TEST_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT to_regclass('bench_pg_driver')").fetchone() == (None,)
