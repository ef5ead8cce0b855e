"""HTTP routes of /v5/tools: the routes every file kind shares come from `file_routes`, the ones
specific to Tools are written out below; behaviour lives in `services` (`files`, `logs`)."""

from __future__ import annotations

from typing import Any, Dict, Optional

from fastapi import APIRouter, Path, Query
from typing_extensions import Annotated

from ..schemas import (
    CreateToolLogResponse,
    ListTools,
    LogResponse,
    ToolLogRequest,
    ToolLogUpdateRequest,
    ToolRequest,
    ToolResponse,
    UpdateToolRequest,
)
from ..services import logs
from .bodies import dump
from .deps import ContextDep
from .file_routes import FileKind, add_file_routes
from .routing import StrictJSONRoute, sdk_extra

router = APIRouter(prefix="/tools", tags=["Tools"], route_class=StrictJSONRoute)


def _sdk(method: str, **kwargs: Any) -> Dict[str, Any]:
    return sdk_extra("tools", method, **kwargs)


TOOLS = FileKind(
    group="tools",
    file_type="tool",
    response=ToolResponse,
    request=ToolRequest,
    update_request=UpdateToolRequest,
    versions_response=ListTools,
)

# The shared file routes (see `file_routes`); the routes specific to Tools follow.
add_file_routes(
    router,
    TOOLS,
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
    response_model=CreateToolLogResponse,
    operation_id="log_tools_log_post",
    summary="Log to a Tool",
    description="Records a Log against a version of the Tool: chosen by `version_id` or `environment`, or by the Tool details in the body (a new version is created when none matches).",
    openapi_extra=_sdk("log"),
)
def log(
    body: ToolLogRequest,
    ctx: ContextDep,
    version_id: Annotated[Optional[str], Query(description="ID of the Tool version to log to.")] = None,
    environment: Annotated[Optional[str], Query(description="Environment whose deployed version to log to.")] = None,
) -> Dict[str, Any]:
    return logs.create_log(ctx, "tool", dump(body, unset=True), version_id=version_id, environment=environment)


@router.patch(
    "/{id}/log/{log_id}",
    response_model=LogResponse,
    operation_id="Tools_update",
    summary="Update a Tool Log",
    description="Changes fields of a Log of the Tool.",
    openapi_extra=_sdk("update"),
)
def update(
    id: Annotated[str, Path(description="ID of the Tool.")],
    log_id: Annotated[str, Path(description="ID of the Log.")],
    body: ToolLogUpdateRequest,
    ctx: ContextDep,
) -> Dict[str, Any]:
    return logs.update_log(ctx, "tool", id, log_id, dump(body, unset=True))
