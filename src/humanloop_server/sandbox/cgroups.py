"""Per-evaluation cgroups: limits that hold for all the processes of one evaluation together.

Each evaluation gets a cgroup of its own, created before it starts and removed after it ended:
``memory`` (all processes together, the sandbox's tmpfs included, no swap), ``pids`` (processes
and threads) and, when the host offers it, ``cpu`` (at most one CPU). The first process of the
evaluation is moved into it before it executes anything, so everything it starts is counted; at
the end every process still in it is killed (``cgroup.kill`` on cgroup v2, otherwise SIGKILL to
each pid listed, through a pidfd so that a recycled pid is never hit).

Where the cgroups are made:

- cgroup v1 (one hierarchy per controller under ``/sys/fs/cgroup/<controller>``): under the
  server's own cgroup of each controller, as read from ``/proc/self/cgroup``;
- cgroup v2 (the unified hierarchy): in the directory named by ``HUMANLOOP_EVALUATOR_CGROUP``
  when set; otherwise in the server's own cgroup when the controllers can be enabled for its
  children (when the server is alone in it, as in a systemd unit with ``Delegate=yes`` or a
  container, it first moves itself into a leaf ``hl-server``, as cgroup v2 requires); otherwise
  next to it, in its parent, when that one is writable and already hands the controllers down
  (systemd's ``DelegateSubgroup=``).

Nothing here is required: :func:`discover` says why cgroups cannot be used, and the sandbox then
runs with per-process limits only.
"""

from __future__ import annotations

import dataclasses
import errno
import logging
import os
import secrets
import signal
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from .config import SANDBOX_OVERHEAD_PROCESSES, Limits

logger = logging.getLogger(__name__)

#: controllers used, in the order they are reported
CONTROLLERS = ("memory", "pids", "cpu")
PREFIX = "hl-eval-"
LEAF = "hl-server"
CPU_PERIOD_US = 100_000


class CgroupError(Exception):
    """A cgroup could not be created, configured, joined or removed."""


@dataclasses.dataclass(frozen=True)
class Hierarchy:
    """A directory evaluation cgroups are created in, and the controllers it applies."""

    version: int
    parent: Path
    controllers: Tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class CgroupSupport:
    hierarchies: Tuple[Hierarchy, ...]

    @property
    def version(self) -> int:
        return self.hierarchies[0].version

    @property
    def controllers(self) -> Tuple[str, ...]:
        have = {c for h in self.hierarchies for c in h.controllers}
        return tuple(c for c in CONTROLLERS if c in have)

    def create(self, limits: Limits) -> EvaluationCgroup:
        """A new, empty cgroup with ``limits`` (one directory per hierarchy)."""
        name = f"{PREFIX}{os.getpid()}-{secrets.token_hex(6)}"
        group = EvaluationCgroup(name, self.version, [])
        try:
            for h in self.hierarchies:
                path = h.parent / name
                path.mkdir()
                group.dirs.append(path)
                _configure(path, h.version, h.controllers, limits)
        except OSError as exc:
            group.remove()
            raise CgroupError(f"cannot create the evaluation cgroup {name}: {exc}") from exc
        return group


@dataclasses.dataclass
class EvaluationCgroup:
    name: str
    version: int
    dirs: List[Path]

    def add(self, pid: int) -> None:
        """Move process ``pid`` into this cgroup (in every hierarchy)."""
        for d in self.dirs:
            try:
                (d / "cgroup.procs").write_text(str(pid))
            except OSError as exc:
                raise CgroupError(f"cannot move the evaluation into {d}: {exc}") from exc

    def pids(self) -> List[int]:
        found: set[int] = set()
        for d in self.dirs:
            found.update(_read_pids(d / "cgroup.procs"))
        return sorted(found)

    def kill(self) -> None:
        """SIGKILL every process in this cgroup."""
        if self.version == 2:
            for d in self.dirs:
                try:
                    (d / "cgroup.kill").write_text("1")
                except OSError:
                    pass
        for pid in self.pids():
            _kill_member(pid, self.name)

    def remove(self, wait_seconds: float = 3.0) -> bool:
        """Kill what is left and remove the directories; False when some could not be removed."""
        deadline = time.monotonic() + wait_seconds
        left = list(self.dirs)
        while left:
            self.kill()
            still: List[Path] = []
            for d in left:
                try:
                    d.rmdir()
                except FileNotFoundError:
                    pass
                except OSError:
                    still.append(d)
            left = still
            if not left or time.monotonic() > deadline:
                break
            time.sleep(0.005)
        self.dirs = left
        if left:
            logger.warning("could not remove the evaluation cgroup %s", ", ".join(map(str, left)))
        return not left


