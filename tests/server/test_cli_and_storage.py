"""CLI, migrations and concurrent duplicate requests."""

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

import httpx
import pytest

from .conftest import Server, _backends, pg_database

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUMANLOOP_")}
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    env["HUMANLOOP_DATA_DIR"] = str(tmp_path / "data")
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_cli_create_key_then_serve(tmp_path: Path) -> None:
    env = _env(tmp_path)
    out = subprocess.run(
        [sys.executable, "-m", "humanloop_server", "create-key", "--org", "acme"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    key = out.stdout.strip().splitlines()[-1]
    assert len(key) > 20 and (tmp_path / "data" / "humanloop.db").exists()
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "humanloop_server", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert f"http://127.0.0.1:{port}/v5" in first
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/v5/prompts", headers={"X-API-KEY": key})
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        assert r.status_code == 200 and r.json()["total"] == 0
        evaluators = httpx.get(f"http://127.0.0.1:{port}/v5/evaluators", headers={"X-API-KEY": key}).json()
        assert evaluators["total"] == 6  # the example Evaluators: 3 code, 2 AI, 1 human
        assert httpx.get(f"http://127.0.0.1:{port}/v5/prompts", headers={"X-API-KEY": "nope"}).status_code == 401
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.parametrize("backend", _backends())
def test_migrations_match_models(tmp_path: Path, backend: str) -> None:
    """Running every migration gives exactly the tables, columns, keys and indexes of the models."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from humanloop_server.db.engine import make_engine, run_migrations
    from humanloop_server.db.models import Base
    from humanloop_server.db.search_index import unmodelled
    from humanloop_server.settings import Settings

    with contextlib.ExitStack() as stack:
        url = stack.enter_context(pg_database()) if backend == "postgresql" else None
        engine = make_engine(Settings(data_dir=tmp_path, database_url=url))
        run_migrations(engine)
        run_migrations(engine)  # idempotent
        with engine.connect() as conn:
            # the search index (FTS5 table or trigram indexes) is made by migration 0013 alone
            opts = {"include_name": lambda name, type_, parents: not unmodelled(name, type_, parents)}
            context = MigrationContext.configure(conn, opts=opts)
            diff = compare_metadata(context, Base.metadata)
        engine.dispose()
    assert diff == []


def test_concurrent_duplicates_with_one_key_act_once(server: Server, uid: str) -> None:
    key = str(uuid.uuid4())
    n = 10
    barrier = threading.Barrier(n)
    body = {"path": f"{uid}/dup", "prompt": {"model": "gpt-4o"}, "output": "once"}

    def send(_: int) -> httpx.Response:
        with server.client() as c:
            barrier.wait()
            return c.post("/prompts/log", json=body, headers={"Idempotency-Key": key})

    with ThreadPoolExecutor(n) as pool:
        responses = list(pool.map(send, range(n)))
    ok = [r for r in responses if r.status_code == 200]
    # duplicates wait for the first request and then get its response; none acts again
    assert len(ok) == n, [r.text for r in responses if r.status_code != 200]
    assert len({r.json()["id"] for r in ok}) == 1
    with server.client() as c:
        assert c.get("/logs", params={"file_id": ok[0].json()["prompt_id"]}).json()["total"] == 1


def test_concurrent_duplicate_prompt_calls_store_their_logs_once(server: Server, uid: str) -> None:
    """prompts.call ends its transaction while the provider works: duplicates may both call it, but
    only one stores its samples; the others replay that answer."""
    key = str(uuid.uuid4())
    n = 8
    barrier = threading.Barrier(n)
    kernel = {"model": "mock-1", "provider": "mock", "template": [{"role": "user", "content": "hi {{x}}"}]}
    body = {"path": f"{uid}/dup-call", "prompt": kernel, "inputs": {"x": "there"}, "num_samples": 2}

    def send(_: int) -> httpx.Response:
        with server.client() as c:
            barrier.wait()
            return c.post("/prompts/call", json=body, headers={"Idempotency-Key": key})

    with ThreadPoolExecutor(n) as pool:
        responses = list(pool.map(send, range(n)))
    assert [r.status_code for r in responses] == [200] * n, [r.text for r in responses if r.status_code != 200]
    assert len({r.json()["id"] for r in responses}) == 1
    with server.client() as c:
        logs = c.get("/logs", params={"file_id": responses[0].json()["prompt"]["id"]}).json()
    assert logs["total"] == 2


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_idempotency_covers_patch_and_delete(http: httpx.Client, uid: str, method: str) -> None:
    p = http.post("/prompts", json={"path": f"{uid}/{method}", "model": "gpt-4o"}).json()
    key = str(uuid.uuid4())
    if method == "patch":
        a = http.patch(f"/prompts/{p['id']}", json={"name": "n2"}, headers={"Idempotency-Key": key})
        b = http.patch(f"/prompts/{p['id']}", json={"name": "n2"}, headers={"Idempotency-Key": key})
        assert a.status_code == b.status_code == 200 and a.json() == b.json()
    else:
        a = http.delete(f"/prompts/{p['id']}", headers={"Idempotency-Key": key})
        b = http.delete(f"/prompts/{p['id']}", headers={"Idempotency-Key": key})
        assert a.status_code == b.status_code == 204  # replayed, not a 404 from acting twice
        assert http.delete(f"/prompts/{p['id']}").status_code == 404
