"""Running one Python script in the sandbox, with its limits, and cleaning up after it.

The process tree of one run::

    /bin/sh (launcher: waits for one line on stdin, then execs)
      -> bwrap (monitor, outside the namespaces)
           -> bwrap init (pid 1 of the new PID namespace)
                -> python -I /run/humanloop/<script>   (pid 2: the evaluated code)

The launcher is started in a session of its own and holds still until the server has lowered
its resource limits (``prlimit``: address space, CPU time, file size, no core dumps) and moved
it into the evaluation's cgroup; only then does the server write the line that lets it exec
bwrap. So every process of the evaluation inherits the limits and is in the cgroup, without
``preexec_fn`` (unsafe in a threaded server). The rest of stdin is the script's input.

At the end (normal exit, wall-clock timeout, or an error of the server), the launcher's process
group is killed, which ends bwrap's monitor and, through ``--die-with-parent``, the namespace's
init, and with it every process of the PID namespace; then everything left in the cgroup is
killed and the cgroup removed. The sandbox's tmpfs disappears with its mount namespace.

Without bwrap (only when the operator opted in), the script runs directly with the same
launcher, limits and cgroup, in a temporary directory removed afterwards.
"""

from __future__ import annotations

import dataclasses
import os
import resource
import select
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional

from . import bwrap as bw
from .cgroups import CgroupError, EvaluationCgroup
from .config import Limits
from .isolation import Isolation

LAUNCHER = 'read -r _ || exit 125; exec "$@"'
STDERR_TAIL_BYTES = 4000


@dataclasses.dataclass
class Finished:
    """How a sandboxed run ended."""

    stdout: bytes = b""
    stderr: bytes = b""  # the last few KiB
    returncode: Optional[int] = None
    killed_by: Optional[int] = None  # the signal that ended the script, when it was one
    timed_out: bool = False
    latency: float = 0.0
    failure: Optional[str] = None  # the sandbox itself failed; the script may not have run