def _configure(path: Path, version: int, controllers: Sequence[str], limits: Limits) -> None:
    def write(name: str, value: str, optional: bool = False) -> None:
        try:
            (path / name).write_text(value)
        except OSError:
            if not optional:
                raise

    if version == 1:
        if "memory" in controllers:
            write("memory.limit_in_bytes", str(limits.memory_bytes))
            # no swapping instead of the limit (the file exists only with swap accounting)
            if (path / "memory.memsw.limit_in_bytes").exists():
                write("memory.memsw.limit_in_bytes", str(limits.memory_bytes), optional=True)
        if "pids" in controllers:
            write("pids.max", str(limits.processes + SANDBOX_OVERHEAD_PROCESSES))
        if "cpu" in controllers:
            write("cpu.cfs_period_us", str(CPU_PERIOD_US))
            write("cpu.cfs_quota_us", str(CPU_PERIOD_US))
    else:
        if "memory" in controllers:
            write("memory.max", str(limits.memory_bytes))
            if (path / "memory.swap.max").exists():
                write("memory.swap.max", "0", optional=True)
        if "pids" in controllers:
            write("pids.max", str(limits.processes + SANDBOX_OVERHEAD_PROCESSES))
        if "cpu" in controllers:
            write("cpu.max", f"{CPU_PERIOD_US} {CPU_PERIOD_US}")


def _read_pids(path: Path) -> List[int]:
    try:
        return [int(x) for x in path.read_text().split()]
    except (OSError, ValueError):
        return []


def _kill_member(pid: int, name: str) -> None:
    """SIGKILL ``pid`` if it is (still) a member of cgroup ``name``, never a process that reused the pid."""
    pidfd_open = getattr(os, "pidfd_open", None)
    fd: Optional[int] = None
    try:
        if pidfd_open is not None:
            fd = pidfd_open(pid)
        # with the pidfd held, the pid names that same process until we signal it
        with open(f"/proc/{pid}/cgroup", encoding="utf-8") as f:
            member = f"/{name}" in f.read()
        if not member:
            return
        if fd is not None:
            signal.pidfd_send_signal(fd, signal.SIGKILL)
        else:
            os.kill(pid, signal.SIGKILL)
    except OSError:  # gone already, or not ours to signal
        pass
    finally:
        if fd is not None:
            os.close(fd)


# ---------------------------------------------------------------- discovery


@dataclasses.dataclass(frozen=True)
class _Mount:
    root: str
    point: str
    fstype: str
    options: Tuple[str, ...]


def _mounts() -> List[_Mount]:
    out: List[_Mount] = []
    try:
        text = Path("/proc/self/mountinfo").read_text()
    except OSError:
        return out
    for line in text.splitlines():
        left, sep, right = line.partition(" - ")
        if not sep:
            continue
        fields, tail = left.split(), right.split()
        if len(fields) < 5 or len(tail) < 3 or tail[0] not in ("cgroup", "cgroup2"):
            continue
        out.append(_Mount(_unescape(fields[3]), _unescape(fields[4]), tail[0], tuple(tail[2].split(","))))
    return out


def _unescape(field: str) -> str:
    return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\")


def _own_cgroups() -> Dict[str, str]:
    """controller -> own cgroup path (v1); "" -> own path in the unified hierarchy (v2)."""
    out: Dict[str, str] = {}
    try:
        text = Path("/proc/self/cgroup").read_text()
    except OSError:
        return out
    for line in text.splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        _hid, controllers, path = parts
        if not controllers:
            out[""] = path
        for c in controllers.split(","):
            if c:
                out[c] = path
    return out


def _inside(mount: _Mount, path: str) -> Optional[Path]:
    """The directory of cgroup ``path`` under ``mount``, when the mount shows it."""
    root = mount.root.rstrip("/")
    if path != root and not path.startswith(root + "/"):
        return None
    return Path(mount.point + path[len(root) :])


def _words(path: Path) -> List[str]:
    try:
        return path.read_text().split()
    except OSError:
        return []


def _v1() -> Tuple[List[Hierarchy], List[str]]:
    own = _own_cgroups()
    found: List[Hierarchy] = []
    notes: List[str] = []
    seen: set[str] = set()
    for m in _mounts():
        if m.fstype != "cgroup":
            continue
        wanted = tuple(c for c in CONTROLLERS if c in m.options and c not in seen)
        if not wanted:
            continue
        path = own.get(wanted[0])
        where = _inside(m, path) if path is not None else None
        if where is None or not where.is_dir():
            notes.append(f"{'/'.join(wanted)}: own cgroup not visible under {m.point}")
            continue
        if not os.access(where, os.W_OK):
            notes.append(f"{'/'.join(wanted)}: {where} is not writable")
            continue
        seen.update(wanted)
        found.append(Hierarchy(1, where, wanted))
    return found, notes


