"""Server processes for the server benchmark: fresh databases, `python -m humanloop_server serve`, /proc.

Every server listens on 127.0.0.1 only, on a free port, with a database of its own (a SQLite file
in a temporary directory, or a database created for it on the PostgreSQL server and dropped
afterwards), and is stopped by the benchmark when the measurement that needed it ends.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import httpx
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

API_KEY = "hl_bench_" + uuid.uuid4().hex
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Backend:
    """Where a server keeps its data: ``sqlite`` (data_dir) or ``postgresql`` (database_url)."""

    name: str
    data_dir: Optional[Path] = None
    database_url: Optional[str] = None

    @property
    def url(self) -> str:
        if self.database_url:
            return self.database_url
        assert self.data_dir is not None
        return "sqlite:///" + str(self.data_dir.resolve() / "humanloop.db")

    def serve_args(self) -> List[str]:
        if self.database_url:
            return ["--database-url", self.database_url]
        assert self.data_dir is not None
        return ["--data-dir", str(self.data_dir)]


@contextlib.contextmanager
def fresh_backend(name: str, pg_url: Optional[str]) -> Iterator[Backend]:
    """A new, empty database of kind ``name``, removed afterwards."""
    if name == "sqlite":
        with tempfile.TemporaryDirectory(prefix="hl-bench-") as tmp:
            yield Backend("sqlite", data_dir=Path(tmp) / "data")
        return
    if not pg_url:
        raise RuntimeError("PostgreSQL needs --pg-url or HUMANLOOP_TEST_DATABASE_URL")
    url = make_url(pg_url)
    db_name = "hl_bench_" + uuid.uuid4().hex[:12]
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{db_name}"')
    try:
        yield Backend("postgresql", database_url=url.set(database=db_name).render_as_string(hide_password=False))
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        admin.dispose()


@dataclass
class Server:
    proc: subprocess.Popen  # type: ignore[type-arg]
    port: int
    log_path: Path
    peak_rss_kb: int = 0
    notes: Dict[str, int] = field(default_factory=dict)

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v5"

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server process so far (all its threads)."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    def memory_kb(self) -> Dict[str, int]:
        """VmRSS and VmHWM (peak RSS) of the server process, in KiB."""
        out: Dict[str, int] = {}
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0])
        return out


def start_server(
    backend: Backend, *, workers: int = 0, extra_env: Optional[Dict[str, str]] = None, log_dir: Optional[Path] = None
) -> Server:
    """Start `python -m humanloop_server serve` on a free loopback port; returns once it answers."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUMANLOOP_")}
    env.update(
        {
            "HUMANLOOP_API_KEY": API_KEY,
            "HUMANLOOP_DEFAULT_ORG": "bench",
            "HUMANLOOP_BENCHMARK_ROUTES": "1",
            "HUMANLOOP_WORKERS": str(workers),
            "NO_COLOR": "1",
        }
    )
    env.update(extra_env or {})
    log_dir = log_dir or Path(tempfile.gettempdir())
    log_path = log_dir / f"hl-bench-server-{port}.log"
    cmd = [sys.executable, "-m", "humanloop_server", "serve", "--host", "127.0.0.1", "--port", str(port)]
    cmd += ["--log-level", "warning", *backend.serve_args()]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    server = Server(proc=proc, port=port, log_path=log_path)
    deadline = time.monotonic() + 120
    with httpx.Client(headers={"X-API-KEY": API_KEY}, timeout=5) as http:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the server exited with {proc.returncode}: {log_path.read_text()[-2000:]}")
            try:
                if http.get(f"{server.base_url}/directories").status_code == 200:
                    return server
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                stop_server(server)
                raise RuntimeError(f"the server did not start in time: {log_path.read_text()[-2000:]}")
            time.sleep(0.1)


def stop_server(server: Server) -> None:
    if server.proc.poll() is None:
        server.proc.send_signal(signal.SIGINT)
        try:
            server.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.proc.kill()
            server.proc.wait(timeout=10)
    with contextlib.suppress(OSError):
        server.log_path.unlink()


@contextlib.contextmanager
def running(backend: Backend, count: int = 1, *, workers: int = 0) -> Iterator[List[Server]]:
    """``count`` server processes on one database (started one after the other), stopped afterwards."""
    servers: List[Server] = []
    try:
        for _ in range(count):
            servers.append(start_server(backend, workers=workers))
        yield servers
    finally:
        for s in servers:
            stop_server(s)
