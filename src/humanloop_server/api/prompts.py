"""HTTP routes of /v5/prompts: see the summaries below; behaviour lives in `handlers.prompts`."""

from __future__ import annotations

from typing import List, Optional, Union

from fastapi import APIRouter, Depends, Path, Query, Response
from typing_extensions import Annotated

from ..schemas import (
    CommitRequest,
    CreatePromptLogResponse,
    EvaluatorActivationDeactivationRequest,
    FileEnvironmentResponse,
    ListPrompts,
    LogResponse,
    PaginatedData,
    ProjectSortBy,
    PromptCallRequest,
    PromptCallResponse,
    PromptCallStreamResponse,
    PromptLogRequest,
    PromptLogUpdateRequest,
    PromptRequest,
    PromptResponse,
    SortOrder,
    UpdatePromptRequest,
    VersionStatus,
)
from .deps import RequestContext, get_context
from .handlers import prompts as handlers
from .routing import STREAMING, sdk_extra

router = APIRouter(prefix="/prompts", tags=["Prompts"])


def _sdk(method: str, **kwargs: object) -> dict:
    return sdk_extra("prompts", method, **kwargs)


@router.post(
    "/log",
    response_model=CreatePromptLogResponse,
    operation_id="log_prompts_log_post",
    summary="prompts log",
    openapi_extra=_sdk("log"),
)
def log(
    body: PromptLogRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
    version_id: Annotated[Optional[str], Query()] = None,
    environment: Annotated[Optional[str], Query()] = None,
) -> CreatePromptLogResponse:
    return handlers.log(ctx, body, version_id=version_id, environment=environment)


@router.patch(
    "/{id}/log/{log_id}",
    response_model=LogResponse,
    operation_id="update_log_prompts__id__log__log_id__patch",
    summary="prompts update_log",
    openapi_extra=_sdk("update_log"),
)
def update_log(
    id: Annotated[str, Path()],
    log_id: Annotated[str, Path()],
    body: PromptLogUpdateRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> LogResponse:
    return handlers.update_log(ctx, id, log_id, body)


@router.post(
    "/call",
    response_model=Union[PromptCallResponse, PromptCallStreamResponse],
    operation_id="call_prompts_call_post",
    summary="prompts call",
    openapi_extra=_sdk("call", streaming=STREAMING),
)
def call(
    body: PromptCallRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
    version_id: Annotated[Optional[str], Query()] = None,
    environment: Annotated[Optional[str], Query()] = None,
) -> Union[PromptCallResponse, PromptCallStreamResponse]:
    return handlers.call(ctx, body, version_id=version_id, environment=environment)


@router.get(
    "",
    response_model=PaginatedData[PromptResponse],
    operation_id="list__prompts_get",
    summary="prompts list",
    openapi_extra=_sdk("list", paginated=True),
)
def list_prompts(
    ctx: Annotated[RequestContext, Depends(get_context)],
    page: Annotated[Optional[int], Query(ge=1)] = None,
    size: Annotated[Optional[int], Query(ge=0)] = None,
    name: Annotated[Optional[str], Query()] = None,
    user_filter: Annotated[Optional[str], Query()] = None,
    sort_by: Annotated[Optional[ProjectSortBy], Query()] = None,
    order: Annotated[Optional[SortOrder], Query()] = None,
) -> PaginatedData[PromptResponse]:
    return handlers.list_prompts(
        ctx, page=page, size=size, name=name, user_filter=user_filter, sort_by=sort_by, order=order
    )


@router.post(
    "",
    response_model=PromptResponse,
    operation_id="upsert_prompts_post",
    summary="prompts upsert",
    openapi_extra=_sdk("upsert"),
)
def upsert(
    body: PromptRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> PromptResponse:
    return handlers.upsert(ctx, body)


@router.get(
    "/{id}",
    response_model=PromptResponse,
    operation_id="get_prompts__id__get",
    summary="prompts get",
    openapi_extra=_sdk("get"),
)
def get(
    id: Annotated[str, Path()],
    ctx: Annotated[RequestContext, Depends(get_context)],
    version_id: Annotated[Optional[str], Query()] = None,
    environment: Annotated[Optional[str], Query()] = None,
) -> PromptResponse:
    return handlers.get(ctx, id, version_id=version_id, environment=environment)


@router.delete(
    "/{id}",
    status_code=204,
    response_class=Response,
    operation_id="delete_prompts__id__delete",
    summary="prompts delete",
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
    response_model=PromptResponse,
    operation_id="move_prompts__id__patch",
    summary="prompts move",
    openapi_extra=_sdk("move"),
)
def move(
    id: Annotated[str, Path()],
    body: UpdatePromptRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> PromptResponse:
    return handlers.move(ctx, id, body)


@router.get(
    "/{id}/versions",
    response_model=ListPrompts,
    operation_id="list_versions_prompts__id__versions_get",
    summary="prompts list_versions",
    openapi_extra=_sdk("list_versions"),
)
def list_versions(
    id: Annotated[str, Path()],
    ctx: Annotated[RequestContext, Depends(get_context)],
    status: Annotated[Optional[VersionStatus], Query()] = None,
    evaluator_aggregates: Annotated[Optional[bool], Query()] = None,
) -> ListPrompts:
    return handlers.list_versions(ctx, id, status=status, evaluator_aggregates=evaluator_aggregates)


@router.post(
    "/{id}/versions/{version_id}/commit",
    response_model=PromptResponse,
    operation_id="commit_prompts__id__versions__version_id__commit_post",
    summary="prompts commit",
    openapi_extra=_sdk("commit"),
)
def commit(
    id: Annotated[str, Path()],
    version_id: Annotated[str, Path()],
    body: CommitRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> PromptResponse:
    return handlers.commit(ctx, id, version_id, body)


@router.post(
    "/{id}/environments/{environment_id}",
    response_model=PromptResponse,
    operation_id="set_deployment_prompts__id__environments__environment_id__post",
    summary="prompts set_deployment",
    openapi_extra=_sdk("set_deployment"),
)
def set_deployment(
    id: Annotated[str, Path()],
    environment_id: Annotated[str, Path()],
    version_id: Annotated[str, Query()],
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> PromptResponse:
    return handlers.set_deployment(ctx, id, environment_id, version_id=version_id)


@router.delete(
    "/{id}/environments/{environment_id}",
    status_code=204,
    response_class=Response,
    operation_id="remove_deployment_prompts__id__environments__environment_id__delete",
    summary="prompts remove_deployment",
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
    operation_id="list_environments_prompts__id__environments_get",
    summary="prompts list_environments",
    openapi_extra=_sdk("list_environments"),
)
def list_environments(
    id: Annotated[str, Path()],
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> List[FileEnvironmentResponse]:
    return handlers.list_environments(ctx, id)


@router.post(
    "/{id}/evaluators",
    response_model=PromptResponse,
    operation_id="update_monitoring_prompts__id__evaluators_post",
    summary="prompts update_monitoring",
    openapi_extra=_sdk("update_monitoring"),
)
def update_monitoring(
    id: Annotated[str, Path()],
    body: EvaluatorActivationDeactivationRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> PromptResponse:
    return handlers.update_monitoring(ctx, id, body)
