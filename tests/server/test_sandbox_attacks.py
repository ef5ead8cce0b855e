"""Hostile Python evaluators against a live server: every attack fails, and the server carries on.

Each test uploads an evaluator through the SDK, activates it for monitoring on a Prompt and logs
to that Prompt, so the server's own workers run the code exactly as they would for any API key
holder; what the code saw or managed comes back as its judgment (or error). The server runs as a
separate process started with ``humanloop-server serve`` (with secrets in its environment, as a
real deployment has), so that an attack on "the parent process" aims at a real server and not at
the test runner. All traffic stays on 127.0.0.1; 192.0.2.1 (TEST-NET-1) is never reached.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List

import httpx
import pytest

from humanloop import Humanloop
from humanloop_server.settings import Settings

from .conftest import pg_database

#: secrets in the server's environment; the evaluators look for anything of their shape
SECRET_KEY = "hl_attack_" + uuid.uuid4().hex
SECRET_OPENAI = "sk-attack-" + uuid.uuid4().hex
SECRET_PATTERN = r"(hl_attack_|sk-attack-)[0-9a-f]{32}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Live:
    """A server process started with ``humanloop-server serve``."""

    proc: subprocess.Popen[bytes]
    port: int
    env: Dict[str, str]
    output: Path
    backend: str

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v5"

    @property
    def settings(self) -> Settings:
        return Settings.from_env(self.env)

    def sdk(self) -> Humanloop:
        return Humanloop(api_key=SECRET_KEY, base_url=self.base_url, timeout=30)

    def log_text(self) -> str:
        return self.output.read_text(errors="replace")

    def assert_fine(self) -> None:
        """The server process runs (not stopped, not dead) and answers."""
        assert self.proc.poll() is None, self.log_text()
        state = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        assert state not in ("T", "t", "Z", "X"), state
        r = httpx.get(f"{self.base_url}/prompts", headers={"X-API-KEY": SECRET_KEY}, timeout=10)
        assert r.status_code == 200, r.text


@contextlib.contextmanager
def live_server(tmp: Path, backend: str = "sqlite", **variables: str) -> Iterator[Live]:
    """Start a server process on a free loopback port; ``variables`` are extra HUMANLOOP_* settings."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUMANLOOP_")}
    env.update(
        HUMANLOOP_API_KEY=SECRET_KEY,
        OPENAI_API_KEY=SECRET_OPENAI,
        HUMANLOOP_DATA_DIR=str(tmp / "data"),
        HUMANLOOP_EVALUATOR_MEMORY_MB="256",
        HUMANLOOP_JOB_POLL_SECONDS="0.2",
    )
    env.update(variables)
    with contextlib.ExitStack() as stack:
        if backend == "postgresql":
            env["HUMANLOOP_DATABASE_URL"] = stack.enter_context(pg_database())
        output = tmp / "server.log"
        with open(output, "wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "humanloop_server", "serve", "--host", "127.0.0.1", "--port", str(port)],
                cwd=str(tmp),
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        live = Live(proc, port, env, output, backend)
        try:
            deadline = time.monotonic() + 60
            while True:
                assert proc.poll() is None, live.log_text()
                try:
                    if httpx.get(f"{live.base_url}/prompts", headers={"X-API-KEY": SECRET_KEY}).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, live.log_text()
                time.sleep(0.1)
            yield live
        finally:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGCONT)  # in case an attack stopped it
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _backends() -> List[str]:
    return ["sqlite"] + (["postgresql"] if os.environ.get("HUMANLOOP_TEST_DATABASE_URL") else [])


