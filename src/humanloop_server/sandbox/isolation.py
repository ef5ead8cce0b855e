"""What isolation this machine gives, found once per configuration: :func:`probe`.

The probe runs a trivial Python program in the full sandbox (so a missing bwrap, a kernel or
container that refuses unprivileged user namespaces, or an interpreter that cannot run from its
read-only binds are all found before any evaluator runs), then creates, joins and removes a test
cgroup. :meth:`Isolation.summary` is the one start-up line saying which isolation and which
limits are in force; :meth:`Isolation.refusal` the error a judgment gets when evaluators are
disabled.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import subprocess
import sys
import threading
from typing import Dict, Optional

from . import bwrap as bw
from .cgroups import CgroupError, CgroupSupport, discover
from .config import MIB, Limits, SandboxConfig

logger = logging.getLogger(__name__)

OPT_IN = "HUMANLOOP_UNSAFE_UNSANDBOXED_EVALUATORS=1"
FIX = (
    "install bubblewrap (e.g. `apt-get install bubblewrap`) and allow unprivileged user namespaces "
    "(sysctl kernel.unprivileged_userns_clone=1 / user.max_user_namespaces > 0; in a container, a seccomp "
    f"or AppArmor profile that permits them), or set {OPT_IN} to run evaluator code without isolation "
    "(dangerous: it can then read the server's secrets and database)"
)
_PROBE_OK = "hl-sandbox-ok"


@dataclasses.dataclass(frozen=True)
class Isolation:
    config: SandboxConfig
    bwrap: Optional[bw.Bwrap]  # set when the sandbox works
    problem: Optional[str]  # why it does not
    cgroups: Optional[CgroupSupport]
    cgroup_problem: Optional[str]
    as_root: bool

    @property
    def sandboxed(self) -> bool:
        return self.bwrap is not None

    @property
    def enabled(self) -> bool:
        """Python evaluators may run: in the sandbox, or unsandboxed because the operator said so."""
        return self.sandboxed or self.config.unsafe_unsandboxed

    def refusal(self) -> str:
        """The error stored as the judgment of a Python evaluator when evaluators are disabled."""
        return f"Python evaluators are disabled on this server: no working sandbox ({self.problem}). To fix: {FIX}."

    def has(self, controller: str) -> bool:
        return self.cgroups is not None and controller in self.cgroups.controllers

    def nproc_inside(self, limits: Limits) -> Optional[int]:
        """RLIMIT_NPROC for the first process inside the sandbox (it and bwrap's init count), or None.

        In the sandbox's own user namespace it counts that namespace's processes only; it does
        not bind a server running as root, and outside a sandbox it would count all of the
        server user's processes, so it is not used there.
        """
        return limits.processes + 1 if self.sandboxed else None

    def summary(self, limits: Limits) -> str:
        """One line: which isolation and which limits are in force."""
        per_process = (
            f"per process: address space {limits.memory_bytes // MIB} MiB, CPU {limits.cpu_seconds} s, "
            f"files and output {limits.output_bytes // MIB} MiB; wall clock {limits.timeout_seconds:g} s"
        )
        if self.cgroups is not None:
            controllers = self.cgroups.controllers
            group = f"cgroup v{self.cgroups.version} ({', '.join(controllers)})"
        else:
            controllers = ()
            group = ""
        whole = []
        lacking = []
        if "memory" in controllers:
            whole.append(f"memory {limits.memory_bytes // MIB} MiB")
        else:
            lacking.append("memory (several processes together may use more than the per-process limit)")
        if "pids" in controllers:
            whole.append(f"{limits.processes} processes")
        elif self.sandboxed and not self.as_root:
            whole.append(f"{limits.processes} processes (RLIMIT_NPROC in the sandbox's user namespace)")
        else:
            lacking.append("process count (NOT limited)")
        if "cpu" in controllers:
            whole.append("one CPU")
        if self.cgroups is None:
            limits_text = f"no cgroups ({self.cgroup_problem}); whole evaluation: {', '.join(whole) or 'nothing'}"
        else:
            limits_text = f"whole evaluation via {group}: {', '.join(whole)}"
        if lacking:
            limits_text += f"; NOT limited for the whole evaluation: {', '.join(lacking)}"
        if self.bwrap is not None:
            return (
                f"Python evaluators run in a bubblewrap sandbox ({self.bwrap.version}, {self.bwrap.path}: own user, "
                f"PID, network, IPC, UTS and cgroup namespaces, uid {bw.SANDBOX_UID}, read-only system, no network, "
                f"/tmp {limits.disk_bytes // MIB} MiB); {limits_text}; {per_process}"
            )
        if self.config.unsafe_unsandboxed:
            return (
                f"Python evaluators run WITHOUT ISOLATION ({OPT_IN}; no working sandbox: {self.problem}): evaluator "
                "code runs as this server's user and can read its environment, files and database and use the "
                f"network; disk NOT limited; {limits_text}; {per_process}"
            )
        return (
            f"Python evaluators are DISABLED (no working sandbox: {self.problem}); their judgments are stored "
            f"with an error. To fix: {FIX}"
        )


_cache: Dict[SandboxConfig, Isolation] = {}
_lock = threading.Lock()


def probe(config: SandboxConfig) -> Isolation:
    """What isolation ``config`` gets on this machine (found once per configuration and process)."""
    with _lock:
        found = _cache.get(config)
        if found is None:
            found = _probe(config)
            _cache[config] = found
        return found


def _probe(config: SandboxConfig) -> Isolation:
    as_root = os.geteuid() == 0
    cgroups, cgroup_problem = discover(config.cgroup)
    if cgroups is not None:
        try:
            _try_cgroup(cgroups)
        except (CgroupError, OSError, subprocess.SubprocessError) as exc:
            cgroups, cgroup_problem = None, str(exc)
    b = bw.locate(config.bwrap)
    problem: Optional[str] = None
    if b is None:
        where = "on PATH" if os.sep not in config.bwrap else "there"
        problem = f"bubblewrap was not found: HUMANLOOP_BWRAP={config.bwrap!r} is not an executable {where}"
    elif bw.too_old(b):
        problem = f"{b.version} at {b.path} lacks --size or --die-with-parent"
    else:
        problem = _try_bwrap(b, config)
    return Isolation(
        config=config,
        bwrap=b if problem is None else None,
        problem=problem,
        cgroups=cgroups,
        cgroup_problem=cgroup_problem,
        as_root=as_root,
    )


def _try_bwrap(b: bw.Bwrap, config: SandboxConfig) -> Optional[str]:
    """None when a Python program runs in the sandbox; else what went wrong."""
    code = f"import sys; sys.stdout.write({_PROBE_OK!r})"
    cmd = bw.command(b, [sys.executable, "-I", "-c", code], scripts=[], disk_bytes=MIB, hidden=config.hidden)
    try:
        done = subprocess.run(
            cmd, capture_output=True, timeout=30, env=dict(bw.ENVIRONMENT), stdin=subprocess.DEVNULL, cwd="/"
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return f"{b.path} cannot be run: {exc}"
    if done.returncode == 0 and done.stdout.decode("utf-8", "replace") == _PROBE_OK:
        return None
    lines = [ln.strip() for ln in done.stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
    detail = lines[-1] if lines else f"exit status {done.returncode}"
    return f"{b.path} cannot create the sandbox: {detail}"


def _try_cgroup(cgroups: CgroupSupport) -> None:
    """Create a cgroup, move a short-lived process into it, remove it."""
    group = cgroups.create(Limits(memory_bytes=64 * MIB, processes=4, disk_bytes=MIB, timeout_seconds=5))
    try:
        proc = subprocess.Popen(["/bin/sh", "-c", "read -r _"], stdin=subprocess.PIPE, env=dict(bw.ENVIRONMENT))
        try:
            group.add(proc.pid)
        finally:
            assert proc.stdin is not None
            proc.stdin.write(b"\n")
            proc.stdin.close()
            proc.wait(timeout=10)
    finally:
        if not group.remove():
            raise CgroupError(f"cannot remove the test cgroup {group.name}")
