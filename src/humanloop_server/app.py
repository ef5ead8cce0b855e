"""Application factory of the Humanloop-compatible server."""

from __future__ import annotations

import contextlib
import logging
from typing import AsyncIterator, Optional

from fastapi import FastAPI

from . import gc_tuning, web
from .api import build_api_router
from .api.bench import build_bench_router
from .api.empty_body import EmptyBodyMiddleware
from .api.errors import BusyDatabaseMiddleware, install_error_handlers
from .api.idempotency import IdempotencyMiddleware
from .api.limits import BodyLimitMiddleware
from .api.multipart import MultipartBoundaryMiddleware
from .services import evaluator_runtime, idempotency, keys
from .services.context import Runtime
from .settings import Settings
from .wiring import JOB_HANDLERS, build_runtime
from .workers.pool import WorkerPool

logger = logging.getLogger("humanloop_server")

TITLE = "Humanloop-compatible API"
VERSION = "5.0.0"
DESCRIPTION = (
    "Self-hostable server for the Humanloop v5 API: versioned Prompts, Tools, Datasets, "
    "Evaluators and Flows in directories, with environments, Logs, traces and Evaluations."
)

#: Seconds an idle keep-alive connection stays open (uvicorn's ``timeout_keep_alive``). uvicorn's
#: default, 5 s, is also how long httpx keeps an idle connection and how long the SDKs'
#: ``evaluations.run`` sleeps between ``get_stats`` polls: a poll then races the server closing the
#: connection and fails with "Server disconnected without sending a response". Keeping connections
#: longer than any client does leaves the closing to the client, which never races itself.
KEEP_ALIVE_SECONDS = 75


def start(app: FastAPI, settings: Settings) -> Runtime:
    """Open and migrate the database, register the start-up API key, say how evaluators are
    isolated, start the workers."""
    rt = build_runtime(settings)
    if settings.api_key:
        keys.register_startup_key(rt, settings.api_key, settings.default_org_name)
    idempotency.sweep(rt.db, settings.idempotency_ttl_seconds)
    isolated, line = evaluator_runtime.sandbox_report(settings)
    logger.log(logging.INFO if isolated else logging.WARNING, "%s", line)
    app.state.runtime = rt
    app.state.workers = WorkerPool(rt, JOB_HANDLERS).start()
    return rt


def stop(app: FastAPI) -> None:
    pool: Optional[WorkerPool] = getattr(app.state, "workers", None)
    if pool is not None:
        pool.stop()
        del app.state.workers
    rt: Optional[Runtime] = getattr(app.state, "runtime", None)
    if rt is not None:
        rt.db.dispose()
        del app.state.runtime


def create_app(
    settings: Optional[Settings] = None, *, benchmark_routes: Optional[bool] = None, tune_gc: bool = False
) -> FastAPI:
    """Build the FastAPI application.

    ``settings`` default to the environment (`Settings.from_env()`). The database is opened and
    migrated when the application starts (lifespan), and closed when it stops.
    ``benchmark_routes`` (default: ``settings.benchmark_routes``) adds the routes that only the
    benchmark uses (`api/bench.py`; not in the API document). ``tune_gc``: the process serves
    only this application (`humanloop-server serve`): once it has started, tune the garbage
    collector for serving (`gc_tuning.settle`).
    """
    if benchmark_routes is None:
        benchmark_routes = settings is not None and settings.benchmark_routes

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if not hasattr(app.state, "runtime"):
            start(app, settings or Settings.from_env())
            if tune_gc:
                gc_tuning.settle()
        try:
            yield
        finally:
            stop(app)

    app = FastAPI(
        title=TITLE,
        version=VERSION,
        description=DESCRIPTION,
        separate_input_output_schemas=False,
        lifespan=lifespan,
    )
    # the last added is the outermost: the body limit holds before anything reads a body, and a
    # busy database is a 503 whether the routes or the Idempotency-Key layer met it; an empty body
    # becomes {} inside the Idempotency-Key layer, which sees the request as sent
    app.add_middleware(MultipartBoundaryMiddleware)
    app.add_middleware(EmptyBodyMiddleware)
    app.add_middleware(IdempotencyMiddleware)
    app.add_middleware(BusyDatabaseMiddleware)
    app.add_middleware(BodyLimitMiddleware)
    install_error_handlers(app, html=web.error_page)
    app.include_router(build_api_router())
    if benchmark_routes:
        app.include_router(build_bench_router())
    web.mount(app)
    return app
