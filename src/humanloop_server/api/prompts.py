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
    summary="Log to a Prompt",
    description="Records a Log against a version of the Prompt: chosen by `version_id` or `environment`, or by the Prompt details in the body (a new version is created when none matches).",
    openapi_extra=_sdk("log"),
)
def log(
    body: PromptLogRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
    version_id: Annotated[Optional[str], Query(description="ID of the Prompt version to log to.")] = None,
    environment: Annotated[Optional[str], Query(description="Environment whose deployed version to log to.")] = None,
) -> CreatePromptLogResponse:
    return handlers.log(ctx, body, version_id=version_id, environment=environment)


@router.patch(
    "/{id}/log/{log_id}",
    response_model=LogResponse,
    operation_id="update_log_prompts__id__log__log_id__patch",
    summary="Update a Prompt Log",
    description="Changes fields of a Log of the Prompt, for example to add its output once known.",
    openapi_extra=_sdk("update_log"),
)
def update_log(
    id: Annotated[str, Path(description="ID of the Prompt.")],
    log_id: Annotated[str, Path(description="ID of the Log.")],
    body: PromptLogUpdateRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> LogResponse:
    return handlers.update_log(ctx, id, log_id, body)


@router.post(
    "/call",
    response_model=Union[PromptCallResponse, PromptCallStreamResponse],
    operation_id="call_prompts_call_post",
    summary="Call a Prompt",
    description="Sends the Prompt version to its model provider, logs the result and returns it; with `stream` set the response is a stream of server-sent events.",
    openapi_extra=_sdk("call", streaming=STREAMING),
)
def call(
    body: PromptCallRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
    version_id: Annotated[Optional[str], Query(description="ID of a version.")] = None,
    environment: Annotated[Optional[str], Query(description="Name of an environment.")] = None,
) -> Union[PromptCallResponse, PromptCallStreamResponse]:
    return handlers.call(ctx, body, version_id=version_id, environment=environment)


@router.get(
    "",
    response_model=PaginatedData[PromptResponse],
    operation_id="list__prompts_get",
    summary="List Prompts",
    description="Returns one page of the organisation's Prompts, optionally filtered by name or creator and sorted.",
    openapi_extra=_sdk("list", paginated=True),
)
def list_prompts(
    ctx: Annotated[RequestContext, Depends(get_context)],
    page: Annotated[Optional[int], Query(description="Page number, starting at 1.", ge=1)] = None,
    size: Annotated[Optional[int], Query(description="Number of items per page.", ge=0)] = None,
    name: Annotated[
        Optional[str], Query(description="Only Prompts whose name contains this text (case-insensitive).")
    ] = None,
    user_filter: Annotated[
        Optional[str],
        Query(description="Only files whose creator's name or email contains this text (case-insensitive)."),
    ] = None,
    sort_by: Annotated[Optional[ProjectSortBy], Query(description="Field to sort by.")] = None,
    order: Annotated[Optional[SortOrder], Query(description="Sort direction.")] = None,
) -> PaginatedData[PromptResponse]:
    return handlers.list_prompts(
        ctx, page=page, size=size, name=name, user_filter=user_filter, sort_by=sort_by, order=order
    )


@router.post(
    "",
    response_model=PromptResponse,
    operation_id="upsert_prompts_post",
    summary="Create or find a Prompt version",
    description="Creates the Prompt (found by `path` or `id`) and a new version of it, unless a version with the same settings exists; returns that version.",
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
    summary="Get a Prompt",
    description="Returns one version of a Prompt: the one given by `version_id`, the one deployed to `environment`, or the default deployment.",
    openapi_extra=_sdk("get"),
)
def get(
    id: Annotated[str, Path(description="ID of the Prompt.")],
    ctx: Annotated[RequestContext, Depends(get_context)],
    version_id: Annotated[Optional[str], Query(description="ID of the Prompt version to return.")] = None,
    environment: Annotated[Optional[str], Query(description="Environment whose deployed version to return.")] = None,
) -> PromptResponse:
    return handlers.get(ctx, id, version_id=version_id, environment=environment)


@router.delete(
    "/{id}",
    status_code=204,
    response_class=Response,
    operation_id="delete_prompts__id__delete",
    summary="Delete a Prompt",
    description="Deletes the Prompt with all its versions.",
    openapi_extra=_sdk("delete"),
)
def delete(
    id: Annotated[str, Path(description="ID of the Prompt.")],
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> Response:
    handlers.delete(ctx, id)
    return Response(status_code=204)


@router.patch(
    "/{id}",
    response_model=PromptResponse,
    operation_id="move_prompts__id__patch",
    summary="Rename or move a Prompt",
    description="Changes the name or the path of a Prompt.",
    openapi_extra=_sdk("move"),
)
def move(
    id: Annotated[str, Path(description="ID of the Prompt.")],
    body: UpdatePromptRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> PromptResponse:
    return handlers.move(ctx, id, body)


@router.get(
    "/{id}/versions",
    response_model=ListPrompts,
    operation_id="list_versions_prompts__id__versions_get",
    summary="List versions of a Prompt",
    description="Returns every version of a Prompt, optionally filtered by status.",
    openapi_extra=_sdk("list_versions"),
)
def list_versions(
    id: Annotated[str, Path(description="ID of the Prompt.")],
    ctx: Annotated[RequestContext, Depends(get_context)],
    status: Annotated[Optional[VersionStatus], Query(description="Only versions with this status.")] = None,
    evaluator_aggregates: Annotated[
        Optional[bool], Query(description="Whether to include the aggregated judgments of Evaluators.")
    ] = None,
) -> ListPrompts:
    return handlers.list_versions(ctx, id, status=status, evaluator_aggregates=evaluator_aggregates)


@router.post(
    "/{id}/versions/{version_id}/commit",
    response_model=PromptResponse,
    operation_id="commit_prompts__id__versions__version_id__commit_post",
    summary="Commit a Prompt version",
    description="Marks a version of a Prompt as committed, with a message describing it.",
    openapi_extra=_sdk("commit"),
)
def commit(
    id: Annotated[str, Path(description="ID of the Prompt.")],
    version_id: Annotated[str, Path(description="ID of a version.")],
    body: CommitRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> PromptResponse:
    return handlers.commit(ctx, id, version_id, body)


@router.post(
    "/{id}/environments/{environment_id}",
    response_model=PromptResponse,
    operation_id="set_deployment_prompts__id__environments__environment_id__post",
    summary="Deploy a Prompt version",
    description="Deploys a version of a Prompt to an environment, replacing the version deployed there.",
    openapi_extra=_sdk("set_deployment"),
)
def set_deployment(
    id: Annotated[str, Path(description="ID of the Prompt.")],
    environment_id: Annotated[str, Path(description="ID of the environment.")],
    version_id: Annotated[str, Query(description="ID of a version.")],
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> PromptResponse:
    return handlers.set_deployment(ctx, id, environment_id, version_id=version_id)


@router.delete(
    "/{id}/environments/{environment_id}",
    status_code=204,
    response_class=Response,
    operation_id="remove_deployment_prompts__id__environments__environment_id__delete",
    summary="Remove a Prompt deployment",
    description="Removes whatever version of a Prompt is deployed to an environment.",
    openapi_extra=_sdk("remove_deployment"),
)
def remove_deployment(
    id: Annotated[str, Path(description="ID of the Prompt.")],
    environment_id: Annotated[str, Path(description="ID of the environment.")],
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> Response:
    handlers.remove_deployment(ctx, id, environment_id)
    return Response(status_code=204)


@router.get(
    "/{id}/environments",
    response_model=List[FileEnvironmentResponse],
    operation_id="list_environments_prompts__id__environments_get",
    summary="List environments of a Prompt",
    description="Returns every environment with the version of the Prompt deployed to it, if any.",
    openapi_extra=_sdk("list_environments"),
)
def list_environments(
    id: Annotated[str, Path(description="ID of the Prompt.")],
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> List[FileEnvironmentResponse]:
    return handlers.list_environments(ctx, id)


@router.post(
    "/{id}/evaluators",
    response_model=PromptResponse,
    operation_id="update_monitoring_prompts__id__evaluators_post",
    summary="Change monitoring of a Prompt",
    description="Turns Evaluators on or off for judging new Logs of the Prompt.",
    openapi_extra=_sdk("update_monitoring"),
)
def update_monitoring(
    id: Annotated[str, Path(description="ID of the Prompt.")],
    body: EvaluatorActivationDeactivationRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> PromptResponse:
    return handlers.update_monitoring(ctx, id, body)
