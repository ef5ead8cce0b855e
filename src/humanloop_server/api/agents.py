"""HTTP routes of /v5/agents: the shared file routes from `file_routes`, and the ones of Agents
(upsert with version names, move into a directory, versions deleted and renamed, logs, the tool
loop's `call` / `continue`, the `.agent` text format); behaviour lives in `services.agents` and
`services.agent_calls`."""

from __future__ import annotations

from typing import Any, Dict, Optional, Union

from fastapi import APIRouter, Path, Query, Response
from typing_extensions import Annotated

from ..schemas import (
    AgentCallResponse,
    AgentCallStreamResponse,
    AgentContinueCallResponse,
    AgentContinueCallStreamResponse,
    AgentKernelRequest,
    AgentLogRequest,
    AgentLogResponse,
    AgentLogUpdateRequest,
    AgentRequest,
    AgentResponse,
    AgentsCallRequest,
    AgentsContinueCallRequest,
    AgentsDeserializeRequest,
    CreateAgentLogResponse,
    ListAgents,
    UpdateAgentRequest,
    UpdateVersionRequest,
)
from ..services import agent_calls, agents, evaluations
from .bodies import dump
from .deps import ContextDep
from .file_routes import FileKind, add_file_routes
from .routing import StrictJSONRoute, sdk_extra
from .sse import EventStreamResponse

router = APIRouter(prefix="/agents", tags=["Agents"], route_class=StrictJSONRoute)


def _sdk(method: str, **kwargs: Any) -> Dict[str, Any]:
    return sdk_extra("agents", method, **kwargs)


def _streaming(response: str, stream: str) -> Dict[str, Any]:
    return {
        "stream-condition": "$request.stream",
        "response": {"$ref": f"#/components/schemas/{response}"},
        "response-stream": {"$ref": f"#/components/schemas/{stream}"},
    }


AGENTS = FileKind(
    group="agents",
    file_type="agent",
    response=AgentResponse,
    request=AgentRequest,
    update_request=UpdateAgentRequest,
    versions_response=ListAgents,
)

AgentId = Annotated[str, Path(description="ID of the Agent.")]
VersionId = Annotated[str, Path(description="ID of the Agent version.")]
VersionQuery = Annotated[Optional[str], Query(description="ID of the Agent version to use.")]
EnvironmentQuery = Annotated[Optional[str], Query(description="Environment whose deployed version to use.")]


@router.post(
    "/log",
    response_model=CreateAgentLogResponse,
    operation_id="log_agents_log_post",
    summary="Log to an Agent",
    description="Records a Log of an Agent version, chosen by `version_id`, `environment`, or the `agent` settings in the body (a new version when none matches). `log_status` defaults to `complete`. With `run_id` the Log joins that Evaluation Run, as a Prompt Log does.",
    openapi_extra=_sdk("log"),
)
def log(
    body: AgentLogRequest,
    ctx: ContextDep,
    version_id: VersionQuery = None,
    environment: EnvironmentQuery = None,
) -> Dict[str, Any]:
    data = evaluations.join_run(ctx, dump(body, unset=True))
    return agents.create_log(ctx, data, version_id, environment)


@router.patch(
    "/{id}/log/{log_id}",
    response_model=AgentLogResponse,
    operation_id="update_log_agents__id__log__log_id__patch",
    summary="Update an Agent Log",
    description="Changes the messages, output, inputs or error of an Agent Log; `log_status=complete` completes it (a complete Log cannot be reopened).",
    openapi_extra=_sdk("update_log"),
)
def update_log(
    id: AgentId,
    log_id: Annotated[str, Path(description="ID of the Log.")],
    body: AgentLogUpdateRequest,
    ctx: ContextDep,
) -> Dict[str, Any]:
    return agents.update_log(ctx, id, log_id, dump(body, unset=True))


@router.post(
    "/call",
    response_model=Union[AgentCallResponse, AgentCallStreamResponse],
    operation_id="call_agents_call_post",
    summary="Call an Agent",
    description="Runs the Agent's tool loop: model turns, the tools the server can run, until a final answer, `max_iterations`, or a tool call the caller must answer (then the Log is `incomplete`; resume it with `continue`). With `stream` set the response is a stream of server-sent events.",
    openapi_extra=_sdk("call", streaming=_streaming("AgentCallResponse", "AgentCallStreamResponse")),
)
def call(
    body: AgentsCallRequest,
    ctx: ContextDep,
    version_id: VersionQuery = None,
    environment: EnvironmentQuery = None,
) -> Union[Dict[str, Any], EventStreamResponse]:
    result = agent_calls.call_agent(ctx, dump(body), version_id=version_id, environment=environment)
    if isinstance(result, agent_calls.CallStream):
        return EventStreamResponse(result.events)
    return result


