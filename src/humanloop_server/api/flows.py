"""HTTP routes of /v5/flows: see the summaries below; behaviour lives in `handlers.flows`."""

from __future__ import annotations

from typing import List, Optional

from fastapi import APIRouter, Depends, Path, Query, Response
from typing_extensions import Annotated

from ..schemas import (
    CommitRequest,
    CreateFlowLogResponse,
    EvaluatorActivationDeactivationRequest,
    FileEnvironmentResponse,
    FlowLogRequest,
    FlowLogResponse,
    FlowRequest,
    FlowResponse,
    ListFlows,
    PaginatedData,
    ProjectSortBy,
    SortOrder,
    UpdateFlowRequest,
    UpdateTraceRequest,
    VersionStatus,
)
from .deps import RequestContext, get_context
from .handlers import flows as handlers
from .routing import sdk_extra

router = APIRouter(prefix="/flows", tags=["Flows"])


def _sdk(method: str, **kwargs: object) -> dict:
    return sdk_extra("flows", method, **kwargs)


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
    ctx: Annotated[RequestContext, Depends(get_context)],
    version_id: Annotated[Optional[str], Query(description="ID of the Flow version to log to.")] = None,
    environment: Annotated[Optional[str], Query(description="Environment whose deployed version to log to.")] = None,
) -> CreateFlowLogResponse:
    return handlers.log(ctx, body, version_id=version_id, environment=environment)


@router.get(
    "/{id}",
    response_model=FlowResponse,
    operation_id="get_flows__id__get",
    summary="Get a Flow",
    description="Returns one version of a Flow: the one given by `version_id`, the one deployed to `environment`, or the default deployment.",
    openapi_extra=_sdk("get"),
)
def get(
    id: Annotated[str, Path(description="ID of the Flow.")],
    ctx: Annotated[RequestContext, Depends(get_context)],
    version_id: Annotated[Optional[str], Query(description="ID of the Flow version to return.")] = None,
    environment: Annotated[Optional[str], Query(description="Environment whose deployed version to return.")] = None,
) -> FlowResponse:
    return handlers.get(ctx, id, version_id=version_id, environment=environment)