def _enable(directory: Path, controllers: Sequence[str]) -> None:
    enabled = _words(directory / "cgroup.subtree_control")
    missing = [c for c in controllers if c not in enabled]
    if missing:
        (directory / "cgroup.subtree_control").write_text(" ".join("+" + c for c in missing))


def _v2_candidate(directory: Path, own: bool) -> Tuple[Optional[Hierarchy], str]:
    available = _words(directory / "cgroup.controllers")
    wanted = tuple(c for c in CONTROLLERS if c in available)
    if "memory" not in wanted and "pids" not in wanted:
        return None, f"{directory} has neither the memory nor the pids controller"
    if not os.access(directory, os.W_OK):
        return None, f"{directory} is not writable"
    try:
        _enable(directory, wanted)
    except OSError as exc:
        if not own or exc.errno != errno.EBUSY:
            return None, f"cannot enable {' '.join(wanted)} for the children of {directory}: {exc}"
        # processes in a cgroup keep its controllers from its children: move the server, when it
        # is alone there, into a leaf of its own first
        if _read_pids(directory / "cgroup.procs") != [os.getpid()]:
            return None, f"{directory} holds other processes than the server, so its children get no controllers"
        leaf = directory / LEAF
        try:
            leaf.mkdir(exist_ok=True)
            (leaf / "cgroup.procs").write_text(str(os.getpid()))
            _enable(directory, wanted)
        except OSError as exc2:
            try:
                (directory / "cgroup.procs").write_text(str(os.getpid()))
                leaf.rmdir()
            except OSError:
                pass
            return None, f"cannot enable {' '.join(wanted)} for the children of {directory}: {exc2}"
    return Hierarchy(2, directory, tuple(c for c in wanted if c in _words(directory / "cgroup.subtree_control"))), ""


def _delegated(directory: Path) -> Optional[Hierarchy]:
    """``directory`` as a place for evaluation cgroups when it is writable and already hands
    controllers down to its children."""
    enabled = _words(directory / "cgroup.subtree_control")
    wanted = tuple(c for c in CONTROLLERS if c in enabled)
    if ("memory" in wanted or "pids" in wanted) and os.access(directory, os.W_OK):
        return Hierarchy(2, directory, wanted)
    return None


def _v2(explicit: Optional[Path]) -> Tuple[Optional[Hierarchy], List[str]]:
    if explicit is not None:
        h, why = _v2_candidate(Path(explicit), own=False)
        return h, [why] if why else []
    unified = [m for m in _mounts() if m.fstype == "cgroup2"]
    path = _own_cgroups().get("")
    notes: List[str] = []
    for m in unified:
        where = _inside(m, path) if path is not None else None
        if where is None or not where.is_dir():
            continue
        if not _words(where / "cgroup.controllers"):
            notes.append(f"no controller is available in the unified hierarchy at {m.point}")
            continue
        parent = where.parent if where != Path(m.point) else None
        if where.name == LEAF and parent is not None:
            # moved into its leaf by an earlier probe of this process: evaluations go next to it
            ready = _delegated(parent)
            if ready is not None:
                return ready, []
        h, why = _v2_candidate(where, own=True)
        if h is not None:
            return h, []
        notes.append(why)
        if parent is not None:
            # the server in a leaf of a delegated cgroup (systemd's DelegateSubgroup=)
            ready = _delegated(parent)
            if ready is not None:
                return ready, []
    return None, notes


def discover(explicit: Optional[Path] = None) -> Tuple[Optional[CgroupSupport], str]:
    """Where evaluation cgroups can be made; (None, why not) when nowhere.

    Stale evaluation cgroups of server processes that no longer run are removed on the way.
    """
    hierarchies: List[Hierarchy] = []
    notes: List[str] = []
    if explicit is None:
        hierarchies, notes = _v1()
    if not hierarchies:
        h2, notes2 = _v2(explicit)
        notes += notes2
        if h2 is not None:
            hierarchies = [h2]
    if not hierarchies:
        return None, "; ".join(n for n in notes if n) or "no cgroup hierarchy is mounted"
    for h in hierarchies:
        _remove_stale(h.parent)
    return CgroupSupport(tuple(hierarchies)), ""


def _remove_stale(parent: Path) -> None:
    try:
        entries = list(parent.iterdir())
    except OSError:
        return
    for entry in entries:
        if not entry.name.startswith(PREFIX):
            continue
        try:
            owner = int(entry.name[len(PREFIX) :].split("-", 1)[0])
        except ValueError:
            continue
        if owner == os.getpid() or _alive(owner):
            continue
        EvaluationCgroup(entry.name, 2 if (entry / "cgroup.kill").exists() else 1, [entry]).remove(0.5)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True
