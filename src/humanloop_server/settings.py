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
    # how long an Idempotency-Key is remembered
    idempotency_ttl_seconds: int = 24 * 3600
    # how long a duplicate request waits for the first one to finish before answering 409
    idempotency_wait_seconds: float = 10.0
    # background jobs (workers/) and server-side evaluators (services/evaluator_runtime.py)
    workers: int = 2
    evaluator_timeout_seconds: float = 10.0
    evaluator_memory_mb: int = 512
    job_max_attempts: int = 5
    job_stale_seconds: float = 300.0
    job_poll_seconds: float = 1.0
    # bench/server.py only: adds the floor route of the ingestion benchmark (api/bench.py)
    benchmark_routes: bool = False

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
        if "data_dir" in kwargs:
            kwargs["data_dir"] = Path(str(kwargs["data_dir"])).expanduser()
        return cls(**kwargs)

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return "sqlite:///" + str(Path(self.data_dir).resolve() / "humanloop.db")

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
    "HUMANLOOP_IDEMPOTENCY_TTL_SECONDS": ("idempotency_ttl_seconds", int, "how long an Idempotency-Key is remembered"),
    "HUMANLOOP_WORKERS": ("workers", int, "background worker threads (0: none start)"),
    "HUMANLOOP_EVALUATOR_TIMEOUT": (
        "evaluator_timeout_seconds",
        float,
        "wall-clock seconds a Python evaluator may run",
    ),
    "HUMANLOOP_EVALUATOR_MEMORY_MB": ("evaluator_memory_mb", int, "memory limit of a Python evaluator, in MiB"),
    "HUMANLOOP_JOB_MAX_ATTEMPTS": ("job_max_attempts", int, "attempts of a background job before it fails"),
    "HUMANLOOP_JOB_STALE_SECONDS": ("job_stale_seconds", float, "after this, a job whose worker vanished runs again"),
    "HUMANLOOP_JOB_POLL_SECONDS": ("job_poll_seconds", float, "how often idle workers look for jobs"),
    "HUMANLOOP_BENCHMARK_ROUTES": (
        "benchmark_routes",
        _flag,
        "1: add the benchmark's floor route (bench/server.py sets it; never needed otherwise)",
    ),
}
