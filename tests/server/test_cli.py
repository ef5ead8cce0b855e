"""`humanloop-server` as an operator uses it: run as a separate process, its output read as text."""

from __future__ import annotations

import http.client
import os
import pty
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import httpx
import pytest

from humanloop import Humanloop
from humanloop_server.services import keys
from humanloop_server.settings import Settings

from .conftest import serve

ROOT = Path(__file__).resolve().parents[2]


def _env(extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUMANLOOP_") and k != "NO_COLOR"}
    env["PYTHONPATH"] = str(ROOT / "src")
    env.update(extra or {})
    return env


def cli(*args: str, cwd: Optional[Path] = None, env: Optional[Dict[str, str]] = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "humanloop_server", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=env or _env(),
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _up(base_url: str, key: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the server exited"
        try:
            httpx.get(f"{base_url}/prompts", headers={"X-API-KEY": key}, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("the server did not come up")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """`serve` as a subprocess with no start-up key; yields its base URL (output in ``tmp_path/out``)."""
    port = _free_port()
    out = open(tmp_path / "out", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "humanloop_server", "serve", "--port", str(port), "--data-dir", str(tmp_path / "d")],
        stdout=out,
        stderr=subprocess.STDOUT,
        env=_env(),
        cwd=tmp_path,
    )
    try:
        _up(f"http://127.0.0.1:{port}/v5", "none", proc)
        yield f"http://127.0.0.1:{port}/v5"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        out.close()


# ---------------------------------------------------------------- help and messages


def test_help_shows_every_option_default_and_the_environment_variables() -> None:
    out = cli("serve", "--help")
    assert out.returncode == 0
    text = out.stdout
    assert "(default: 127.0.0.1)" in text and "(default: 8000)" in text and "(default: info)" in text
    assert "HUMANLOOP_DATA_DIR" in text and "HUMANLOOP_DATABASE_URL" in text
    assert re.search(r"HUMANLOOP_WORKERS\s+.*\(default 2\)", text)
    assert "(default: None)" not in text


def test_server_extra_missing_is_one_clear_line(tmp_path: Path) -> None:
    code = (
        "import sys; sys.modules['uvicorn'] = None\n"
        "from humanloop_server.cli import main\n"
        f"sys.exit(main(['serve', '--data-dir', {str(tmp_path)!r}]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env(), timeout=60)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert "`server` extra" in out.stderr and "pip install" in out.stderr


def test_busy_port_fails_before_announcing_anything(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        out = cli("serve", "--port", str(port), "--data-dir", str(tmp_path))
    assert out.returncode == 2
    assert "Humanloop-compatible server" not in out.stdout
    assert out.stderr.strip().splitlines() == [out.stderr.strip()]
    assert f"cannot listen on 127.0.0.1:{port}" in out.stderr


def test_unreachable_database_is_one_line_without_the_password() -> None:
    closed = _free_port()
    url = f"postgresql+psycopg://someone:topsecret-pw@127.0.0.1:{closed}/nowhere"
    out = cli("serve", "--port", str(_free_port()), "--database-url", url)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert "cannot open the database postgresql+psycopg://someone:***@127.0.0.1" in out.stderr
    assert "topsecret-pw" not in out.stdout + out.stderr


@pytest.mark.skipif(not os.environ.get("HUMANLOOP_TEST_DATABASE_URL"), reason="needs PostgreSQL")
def test_banner_hides_the_database_password(tmp_path: Path) -> None:
    from sqlalchemy.engine import make_url

    from .conftest import pg_database

    with pg_database() as url:
        # trust authentication accepts any password, so one can be given to see it hidden
        with_password = make_url(url).set(password="banner-secret-pw").render_as_string(hide_password=False)
        port = _free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "humanloop_server", "serve", "--port", str(port), "--database-url", with_password],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=_env(),
        )
        try:
            assert proc.stdout is not None
            lines = [proc.stdout.readline() for _ in range(3)]
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    text = "".join(lines)
    assert "Database: postgresql+psycopg://postgres:***@" in text
    assert "banner-secret-pw" not in text


def test_a_path_outside_v5_says_where_the_api_is(tmp_path: Path) -> None:
    with serve(Settings(data_dir=tmp_path, api_key="k-404", workers=0), "sqlite") as srv:
        root = srv.base_url[: -len("/v5")]
        outside = httpx.get(f"{root}/prompts", headers={"X-API-KEY": "k-404"})
        inside = httpx.get(f"{root}/v5/no-such-thing", headers={"X-API-KEY": "k-404"})
    assert outside.status_code == 404 and f"{root}/v5" in outside.json()["detail"]
    assert inside.status_code == 404 and "/v5/no-such-thing" in inside.json()["detail"]


# ---------------------------------------------------------------- keys


def test_the_hint_of_serve_makes_a_key_for_that_server(served: str, tmp_path: Path) -> None:
    hint = next(line for line in (tmp_path / "out").read_text().splitlines() if "keys create" in line)
    command = hint.split("create a key for this server with: ", 1)[1].split()
    assert command[:3] == ["humanloop-server", "keys", "create"]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    made = cli(*command[1:], cwd=elsewhere)  # run from another directory, as a user would
    assert made.returncode == 0, made.stderr
    key = made.stdout.strip()
    assert httpx.get(f"{served}/prompts", headers={"X-API-KEY": key}).status_code == 200


def test_keys_list_create_and_revoke(tmp_path: Path) -> None:
    data = ["--data-dir", str(tmp_path)]
    with serve(Settings(data_dir=tmp_path, api_key="hl_startup_key_1", workers=0), "sqlite") as srv:
        made = cli("keys", "create", "--name", "ci-runner", "--org", "default", *data)
        assert made.returncode == 0, made.stderr
        key = made.stdout.strip()
        assert key.startswith("hl_sk_") and "not shown again" in made.stderr
        assert httpx.get(f"{srv.base_url}/prompts", headers={"X-API-KEY": key}).status_code == 200
        deadline = time.monotonic() + 10
        while True:  # the last use is written in the background
            listed = cli("keys", "list", *data)
            row = next(line for line in listed.stdout.splitlines() if "ci-runner" in line)
            if "never" not in row.split("default", 1)[1] or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert key not in listed.stdout and key[:10] in row
        assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\s+\d{4}-\d\d-\d\d", row), row  # created, last used
        assert "startup" in listed.stdout
        key_id = row.split()[0]
        revoked = cli("keys", "revoke", key_id, *data)
        assert revoked.returncode == 0 and key_id in revoked.stdout
        # revoked by another process: the server trusts what it looked up for KEY_CHECK_SECONDS
        # (generous slack for a loaded machine; the exact interval is tested in test_key_memo.py)
        refused_by = time.monotonic() + keys.KEY_CHECK_SECONDS + 5
        while (status := httpx.get(f"{srv.base_url}/prompts", headers={"X-API-KEY": key}).status_code) == 200:
            if time.monotonic() > refused_by:
                break
            time.sleep(0.05)
        assert status == 401
        assert "ci-runner" not in cli("keys", "list", *data).stdout
        assert "ci-runner" in cli("keys", "list", "--all", *data).stdout
        unknown = cli("keys", "revoke", "key_nope", *data)
        assert unknown.returncode == 2 and "no key" in unknown.stderr


def test_a_new_startup_key_replaces_the_old_one(tmp_path: Path) -> None:
    for key in ("hl_first_startup_key", "hl_second_startup_key"):
        with serve(Settings(data_dir=tmp_path, api_key=key, workers=0), "sqlite") as srv:
            base = srv.base_url
            assert httpx.get(f"{base}/prompts", headers={"X-API-KEY": key}).status_code == 200
    with serve(Settings(data_dir=tmp_path, api_key="hl_second_startup_key", workers=0), "sqlite") as srv:
        old = httpx.get(f"{srv.base_url}/prompts", headers={"X-API-KEY": "hl_first_startup_key"})
        assert old.status_code == 401
    active = [
        line for line in cli("keys", "list", "--data-dir", str(tmp_path)).stdout.splitlines() if "startup" in line
    ]
    assert len(active) == 1 and "hl_second" in active[0]


# ---------------------------------------------------------------- environments


def test_environments_can_be_created_renamed_made_default_and_deleted(tmp_path: Path) -> None:
    data = ["--data-dir", str(tmp_path)]
    with serve(Settings(data_dir=tmp_path, api_key="hl_env_key", workers=0), "sqlite") as srv:
        hl = Humanloop(api_key="hl_env_key", base_url=srv.base_url)
        prompt = hl.prompts.upsert(path="envs/p", model="gpt-4o")
        assert cli("environments", "create", "staging", *data).returncode == 0
        names = {e.name: e for e in hl.prompts.list_environments(id=prompt.id)}
        assert set(names) == {"production", "staging"} and names["production"].tag == "default"
        hl.prompts.set_deployment(id=prompt.id, environment_id=names["staging"].id, version_id=prompt.version_id)
        assert hl.prompts.get(id=prompt.id, environment="staging").version_id == prompt.version_id
        assert cli("environments", "rename", "staging", "qa", *data).returncode == 0
        assert hl.prompts.get(id=prompt.id, environment="qa").version_id == prompt.version_id
        assert cli("environments", "set-default", "qa", *data).returncode == 0
        assert {e.name: e.tag for e in hl.prompts.list_environments(id=prompt.id)} == {
            "production": "other",
            "qa": "default",
        }
        refused = cli("environments", "delete", "qa", *data)
        assert refused.returncode == 2 and "default" in refused.stderr and "Traceback" not in refused.stderr
        taken = cli("environments", "create", "production", *data)
        assert taken.returncode == 2 and "exists already" in taken.stderr
        assert cli("environments", "set-default", "production", *data).returncode == 0
        assert cli("environments", "delete", "qa", *data).returncode == 0
        assert [e.name for e in hl.prompts.list_environments(id=prompt.id)] == ["production"]
        listed = cli("environments", "list", *data).stdout
        assert listed.strip() == "production  (default)"


# ---------------------------------------------------------------- colours


def _through_a_terminal(code: str, env: Dict[str, str]) -> str:
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=follower, stderr=follower, env=env)
    os.close(follower)
    chunks: List[bytes] = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait(timeout=30)
    os.close(leader)
    return b"".join(chunks).decode()


COLOURED = "from humanloop.eval_utils import _coloured, GREEN\nprint(_coloured('score 1.0', GREEN))\n"


def test_colours_only_on_a_terminal_and_never_with_no_color() -> None:
    assert "\033[" in _through_a_terminal(COLOURED, _env())
    assert "\033[" not in _through_a_terminal(COLOURED, _env({"NO_COLOR": "1"}))
    piped = subprocess.run([sys.executable, "-c", COLOURED], capture_output=True, text=True, env=_env())
    assert piped.stdout == "score 1.0\n"


def test_an_idle_connection_outlives_a_five_second_poll(served: str) -> None:
    # the SDKs' evaluations.run sleeps 5 s between get_stats calls on a kept-alive connection; with
    # uvicorn's default keep-alive (5 s) the server closed it under the client ("Server disconnected")
    host, port = served.split("//")[1].split("/")[0].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.request("GET", "/v5/does-not-exist")
        first = conn.getresponse()
        first.read()
        sock = conn.sock
        time.sleep(6)
        conn.request("GET", "/v5/does-not-exist")  # on the same socket: raises if the server closed it
        second = conn.getresponse()
        second.read()
        assert conn.sock is sock and second.status == first.status == 404
    finally:
        conn.close()
