"""HTTP routes of /v5/evaluators: see the summaries below; behaviour lives in `handlers.evaluators`."""

from __future__ import annotations

from typing import List, Optional

from fastapi import APIRouter, Depends, Path, Query, Response
from typing_extensions import Annotated

from ..schemas import (
    CommitRequest,
    CreateEvaluatorLogRequest,
    CreateEvaluatorLogResponse,
    EvaluatorActivationDeactivationRequest,
    EvaluatorResponse,
    FileEnvironmentResponse,
    ListEvaluators,
    PaginatedData,
    ProjectSortBy,
    SortOrder,
    UpdateEvaluatorRequest,
    VersionStatus,
)
from ..schemas.evaluators import EvaluatorRequest
from .deps import RequestContext, get_context
from .handlers import evaluators as handlers
from .routing import sdk_extra

router = APIRouter(prefix="/evaluators", tags=["Evaluators"])


def _sdk(method: str, **kwargs: object) -> dict:
    return sdk_extra("evaluators", method, **kwargs)


@router.post(
    "/log",
    response_model=CreateEvaluatorLogResponse,
    operation_id="log_evaluators_log_post",
    summary="evaluators log",
    openapi_extra=_sdk("log"),
)
def log(
    body: CreateEvaluatorLogRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
    version_id: Annotated[Optional[str], Query()] = None,
    environment: Annotated[Optional[str], Query()] = None,
) -> CreateEvaluatorLogResponse:
    return handlers.log(ctx, body, version_id=version_id, environment=environment)


@router.get(
    "",
    response_model=PaginatedData[EvaluatorResponse],
    operation_id="list__evaluators_get",
    summary="evaluators list",
    openapi_extra=_sdk("list", paginated=True),
)
def list_evaluators(
    ctx: Annotated[RequestContext, Depends(get_context)],
    page: Annotated[Optional[int], Query(ge=1)] = None,
    size: Annotated[Optional[int], Query()] = None,
    name: Annotated[Optional[str], Query()] = None,
    user_filter: Annotated[Optional[str], Query()] = None,
    sort_by: Annotated[Optional[ProjectSortBy], Query()] = None,
    order: Annotated[Optional[SortOrder], Query()] = None,
) -> PaginatedData[EvaluatorResponse]:
    return handlers.list_evaluators(
        ctx, page=page, size=size, name=name, user_filter=user_filter, sort_by=sort_by, order=order
    )


@router.post(
    "",
    response_model=EvaluatorResponse,
    operation_id="upsert_evaluators_post",
    summary="evaluators upsert",
    openapi_extra=_sdk("upsert"),
)
def upsert(
    body: EvaluatorRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> EvaluatorResponse:
    return handlers.upsert(ctx, body)


@router.get(
    "/{id}",
    response_model=EvaluatorResponse,
    operation_id="get_evaluators__id__get",
    summary="evaluators get",
    openapi_extra=_sdk("get"),
)
def get(
    id: Annotated[str, Path()],
    ctx: Annotated[RequestContext, Depends(get_context)],
    version_id: Annotated[Optional[str], Query()] = None,
    environment: Annotated[Optional[str], Query()] = None,
) -> EvaluatorResponse:
    return handlers.get(ctx, id, version_id=version_id, environment=environment)


@router.delete(
    "/{id}",
    status_code=204,
    response_class=Response,
    operation_id="delete_evaluators__id__delete",
    summary="evaluators delete",
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
    response_model=EvaluatorResponse,
    operation_id="move_evaluators__id__patch",
    summary="evaluators move",
    openapi_extra=_sdk("move"),
)
def move(
    id: Annotated[str, Path()],
    body: UpdateEvaluatorRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> EvaluatorResponse:
    return handlers.move(ctx, id, body)


@router.get(
    "/{id}/versions",
    response_model=ListEvaluators,
    operation_id="list_versions_evaluators__id__versions_get",
    summary="evaluators list_versions",
    openapi_extra=_sdk("list_versions"),
)
def list_versions(
    id: Annotated[str, Path()],
    ctx: Annotated[RequestContext, Depends(get_context)],
    status: Annotated[Optional[VersionStatus], Query()] = None,
    evaluator_aggregates: Annotated[Optional[bool], Query()] = None,
) -> ListEvaluators:
    return handlers.list_versions(ctx, id, status=status, evaluator_aggregates=evaluator_aggregates)


@router.post(
    "/{id}/versions/{version_id}/commit",
    response_model=EvaluatorResponse,
    operation_id="commit_evaluators__id__versions__version_id__commit_post",
    summary="evaluators commit",
    openapi_extra=_sdk("commit"),
)
def commit(
    id: Annotated[str, Path()],
    version_id: Annotated[str, Path()],
    body: CommitRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> EvaluatorResponse:
    return handlers.commit(ctx, id, version_id, body)


@router.post(
    "/{id}/environments/{environment_id}",
    response_model=EvaluatorResponse,
    operation_id="set_deployment_evaluators__id__environments__environment_id__post",
    summary="evaluators set_deployment",
    openapi_extra=_sdk("set_deployment"),
)
def set_deployment(
    id: Annotated[str, Path()],
    environment_id: Annotated[str, Path()],
    version_id: Annotated[str, Query()],
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> EvaluatorResponse:
    return handlers.set_deployment(ctx, id, environment_id, version_id=version_id)


@router.delete(
    "/{id}/environments/{environment_id}",
    status_code=204,
    response_class=Response,
    operation_id="remove_deployment_evaluators__id__environments__environment_id__delete",
    summary="evaluators remove_deployment",
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
    operation_id="list_environments_evaluators__id__environments_get",
    summary="evaluators list_environments",
    openapi_extra=_sdk("list_environments"),
)
def list_environments(
    id: Annotated[str, Path()],
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> List[FileEnvironmentResponse]:
    return handlers.list_environments(ctx, id)


@router.post(
    "/{id}/evaluators",
    response_model=EvaluatorResponse,
    operation_id="update_monitoring_evaluators__id__evaluators_post",
    summary="evaluators update_monitoring",
    openapi_extra=_sdk("update_monitoring"),
)
def update_monitoring(
    id: Annotated[str, Path()],
    body: EvaluatorActivationDeactivationRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> EvaluatorResponse:
    return handlers.update_monitoring(ctx, id, body)
