"""End-to-end fixtures: the real app served by uvicorn on a free loopback port, in a thread.

Every test session gets a fresh SQLite database in a temporary directory, and, when
``HUMANLOOP_TEST_DATABASE_URL`` names a PostgreSQL server, a fresh database created on it for the
session (dropped afterwards); the whole suite then runs against both.
"""

import contextlib
import fcntl
import os
import socket
import subprocess
import threading
import time
import uuid
import venv
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, List

import httpx
import pytest
import uvicorn
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from humanloop_server.app import KEEP_ALIVE_SECONDS, create_app
from humanloop_server.db.database import Database
from humanloop_server.db.engine import MIGRATIONS_DIR
from humanloop_server.db.models import File, Organization, Version
from humanloop_server.services.context import Runtime
from humanloop_server.services.keys import register_key
from humanloop_server.settings import Settings

API_KEY = "hl_test_key_" + uuid.uuid4().hex
OTHER_KEY = "hl_other_key_" + uuid.uuid4().hex


@dataclass
class Server:
    base_url: str
    api_key: str
    other_key: str
    backend: str
    app: Any

    @property
    def runtime(self) -> Runtime:
        """The server's runtime (database, settings, hooks), for tests that look underneath the API."""
        rt: Runtime = self.app.state.runtime
        return rt

    def client(self, key: "str | None" = None, **kw: object) -> httpx.Client:
        headers = {"X-API-KEY": key or self.api_key}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=30, **kw)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _backends() -> List[str]:
    out = ["sqlite"]
    if os.environ.get("HUMANLOOP_TEST_DATABASE_URL"):
        out.append("postgresql")
    return out


@contextlib.contextmanager
def pg_database() -> Iterator[str]:
    """A fresh database on the HUMANLOOP_TEST_DATABASE_URL server, dropped afterwards."""
    base = os.environ["HUMANLOOP_TEST_DATABASE_URL"]
    url = make_url(base)
    name = "hl_e2e_" + uuid.uuid4().hex[:12]
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def migrate(db: Database, target: str, down: bool = False) -> None:
    """Move ``db``'s schema to the migration ``target`` (a revision id or ``head``), up or ``down``."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, target)


def add_prompt(db: Database, tag: str) -> None:
    """Organisation ``org_<tag>`` with Prompt ``pr_<tag>`` (at ``<tag>/bot``) and its version
    ``prv_<tag>``, stored directly: for tests of the database below the services."""
    with db.write() as s:
        s.add(Organization(id=f"org_{tag}", name=tag))
        s.flush()
        s.add(File(id=f"pr_{tag}", org_id=f"org_{tag}", type="prompt", path=f"{tag}/bot", name="bot"))
        s.flush()
        s.add(Version(id=f"prv_{tag}", file_id=f"pr_{tag}", kernel={}, kernel_hash=tag))


@contextlib.contextmanager
def migration_database(backend: str, tmp_path: Path) -> Iterator[Database]:
    """A fresh database of ``backend`` at the newest migration, for tests that migrate it themselves."""
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(pg_database()) if backend == "postgresql" else None
        db = Database.open(Settings(data_dir=tmp_path, database_url=url))
        try:
            yield db
        finally:
            db.dispose()


@pytest.fixture(scope="session")
def pg_database_url() -> Iterator[str]:
    with pg_database() as url:
        yield url


@contextlib.contextmanager
def serve(settings: Settings, backend: str) -> Iterator[Server]:
    """Serve ``create_app(settings)`` with uvicorn on a free loopback port, in a thread."""
    app = create_app(settings)
    port = _free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", lifespan="on", timeout_keep_alive=KEEP_ALIVE_SECONDS
    )
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, name=f"uvicorn-{backend}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    register_key(app.state.runtime, OTHER_KEY, "other-" + backend)
    try:
        yield Server(f"http://127.0.0.1:{port}/v5", API_KEY, OTHER_KEY, backend, app)
    finally:
        srv.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="session", params=_backends())
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("hl-data")
    database_url = None
    if request.param == "postgresql":
        database_url = request.getfixturevalue("pg_database_url")
    settings = Settings(
        data_dir=data_dir, database_url=database_url, api_key=API_KEY, default_org_name="e2e-" + request.param
    )
    with serve(settings, request.param) as srv:
        yield srv


@pytest.fixture
def http(server: Server) -> Iterator[httpx.Client]:
    with server.client() as c:
        yield c


@pytest.fixture
def uid() -> str:
    """A unique name fragment, so tests sharing one server never see each other's files."""
    return uuid.uuid4().hex[:10]


PUBLISHED_SDK_VERSION = "0.8.6"

# What a release needs beyond its declared dependencies: 0.8.38 imports ``requests`` (in its
# OpenTelemetry exporter) without declaring it, so its users had to install it by hand.
UNDECLARED_DEPENDENCIES = {"0.8.38": ["requests"]}


def published_sdk_python(version: str) -> Path:
    """A virtual environment holding only the published SDK ``version`` (built once, cached in .cache/)."""
    env_dir = Path(__file__).resolve().parents[2] / ".cache" / f"published-humanloop-{version}"
    python = env_dir / "bin" / "python"
    marker = env_dir / ".ready"
    if marker.exists():
        return python
    # The test workers (pytest-xdist) may all want the same release at once: one builds it, the
    # others wait on the lock and then find it ready.
    env_dir.parent.mkdir(parents=True, exist_ok=True)
    with open(env_dir.parent / f".published-humanloop-{version}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not marker.exists():
            venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
            packages = [f"humanloop=={version}", *UNDECLARED_DEPENDENCIES.get(version, [])]
            subprocess.run(
                [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *packages],
                check=True,
            )
            marker.write_text(version)
    return python


@pytest.fixture(scope="session")
def published_python() -> Path:
    """The published 0.8.6 SDK in its own virtual environment."""
    return published_sdk_python(PUBLISHED_SDK_VERSION)
