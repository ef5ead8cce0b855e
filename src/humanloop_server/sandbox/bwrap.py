"""The bubblewrap (``bwrap``) command line of the sandbox.

The sandbox is an empty, read-only root with only what a Python interpreter needs:

- new user, PID, network, IPC, UTS and cgroup namespaces (``--unshare-all``, and no
  ``--share-net``: the only network interface is its own loopback); no further user namespaces
  inside (``--disable-userns``, when bwrap has it); no capabilities; uid and gid 65534 inside;
- ``--die-with-parent`` (the sandbox dies with the server) and ``--new-session`` (no terminal);
- an environment of its own (``--clearenv``, then ``PATH``, ``HOME``, ``TMPDIR``, ``LANG``);
- read-only binds of ``/usr``, the top-level ``/bin``, ``/sbin``, ``/lib*`` (symlinks on merged-usr
  systems), a few files of ``/etc`` the dynamic loader and Python read, the interpreter's
  prefixes (``sys.prefix``, ``sys.base_prefix`` ...), and the script to run;
- its own ``/proc`` and a minimal ``/dev`` (read-only; the devices stay usable), nothing of
  ``/sys``, ``/home``, ``/root``, ``/run``, ``/var``, ``/tmp`` of the host, nor of the server's
  working or data directory (directories that must stay hidden but lie under a bound one get an
  empty read-only tmpfs on top);
- a size-limited tmpfs on ``/tmp``, the one writable place, gone when the sandbox ends.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterable, List, Optional, Sequence

SANDBOX_UID = 65534
SANDBOX_GID = 65534
SCRIPT_DIR = "/run/humanloop"
TOP_LEVEL = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
ETC_FILES = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives", "/etc/localtime")
ENVIRONMENT = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": "/tmp",
    "TMPDIR": "/tmp",
    "LANG": "C.UTF-8",
    "PYTHONIOENCODING": "utf-8",
    "PYTHONDONTWRITEBYTECODE": "1",
}


@dataclasses.dataclass(frozen=True)
class Bwrap:
    """A bubblewrap executable and what it can do."""

    path: str
    version: str
    disable_userns: bool


def locate(name: str) -> Optional[Bwrap]:
    """The bwrap called ``name`` (looked up on PATH unless it is a path), or None when missing/unusable."""
    path = shutil.which(name)
    if path is None:
        return None
    try:
        version = subprocess.run(
            [path, "--version"], capture_output=True, text=True, timeout=10, env={"PATH": ENVIRONMENT["PATH"]}
        )
        usage = subprocess.run(
            [path, "--help"], capture_output=True, text=True, timeout=10, env={"PATH": ENVIRONMENT["PATH"]}
        )
    except (OSError, subprocess.SubprocessError):
        return None
    text = usage.stdout + usage.stderr
    if "--size" not in text or "--die-with-parent" not in text:
        return Bwrap(path, (version.stdout.strip() or "unknown version") + " (too old)", False)
    return Bwrap(path, version.stdout.strip() or "bubblewrap", "--disable-userns" in text)


def too_old(b: Bwrap) -> bool:
    return b.version.endswith("(too old)")


def python_roots() -> List[str]:
    """Directories the running interpreter needs (its prefixes, and where its binary really is)."""
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    exe = Path(sys.executable)
    roots.add(str(exe.parent))
    real = exe.resolve()
    roots.add(str(real.parent.parent if real.parent.name == "bin" else real.parent))
    return _outermost(str(Path(r).resolve()) for r in roots if r)


def _outermost(paths: Iterable[str]) -> List[str]:
    """``paths`` without those inside another one, and never ``/``."""
    out: List[str] = []
    for p in sorted(set(paths), key=len):
        if p == "/" or any(_under(p, q) for q in out):
            continue
        out.append(p)
    return out


def _under(path: str, parent: str) -> bool:
    return path == parent or path.startswith(parent.rstrip("/") + "/")


def _usr_covered(path: str) -> bool:
    return _under(path, "/usr")


def command(
    b: Bwrap,
    argv: Sequence[str],
    *,
    scripts: Sequence[Path],
    disk_bytes: int,
    hidden: Sequence[str] = (),
) -> List[str]:
    """The bwrap command line that runs ``argv`` inside the sandbox.

    ``scripts`` are bound read-only to ``/run/humanloop/<name>`` (refer to them there in ``argv``).
    """
    cmd: List[str] = [
        b.path,
        "--unshare-all",
        "--unshare-user",
        "--die-with-parent",
        "--new-session",
        "--cap-drop",
        "ALL",
        "--uid",
        str(SANDBOX_UID),
        "--gid",
        str(SANDBOX_GID),
        "--hostname",
        "sandbox",
    ]
    if b.disable_userns:
        cmd.append("--disable-userns")
    cmd.append("--clearenv")
    for key, value in ENVIRONMENT.items():
        cmd += ["--setenv", key, value]
    # the writable /tmp first: an interpreter or script that lives under /tmp (a clone there) is
    # bound on top of it below, instead of being hidden by it
    cmd += ["--size", str(disk_bytes), "--tmpfs", "/tmp"]
    cmd += ["--ro-bind", "/usr", "/usr"]
    for top in TOP_LEVEL:
        if os.path.islink(top):
            cmd += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            cmd += ["--ro-bind", top, top]
    for etc in ETC_FILES:
        cmd += ["--ro-bind-try", etc, etc]
    roots = [r for r in python_roots() if not _usr_covered(r)]
    for root in roots:
        cmd += ["--ro-bind", root, root]
    for path in sorted(set(hidden)):
        if any(_under(path, r) for r in ["/usr", *roots]):
            cmd += ["--size", "4096", "--tmpfs", path, "--remount-ro", path]
    for script in scripts:
        cmd += ["--ro-bind", str(Path(script).resolve()), f"{SCRIPT_DIR}/{Path(script).name}"]
    cmd += [
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--remount-ro",
        "/dev",
        "--remount-ro",
        "/",
        "--chdir",
        "/tmp",
        "--",
        *argv,
    ]
    return cmd
