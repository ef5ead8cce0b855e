"""Routes that exist only for the benchmark (`bench/server.py`), never in the API document.

They are added when the app is built with ``benchmark_routes`` (``Settings.benchmark_routes``,
``HUMANLOOP_BENCHMARK_ROUTES=1``, which the benchmark sets for the servers it starts). No other
deployment needs them.

``POST /v5/bench/floor`` is the *floor* of the ingestion benchmark: the same stack as
``POST /v5/prompts/log`` (uvicorn, the Idempotency-Key middleware, the API key check, the same
request model parsed and dumped the same way, the same response model), but the route stores
nothing: it answers a new id without opening a database transaction. The API key check is its
only database access, as for every authenticated route (a lookup at most once a second per key:
``services/keys.py``).
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from fastapi import APIRouter, Depends, Request, Security
from typing_extensions import Annotated

from .. import ids
from ..schemas import CreatePromptLogResponse, PromptLogRequest
from .bodies import dump
from .deps import api_key_header, authenticate
from .routing import API_PREFIX

router = APIRouter(prefix=f"{API_PREFIX}/bench", include_in_schema=False)


def caller(request: Request, api_key: Annotated[Optional[str], Security(api_key_header)]) -> str:
    """The caller's organisation, checked like every route's (but no transaction is opened)."""
    return authenticate(request)


@router.post("/floor", response_model=CreatePromptLogResponse)
def floor(body: PromptLogRequest, org_id: Annotated[str, Depends(caller)]) -> Dict[str, Any]:
    dump(body, unset=True)  # as the real route hands the body to the service
    return {"id": ids.new_id("log"), "prompt_id": "pr_bench_floor", "version_id": "prv_bench_floor", "session_id": None}


def build_bench_router() -> APIRouter:
    return router
