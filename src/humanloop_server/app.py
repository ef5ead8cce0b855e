"""Application factory of the Humanloop-compatible server."""

from __future__ import annotations

from fastapi import FastAPI

from .api import build_api_router
from .api.errors import install_error_handlers

TITLE = "Humanloop-compatible API"
VERSION = "5.0.0"
DESCRIPTION = (
    "Self-hostable server for the Humanloop v5 API: versioned Prompts, Tools, Datasets, "
    "Evaluators and Flows in directories, with environments, Logs, traces and Evaluations."
)


def create_app() -> FastAPI:
    """Build the FastAPI application.

    Extend here: settings, lifespan (database engine, background workers) and middleware
    (idempotency keys, request logging) are added to this factory; routes stay in `api/`.
    """
    app = FastAPI(
        title=TITLE,
        version=VERSION,
        description=DESCRIPTION,
        separate_input_output_schemas=False,
        # lifespan=...,  # database engine and workers, when they exist
    )
    # Middleware goes here: app.add_middleware(...)
    install_error_handlers(app)
    app.include_router(build_api_router())
    return app
