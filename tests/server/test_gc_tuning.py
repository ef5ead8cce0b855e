"""The serving process tunes its garbage collector once started (`gc_tuning.settle`); an application
built any other way (the tests, an embedding program) leaves the collector alone."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from humanloop_server import gc_tuning
from humanloop_server.app import create_app
from humanloop_server.settings import Settings

from .conftest import _free_port

ROOT = Path(__file__).resolve().parents[2]

#: runs `humanloop-server serve` in this process and, once it answers, prints what the collector
#: looks like, then stops it as Ctrl-C would
SERVE_AND_REPORT = r"""
import gc, os, signal, sys, threading, time, urllib.error, urllib.request
from humanloop_server import cli

port, data_dir = sys.argv[1], sys.argv[2]
before = gc.get_freeze_count(), gc.get_threshold()[0]

def watch():
    for _ in range(600):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/v5/not-a-route", timeout=5)
        except urllib.error.HTTPError:
            break  # it answers
        except OSError:
            time.sleep(0.1)
    print("before", *before, "serving", gc.get_freeze_count(), gc.get_threshold()[0], flush=True)
    os.kill(os.getpid(), signal.SIGINT)

threading.Thread(target=watch, daemon=True).start()
sys.exit(cli.main(["serve", "--host", "127.0.0.1", "--port", port, "--data-dir", data_dir]))
"""


def test_the_serving_process_freezes_its_start_up_objects_and_collects_young_ones_less_often(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUMANLOOP_")}
    env["PYTHONPATH"] = str(ROOT / "src")
    env["HUMANLOOP_WORKERS"] = "0"
    run = subprocess.run(
        [sys.executable, "-c", SERVE_AND_REPORT, str(_free_port()), str(tmp_path / "data")],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )
    lines = [line.split() for line in run.stdout.splitlines() if line.startswith("before")]
    assert lines, run.stdout[-2000:] + run.stderr[-2000:]
    _, frozen_before, young_before, _, frozen, young = lines[0]
    assert (int(frozen_before), int(young_before)) == (0, 700)  # CPython's defaults, untouched until then
    # everything start-up made (modules, routes, models, tables) is out of the collector's walks
    assert int(frozen) > 100_000
    assert int(young) == gc_tuning.YOUNG_OBJECTS


def test_an_application_built_by_other_code_leaves_the_collector_alone(tmp_path: Path) -> None:
    frozen, thresholds = gc.get_freeze_count(), gc.get_threshold()
    app = create_app(Settings(data_dir=tmp_path, api_key="hl_gc_test", workers=0))
    with TestClient(app, base_url="http://127.0.0.1") as client:
        assert client.get("/v5/prompts", headers={"X-API-KEY": "hl_gc_test"}).status_code == 200
        assert (gc.get_freeze_count(), gc.get_threshold()) == (frozen, thresholds)
