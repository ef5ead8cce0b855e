"""The v5 HTTP API: one router per resource, all mounted under `/v5`."""

from __future__ import annotations

from fastapi import APIRouter

from . import agents, datasets, directories, evaluations, evaluators, files, flows, logs, otel_import, prompts, tools
from .routing import API_PREFIX, StrictJSONRoute

#: Routers in the order their operations appear in the OpenAPI document.
ROUTERS = (
    prompts.router,
    tools.router,
    datasets.router,
    evaluators.router,
    flows.router,
    agents.router,
    directories.router,
    files.router,
    evaluations.router,
    logs.router,
    otel_import.router,
)


def build_api_router() -> APIRouter:
    """Return one router holding every v5 operation under `/v5`.

    Every route must read its body strictly (`StrictJSONRoute`: a router is created with
    `route_class=StrictJSONRoute`); one that does not is refused here rather than found by a client.
    """
    api = APIRouter(prefix=API_PREFIX)
    for router in ROUTERS:
        lax = [getattr(route, "path", "?") for route in router.routes if not isinstance(route, StrictJSONRoute)]
        if lax:
            raise TypeError(f"routes not built with route_class=StrictJSONRoute: {lax}")
        api.include_router(router)
    return api
