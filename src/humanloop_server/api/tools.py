"""HTTP routes of /v5/tools: see the summaries below; behaviour lives in `handlers.tools`."""

from __future__ import annotations

from typing import List, Optional

from fastapi import APIRouter, Depends, Path, Query, Response
from typing_extensions import Annotated

from ..schemas import (
    CommitRequest,
    CreateToolLogResponse,
    EvaluatorActivationDeactivationRequest,
    FileEnvironmentResponse,
    ListTools,
    LogResponse,
    PaginatedData,
    ProjectSortBy,
    SortOrder,
    ToolLogRequest,
    ToolLogUpdateRequest,
    ToolRequest,
    ToolResponse,
    UpdateToolRequest,
    VersionStatus,
)
from .deps import RequestContext, get_context
from .handlers import tools as handlers
from .routing import sdk_extra

router = APIRouter(prefix="/tools", tags=["Tools"])


def _sdk(method: str, **kwargs: object) -> dict:
    return sdk_extra("tools", method, **kwargs)


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
    ctx: Annotated[RequestContext, Depends(get_context)],
    version_id: Annotated[Optional[str], Query(description="ID of the Tool version to log to.")] = None,
    environment: Annotated[Optional[str], Query(description="Environment whose deployed version to log to.")] = None,
) -> CreateToolLogResponse:
    return handlers.log(ctx, body, version_id=version_id, environment=environment)


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
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> LogResponse:
    return handlers.update(ctx, id, log_id, body)


@router.get(
    "",
    response_model=PaginatedData[ToolResponse],
    operation_id="list__tools_get",
    summary="List Tools",
    description="Returns one page of the organisation's Tools, optionally filtered by name or creator and sorted.",
    openapi_extra=_sdk("list", paginated=True),
)
def list_tools(
    ctx: Annotated[RequestContext, Depends(get_context)],
    page: Annotated[Optional[int], Query(description="Page number, starting at 1.", ge=1)] = None,
    size: Annotated[Optional[int], Query(description="Number of items per page.")] = None,
    name: Annotated[
        Optional[str], Query(description="Only Tools whose name contains this text (case-insensitive).")
    ] = None,
    user_filter: Annotated[
        Optional[str],
        Query(description="Only files whose creator's name or email contains this text (case-insensitive)."),
    ] = None,
    sort_by: Annotated[Optional[ProjectSortBy], Query(description="Field to sort by.")] = None,
    order: Annotated[Optional[SortOrder], Query(description="Sort direction.")] = None,
) -> PaginatedData[ToolResponse]:
    return handlers.list_tools(
        ctx, page=page, size=size, name=name, user_filter=user_filter, sort_by=sort_by, order=order
    )


