"""Server configuration: every setting, its environment variable and its default, in one table.

``Settings.from_env()`` reads exactly the variables of :data:`VARIABLES`; nothing else in the
server reads the environment for its own configuration (model providers' ``*_API_KEY`` and
``*_BASE_URL`` are read by ``providers/`` at call time, as those SDKs do).
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any, Callable, Dict, Mapping, Optional, Tuple


def _default_data_dir() -> Path:
    local = Path.cwd() / ".data"
    if local.exists() or os.access(Path.cwd(), os.W_OK):
        return local
    return Path.home() / ".humanloop-server"


@dataclasses.dataclass
class Settings:
    data_dir: Path = dataclasses.field(default_factory=_default_data_dir)
    database_url: Optional[str] = None
    api_key: Optional[str] = None
    default_org_name: str = "default"
    sqlite_busy_timeout_ms: int = 30000
    # largest request body accepted (JSON and multipart uploads alike); 0: no limit
    max_body_bytes: int = 32 * 1024 * 1024
    # how long an Idempotency-Key is remembered
    idempotency_ttl_seconds: int = 24 * 3600
    # how long a duplicate request waits for the first one to finish before answering 409
    idempotency_wait_seconds: float = 10.0
    # background jobs (workers/) and server-side evaluators (services/evaluator_runtime.py)
    workers: int = 2
    evaluator_timeout_seconds: float = 10.0
    evaluator_memory_mb: int = 512
    # the evaluator sandbox (humanloop_server/sandbox/)
    evaluator_max_processes: int = 16
    evaluator_disk_mb: int = 64
    bwrap: str = "bwrap"
    evaluator_cgroup: Optional[Path] = None
    unsafe_unsandboxed_evaluators: bool = False
    job_max_attempts: int = 5
    job_stale_seconds: float = 300.0
    job_poll_seconds: float = 1.0
    # most background jobs one organisation may have running while another organisation has work
    # (None: this process's workers - 1, at least 1); see resolved_worker_share
    worker_share: Optional[int] = None

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None, **overrides: Any) -> Settings:
        """Settings from ``environ`` (default ``os.environ``); keyword ``overrides`` that are not None win."""
        env = os.environ if environ is None else environ
        kwargs: Dict[str, Any] = {}
        for var, (name, cast, _help) in VARIABLES.items():
            raw = env.get(var)
            if raw:
                try:
                    kwargs[name] = cast(raw)
                except ValueError:
                    raise ValueError(f"{var}={raw!r} is not a valid value ({_help})") from None
        kwargs.update({k: v for k, v in overrides.items() if v is not None})
        for name in ("data_dir", "evaluator_cgroup"):
            if kwargs.get(name) is not None:
                kwargs[name] = Path(str(kwargs[name])).expanduser()
        return cls(**kwargs)

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return "sqlite:///" + str(Path(self.data_dir).resolve() / "humanloop.db")

    @property
    def resolved_worker_share(self) -> int:
        """The share in force: ``worker_share``, or one worker less than this process runs (at least 1).

        Running jobs are counted over every server process, so with several processes running
        workers, set ``worker_share`` from their total.
        """
        if self.worker_share is not None:
            return max(1, self.worker_share)
        return max(1, self.workers - 1)

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")


def _path(raw: str) -> Path:
    return Path(raw).expanduser()


def _flag(raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError(raw)


def _positive_int(raw: str) -> int:
    value = int(raw)
    if value < 1:
        raise ValueError(raw)
    return value


#: environment variable -> (Settings field, parser, what it means)
VARIABLES: Dict[str, Tuple[str, Callable[[str], Any], str]] = {
    "HUMANLOOP_DATA_DIR": ("data_dir", _path, "directory of the SQLite database (default ./.data)"),
    "HUMANLOOP_DATABASE_URL": (
        "database_url",
        str,
        "SQLAlchemy URL, e.g. postgresql+psycopg://user:pw@host/db (default: SQLite in the data directory)",
    ),
    "HUMANLOOP_API_KEY": ("api_key", str, "an API key registered at start-up for the default organisation"),
    "HUMANLOOP_DEFAULT_ORG": ("default_org_name", str, "name of that organisation (default 'default')"),
    "HUMANLOOP_SQLITE_BUSY_TIMEOUT_MS": ("sqlite_busy_timeout_ms", int, "how long a SQLite writer waits for the lock"),
    "HUMANLOOP_MAX_BODY_BYTES": (
        "max_body_bytes",
        int,
        "largest request body accepted, in bytes, CSV uploads included (default 33554432 = 32 MiB; 0: no limit)",
    ),
    "HUMANLOOP_IDEMPOTENCY_TTL_SECONDS": ("idempotency_ttl_seconds", int, "how long an Idempotency-Key is remembered"),
    "HUMANLOOP_WORKERS": ("workers", int, "background worker threads (0: none start)"),
    "HUMANLOOP_EVALUATOR_TIMEOUT": (
        "evaluator_timeout_seconds",
        float,
        "wall-clock seconds a Python evaluator may run",
    ),
    "HUMANLOOP_EVALUATOR_MEMORY_MB": (
        "evaluator_memory_mb",
        int,
        "memory limit of a Python evaluator, in MiB (all its processes together when cgroups are usable)",
    ),
    "HUMANLOOP_EVALUATOR_MAX_PROCESSES": (
        "evaluator_max_processes",
        int,
        "processes and threads a Python evaluator may have at once, its own included",
    ),
    "HUMANLOOP_EVALUATOR_DISK_MB": (
        "evaluator_disk_mb",
        int,
        "size of the evaluator sandbox's /tmp, its only writable place, in MiB",
    ),
    "HUMANLOOP_BWRAP": ("bwrap", str, "the bubblewrap executable (a name looked up on PATH, or a path)"),
    "HUMANLOOP_EVALUATOR_CGROUP": (
        "evaluator_cgroup",
        _path,
        "a cgroup v2 directory, writable by the server, to create evaluation cgroups in (default: found automatically)",
    ),
    "HUMANLOOP_UNSAFE_UNSANDBOXED_EVALUATORS": (
        "unsafe_unsandboxed_evaluators",
        _flag,
        "1: run Python evaluators WITHOUT isolation when no sandbox works (dangerous; default 0: refuse them)",
    ),
    "HUMANLOOP_JOB_MAX_ATTEMPTS": ("job_max_attempts", int, "attempts of a background job before it fails"),
    "HUMANLOOP_JOB_STALE_SECONDS": ("job_stale_seconds", float, "after this, a job whose worker vanished runs again"),
    "HUMANLOOP_JOB_POLL_SECONDS": ("job_poll_seconds", float, "how often idle workers look for jobs"),
    "HUMANLOOP_WORKER_SHARE": (
        "worker_share",
        _positive_int,
        "most background jobs one organisation may run at once while another organisation has work"
        " (default: HUMANLOOP_WORKERS - 1, at least 1; alone, an organisation may use every worker)",
    ),
}