def run_script(script: Path, stdin: bytes, limits: Limits, isolation: Isolation) -> Finished:
    """Run ``python -I script`` with ``stdin`` and ``limits``: in the sandbox, or, when there is
    none and the operator opted in, without it."""
    if not isolation.enabled:
        raise RuntimeError(isolation.refusal())
    sandbox, cgroups = isolation.bwrap, isolation.cgroups
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="hl-eval-") as work:
        out_path = Path(work) / "stdout"
        err_path = Path(work) / "stderr"
        env: Dict[str, str] = dict(bw.ENVIRONMENT)
        if sandbox is not None:
            inner = [sys.executable, "-I", f"{bw.SCRIPT_DIR}/{script.name}"]
            argv = bw.command(
                sandbox, inner, scripts=[script], disk_bytes=limits.disk_bytes, hidden=isolation.config.hidden
            )
            cwd = "/"
        else:
            cwd = str(Path(work) / "cwd")
            os.mkdir(cwd)
            env.update(HOME=cwd, TMPDIR=cwd)
            argv = [sys.executable, "-I", str(script)]
        try:
            group = cgroups.create(limits) if cgroups is not None else None
        except CgroupError as exc:
            return Finished(failure=str(exc), latency=time.monotonic() - started)
        finished = Finished()
        try:
            with open(out_path, "wb") as out_f, open(err_path, "wb") as err_f:
                _launch_and_wait(argv, stdin, limits, group, cwd, env, out_f.fileno(), err_f.fileno(), finished)
            if sandbox is not None and finished.returncode is not None and finished.returncode > 128:
                # bwrap exits with 128 + the number of the signal that ended the script
                finished.killed_by = finished.returncode - 128
        finally:
            if group is not None:
                group.remove()
        finished.latency = time.monotonic() - started
        finished.stdout = out_path.read_bytes()
        with open(err_path, "rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - STDERR_TAIL_BYTES))
            finished.stderr = f.read()
    if sandbox is not None and finished.failure is None and finished.returncode not in (None, 0):
        finished.failure = _bwrap_failure(finished.stderr)
    return finished


def _launch_and_wait(
    argv: List[str],
    stdin: bytes,
    limits: Limits,
    group: Optional[EvaluationCgroup],
    cwd: str,
    env: Dict[str, str],
    stdout: int,
    stderr: int,
    finished: Finished,
) -> None:
    started = time.monotonic()
    proc = subprocess.Popen(
        ["/bin/sh", "-c", LAUNCHER, "hl-launch", *argv],
        stdin=subprocess.PIPE,
        stdout=stdout,
        stderr=stderr,
        cwd=cwd,
        env=env,
        start_new_session=True,
        close_fds=True,
    )
    try:
        try:
            _lower_limits(proc.pid, limits)
            if group is not None:
                group.add(proc.pid)
        except (OSError, CgroupError) as exc:
            finished.failure = f"cannot confine the evaluation: {exc}"
            return
        assert proc.stdin is not None
        deadline = started + limits.timeout_seconds
        if not _feed(proc.stdin.fileno(), b"\n" + stdin, deadline):
            finished.timed_out = True
            return
        proc.stdin.close()
        if not _wait(proc, max(0.1, limits.timeout_seconds - (time.monotonic() - started))):
            finished.timed_out = True
    finally:
        # whatever happened, nothing the script started outlives the run
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass
        if group is not None:
            group.kill()
        proc.wait()
        if proc.stdin is not None and not proc.stdin.closed:
            try:
                proc.stdin.close()
            except OSError:
                pass
    finished.returncode = proc.returncode
    if proc.returncode is not None and proc.returncode < 0:
        finished.killed_by = -proc.returncode


def _feed(fd: int, data: bytes, deadline: float) -> bool:
    """Write ``data`` to pipe ``fd`` before ``deadline``; False when the reader did not take it in time.

    A reader that is gone is not an error here (the process's end says what happened).
    """
    os.set_blocking(fd, False)
    poller = select.poll()
    poller.register(fd, select.POLLOUT)
    view = memoryview(data)
    while view:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        if not poller.poll(left * 1000):
            continue
        try:
            view = view[os.write(fd, view) :]
        except BlockingIOError:
            continue
        except OSError:  # the reader is gone
            return True
    return True


def _wait(proc: subprocess.Popen[bytes], timeout: float) -> bool:
    """Wait up to ``timeout`` seconds for ``proc`` to end; False when it is still running.

    A pidfd wakes us the moment the process ends (``Popen.wait(timeout)`` polls with growing
    sleeps, which adds up to half the run time to every evaluation).
    """
    fd: Optional[int] = None
    pidfd_open = getattr(os, "pidfd_open", None)
    if pidfd_open is not None:
        try:
            fd = pidfd_open(proc.pid)
        except OSError:
            fd = None
    if fd is not None:
        try:
            poller = select.poll()
            poller.register(fd, select.POLLIN)
            deadline = time.monotonic() + timeout
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or poller.poll(left * 1000):
                    break
        finally:
            os.close(fd)
    try:
        proc.wait(timeout=0 if fd is not None else timeout)
    except subprocess.TimeoutExpired:
        return False
    return True


def _lower_limits(pid: int, limits: Limits) -> None:
    def lower(which: int, value: int) -> None:
        _soft, hard = resource.prlimit(pid, which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.prlimit(pid, which, (value, value))

    lower(resource.RLIMIT_AS, limits.memory_bytes)
    lower(resource.RLIMIT_CPU, limits.cpu_seconds)
    lower(resource.RLIMIT_FSIZE, limits.output_bytes)
    lower(resource.RLIMIT_CORE, 0)


def _bwrap_failure(stderr: bytes) -> Optional[str]:
    """bwrap's own error message ("bwrap: ..."), when it could not set the sandbox up."""
    for line in reversed(stderr.decode("utf-8", errors="replace").splitlines()):
        if line.startswith("bwrap: "):
            return line.strip()
    return None
