"""HTTP routes of /v5/tools: the routes every file kind shares come from `file_routes`, the ones
specific to Tools are written out below; behaviour lives in `services` (`files`, `logs`)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from fastapi import APIRouter, Path, Query
from typing_extensions import Annotated

from ..schemas import (
    CreateToolLogResponse,
    FileEnvironmentVariableRequest,
    ListTools,
    LogResponse,
    ToolCallRequest,
    ToolCallResponse,
    ToolLogRequest,
    ToolLogUpdateRequest,
    ToolRequest,
    ToolResponse,
    UpdateToolRequest,
)
from ..services import logs, tool_calls
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


@router.post(
    "/call",
    response_model=ToolCallResponse,
    operation_id="call_tools_call_post",
    summary="Run a Tool",
    description="Runs a Tool version defined by Python `source_code` in the server's sandbox with the `inputs` as keyword arguments, and logs the run (its return value is the output). Tools without source code cannot be run here (422).",
    openapi_extra=_sdk("call"),
)
def call(
    body: ToolCallRequest,
    ctx: ContextDep,
    version_id: Annotated[Optional[str], Query(description="ID of the Tool version to run.")] = None,
    environment: Annotated[Optional[str], Query(description="Environment whose deployed version to run.")] = None,
) -> Dict[str, Any]:
    return tool_calls.call_tool(ctx, dump(body, unset=True), version_id=version_id, environment=environment)


@router.get(
    "/{id}/environment-variables",
    response_model=List[FileEnvironmentVariableRequest],
    operation_id="get_environment_variables_tools__id__environment_variables_get",
    summary="List a Tool's environment variables",
    description="Returns the Tool's environment variables by name; values are masked.",
    openapi_extra=_sdk("get_environment_variables"),
)
def get_environment_variables(
    id: Annotated[str, Path(description="ID of the Tool.")], ctx: ContextDep
) -> List[Dict[str, Any]]:
    return tool_calls.list_variables(ctx, id)


@router.post(
    "/{id}/environment-variables",
    response_model=List[FileEnvironmentVariableRequest],
    operation_id="add_environment_variable_tools__id__environment_variables_post",
    summary="Set environment variables of a Tool",
    description="Sets each variable in the body (a name already set takes the new value) and returns them all, masked. `tools.call` runs the Tool with them in `os.environ`.",
    openapi_extra=_sdk("add_environment_variable"),
)
def add_environment_variable(
    id: Annotated[str, Path(description="ID of the Tool.")],
    body: List[FileEnvironmentVariableRequest],
    ctx: ContextDep,
) -> List[Dict[str, Any]]:
    return tool_calls.add_variables(ctx, id, [item.model_dump() for item in body])


@router.delete(
    "/{id}/environment-variables/{name}",
    response_model=List[FileEnvironmentVariableRequest],
    operation_id="delete_environment_variable_tools__id__environment_variables__name__delete",
    summary="Remove an environment variable of a Tool",
    description="Removes the named variable (404 when the Tool has none by that name) and returns the others, masked.",
    openapi_extra=_sdk("delete_environment_variable"),
)
def delete_environment_variable(
    id: Annotated[str, Path(description="ID of the Tool.")],
    name: Annotated[str, Path(description="Name of the variable.")],
    ctx: ContextDep,
) -> List[Dict[str, Any]]:
    return tool_calls.delete_variable(ctx, id, name)
