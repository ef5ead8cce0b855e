"""Server configuration, read from environment variables.

| variable                  | meaning                                                        |
|---------------------------|----------------------------------------------------------------|
| HUMANLOOP_DATA_DIR        | directory for the SQLite database (default ``./.data``, or     |
|                           | ``~/.humanloop-server`` when the working directory is not      |
|                           | writable)                                                      |
| HUMANLOOP_DATABASE_URL    | SQLAlchemy URL; ``postgresql+psycopg://user:pw@host/db`` for    |
|                           | PostgreSQL. Default: ``sqlite:///<data dir>/humanloop.db``     |
| HUMANLOOP_API_KEY         | registered at start-up for the default organisation            |
| HUMANLOOP_DEFAULT_ORG     | name of that organisation (default ``default``)                |
| HUMANLOOP_SQLITE_BUSY_TIMEOUT_MS | how long a SQLite writer waits for the lock (default 30000) |
| HUMANLOOP_WORKERS         | background worker threads (default 2; 0: none start)           |
| HUMANLOOP_EVALUATOR_TIMEOUT | wall-clock seconds a Python evaluator may run (default 10)   |
| HUMANLOOP_EVALUATOR_MEMORY_MB | address-space limit of a Python evaluator (default 512)    |
"""

import dataclasses
import os
from pathlib import Path
from typing import Mapping, Optional


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

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None, **overrides: object) -> "Settings":
        env = os.environ if environ is None else environ
        kwargs: dict = {}
        if env.get("HUMANLOOP_DATA_DIR"):
            kwargs["data_dir"] = Path(env["HUMANLOOP_DATA_DIR"]).expanduser()
        if env.get("HUMANLOOP_DATABASE_URL"):
            kwargs["database_url"] = env["HUMANLOOP_DATABASE_URL"]
        if env.get("HUMANLOOP_API_KEY"):
            kwargs["api_key"] = env["HUMANLOOP_API_KEY"]
        if env.get("HUMANLOOP_DEFAULT_ORG"):
            kwargs["default_org_name"] = env["HUMANLOOP_DEFAULT_ORG"]
        if env.get("HUMANLOOP_SQLITE_BUSY_TIMEOUT_MS"):
            kwargs["sqlite_busy_timeout_ms"] = int(env["HUMANLOOP_SQLITE_BUSY_TIMEOUT_MS"])
        for var, name, cast in (
            ("HUMANLOOP_WORKERS", "workers", int),
            ("HUMANLOOP_EVALUATOR_TIMEOUT", "evaluator_timeout_seconds", float),
            ("HUMANLOOP_EVALUATOR_MEMORY_MB", "evaluator_memory_mb", int),
        ):
            if env.get(var):
                kwargs[name] = cast(env[var])
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