@router.post(
    "",
    response_model=ToolResponse,
    operation_id="upsert_tools_post",
    summary="Create or find a Tool version",
    description="Creates the Tool (found by `path` or `id`) and a new version of it, unless a version with the same settings exists; returns that version.",
    openapi_extra=_sdk("upsert"),
)
def upsert(
    body: ToolRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> ToolResponse:
    return handlers.upsert(ctx, body)


@router.get(
    "/{id}",
    response_model=ToolResponse,
    operation_id="get_tools__id__get",
    summary="Get a Tool",
    description="Returns one version of a Tool: the one given by `version_id`, the one deployed to `environment`, or the default deployment.",
    openapi_extra=_sdk("get"),
)
def get(
    id: Annotated[str, Path(description="ID of the Tool.")],
    ctx: Annotated[RequestContext, Depends(get_context)],
    version_id: Annotated[Optional[str], Query(description="ID of the Tool version to return.")] = None,
    environment: Annotated[Optional[str], Query(description="Environment whose deployed version to return.")] = None,
) -> ToolResponse:
    return handlers.get(ctx, id, version_id=version_id, environment=environment)


@router.delete(
    "/{id}",
    status_code=204,
    response_class=Response,
    operation_id="delete_tools__id__delete",
    summary="Delete a Tool",
    description="Deletes the Tool with all its versions.",
    openapi_extra=_sdk("delete"),
)
def delete(
    id: Annotated[str, Path(description="ID of the Tool.")],
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> Response:
    handlers.delete(ctx, id)
    return Response(status_code=204)


@router.patch(
    "/{id}",
    response_model=ToolResponse,
    operation_id="move_tools__id__patch",
    summary="Rename or move a Tool",
    description="Changes the name or the path of a Tool.",
    openapi_extra=_sdk("move"),
)
def move(
    id: Annotated[str, Path(description="ID of the Tool.")],
    body: UpdateToolRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> ToolResponse:
    return handlers.move(ctx, id, body)


@router.get(
    "/{id}/versions",
    response_model=ListTools,
    operation_id="list_versions_tools__id__versions_get",
    summary="List versions of a Tool",
    description="Returns every version of a Tool, optionally filtered by status.",
    openapi_extra=_sdk("list_versions"),
)
def list_versions(
    id: Annotated[str, Path(description="ID of the Tool.")],
    ctx: Annotated[RequestContext, Depends(get_context)],
    status: Annotated[Optional[VersionStatus], Query(description="Only versions with this status.")] = None,
    evaluator_aggregates: Annotated[
        Optional[bool], Query(description="Whether to include the aggregated judgments of Evaluators.")
    ] = None,
) -> ListTools:
    return handlers.list_versions(ctx, id, status=status, evaluator_aggregates=evaluator_aggregates)


@router.post(
    "/{id}/versions/{version_id}/commit",
    response_model=ToolResponse,
    operation_id="commit_tools__id__versions__version_id__commit_post",
    summary="Commit a Tool version",
    description="Marks a version of a Tool as committed, with a message describing it.",
    openapi_extra=_sdk("commit"),
)
def commit(
    id: Annotated[str, Path(description="ID of the Tool.")],
    version_id: Annotated[str, Path(description="ID of a version.")],
    body: CommitRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> ToolResponse:
    return handlers.commit(ctx, id, version_id, body)


@router.post(
    "/{id}/environments/{environment_id}",
    response_model=ToolResponse,
    operation_id="set_deployment_tools__id__environments__environment_id__post",
    summary="Deploy a Tool version",
    description="Deploys a version of a Tool to an environment, replacing the version deployed there.",
    openapi_extra=_sdk("set_deployment"),
)
def set_deployment(
    id: Annotated[str, Path(description="ID of the Tool.")],
    environment_id: Annotated[str, Path(description="ID of the environment.")],
    version_id: Annotated[str, Query(description="ID of a version.")],
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> ToolResponse:
    return handlers.set_deployment(ctx, id, environment_id, version_id=version_id)


@router.delete(
    "/{id}/environments/{environment_id}",
    status_code=204,
    response_class=Response,
    operation_id="remove_deployment_tools__id__environments__environment_id__delete",
    summary="Remove a Tool deployment",
    description="Removes whatever version of a Tool is deployed to an environment.",
    openapi_extra=_sdk("remove_deployment"),
)
def remove_deployment(
    id: Annotated[str, Path(description="ID of the Tool.")],
    environment_id: Annotated[str, Path(description="ID of the environment.")],
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> Response:
    handlers.remove_deployment(ctx, id, environment_id)
    return Response(status_code=204)


@router.get(
    "/{id}/environments",
    response_model=List[FileEnvironmentResponse],
    operation_id="list_environments_tools__id__environments_get",
    summary="List environments of a Tool",
    description="Returns every environment with the version of the Tool deployed to it, if any.",
    openapi_extra=_sdk("list_environments"),
)
def list_environments(
    id: Annotated[str, Path(description="ID of the Tool.")],
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> List[FileEnvironmentResponse]:
    return handlers.list_environments(ctx, id)


@router.post(
    "/{id}/evaluators",
    response_model=ToolResponse,
    operation_id="update_monitoring_tools__id__evaluators_post",
    summary="Change monitoring of a Tool",
    description="Turns Evaluators on or off for judging new Logs of the Tool.",
    openapi_extra=_sdk("update_monitoring"),
)
def update_monitoring(
    id: Annotated[str, Path(description="ID of the Tool.")],
    body: EvaluatorActivationDeactivationRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> ToolResponse:
    return handlers.update_monitoring(ctx, id, body)
