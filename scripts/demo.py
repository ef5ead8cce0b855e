"""The whole thing in one command: install, start the embedded server, run the README examples, stop.

    python3 scripts/demo.py

Creates .venv (first run only), starts ``humanloop-server serve`` on a free
loopback port with a throw-away SQLite database, runs ``examples/readme_tour.py``
through our SDK against it, prints what happened, and stops the server.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _venv  # noqa: E402

ROOT = _venv.ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(base_url: str, server: subprocess.Popen, api_key: str, seconds: float = 30.0) -> None:
    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited early with code {server.returncode}")
        try:
            if httpx.get(f"{base_url}/directories", headers={"X-API-KEY": api_key}, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not come up in time")


def main() -> int:
    _venv.reexec_in_venv("server")
    api_key = "hl_demo_" + secrets.token_hex(12)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}/v5"
    with tempfile.TemporaryDirectory(prefix="humanloop-demo-") as data_dir:
        env = dict(os.environ, HUMANLOOP_API_KEY=api_key, HUMANLOOP_BASE_URL=base_url)
        server_cmd = [
            sys.executable,
            "-m",
            "humanloop_server",
            "serve",
            "--port",
            str(port),
            "--data-dir",
            data_dir,
            "--log-level",
            "warning",
        ]
        print(f"starting the embedded server: {' '.join(server_cmd[1:])}", flush=True)
        server = subprocess.Popen(server_cmd, env=env, cwd=ROOT)
        try:
            wait_until_up(base_url, server, api_key)
            print(f"server is up at {base_url} (SQLite in {data_dir})\n", flush=True)
            code = subprocess.run([sys.executable, str(ROOT / "examples" / "readme_tour.py")], env=env).returncode
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
        print("\nserver stopped", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
