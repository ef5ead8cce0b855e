"""What the sandbox is asked to do: its limits and the host's settings that matter to it."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Optional, Tuple

from ..settings import Settings

MIB = 1024 * 1024
#: what the evaluated code may write to its stdout and stderr (and to any one file)
OUTPUT_LIMIT_BYTES = 8 * MIB
#: processes of the sandbox that are not the evaluated code: bwrap's monitor outside the
#: namespaces and its init (pid 1) inside
SANDBOX_OVERHEAD_PROCESSES = 2


@dataclasses.dataclass(frozen=True)
class Limits:
    """Limits of one evaluation."""

    memory_bytes: int
    processes: int  # processes and threads of the evaluated code, its first process included
    disk_bytes: int  # size of the sandbox's /tmp
    timeout_seconds: float  # wall clock, from start to the last process killed
    output_bytes: int = OUTPUT_LIMIT_BYTES

    @property
    def cpu_seconds(self) -> int:
        """RLIMIT_CPU of each process: the wall-clock limit, rounded up, plus one second."""
        return int(math.ceil(self.timeout_seconds)) + 1

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            memory_bytes=max(1, settings.evaluator_memory_mb) * MIB,
            processes=max(1, settings.evaluator_max_processes),
            disk_bytes=max(1, settings.evaluator_disk_mb) * MIB,
            timeout_seconds=settings.evaluator_timeout_seconds,
        )


@dataclasses.dataclass(frozen=True)
class SandboxConfig:
    """The host side of the sandbox: which bwrap, which cgroup, what must stay hidden."""

    bwrap: str = "bwrap"
    cgroup: Optional[Path] = None  # an explicit cgroup v2 directory to create evaluation cgroups in
    unsafe_unsandboxed: bool = False
    #: host paths never visible inside, even when they lie under a directory the sandbox needs
    hidden: Tuple[str, ...] = ()

    @classmethod
    def from_settings(cls, settings: Settings) -> SandboxConfig:
        hidden = [str(Path(settings.data_dir).expanduser().resolve())]
        url = settings.resolved_database_url
        if settings.is_sqlite and url.startswith("sqlite:///"):
            db_file = Path(url[len("sqlite:///") :].split("?", 1)[0])
            if str(db_file) and str(db_file) != ":memory:":
                hidden.append(str(db_file.expanduser().resolve().parent))
        return cls(
            bwrap=settings.bwrap or "bwrap",
            cgroup=settings.evaluator_cgroup,
            unsafe_unsandboxed=settings.unsafe_unsandboxed_evaluators,
            hidden=tuple(sorted(set(hidden))),
        )