@pytest.fixture(scope="module", params=_backends())
def live(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    with live_server(tmp_path_factory.mktemp("attacks"), request.param) as srv:
        yield srv


def judge(live: Live, name: str, code: str, return_type: str = "text", timeout: float = 60) -> Any:
    """Upload ``code`` as a monitoring evaluator of a new Prompt, log once, and return its judgment Log."""
    hl = live.sdk()
    path = f"attacks/{name}-{uuid.uuid4().hex[:8]}"
    ev = hl.evaluators.upsert(
        path=f"{path}/evaluator",
        spec={"evaluator_type": "python", "arguments_type": "target_free", "return_type": return_type, "code": code},
    )
    prompt = hl.prompts.upsert(path=f"{path}/prompt", model="gpt-4o", template="hi {{x}}")
    hl.prompts.update_monitoring(id=prompt.id, activate=[{"evaluator_version_id": ev.version_id}])
    logged = hl.prompts.log(id=prompt.id, inputs={"x": "1"}, output="fine")
    deadline = time.monotonic() + timeout
    while True:
        got = [e for e in hl.logs.get(id=logged.id).evaluator_logs if e.evaluator.id == ev.id]
        if got:
            return got[0]
        assert time.monotonic() < deadline, f"no judgment within {timeout} s\n{live.log_text()[-3000:]}"
        time.sleep(0.2)


def report(j: Any) -> Dict[str, Any]:
    """The JSON report an attack returned as its judgment."""
    assert j.error is None, j.error
    data: Dict[str, Any] = json.loads(j.judgment)
    return data


def _python_roots() -> List[str]:
    return [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix, str(Path(sys.executable).resolve())]


# ---------------------------------------------------------------- secrets


SNOOP = r"""
import json, os, re, sys, time

PATTERN = re.compile(r"@PATTERN@")
SKIP = ("/proc", "/sys", "/dev", "/usr") + tuple(@ROOTS@)


def f(log):
    found = []
    out = {"ppid": os.getppid(), "root": sorted(os.listdir("/"))}

    def look(where, data):
        if isinstance(data, bytes):
            data = data.decode("latin-1")
        for m in PATTERN.finditer(data):
            found.append(where)

    try:
        with open(f"/proc/{os.getppid()}/environ", "rb") as fh:
            data = fh.read()
        out["ppid_environ"] = f"read {len(data)} bytes"
    except OSError as exc:
        out["ppid_environ"] = repr(exc)
    look("os.environ", "\n".join(f"{k}={v}" for k, v in os.environ.items()))
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            for name in ("environ", "cmdline"):
                try:
                    with open(f"/proc/{pid}/{name}", "rb") as fh:
                        look(f"/proc/{pid}/{name}", fh.read())
                except OSError:
                    pass
    budget, deadline = 3000, time.monotonic() + 4
    for top, dirs, files in os.walk("/"):
        dirs[:] = [d for d in dirs if not os.path.join(top, d).startswith(SKIP)]
        for name in files:
            budget -= 1
            if budget < 0 or time.monotonic() > deadline:
                break
            try:
                with open(os.path.join(top, name), "rb") as fh:
                    look(os.path.join(top, name), fh.read(1 << 20))
            except OSError:
                pass
    out["found"] = found
    return json.dumps(out)
"""


def test_the_servers_environment_and_secrets_are_out_of_reach(live: Live) -> None:
    code = SNOOP.replace("@PATTERN@", SECRET_PATTERN).replace("@ROOTS@", repr(_python_roots()))
    j = judge(live, "snoop", code)
    assert SECRET_KEY not in (j.judgment or "") and SECRET_OPENAI not in (j.judgment or "")
    got = report(j)
    assert got["found"] == [], got
    # what the sandbox shows at its root: what Python needs, nothing of the host's data
    needed = {"bin", "sbin", "lib", "lib32", "lib64", "libx32", "usr", "etc", "proc", "dev", "tmp", "run"}
    needed |= {Path(p).parts[1] for p in _python_roots() if len(Path(p).parts) > 1}
    assert set(got["root"]) <= needed, got["root"]
    live.assert_fine()


# ---------------------------------------------------------------- the database


DATABASE = r"""
import json, os, socket, sqlite3

def f(log):
    out = {}
    path, directory = @PATH@, @DIR@
    for what, action in [
        ("list", lambda: os.listdir(directory)),
        ("read", lambda: open(path, "rb").read(64)),
        ("sqlite", lambda: sqlite3.connect(f"file:{path}?mode=ro", uri=True).execute(
            "select count(*) from api_keys").fetchall()),
        ("write", lambda: open(path, "ab").write(b"garbage")),
        ("create", lambda: open(os.path.join(directory, "planted"), "wb").write(b"x")),
    ]:
        try:
            out[what] = "ok: " + repr(action())[:80]
        except Exception as exc:
            out[what] = "denied: " + repr(exc)
    host, port = @PG@
    if port:
        s = socket.socket()
        s.settimeout(3)
        try:
            s.connect((host, port))
            out["postgres"] = "ok: connected"
        except OSError as exc:
            out["postgres"] = "denied: " + repr(exc)
    return json.dumps(out)
"""


def test_the_database_is_out_of_reach(live: Live) -> None:
    settings = live.settings
    db_path = Path(settings.data_dir).resolve() / "humanloop.db"
    if settings.is_sqlite:
        db_path = Path(settings.resolved_database_url[len("sqlite:///") :])
        assert db_path.exists()
    pg = ("", 0)
    if not settings.is_sqlite:
        url = httpx.URL(settings.resolved_database_url.replace("postgresql+psycopg", "postgresql"))
        pg = (url.host or "127.0.0.1", url.port or 5432)
    before = db_path.read_bytes()[:100] if db_path.exists() else b""
    code = DATABASE.replace("@PATH@", repr(str(db_path))).replace("@DIR@", repr(str(db_path.parent)))
    got = report(judge(live, "database", code.replace("@PG@", repr(pg))))
    assert all(v.startswith("denied: ") for v in got.values()), got
    assert all("FileNotFoundError" in got[k] for k in ("list", "read", "write")), got
    assert not (db_path.parent / "planted").exists()
    if db_path.exists():
        assert db_path.read_bytes()[:100] == before
    live.assert_fine()


# ---------------------------------------------------------------- the network


NETWORK = r"""
import json, socket, time

def attempt(host, port):
    s = socket.socket()
    s.settimeout(5)
    t = time.monotonic()
    try:
        s.connect((host, port))
        return {"ok": True}
    except OSError as exc:
        return {"ok": False, "errno": exc.errno, "error": repr(exc), "seconds": time.monotonic() - t}
    finally:
        s.close()

def f(log):
    out = {
        "server": attempt("127.0.0.1", @SERVER@),
        "other": attempt("127.0.0.1", @OTHER@),
        "public": attempt("192.0.2.1", 80),
        "interfaces": [name for _, name in socket.if_nameindex()],
    }
    try:
        out["dns"] = {"ok": True, "answer": repr(socket.getaddrinfo("example.com", 443)[:1])}
    except OSError as exc:
        out["dns"] = {"ok": False, "error": repr(exc)}
    return json.dumps(out)
"""


def test_no_network_not_even_loopback_of_the_host(live: Live) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        other = listener.getsockname()[1]
        code = NETWORK.replace("@SERVER@", str(live.port)).replace("@OTHER@", str(other))
        got = report(judge(live, "network", code))
    assert got["server"]["ok"] is False and got["server"]["errno"] == errno.ECONNREFUSED, got
    assert got["other"]["ok"] is False and got["other"]["errno"] == errno.ECONNREFUSED, got
    # no interface but loopback: a public address is unreachable at once, not after a timeout
    assert got["interfaces"] == ["lo"], got
    assert got["public"]["ok"] is False and got["public"]["errno"] == errno.ENETUNREACH, got
    assert got["dns"]["ok"] is False, got
    live.assert_fine()


# ---------------------------------------------------------------- signals


SIGNALS = r"""
import json, os, signal

def f(log):
    out = {}
    for sig in (signal.SIGSTOP, signal.SIGKILL):
        for name, pid in (("parent", os.getppid()), ("server", @SERVER_PID@)):
            try:
                os.kill(pid, sig)
                out[f"{name}-{sig.name}"] = "sent"
            except OSError as exc:
                out[f"{name}-{sig.name}"] = repr(exc)
    return json.dumps(out)
"""


def test_signals_cannot_reach_the_server(tmp_path: Path) -> None:
    with live_server(tmp_path) as srv:
        got = report(judge(srv, "signals", SIGNALS.replace("@SERVER_PID@", str(srv.proc.pid)), timeout=30))
        assert "ProcessLookupError" in got["server-SIGSTOP"] and "ProcessLookupError" in got["server-SIGKILL"]
        srv.assert_fine()
        # and it still judges
        assert judge(srv, "after-signals", "def ok(log):\n    return True\n", "boolean").judgment is True


# ---------------------------------------------------------------- processes


ESCAPE = r"""
import os, subprocess, sys

LATER = "import sys, time; time.sleep(3); open(sys.argv[1], 'w').write('escaped')"

def f(log):
    marker = "/tmp/hl-escape-@TOKEN@"
    subprocess.Popen([sys.executable, "-c", LATER, marker + "-popen"], start_new_session=True,
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    pid = os.fork()
    if pid == 0:
        os.setsid()
        if os.fork() == 0:
            os.execv(sys.executable, [sys.executable, "-c", LATER, marker + "-fork"])
        os._exit(0)
    os.waitpid(pid, 0)
    return "started"
"""


def _processes_with(token: str) -> List[str]:
    """Command lines of the host's processes that mention ``token`` (what ``ps -eo args`` shows,
    read from /proc directly so that procps need not be installed)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            args = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if token in args:
            found.append(f"{entry.name} {args}")
    return found


def test_no_process_outlives_the_evaluation(live: Live) -> None:
    token = uuid.uuid4().hex
    markers = [Path(f"/tmp/hl-escape-{token}-popen"), Path(f"/tmp/hl-escape-{token}-fork")]
    try:
        j = judge(live, "escape", ESCAPE.replace("@TOKEN@", token))
        assert j.error is None and j.judgment == "started", (j.error, j.judgment)
        # the escaped processes would still be sleeping now, and have written their markers 5 s later
        assert _processes_with(token) == []
        time.sleep(5)
        assert [m for m in markers if m.exists()] == []
    finally:
        for m in markers:
            with contextlib.suppress(FileNotFoundError):
                m.unlink()
    live.assert_fine()


FORK_BOMB = r"""
import json, os, time

def f(log):
    children, error = [], None
    try:
        for _ in range(64):
            pid = os.fork()
            if pid == 0:
                time.sleep(3)
                os._exit(0)
            children.append(pid)
    except OSError as exc:
        error = repr(exc)
    return json.dumps({"started": len(children), "error": error})
"""


def _unless_limited(live: Live, what: str) -> None:
    """Skip when the server's start-up line says this whole-evaluation limit does not hold here
    (no usable cgroups); the line, and SERVER.md, tell the operator so."""
    line = next((ln for ln in live.log_text().splitlines() if "Python evaluators" in ln), "")
    if f"NOT limited for the whole evaluation: {what}" in line or f"{what} (NOT limited)" in line:
        pytest.skip(f"this host does not limit {what} for a whole evaluation: {line}")


def test_fork_bomb_stops_at_the_process_limit(live: Live) -> None:
    _unless_limited(live, "process count")
    got = report(judge(live, "fork-bomb", FORK_BOMB))
    assert got["started"] < 16, got  # the default HUMANLOOP_EVALUATOR_MAX_PROCESSES, the evaluator included
    assert got["error"] is not None and "Resource temporarily unavailable" in got["error"], got
    live.assert_fine()


MEMORY = r"""
import json, os, time

def f(log):
    kids = []
    for _ in range(3):
        pid = os.fork()
        if pid == 0:
            try:
                block = b"x" * (150 * 1024 * 1024)
                time.sleep(3)
            finally:
                os._exit(0)
        kids.append(pid)
    statuses = [os.waitpid(pid, 0)[1] for pid in kids]
    held = [s == 0 for s in statuses]
    return json.dumps({"held": sum(held), "statuses": statuses})
"""


def test_memory_of_all_processes_together_is_limited(live: Live) -> None:
    # three processes of 150 MiB each, at once, against a 256 MiB limit for the evaluation
    assert live.settings.evaluator_memory_mb == 256
    _unless_limited(live, "memory")
    j = judge(live, "memory", MEMORY)
    if j.error is not None:  # the evaluator itself was the one killed: the limit held as well
        assert "killed" in j.error, j.error
    else:
        got = json.loads(j.judgment)
        assert got["held"] <= 1, got
    live.assert_fine()


# ---------------------------------------------------------------- disk


DISK = r"""
import json, os

def f(log):
    written, error = 0, None
    chunk = b"x" * (4 * 1024 * 1024)
    try:
        for i in range(24):
            with open(f"/tmp/hl-disk-@TOKEN@-{i}", "wb") as fh:
                fh.write(chunk)
                fh.flush()
                os.fsync(fh.fileno())
            written += len(chunk)
    except OSError as exc:
        error = repr(exc)
    return json.dumps({"written": written, "error": error})
"""


def test_disk_is_limited_and_nothing_is_left_behind(live: Live) -> None:
    token = uuid.uuid4().hex
    try:
        got = report(judge(live, "disk", DISK.replace("@TOKEN@", token)))
        limit = 64 * 1024 * 1024
        assert got["error"] is not None and "No space left on device" in got["error"], got
        assert got["written"] <= limit, got
        assert list(Path("/tmp").glob(f"hl-disk-{token}-*")) == []
    finally:
        for leftover in Path("/tmp").glob(f"hl-disk-{token}-*"):
            leftover.unlink()
    live.assert_fine()


# ---------------------------------------------------------------- identity


IDENTITY = r"""
import json, os

def f(log):
    status = open("/proc/self/status").read().splitlines()
    caps = [line.split()[1] for line in status if line.startswith("CapEff:")]
    return json.dumps({
        "uid": os.getuid(), "euid": os.geteuid(), "gid": os.getgid(),
        "pid": os.getpid(), "caps": caps[0] if caps else None,
        "processes": sorted(int(p) for p in os.listdir("/proc") if p.isdigit()),
    })
"""


def test_runs_as_nobody_and_sees_only_its_own_processes(live: Live) -> None:
    got = report(judge(live, "identity", IDENTITY))
    assert got["uid"] != 0 and got["euid"] != 0 and got["gid"] != 0, got
    assert int(got["caps"], 16) == 0, got
    # its own PID namespace: bwrap's init and the evaluator, not the server nor anything else
    assert live.proc.pid not in got["processes"] or live.proc.pid == got["pid"], got
    assert len(got["processes"]) <= 3 and got["pid"] in got["processes"], got
    live.assert_fine()


# ---------------------------------------------------------------- no sandbox


TRIVIAL = "def yes(log):\n    return True\n"


def test_without_bubblewrap_python_evaluators_are_refused(tmp_path: Path) -> None:
    with live_server(tmp_path, HUMANLOOP_BWRAP="/nonexistent") as srv:
        j = judge(srv, "no-bwrap", TRIVIAL, "boolean", timeout=30)
        assert j.judgment is None
        assert j.error is not None and "Python evaluators are disabled" in j.error, j.error
        for hint in ("/nonexistent", "bubblewrap", "user namespaces", "HUMANLOOP_UNSAFE_UNSANDBOXED_EVALUATORS=1"):
            assert hint in j.error, (hint, j.error)
        assert "Python evaluators are DISABLED" in srv.log_text()
        srv.assert_fine()


def test_the_operator_can_opt_in_to_running_unsandboxed(tmp_path: Path) -> None:
    with live_server(tmp_path, HUMANLOOP_BWRAP="/nonexistent", HUMANLOOP_UNSAFE_UNSANDBOXED_EVALUATORS="1") as srv:
        j = judge(srv, "unsafe", TRIVIAL, "boolean", timeout=30)
        assert j.error is None and j.judgment is True, j.error
        assert "WITHOUT ISOLATION" in srv.log_text()
