"""`client.evaluations.run` end to end against the real server, in the cases that used to hang or
report a failure as a success.

Every run here must end within a bounded time, with the score of the datapoints it actually ran
on, and with failures counted and shown. Background jobs are drained by a thread of the test (the
session server's own workers may take some too).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

from humanloop import AsyncHumanloop, Humanloop
from humanloop.core.api_error import ApiError
from humanloop.eval_utils import EvaluationStalledError
from humanloop_server.settings import Settings
from humanloop_server.wiring import JOB_HANDLERS
from humanloop_server.workers.pool import run_pending

from .conftest import Server, serve

ROOT = Path(__file__).resolve().parents[2]
EXACT_MATCH = "Example Evaluators/Code/Exact match"

ANSWERS = {"capital of France": "Paris", "capital of Spain": "Madrid", "capital of Italy": "Rome", "2+2": "4"}


def answer(q: str) -> str:
    return ANSWERS.get(q, "no idea")


def datapoints(*questions: str) -> List[Dict[str, Any]]:
    return [{"inputs": {"q": q}, "target": {"output": ANSWERS.get(q, "?")}} for q in questions]


@contextlib.contextmanager
def draining(server: Server) -> Iterator[None]:
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            with contextlib.suppress(Exception):
                run_pending(server.runtime, JOB_HANDLERS, 100)
            stop.wait(0.05)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=60)


@pytest.fixture
def hl(server: Server) -> Humanloop:
    return Humanloop(api_key=server.api_key, base_url=server.base_url)


def _run(hl: Humanloop, uid: str, name: str, data: List[Dict[str, Any]], **kw: Any) -> Any:
    return hl.evaluations.run(
        name=name,
        file={
            "path": f"{uid}/qa",
            "type": "flow",
            "version": {"attributes": {"v": 1}},
            "callable": kw.pop("fn", answer),
        },
        dataset={"path": f"{uid}/capitals", "datapoints": data},
        evaluators=kw.pop("evaluators", [{"path": EXACT_MATCH}]),
        stall_timeout=kw.pop("stall_timeout", 60),
        **kw,
    )


def test_rerun_with_changed_datapoints_under_the_same_name(server: Server, hl: Humanloop, uid: str) -> None:
    with draining(server):
        first = _run(hl, uid, "nightly", datapoints("capital of France", "capital of Spain", "capital of Mars"))
        assert [(c.score, c.num_logs) for c in first] == [(0.67, 3)]
        # one datapoint edited, one added: the second run is judged on exactly these four
        second = _run(
            hl, uid, "nightly", datapoints("capital of France", "capital of Spain", "capital of Italy", "2+2")
        )
    assert [(c.score, c.num_logs, c.num_errors) for c in second] == [(1.0, 4, 0)]
    assert second[0].delta == pytest.approx(0.33) and second[0].improvement_check is True


def test_new_name_on_a_dataset_with_a_committed_version(server: Server, hl: Humanloop, uid: str) -> None:
    committed = hl.datasets.upsert(
        path=f"{uid}/capitals", datapoints=datapoints("capital of Mars"), commit_message="the old set"
    )
    assert committed.status == "committed"
    with draining(server):
        checks = _run(hl, uid, "fresh", datapoints("capital of France", "capital of Spain", "capital of Italy"))
    assert [(c.score, c.num_logs) for c in checks] == [(1.0, 3)]


def test_async_rerun_with_changed_datapoints(server: Server, uid: str) -> None:
    client = AsyncHumanloop(api_key=server.api_key, base_url=server.base_url)

    async def twice() -> Any:
        kw = dict(
            name="async-nightly",
            file={"path": f"{uid}/qa", "type": "flow", "version": {"attributes": {"v": 1}}, "callable": answer},
            evaluators=[{"path": EXACT_MATCH}],
            stall_timeout=60,
        )
        await client.evaluations.run(
            dataset={"path": f"{uid}/capitals", "datapoints": datapoints("capital of Mars")}, **kw
        )
        return await client.evaluations.run(
            dataset={"path": f"{uid}/capitals", "datapoints": datapoints("capital of France", "2+2")}, **kw
        )

    with draining(server):
        checks = asyncio.run(twice())
    assert [(c.score, c.num_logs, c.delta) for c in checks] == [(1.0, 2, 1.0)]


def test_a_local_evaluator_that_always_raises_is_not_a_success(
    server: Server, hl: Humanloop, uid: str, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(log: Any) -> bool:
        raise KeyError("no such field")

    with draining(server):
        (check,) = _run(
            hl,
            uid,
            "broken-judge",
            datapoints("capital of France", "capital of Spain"),
            evaluators=[
                {"path": f"{uid}/broken", "callable": broken, "args_type": "target_free", "return_type": "boolean"}
            ],
        )
    assert check.num_errors == 2 and check.failed and check.improvement_check is False
    assert check.errors and "KeyError" in check.errors[0]
    out = capsys.readouterr().out
    assert "2 of 2 judgment(s) failed" in out and "KeyError" in out


def test_a_callable_that_always_raises_is_not_a_success(
    server: Server, hl: Humanloop, uid: str, capsys: pytest.CaptureFixture[str]
) -> None:
    def crashing(q: str) -> str:
        raise RuntimeError(f"model unavailable for {q}")

    with draining(server):
        (check,) = _run(
            hl,
            uid,
            "crashing",
            datapoints("capital of France", "capital of Spain"),
            fn=crashing,
            evaluators=[{"path": EXACT_MATCH, "threshold": 0.0}],
        )
    assert check.num_failed_logs == 2 and check.failed
    assert check.improvement_check is False and check.threshold_check is False
    assert "2 of 2 datapoint(s) failed in file['callable']" in capsys.readouterr().out


def test_a_server_evaluator_that_times_out_is_counted(tmp_path: Path, uid: str) -> None:
    settings = Settings(data_dir=tmp_path, api_key="hl_timeout_key", workers=2, evaluator_timeout_seconds=1)
    with serve(settings, "sqlite") as srv:
        hl = Humanloop(api_key="hl_timeout_key", base_url=srv.base_url)
        hl.evaluators.upsert(
            path=f"{uid}/slow",
            spec={
                "evaluator_type": "python",
                "arguments_type": "target_free",
                "return_type": "boolean",
                "code": "def slow(log):\n    while True:\n        pass\n",
            },
        )
        (check,) = _run(hl, uid, "slow", datapoints("capital of France"), evaluators=[{"path": f"{uid}/slow"}])
    assert check.num_errors == 1 and check.failed and "timed out" in check.errors[0]


def test_no_progress_stops_with_what_is_missing(server: Server, hl: Humanloop, uid: str) -> None:
    # an external Evaluator on the server that nobody runs: its judgments never come
    hl.evaluators.upsert(
        path=f"{uid}/nobody",
        spec={"evaluator_type": "external", "arguments_type": "target_free", "return_type": "boolean"},
    )
    started = time.monotonic()
    with draining(server), pytest.raises(EvaluationStalledError) as err:
        _run(hl, uid, "stuck", datapoints("capital of France"), evaluators=[{"path": f"{uid}/nobody"}], stall_timeout=3)
    assert time.monotonic() - started < 60
    assert "not yet judged by Evaluator version" in str(err.value) and "1/1 datapoints logged" in str(err.value)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_server_that_stops_answering_mid_run(tmp_path: Path, uid: str) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUMANLOOP_")}
    env.update(PYTHONPATH=str(ROOT / "src"), HUMANLOOP_API_KEY="hl_vanishing_key")
    proc = subprocess.Popen(
        [sys.executable, "-m", "humanloop_server", "serve", "--port", str(port), "--data-dir", str(tmp_path)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}/v5"
    try:
        hl = Humanloop(api_key="hl_vanishing_key", base_url=base_url, timeout=5)
        deadline = time.monotonic() + 60
        while True:
            try:
                hl.directories.list()
                break
            except Exception:
                assert time.monotonic() < deadline and proc.poll() is None
                time.sleep(0.2)

        def vanish(q: str) -> str:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
            return answer(q)

        started = time.monotonic()
        with pytest.raises(ApiError):
            _run(hl, uid, "vanishing", datapoints("capital of France", "capital of Spain"), fn=vanish, workers=1)
        assert time.monotonic() - started < 90
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)


def test_bad_arguments_are_refused_before_any_request(uid: str) -> None:
    # nothing listens here: a request would be an ApiConnectionError, not the ValueError expected
    hl = Humanloop(api_key="k", base_url=f"http://127.0.0.1:{_free_port()}/v5")
    with pytest.raises(ValueError) as no_version:
        hl.evaluations.run(
            name="x",
            file={"path": f"{uid}/p", "type": "prompt", "callable": answer},
            dataset={"path": f"{uid}/d", "datapoints": datapoints("2+2")},
            evaluators=[],
        )
    assert "file['version']" in str(no_version.value) and "model" in str(no_version.value)
    with pytest.raises(ValueError) as numbers:
        hl.evaluations.run(
            name="x",
            file={"path": f"{uid}/f", "type": "flow", "callable": answer},
            dataset={"path": f"{uid}/d", "datapoints": [{"inputs": {"q": "2+2"}}, {"inputs": {"n": 3}}]},
            evaluators=[],
        )
    message = str(numbers.value)
    assert "dataset['datapoints'][1]['inputs']['n']" in message and 'pass "3"' in message