@router.delete(
    "/{id}",
    status_code=204,
    response_class=Response,
    operation_id="delete_flows__id__delete",
    summary="Delete a Flow",
    description="Deletes the Flow with all its versions.",
    openapi_extra=_sdk("delete"),
)
def delete(
    id: Annotated[str, Path(description="ID of the Flow.")],
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> Response:
    handlers.delete(ctx, id)
    return Response(status_code=204)


@router.patch(
    "/{id}",
    response_model=FlowResponse,
    operation_id="move_flows__id__patch",
    summary="Rename or move a Flow",
    description="Changes the name or the path of a Flow.",
    openapi_extra=_sdk("move"),
)
def move(
    id: Annotated[str, Path(description="ID of the Flow.")],
    body: UpdateFlowRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> FlowResponse:
    return handlers.move(ctx, id, body)


@router.get(
    "",
    response_model=PaginatedData[FlowResponse],
    operation_id="list__flows_get",
    summary="List Flows",
    description="Returns one page of the organisation's Flows, optionally filtered by name or creator and sorted.",
    openapi_extra=_sdk("list", paginated=True),
)
def list_flows(
    ctx: Annotated[RequestContext, Depends(get_context)],
    page: Annotated[Optional[int], Query(description="Page number, starting at 1.", ge=1)] = None,
    size: Annotated[Optional[int], Query(description="Number of items per page.", ge=0)] = None,
    name: Annotated[
        Optional[str], Query(description="Only Flows whose name contains this text (case-insensitive).")
    ] = None,
    user_filter: Annotated[
        Optional[str],
        Query(description="Only files whose creator's name or email contains this text (case-insensitive)."),
    ] = None,
    sort_by: Annotated[Optional[ProjectSortBy], Query(description="Field to sort by.")] = None,
    order: Annotated[Optional[SortOrder], Query(description="Sort direction.")] = None,
) -> PaginatedData[FlowResponse]:
    return handlers.list_flows(
        ctx, page=page, size=size, name=name, user_filter=user_filter, sort_by=sort_by, order=order
    )


@router.post(
    "",
    response_model=FlowResponse,
    operation_id="upsert_flows_post",
    summary="Create or find a Flow version",
    description="Creates the Flow (found by `path` or `id`) and a new version of it, unless a version with the same settings exists; returns that version.",
    openapi_extra=_sdk("upsert"),
)
def upsert(
    body: FlowRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> FlowResponse:
    return handlers.upsert(ctx, body)


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
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> FlowLogResponse:
    return handlers.update_log(ctx, log_id, body)


@router.get(
    "/{id}/versions",
    response_model=ListFlows,
    operation_id="list_versions_flows__id__versions_get",
    summary="List versions of a Flow",
    description="Returns every version of a Flow, optionally filtered by status.",
    openapi_extra=_sdk("list_versions"),
)
def list_versions(
    id: Annotated[str, Path(description="ID of the Flow.")],
    ctx: Annotated[RequestContext, Depends(get_context)],
    status: Annotated[Optional[VersionStatus], Query(description="Only versions with this status.")] = None,
    evaluator_aggregates: Annotated[
        Optional[bool], Query(description="Whether to include the aggregated judgments of Evaluators.")
    ] = None,
) -> ListFlows:
    return handlers.list_versions(ctx, id, status=status, evaluator_aggregates=evaluator_aggregates)


@router.post(
    "/{id}/versions/{version_id}/commit",
    response_model=FlowResponse,
    operation_id="commit_flows__id__versions__version_id__commit_post",
    summary="Commit a Flow version",
    description="Marks a version of a Flow as committed, with a message describing it.",
    openapi_extra=_sdk("commit"),
)
def commit(
    id: Annotated[str, Path(description="ID of the Flow.")],
    version_id: Annotated[str, Path(description="ID of a version.")],
    body: CommitRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> FlowResponse:
    return handlers.commit(ctx, id, version_id, body)


@router.post(
    "/{id}/environments/{environment_id}",
    response_model=FlowResponse,
    operation_id="set_deployment_flows__id__environments__environment_id__post",
    summary="Deploy a Flow version",
    description="Deploys a version of a Flow to an environment, replacing the version deployed there.",
    openapi_extra=_sdk("set_deployment"),
)
def set_deployment(
    id: Annotated[str, Path(description="ID of the Flow.")],
    environment_id: Annotated[str, Path(description="ID of the environment.")],
    version_id: Annotated[str, Query(description="ID of a version.")],
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> FlowResponse:
    return handlers.set_deployment(ctx, id, environment_id, version_id=version_id)


@router.delete(
    "/{id}/environments/{environment_id}",
    status_code=204,
    response_class=Response,
    operation_id="remove_deployment_flows__id__environments__environment_id__delete",
    summary="Remove a Flow deployment",
    description="Removes whatever version of a Flow is deployed to an environment.",
    openapi_extra=_sdk("remove_deployment"),
)
def remove_deployment(
    id: Annotated[str, Path(description="ID of the Flow.")],
    environment_id: Annotated[str, Path(description="ID of the environment.")],
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> Response:
    handlers.remove_deployment(ctx, id, environment_id)
    return Response(status_code=204)


@router.get(
    "/{id}/environments",
    response_model=List[FileEnvironmentResponse],
    operation_id="list_environments_flows__id__environments_get",
    summary="List environments of a Flow",
    description="Returns every environment with the version of the Flow deployed to it, if any.",
    openapi_extra=_sdk("list_environments"),
)
def list_environments(
    id: Annotated[str, Path(description="ID of the Flow.")],
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> List[FileEnvironmentResponse]:
    return handlers.list_environments(ctx, id)


@router.post(
    "/{id}/evaluators",
    response_model=FlowResponse,
    operation_id="update_monitoring_flows__id__evaluators_post",
    summary="Change monitoring of a Flow",
    description="Turns Evaluators on or off for judging new Logs of the Flow.",
    openapi_extra=_sdk("update_monitoring"),
)
def update_monitoring(
    id: Annotated[str, Path(description="ID of the Flow.")],
    body: EvaluatorActivationDeactivationRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> FlowResponse:
    return handlers.update_monitoring(ctx, id, body)
