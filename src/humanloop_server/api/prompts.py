"""HTTP routes of /v5/prompts: the routes every file kind shares come from `file_routes`, the ones
specific to Prompts are written out below; behaviour lives in `services` (`files`, `logs`, `prompt_calls`)."""

from __future__ import annotations

from typing import Any, Dict, Optional, Union

from fastapi import APIRouter, Body, Path, Query, Response
from typing_extensions import Annotated

from ..schemas import (
    CreatePromptLogResponse,
    ListPrompts,
    LogResponse,
    PopulateTemplateResponse,
    PromptCallRequest,
    PromptCallResponse,
    PromptCallStreamResponse,
    PromptKernelRequest,
    PromptLogRequest,
    PromptLogUpdateRequest,
    PromptRequest,
    PromptResponse,
    PromptsDeserializeRequest,
    UpdatePromptRequest,
)
from ..services import agents, evaluations, logs, prompt_calls
from .bodies import dump
from .deps import ContextDep, answer_now
from .file_routes import FileKind, add_file_routes
from .routing import STREAMING, StrictJSONRoute, sdk_extra
from .sse import EventStreamResponse

router = APIRouter(prefix="/prompts", tags=["Prompts"], route_class=StrictJSONRoute)


def _sdk(method: str, **kwargs: Any) -> Dict[str, Any]:
    return sdk_extra("prompts", method, **kwargs)


PROMPTS = FileKind(
    group="prompts",
    file_type="prompt",
    response=PromptResponse,
    request=PromptRequest,
    update_request=UpdatePromptRequest,
    versions_response=ListPrompts,
    page_size_minimum=0,
    update_version_method="patch_prompt_version",
)

# The shared file routes (see `file_routes`); the routes specific to Prompts follow.
add_file_routes(
    router,
    PROMPTS,
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
    response_model=CreatePromptLogResponse,
    operation_id="log_prompts_log_post",
    summary="Log to a Prompt",
    description="Records a Log against a version of the Prompt: chosen by `version_id` or `environment`, or by the Prompt details in the body (a new version is created when none matches).",
    openapi_extra=_sdk("log"),
)
def log(
    body: PromptLogRequest,
    ctx: ContextDep,
    version_id: Annotated[Optional[str], Query(description="ID of the Prompt version to log to.")] = None,
    environment: Annotated[Optional[str], Query(description="Environment whose deployed version to log to.")] = None,
) -> Response:
    data = evaluations.join_run(ctx, dump(body, unset=True))
    created = logs.create_log(ctx, "prompt", data, version_id=version_id, environment=environment)
    return answer_now(ctx, CreatePromptLogResponse, created)


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
    ctx: ContextDep,
) -> Dict[str, Any]:
    return logs.update_log(ctx, "prompt", id, log_id, dump(body, unset=True))


@router.post(
    "/{id}/populate",
    response_model=PopulateTemplateResponse,
    operation_id="populate_prompts__id__populate_post",
    summary="Fill a Prompt's template",
    description="Returns the Prompt version (by `version_id`, `environment` or the default one) with `populated_template`: its template with the variables replaced by the inputs in the body. Nothing is stored.",
    openapi_extra=_sdk("populate"),
)
def populate(
    id: Annotated[str, Path(description="ID of the Prompt.")],
    body: Annotated[Dict[str, Any], Body(description="Values of the template's variables, by name.")],
    ctx: ContextDep,
    version_id: Annotated[Optional[str], Query(description="ID of the Prompt version to fill.")] = None,
    environment: Annotated[Optional[str], Query(description="Environment whose deployed version to fill.")] = None,
) -> Dict[str, Any]:
    return prompt_calls.populate_prompt(ctx, id, body, version_id=version_id, environment=environment)


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
    ctx: ContextDep,
    version_id: Annotated[Optional[str], Query(description="ID of a version.")] = None,
    environment: Annotated[Optional[str], Query(description="Name of an environment.")] = None,
) -> Union[Dict[str, Any], EventStreamResponse]:
    result = prompt_calls.call_prompt(ctx, dump(body), version_id=version_id, environment=environment)
    if isinstance(result, prompt_calls.CallStream):
        return EventStreamResponse(result.events)
    return result


# ---------------------------------------------------------------- the .prompt text format


@router.get(
    "/{id}/serialize",
    response_class=Response,
    operation_id="serialize_prompts__id__serialize_get",
    summary="Serialize a Prompt version",
    description="The version in the `.prompt` text format (front matter with the settings, then the template as tagged messages), as `text/plain`.",
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
    openapi_extra=_sdk("serialize"),
)
def serialize(
    id: Annotated[str, Path(description="ID of the Prompt.")],
    ctx: ContextDep,
    version_id: Annotated[Optional[str], Query(description="ID of the Prompt version to use.")] = None,
    environment: Annotated[Optional[str], Query(description="Environment whose deployed version to use.")] = None,
) -> Response:
    text = agents.serialize_text(ctx, "prompt", id, version_id, environment)
    return Response(content=text, media_type="text/plain; charset=utf-8")


@router.post(
    "/deserialize",
    response_model=PromptKernelRequest,
    response_model_exclude_none=True,
    operation_id="deserialize_prompts_deserialize_post",
    summary="Deserialize a Prompt",
    description="Reads a Prompt in the `.prompt` text format and returns its settings, normalised as an upsert would store them.",
    openapi_extra=_sdk("deserialize"),
)
def deserialize(body: PromptsDeserializeRequest, ctx: ContextDep) -> Dict[str, Any]:
    return agents.deserialize_text("prompt", body.prompt)