@router.post(
    "/continue",
    response_model=Union[AgentContinueCallResponse, AgentContinueCallStreamResponse],
    operation_id="continue_call_agents_continue_post",
    summary="Continue an Agent call",
    description="Resumes an incomplete Agent Log: `messages` are the `tool` results of every pending tool call; the loop then goes on as in `call`.",
    openapi_extra=_sdk(
        "continue_call", streaming=_streaming("AgentContinueCallResponse", "AgentContinueCallStreamResponse")
    ),
)
def continue_call(body: AgentsContinueCallRequest, ctx: ContextDep) -> Union[Dict[str, Any], EventStreamResponse]:
    result = agent_calls.continue_call(ctx, dump(body))
    if isinstance(result, agent_calls.CallStream):
        return EventStreamResponse(result.events)
    return result


@router.post(
    "",
    response_model=AgentResponse,
    operation_id="upsert_agents_post",
    summary="Upsert an Agent",
    description="Creates the Agent at `path`, or adds a version to it; sending the settings of an existing version returns that version. `version_name` is unique within the Agent (409 otherwise).",
    openapi_extra=_sdk("upsert"),
)
def upsert(body: AgentRequest, ctx: ContextDep) -> Dict[str, Any]:
    return agents.upsert(ctx, dump(body, unset=True))


@router.delete(
    "/{id}/versions/{version_id}",
    status_code=204,
    response_class=Response,
    operation_id="delete_agent_version_agents__id__versions__version_id__delete",
    summary="Delete an Agent version",
    description="Deletes a version and its Logs. A deployed version (409) or the only version of the Agent (409) cannot be deleted.",
    openapi_extra=_sdk("delete_agent_version"),
)
def delete_agent_version(id: AgentId, version_id: VersionId, ctx: ContextDep) -> Response:
    agents.delete_version(ctx, id, version_id)
    return Response(status_code=204)


@router.patch(
    "/{id}/versions/{version_id}",
    response_model=AgentResponse,
    operation_id="patch_agent_version_agents__id__versions__version_id__patch",
    summary="Rename an Agent version",
    description="Changes the name (unique within the Agent) or the description of a version.",
    openapi_extra=_sdk("patch_agent_version"),
)
def patch_agent_version(
    id: AgentId, version_id: VersionId, body: UpdateVersionRequest, ctx: ContextDep
) -> Dict[str, Any]:
    return agents.patch_version(ctx, id, version_id, body.name, body.description)


@router.patch(
    "/{id}",
    response_model=AgentResponse,
    operation_id="move_agents__id__patch",
    summary="Move an Agent",
    description="Renames the Agent (`name`), moves it to `path`, or into the directory `directory_id`.",
    openapi_extra=_sdk("move"),
)
def move(id: AgentId, body: UpdateAgentRequest, ctx: ContextDep) -> Dict[str, Any]:
    return agents.move(ctx, id, path=body.path, name=body.name, directory_id=body.directory_id)


add_file_routes(
    router,
    AGENTS,
    "list",
    "get",
    "delete",
    "list_versions",
    "set_deployment",
    "remove_deployment",
    "list_environments",
    "update_monitoring",
)


@router.get(
    "/{id}/serialize",
    response_class=Response,
    operation_id="serialize_agents__id__serialize_get",
    summary="Serialize an Agent version",
    description="The version in the `.agent` text format (front matter with the settings, then the template as tagged messages), as `text/plain`.",
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
    openapi_extra=_sdk("serialize"),
)
def serialize(
    id: AgentId, ctx: ContextDep, version_id: VersionQuery = None, environment: EnvironmentQuery = None
) -> Response:
    text = agents.serialize_text(ctx, "agent", id, version_id, environment)
    return Response(content=text, media_type="text/plain; charset=utf-8")


@router.post(
    "/deserialize",
    response_model=AgentKernelRequest,
    response_model_exclude_none=True,
    operation_id="deserialize_agents_deserialize_post",
    summary="Deserialize an Agent",
    description="Reads an Agent in the `.agent` text format and returns its settings, normalised as an upsert would store them.",
    openapi_extra=_sdk("deserialize"),
)
def deserialize(body: AgentsDeserializeRequest, ctx: ContextDep) -> Dict[str, Any]:
    return agents.deserialize_text("agent", body.agent)
