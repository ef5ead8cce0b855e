"""Idempotency-Keys across a crash: ``kill -9`` of the server while keyed requests are in flight.

The server runs as a separate process (``python -m humanloop_server serve``). Many ``prompts.log``
requests with Idempotency-Keys are sent at once, the server is killed with SIGKILL while they are
in flight, restarted on the same database, and every key is sent again, as the SDK would retry it.
Each key must then have exactly one Log (none stored twice, none lost), and the retries must be
answered at once: no 409 "still being processed" for a request that died with the old process.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Collection, Dict, Iterator, List, Optional

import httpx
import pytest

from .conftest import pg_database

API_KEY = "hl_crash_key_" + uuid.uuid4().hex
N_THREADS = 16
PER_THREAD = 25
KILL_AFTER = 60  # answered requests before the kill: the rest are in flight or not sent yet


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _backends() -> List[str]:
    return ["sqlite"] + (["postgresql"] if os.environ.get("HUMANLOOP_TEST_DATABASE_URL") else [])


@contextlib.contextmanager
def _database(backend: str) -> Iterator[Optional[str]]:
    if backend == "postgresql":
        with pg_database() as url:
            yield url
    else:
        yield None


class ServerProcess:
    """``python -m humanloop_server serve`` on a free loopback port, in a process of its own."""

    def __init__(self, data_dir: Path, database_url: Optional[str], log: Path) -> None:
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/v5"
        env = {k: v for k, v in os.environ.items() if not k.startswith("HUMANLOOP_")}
        env["HUMANLOOP_API_KEY"] = API_KEY
        command = [sys.executable, "-m", "humanloop_server", "serve", "--port", str(self.port)]
        command += ["--data-dir", str(data_dir), "--log-level", "warning"]
        if database_url:
            command += ["--database-url", database_url]
        self._log = open(log, "ab")  # noqa: SIM115 - closed in kill()
        self.proc = subprocess.Popen(command, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            assert self.proc.poll() is None, f"the server exited: {log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, "the server did not start"
            try:
                if httpx.get(f"{self.base_url}/prompts", headers={"X-API-KEY": API_KEY}).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, headers={"X-API-KEY": API_KEY}, timeout=60)

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, open transactions die with the process."""
        self.proc.kill()
        self.proc.wait(timeout=30)
        self._log.close()


def _body(path: str, key: str) -> Dict[str, object]:
    return {"path": path, "inputs": {"key": key}, "output": key}


def _logged_outputs(c: httpx.Client, prompt_id: str) -> List[str]:
    outputs: List[str] = []
    page = 1
    while True:
        r = c.get("/logs", params={"file_id": prompt_id, "size": 100, "page": page})
        assert r.status_code == 200, r.text
        records = r.json()["records"]
        if not records:
            return outputs
        outputs += [rec["output"] for rec in records]
        page += 1


@pytest.mark.parametrize("retry_on", ["restarted", "survivor"])
@pytest.mark.parametrize("backend", _backends())
def test_keyed_requests_act_once_across_kill_9(backend: str, retry_on: str, tmp_path: Path) -> None:
    """``retry_on``: the killed server restarted on the same database, or another server process
    on that database that was running all along (nothing restarts: it must not wait for the dead
    one's requests either)."""
    path = f"crash-{uuid.uuid4().hex[:8]}/log"
    keys = [f"{path}-{t}-{i}" for t in range(N_THREADS) for i in range(PER_THREAD)]
    with _database(backend) as database_url:
        server = ServerProcess(tmp_path / "data", database_url, tmp_path / "server.log")
        survivor: Optional[ServerProcess] = None
        try:
            if retry_on == "survivor":
                survivor = ServerProcess(tmp_path / "data", database_url, tmp_path / "survivor.log")
            with server.client() as c:
                r = c.post("/prompts", json={"path": path, "model": "gpt-4o", "template": "{{key}}"})
                assert r.status_code == 200, r.text
                prompt_id = r.json()["id"]

            answered = threading.Semaphore(0)
            killed = threading.Event()
            died_in_flight: List[str] = []

            def send(t: int) -> None:
                with server.client() as c:
                    for key in keys[t * PER_THREAD : (t + 1) * PER_THREAD]:
                        if killed.is_set():
                            return
                        try:
                            r = c.post("/prompts/log", json=_body(path, key), headers={"Idempotency-Key": key})
                        except httpx.TransportError:
                            died_in_flight.append(key)  # the server died under this request
                            return
                        assert r.status_code == 200, r.text
                        answered.release()

            with ThreadPoolExecutor(N_THREADS) as pool:
                futures = [pool.submit(send, t) for t in range(N_THREADS)]
                for _ in range(KILL_AFTER):
                    assert answered.acquire(timeout=60), "the requests were not answered"
                server.kill()
                killed.set()
                for f in futures:
                    f.result()
            assert died_in_flight, "no request was in flight when the server was killed"
        except BaseException:
            if survivor is not None:
                survivor.kill()
            raise
        finally:
            if server.proc.poll() is None:
                server.kill()

        # retry every key as the SDK would, on the restarted server or on the other one
        server = survivor or ServerProcess(tmp_path / "data", database_url, tmp_path / "server.log")
        try:
            statuses: Dict[str, List[int]] = {}

            def retry(group: Collection[str]) -> None:
                with server.client() as c:
                    for key in group:
                        got = statuses.setdefault(key, [])
                        for _ in range(3):  # a bounded retry loop, like the SDK's
                            r = c.post("/prompts/log", json=_body(path, key), headers={"Idempotency-Key": key})
                            got.append(r.status_code)
                            if r.status_code == 200:
                                assert r.json()["prompt_id"] == prompt_id
                                break
                            assert r.headers.get("x-should-retry") == "true", r.text
                            time.sleep(0.5)

            started = time.monotonic()
            with ThreadPoolExecutor(N_THREADS) as pool:
                list(pool.map(retry, [keys[t::N_THREADS] for t in range(N_THREADS)]))
            took = time.monotonic() - started

            refused = {k: s for k, s in statuses.items() if s != [200]}
            assert refused == {}, f"{len(refused)} keys were not answered 200 at once: {list(refused.items())[:5]}"
            assert took < 120, f"the retries took {took:.0f} s"  # a generous bound: no waiting on dead requests

            with server.client() as c:
                outputs = _logged_outputs(c, prompt_id)
            counts: Dict[str, int] = {}
            for out in outputs:
                counts[out] = counts.get(out, 0) + 1
            twice = {k: n for k, n in counts.items() if n != 1}
            assert twice == {}, f"keys logged more than once: {twice}"
            assert sorted(counts) == sorted(keys)
        finally:
            server.kill()
