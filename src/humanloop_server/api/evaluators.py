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
    summary="Log to a Evaluator",
    description="Records a Log against a version of the Evaluator: chosen by `version_id` or `environment`, or by the Evaluator details in the body (a new version is created when none matches).",
    openapi_extra=_sdk("log"),
)
def log(
    body: CreateEvaluatorLogRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
    version_id: Annotated[Optional[str], Query(description="ID of the Evaluator version to log to.")] = None,
    environment: Annotated[Optional[str], Query(description="Environment whose deployed version to log to.")] = None,
) -> CreateEvaluatorLogResponse:
    return handlers.log(ctx, body, version_id=version_id, environment=environment)


@router.get(
    "",
    response_model=PaginatedData[EvaluatorResponse],
    operation_id="list__evaluators_get",
    summary="List Evaluators",
    description="Returns one page of the organisation's Evaluators, optionally filtered by name or creator and sorted.",
    openapi_extra=_sdk("list", paginated=True),
)
def list_evaluators(
    ctx: Annotated[RequestContext, Depends(get_context)],
    page: Annotated[Optional[int], Query(description="Page number, starting at 1.", ge=1)] = None,
    size: Annotated[Optional[int], Query(description="Number of items per page.")] = None,
    name: Annotated[
        Optional[str], Query(description="Only Evaluators whose name contains this text (case-insensitive).")
    ] = None,
    user_filter: Annotated[
        Optional[str],
        Query(description="Only files whose creator's name or email contains this text (case-insensitive)."),
    ] = None,
    sort_by: Annotated[Optional[ProjectSortBy], Query(description="Field to sort by.")] = None,
    order: Annotated[Optional[SortOrder], Query(description="Sort direction.")] = None,
) -> PaginatedData[EvaluatorResponse]:
    return handlers.list_evaluators(
        ctx, page=page, size=size, name=name, user_filter=user_filter, sort_by=sort_by, order=order
    )


@router.post(
    "",
    response_model=EvaluatorResponse,
    operation_id="upsert_evaluators_post",
    summary="Create or find a Evaluator version",
    description="Creates the Evaluator (found by `path` or `id`) and a new version of it, unless a version with the same settings exists; returns that version.",
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
    summary="Get a Evaluator",
    description="Returns one version of a Evaluator: the one given by `version_id`, the one deployed to `environment`, or the default deployment.",
    openapi_extra=_sdk("get"),
)
def get(
    id: Annotated[str, Path(description="ID of the Evaluator.")],
    ctx: Annotated[RequestContext, Depends(get_context)],
    version_id: Annotated[Optional[str], Query(description="ID of the Evaluator version to return.")] = None,
    environment: Annotated[Optional[str], Query(description="Environment whose deployed version to return.")] = None,
) -> EvaluatorResponse:
    return handlers.get(ctx, id, version_id=version_id, environment=environment)


@router.delete(
    "/{id}",
    status_code=204,
    response_class=Response,
    operation_id="delete_evaluators__id__delete",
    summary="Delete a Evaluator",
    description="Deletes the Evaluator with all its versions.",
    openapi_extra=_sdk("delete"),
)
def delete(
    id: Annotated[str, Path(description="ID of the Evaluator.")],
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> Response:
    handlers.delete(ctx, id)
    return Response(status_code=204)


@router.patch(
    "/{id}",
    response_model=EvaluatorResponse,
    operation_id="move_evaluators__id__patch",
    summary="Rename or move a Evaluator",
    description="Changes the name or the path of a Evaluator.",
    openapi_extra=_sdk("move"),
)
def move(
    id: Annotated[str, Path(description="ID of the Evaluator.")],
    body: UpdateEvaluatorRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> EvaluatorResponse:
    return handlers.move(ctx, id, body)


@router.get(
    "/{id}/versions",
    response_model=ListEvaluators,
    operation_id="list_versions_evaluators__id__versions_get",
    summary="List versions of a Evaluator",
    description="Returns every version of a Evaluator, optionally filtered by status.",
    openapi_extra=_sdk("list_versions"),
)
def list_versions(
    id: Annotated[str, Path(description="ID of the Evaluator.")],
    ctx: Annotated[RequestContext, Depends(get_context)],
    status: Annotated[Optional[VersionStatus], Query(description="Only versions with this status.")] = None,
    evaluator_aggregates: Annotated[
        Optional[bool], Query(description="Whether to include the aggregated judgments of Evaluators.")
    ] = None,
) -> ListEvaluators:
    return handlers.list_versions(ctx, id, status=status, evaluator_aggregates=evaluator_aggregates)


@router.post(
    "/{id}/versions/{version_id}/commit",
    response_model=EvaluatorResponse,
    operation_id="commit_evaluators__id__versions__version_id__commit_post",
    summary="Commit a Evaluator version",
    description="Marks a version of a Evaluator as committed, with a message describing it.",
    openapi_extra=_sdk("commit"),
)
def commit(
    id: Annotated[str, Path(description="ID of the Evaluator.")],
    version_id: Annotated[str, Path(description="ID of a version.")],
    body: CommitRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> EvaluatorResponse:
    return handlers.commit(ctx, id, version_id, body)


@router.post(
    "/{id}/environments/{environment_id}",
    response_model=EvaluatorResponse,
    operation_id="set_deployment_evaluators__id__environments__environment_id__post",
    summary="Deploy a Evaluator version",
    description="Deploys a version of a Evaluator to an environment, replacing the version deployed there.",
    openapi_extra=_sdk("set_deployment"),
)
def set_deployment(
    id: Annotated[str, Path(description="ID of the Evaluator.")],
    environment_id: Annotated[str, Path(description="ID of the environment.")],
    version_id: Annotated[str, Query(description="ID of a version.")],
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> EvaluatorResponse:
    return handlers.set_deployment(ctx, id, environment_id, version_id=version_id)


@router.delete(
    "/{id}/environments/{environment_id}",
    status_code=204,
    response_class=Response,
    operation_id="remove_deployment_evaluators__id__environments__environment_id__delete",
    summary="Remove a Evaluator deployment",
    description="Removes whatever version of a Evaluator is deployed to an environment.",
    openapi_extra=_sdk("remove_deployment"),
)
def remove_deployment(
    id: Annotated[str, Path(description="ID of the Evaluator.")],
    environment_id: Annotated[str, Path(description="ID of the environment.")],
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> Response:
    handlers.remove_deployment(ctx, id, environment_id)
    return Response(status_code=204)


@router.get(
    "/{id}/environments",
    response_model=List[FileEnvironmentResponse],
    operation_id="list_environments_evaluators__id__environments_get",
    summary="List environments of a Evaluator",
    description="Returns every environment with the version of the Evaluator deployed to it, if any.",
    openapi_extra=_sdk("list_environments"),
)
def list_environments(
    id: Annotated[str, Path(description="ID of the Evaluator.")],
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> List[FileEnvironmentResponse]:
    return handlers.list_environments(ctx, id)


@router.post(
    "/{id}/evaluators",
    response_model=EvaluatorResponse,
    operation_id="update_monitoring_evaluators__id__evaluators_post",
    summary="Change monitoring of a Evaluator",
    description="Turns Evaluators on or off for judging new Logs of the Evaluator.",
    openapi_extra=_sdk("update_monitoring"),
)
def update_monitoring(
    id: Annotated[str, Path(description="ID of the Evaluator.")],
    body: EvaluatorActivationDeactivationRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> EvaluatorResponse:
    return handlers.update_monitoring(ctx, id, body)
