"""HTTP routes of /v5/flows: the routes every file kind shares come from `file_routes`, the ones
specific to Flows are written out below; behaviour lives in `services` (`files`, `logs`)."""

from __future__ import annotations

from typing import Any, Dict, Optional

from fastapi import APIRouter, Path, Query
from typing_extensions import Annotated

from ..schemas import (
    CreateFlowLogResponse,
    FlowLogRequest,
    FlowLogResponse,
    FlowRequest,
    FlowResponse,
    ListFlows,
    UpdateFlowRequest,
    UpdateTraceRequest,
)
from ..services import evaluations, logs
from .bodies import dump
from .deps import ContextDep
from .file_routes import FileKind, add_file_routes
from .routing import StrictJSONRoute, sdk_extra

router = APIRouter(prefix="/flows", tags=["Flows"], route_class=StrictJSONRoute)


def _sdk(method: str, **kwargs: Any) -> Dict[str, Any]:
    return sdk_extra("flows", method, **kwargs)


FLOWS = FileKind(
    group="flows",
    file_type="flow",
    response=FlowResponse,
    request=FlowRequest,
    update_request=UpdateFlowRequest,
    versions_response=ListFlows,
    page_size_minimum=0,
)

# The shared file routes (see `file_routes`); the routes specific to Flows follow.
add_file_routes(
    router,
    FLOWS,
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
    response_model=CreateFlowLogResponse,
    operation_id="log_flows_log_post",
    summary="Log to a Flow",
    description="Records a Log against a version of the Flow: chosen by `version_id` or `environment`, or by the Flow details in the body (a new version is created when none matches).",
    openapi_extra=_sdk("log"),
)
def log(
    body: FlowLogRequest,
    ctx: ContextDep,
    version_id: Annotated[Optional[str], Query(description="ID of the Flow version to log to.")] = None,
    environment: Annotated[Optional[str], Query(description="Environment whose deployed version to log to.")] = None,
) -> Dict[str, Any]:
    data = evaluations.join_run(ctx, dump(body, unset=True))
    return logs.create_log(ctx, "flow", data, version_id=version_id, environment=environment)


@router.patch(
    "/logs/{log_id}",
    response_model=FlowLogResponse,
    operation_id="update_log_flows_logs__log_id__patch",
    summary="Update a Flow Log",
    description="Changes the inputs, output or error of a Flow Log, or marks its trace as complete.",
    openapi_extra=_sdk("update_log"),
)
def update_log(
    log_id: Annotated[str, Path(description="ID of the Log.")],
    body: UpdateTraceRequest,
    ctx: ContextDep,
) -> Dict[str, Any]:
    return logs.update_trace(ctx, log_id, dump(body, unset=True))
