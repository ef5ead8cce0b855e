"""Application factory of the Humanloop-compatible server."""

from __future__ import annotations

import contextlib
import logging
from typing import AsyncIterator, Optional

from fastapi import FastAPI

from .api import build_api_router
from .api.errors import install_error_handlers
from .idempotency import IdempotencyMiddleware
from .settings import Settings

logger = logging.getLogger("humanloop_server")

TITLE = "Humanloop-compatible API"
VERSION = "5.0.0"
DESCRIPTION = (
    "Self-hostable server for the Humanloop v5 API: versioned Prompts, Tools, Datasets, "
    "Evaluators and Flows in directories, with environments, Logs, traces and Evaluations."
)


def init_state(app: FastAPI, settings: Settings) -> None:
    """Create the engine, migrate the database, register the start-up API key."""
    from .db.engine import make_engine, make_sessionmakers, run_migrations
    from .idempotency import sweep
    from .services.seed import register_key

    engine = make_engine(settings)
    run_migrations(engine)
    read, write = make_sessionmakers(engine)
    app.state.settings = settings
    app.state.engine = engine
    app.state.read_sessions = read
    app.state.write_sessions = write
    if settings.api_key:
        with write() as session:
            register_key(session, settings.api_key, settings.default_org_name)
    sweep(app.state, settings.idempotency_ttl_seconds)
    from .workers import WorkerPool

    app.state.workers = WorkerPool(engine, settings).start()


def create_app(settings: Optional[Settings] = None) -> FastAPI:
    """Build the FastAPI application.

    ``settings`` default to the environment (`Settings.from_env()`). The database is opened and
    migrated when the application starts (lifespan), and closed when it stops.
    """

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if not hasattr(app.state, "engine"):
            init_state(app, settings or Settings.from_env())
        try:
            yield
        finally:
            pool = getattr(app.state, "workers", None)
            if pool is not None:
                pool.stop()
                del app.state.workers
            engine = getattr(app.state, "engine", None)
            if engine is not None:
                engine.dispose()
                del app.state.engine

    app = FastAPI(
        title=TITLE,
        version=VERSION,
        description=DESCRIPTION,
        separate_input_output_schemas=False,
        lifespan=lifespan,
    )
    app.add_middleware(IdempotencyMiddleware)
    install_error_handlers(app)
    app.include_router(build_api_router())
    return app
