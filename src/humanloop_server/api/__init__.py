"""The v5 HTTP API: one router per resource, all mounted under `/v5`."""

from __future__ import annotations

from fastapi import APIRouter

from . import datasets, directories, evaluations, evaluators, files, flows, logs, prompts, tools
from .routing import API_PREFIX

#: Routers in the order their operations appear in the OpenAPI document.
ROUTERS = (
    prompts.router,
    tools.router,
    datasets.router,
    evaluators.router,
    flows.router,
    directories.router,
    files.router,
    evaluations.router,
    logs.router,
)


def build_api_router() -> APIRouter:
    """Return one router holding every v5 operation under `/v5`."""
    api = APIRouter(prefix=API_PREFIX)
    for router in ROUTERS:
        api.include_router(router)
    return api
