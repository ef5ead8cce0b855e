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
    summary="tools log",
    openapi_extra=_sdk("log"),
)
def log(
    body: ToolLogRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
    version_id: Annotated[Optional[str], Query()] = None,
    environment: Annotated[Optional[str], Query()] = None,
) -> CreateToolLogResponse:
    return handlers.log(ctx, body, version_id=version_id, environment=environment)


@router.patch(
    "/{id}/log/{log_id}",
    response_model=LogResponse,
    operation_id="Tools_update",
    summary="tools update",
    openapi_extra=_sdk("update"),
)
def update(
    id: Annotated[str, Path()],
    log_id: Annotated[str, Path()],
    body: ToolLogUpdateRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> LogResponse:
    return handlers.update(ctx, id, log_id, body)


@router.get(
    "",
    response_model=PaginatedData[ToolResponse],
    operation_id="list__tools_get",
    summary="tools list",
    openapi_extra=_sdk("list", paginated=True),
)
def list_tools(
    ctx: Annotated[RequestContext, Depends(get_context)],
    page: Annotated[Optional[int], Query(ge=1)] = None,
    size: Annotated[Optional[int], Query()] = None,
    name: Annotated[Optional[str], Query()] = None,
    user_filter: Annotated[Optional[str], Query()] = None,
    sort_by: Annotated[Optional[ProjectSortBy], Query()] = None,
    order: Annotated[Optional[SortOrder], Query()] = None,
) -> PaginatedData[ToolResponse]:
    return handlers.list_tools(
        ctx, page=page, size=size, name=name, user_filter=user_filter, sort_by=sort_by, order=order
    )


@router.post(
    "",
    response_model=ToolResponse,
    operation_id="upsert_tools_post",
    summary="tools upsert",
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
    summary="tools get",
    openapi_extra=_sdk("get"),
)
def get(
    id: Annotated[str, Path()],
    ctx: Annotated[RequestContext, Depends(get_context)],
    version_id: Annotated[Optional[str], Query()] = None,
    environment: Annotated[Optional[str], Query()] = None,
) -> ToolResponse:
    return handlers.get(ctx, id, version_id=version_id, environment=environment)


@router.delete(
    "/{id}",
    status_code=204,
    response_class=Response,
    operation_id="delete_tools__id__delete",
    summary="tools delete",
    openapi_extra=_sdk("delete"),
)
def delete(
    id: Annotated[str, Path()],
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> Response:
    handlers.delete(ctx, id)
    return Response(status_code=204)


@router.patch(
    "/{id}",
    response_model=ToolResponse,
    operation_id="move_tools__id__patch",
    summary="tools move",
    openapi_extra=_sdk("move"),
)
def move(
    id: Annotated[str, Path()],
    body: UpdateToolRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> ToolResponse:
    return handlers.move(ctx, id, body)


@router.get(
    "/{id}/versions",
    response_model=ListTools,
    operation_id="list_versions_tools__id__versions_get",
    summary="tools list_versions",
    openapi_extra=_sdk("list_versions"),
)
def list_versions(
    id: Annotated[str, Path()],
    ctx: Annotated[RequestContext, Depends(get_context)],
    status: Annotated[Optional[VersionStatus], Query()] = None,
    evaluator_aggregates: Annotated[Optional[bool], Query()] = None,
) -> ListTools:
    return handlers.list_versions(ctx, id, status=status, evaluator_aggregates=evaluator_aggregates)


@router.post(
    "/{id}/versions/{version_id}/commit",
    response_model=ToolResponse,
    operation_id="commit_tools__id__versions__version_id__commit_post",
    summary="tools commit",
    openapi_extra=_sdk("commit"),
)
def commit(
    id: Annotated[str, Path()],
    version_id: Annotated[str, Path()],
    body: CommitRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> ToolResponse:
    return handlers.commit(ctx, id, version_id, body)


@router.post(
    "/{id}/environments/{environment_id}",
    response_model=ToolResponse,
    operation_id="set_deployment_tools__id__environments__environment_id__post",
    summary="tools set_deployment",
    openapi_extra=_sdk("set_deployment"),
)
def set_deployment(
    id: Annotated[str, Path()],
    environment_id: Annotated[str, Path()],
    version_id: Annotated[str, Query()],
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> ToolResponse:
    return handlers.set_deployment(ctx, id, environment_id, version_id=version_id)


@router.delete(
    "/{id}/environments/{environment_id}",
    status_code=204,
    response_class=Response,
    operation_id="remove_deployment_tools__id__environments__environment_id__delete",
    summary="tools remove_deployment",
    openapi_extra=_sdk("remove_deployment"),
)
def remove_deployment(
    id: Annotated[str, Path()],
    environment_id: Annotated[str, Path()],
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> Response:
    handlers.remove_deployment(ctx, id, environment_id)
    return Response(status_code=204)


@router.get(
    "/{id}/environments",
    response_model=List[FileEnvironmentResponse],
    operation_id="list_environments_tools__id__environments_get",
    summary="tools list_environments",
    openapi_extra=_sdk("list_environments"),
)
def list_environments(
    id: Annotated[str, Path()],
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> List[FileEnvironmentResponse]:
    return handlers.list_environments(ctx, id)


@router.post(
    "/{id}/evaluators",
    response_model=ToolResponse,
    operation_id="update_monitoring_tools__id__evaluators_post",
    summary="tools update_monitoring",
    openapi_extra=_sdk("update_monitoring"),
)
def update_monitoring(
    id: Annotated[str, Path()],
    body: EvaluatorActivationDeactivationRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> ToolResponse:
    return handlers.update_monitoring(ctx, id, body)
