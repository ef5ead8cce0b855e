"""HTTP routes of /v5/evaluators: the routes every file kind shares come from `file_routes`, the ones
specific to Evaluators are written out below; behaviour lives in `services` (`files`, `logs`)."""

from __future__ import annotations

from typing import Any, Dict, Optional

from fastapi import APIRouter, Query
from typing_extensions import Annotated

from ..schemas import (
    CreateEvaluatorLogRequest,
    CreateEvaluatorLogResponse,
    EvaluatorResponse,
    ListEvaluators,
    UpdateEvaluatorRequest,
)
from ..schemas.evaluators import EvaluatorRequest
from ..services import logs
from .bodies import dump
from .deps import ContextDep
from .file_routes import FileKind, add_file_routes
from .routing import StrictJSONRoute, sdk_extra

router = APIRouter(prefix="/evaluators", tags=["Evaluators"], route_class=StrictJSONRoute)


def _sdk(method: str, **kwargs: Any) -> Dict[str, Any]:
    return sdk_extra("evaluators", method, **kwargs)


EVALUATORS = FileKind(
    group="evaluators",
    file_type="evaluator",
    response=EvaluatorResponse,
    request=EvaluatorRequest,
    update_request=UpdateEvaluatorRequest,
    versions_response=ListEvaluators,
)

# The shared file routes (see `file_routes`); the routes specific to Evaluators follow.
add_file_routes(
    router,
    EVALUATORS,
    "list",
    "upsert",
    "get",
    "delete",
    "move",
    "list_versions",
    "commit",
    "delete_version",
    "update_version",
    "set_deployment",
    "remove_deployment",
    "list_environments",
    "update_monitoring",
)


@router.post(
    "/log",
    response_model=CreateEvaluatorLogResponse,
    operation_id="log_evaluators_log_post",
    summary="Log to an Evaluator",
    description="Records a Log against a version of the Evaluator: chosen by `version_id` or `environment`, or by the Evaluator details in the body (a new version is created when none matches).",
    openapi_extra=_sdk("log"),
)
def log(
    body: CreateEvaluatorLogRequest,
    ctx: ContextDep,
    version_id: Annotated[Optional[str], Query(description="ID of the Evaluator version to log to.")] = None,
    environment: Annotated[Optional[str], Query(description="Environment whose deployed version to log to.")] = None,
) -> Dict[str, Any]:
    return logs.create_log(ctx, "evaluator", dump(body, unset=True), version_id=version_id, environment=environment)
