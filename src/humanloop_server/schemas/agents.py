"""Agent files: a Prompt-like kernel with tools the server runs in a loop, their Logs and calls."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, Dict, List, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field
from typing_extensions import TypeAliasType

from .common import (
    LOG_VALUES,
    ChatMessage,
    EnvironmentResponse,
    InputResponse,
    LogStatus,
    ModelEndpoints,
    ModelProviders,
    OpenAiReasoningEffort,
    ProviderApiKeys,
    ResponseFormat,
    TemplateLanguage,
    ToolCall,
    ToolChoice,
    ToolFunction,
    UpdateVersionRequest,
    UserResponse,
    VersionStatus,
)
from .prompts import PromptCallStreamResponse

if TYPE_CHECKING:
    from .datasets import DatasetResponse
    from .evaluators import EvaluatorAggregate, EvaluatorLogResponse, EvaluatorResponse, MonitoringEvaluatorResponse
    from .flows import FlowResponse
    from .logs import LogResponse
    from .prompts import PromptResponse
    from .tools import ToolResponse

__all__ = [
    "AgentCallResponse",
    "AgentCallStreamResponse",
    "AgentContinueCallResponse",
    "AgentContinueCallStreamResponse",
    "AgentInlineTool",
    "AgentKernelRequest",
    "AgentLinkedFileRequest",
    "AgentLinkedFileResponse",
    "AgentLogRequest",
    "AgentLogResponse",
    "AgentLogStreamResponse",
    "AgentLogUpdateRequest",
    "AgentRequest",
    "AgentResponse",
    "AgentsCallRequest",
    "AgentsContinueCallRequest",
    "AgentsDeserializeRequest",
    "CreateAgentLogResponse",
    "EventType",
    "LinkedFileRequest",
    "ListAgents",
    "LogStatus",
    "LogStreamResponse",
    "OnAgentCallEnum",
    "OpenAiReasoningEffort",
    "PromptsDeserializeRequest",
    "TemplateLanguage",
    "UpdateAgentRequest",
    "UpdateVersionRequest",
]

ToolChoiceValue = Union[Literal["none"], Literal["auto"], Literal["required"], ToolChoice]
_TOOL_CHOICE = "Whether and which tool the model must call: `none`, `auto`, `required` or one function."


class OnAgentCallEnum(str, Enum):
    """What the Agent does after this tool ran: go on with the loop, or stop and return its result."""

    STOP = "stop"
    CONTINUE = "continue"


class EventType(str, Enum):
    """Kind of an event of a streamed Agent call."""

    AGENT_TURN_START = "agent_turn_start"
    AGENT_TURN_SUSPEND = "agent_turn_suspend"
    AGENT_TURN_CONTINUE = "agent_turn_continue"
    AGENT_TURN_END = "agent_turn_end"
    AGENT_START = "agent_start"
    AGENT_UPDATE = "agent_update"
    AGENT_END = "agent_end"
    TOOL_START = "tool_start"
    TOOL_UPDATE = "tool_update"
    TOOL_END = "tool_end"
    ERROR = "error"
    AGENT_GENERATION_ERROR = "agent_generation_error"


class LinkedFileRequest(BaseModel):
    """A reference to a File: its id, and optionally the version or environment to use."""

    file_id: str = Field(description="ID of the linked File.")
    environment_id: Optional[str] = Field(None, description="Use the version deployed to this environment.")
    version_id: Optional[str] = Field(None, description="Use this version of the File.")


class AgentInlineTool(BaseModel):
    """A tool defined in the Agent itself by its JSON Schema; the caller runs it."""

    type: Literal["inline"] = Field("inline", description="Kind of tool entry.")
    json_schema: ToolFunction = Field(description="The function the model may call.")
    on_agent_call: Optional[OnAgentCallEnum] = Field(None, description="What the loop does after this tool ran.")


class AgentLinkedFileRequest(BaseModel):
    """A tool of the Agent that is another File (a Tool, a Prompt, ...)."""

    type: Literal["file"] = Field("file", description="Kind of tool entry.")
    link: LinkedFileRequest = Field(description="The linked File.")
    on_agent_call: Optional[OnAgentCallEnum] = Field(None, description="What the loop does after this tool ran.")


class AgentLinkedFileResponse(BaseModel):
    """A linked tool of the Agent, with the File it resolves to."""

    type: Literal["file"] = Field("file", description="Kind of tool entry.")
    link: LinkedFileRequest = Field(description="The linked File.")
    on_agent_call: Optional[OnAgentCallEnum] = Field(None, description="What the loop does after this tool ran.")
    file: Optional[
        Union[PromptResponse, ToolResponse, DatasetResponse, EvaluatorResponse, FlowResponse, AgentResponse]
    ] = Field(None, description="The linked File at the version the link resolves to.")


class AgentKernelRequest(BaseModel):
    """The settings that define an Agent version."""

    model: str = Field(description="Name of the model, for example `gpt-4o`.")
    endpoint: Optional[ModelEndpoints] = Field(None, description="Kind of provider endpoint.")
    template: Optional[Union[str, List[ChatMessage]]] = Field(
        None, description="Template with `{{input}}` variables: a string, or a list of chat messages."
    )
    template_language: Optional[TemplateLanguage] = Field(None, description="Syntax of the template's variables.")
    provider: Optional[ModelProviders] = Field(None, description="Model provider.")
    max_tokens: Optional[int] = Field(None, description="Most tokens to generate per model turn.")
    temperature: Optional[float] = Field(None, description="Sampling temperature.")
    top_p: Optional[float] = Field(None, description="Nucleus sampling probability mass.")
    stop: Optional[Union[str, List[str]]] = Field(None, description="Sequence or sequences that end generation.")
    presence_penalty: Optional[float] = Field(None, description="Penalty for tokens already present (-2 to 2).")
    frequency_penalty: Optional[float] = Field(None, description="Penalty by token frequency (-2 to 2).")
    other: Optional[Dict[str, Any]] = Field(None, description="Further provider parameters, passed through.")
    seed: Optional[int] = Field(None, description="Seed for best-effort reproducible sampling.")
    response_format: Optional[ResponseFormat] = Field(None, description="Output format the model must produce.")
    reasoning_effort: Optional[Union[OpenAiReasoningEffort, int]] = Field(
        None, description="Reasoning effort: a level for OpenAI models, a token budget for Anthropic ones."
    )
    tools: Optional[List[Union[AgentLinkedFileRequest, AgentInlineTool]]] = Field(
        None, description="Tools the Agent may call: inline JSON Schema functions or linked Files."
    )
    attributes: Optional[Dict[str, Any]] = Field(None, description="Free-form details that tell versions apart.")
    max_iterations: Optional[int] = Field(
        None, description="Most model turns one call may take before it stops (default 10)."
    )


class AgentRequest(AgentKernelRequest):
    """Body that creates an Agent version, or finds the existing one with the same settings."""

    path: Optional[str] = Field(None, description="Path of the Agent including its name, such as `folder/name`.")
    id: Optional[str] = Field(None, description="ID of the Agent.")
    version_name: Optional[str] = Field(None, description="Name of the version, unique within the Agent.")
    version_description: Optional[str] = Field(None, description="What this version changes.")
    description: Optional[str] = Field(None, description="What the Agent does.")
    tags: Optional[List[str]] = Field(None, description="Labels of the Agent.")
    readme: Optional[str] = Field(None, description="Longer documentation of the Agent.")


class AgentResponse(BaseModel):
    """An Agent version with its File's details."""

    model_config = ConfigDict(populate_by_name=True)

    path: str = Field(description="Path of the Agent including its name.")
    id: str = Field(description="ID of the Agent.")
    directory_id: Optional[str] = Field(None, description="ID of the directory holding the Agent.")
    model: str = Field(description="Name of the model.")
    endpoint: Optional[ModelEndpoints] = Field(None, description="Kind of provider endpoint.")
    template: Optional[Union[str, List[ChatMessage]]] = Field(None, description="The template.")
    template_language: Optional[TemplateLanguage] = Field(None, description="Syntax of the template's variables.")
    provider: Optional[ModelProviders] = Field(None, description="Model provider.")
    max_tokens: Optional[int] = Field(None, description="Most tokens to generate per model turn.")
    temperature: Optional[float] = Field(None, description="Sampling temperature.")
    top_p: Optional[float] = Field(None, description="Nucleus sampling probability mass.")
    stop: Optional[Union[str, List[str]]] = Field(None, description="Sequence or sequences that end generation.")
    presence_penalty: Optional[float] = Field(None, description="Penalty for tokens already present.")
    frequency_penalty: Optional[float] = Field(None, description="Penalty by token frequency.")
    other: Optional[Dict[str, Any]] = Field(None, description="Further provider parameters.")
    seed: Optional[int] = Field(None, description="Seed for best-effort reproducible sampling.")
    response_format: Optional[ResponseFormat] = Field(None, description="Output format the model must produce.")
    reasoning_effort: Optional[Union[OpenAiReasoningEffort, int]] = Field(None, description="Reasoning effort.")
    tools: List[Union[AgentLinkedFileResponse, AgentInlineTool]] = Field(description="Tools the Agent may call.")
    attributes: Optional[Dict[str, Any]] = Field(None, description="Free-form details that tell versions apart.")
    max_iterations: Optional[int] = Field(None, description="Most model turns one call may take.")
    version_name: Optional[str] = Field(None, description="Name of the version.")
    version_description: Optional[str] = Field(None, description="What this version changes.")
    description: Optional[str] = Field(None, description="What the Agent does.")
    tags: Optional[List[str]] = Field(None, description="Labels of the Agent.")
    readme: Optional[str] = Field(None, description="Longer documentation of the Agent.")
    name: str = Field(description="Name of the Agent.")
    schema_: Optional[Dict[str, Any]] = Field(
        None,
        alias="schema",
        description="JSON Schema the version's answers follow (from a `json_schema` response format); else null.",
    )
    version_id: str = Field(description="ID of the version.")
    type: Literal["agent"] = Field("agent", description="Kind of File.")
    environments: Optional[List[EnvironmentResponse]] = Field(
        None, description="Environments this version is deployed to."
    )
    created_at: datetime = Field(description="When the version was created.")
    updated_at: datetime = Field(description="When the Agent last changed.")
    created_by: Optional[UserResponse] = Field(None, description="Who created the version.")
    committed_by: Optional[UserResponse] = Field(None, description="Who committed the version.")
    committed_at: Optional[datetime] = Field(None, description="When the version was committed.")
    status: VersionStatus = Field(description="Status of the version.")
    last_used_at: datetime = Field(description="When a Log last used this version.")
    version_logs_count: int = Field(description="Number of Logs of this version.")
    total_logs_count: int = Field(description="Number of Logs of all versions of the Agent.")
    inputs: List[InputResponse] = Field(description="Input variables of the template.")
    evaluators: Optional[List[MonitoringEvaluatorResponse]] = Field(None, description="Monitoring Evaluators.")
    evaluator_aggregates: Optional[List[EvaluatorAggregate]] = Field(
        None, description="Aggregated judgments of Evaluators on this version's Logs."
    )
    raw_file_content: Optional[str] = Field(
        None, description="The version in the `.agent` text format; given when `include_raw_file_content` is true."
    )


class ListAgents(BaseModel):
    """All versions of an Agent."""

    records: List[AgentResponse] = Field(description="The versions, newest first.")


class UpdateAgentRequest(BaseModel):
    """Body that renames or moves an Agent."""

    path: Optional[str] = Field(None, description="New path of the Agent including its name.")
    name: Optional[str] = Field(None, description="New name of the Agent.")
    directory_id: Optional[str] = Field(None, description="ID of the directory to move the Agent into.")


class AgentLogRequest(BaseModel):
    """Body that records a Log of an Agent."""

    model_config = LOG_VALUES

    run_id: Optional[str] = Field(None, description="Evaluation Run to attach the Log to.")
    path: Optional[str] = Field(None, description="Path of the Agent including its name.")
    id: Optional[str] = Field(None, description="ID of the Agent.")
    output_message: Optional[ChatMessage] = Field(None, description="Last message of the Agent.")
    prompt_tokens: Optional[int] = Field(None, description="Number of tokens in the prompts.")
    reasoning_tokens: Optional[int] = Field(None, description="Number of reasoning tokens.")
    output_tokens: Optional[int] = Field(None, description="Number of tokens generated.")
    prompt_cost: Optional[float] = Field(None, description="Cost of the prompt tokens, in dollars.")
    output_cost: Optional[float] = Field(None, description="Cost of the output tokens, in dollars.")
    finish_reason: Optional[str] = Field(None, description="Why the Agent stopped.")
    messages: Optional[List[ChatMessage]] = Field(None, description="The conversation.")
    tool_choice: Optional[ToolChoiceValue] = Field(None, description=_TOOL_CHOICE)
    agent: Optional[Union[AgentKernelRequest, str]] = Field(
        None, description="The Agent version's settings, or its `.agent` text."
    )
    start_time: Optional[datetime] = Field(None, description="When the work started.")
    end_time: Optional[datetime] = Field(None, description="When the work ended.")
    output: Optional[str] = Field(None, description="Text output.")
    created_at: Optional[datetime] = Field(None, description="When the Log was created.")
    error: Optional[str] = Field(None, description="Error message, when the work failed.")
    provider_latency: Optional[float] = Field(None, description="Seconds the provider took.")
    stdout: Optional[str] = Field(None, description="Text printed while running.")
    provider_request: Optional[Dict[str, Any]] = Field(None, description="Raw request sent to the provider.")
    provider_response: Optional[Dict[str, Any]] = Field(None, description="Raw response of the provider.")
    inputs: Optional[Dict[str, Any]] = Field(None, description="Values of the input variables.")
    source: Optional[str] = Field(None, description="Where the Log came from.")
    metadata: Optional[Dict[str, Any]] = Field(None, description="Free-form data stored with the Log.")
    log_status: Optional[LogStatus] = Field(None, description="Whether the Log is finished.")
    source_datapoint_id: Optional[str] = Field(None, description="Datapoint the Log was generated from.")
    trace_parent_id: Optional[str] = Field(None, description="ID of the Log this one is nested under.")
    user: Optional[str] = Field(None, description="End user the Log is for.")
    environment: Optional[str] = Field(None, description="Name of an environment.")
    save: Optional[bool] = Field(None, description="Whether to store the Log.")
    log_id: Optional[str] = Field(None, description="ID to give the new Log (a new one when absent).")


class AgentLogUpdateRequest(BaseModel):
    """Body that changes an Agent Log, or marks it complete."""

    model_config = LOG_VALUES

    messages: Optional[List[ChatMessage]] = Field(None, description="The conversation.")
    output_message: Optional[ChatMessage] = Field(None, description="Last message of the Agent.")
    inputs: Optional[Dict[str, Any]] = Field(None, description="Values of the input variables.")
    output: Optional[str] = Field(None, description="Text output.")
    error: Optional[str] = Field(None, description="Error message.")
    log_status: Optional[LogStatus] = Field(None, description="`complete` finishes the Log.")


class CreateAgentLogResponse(BaseModel):
    """Identifiers of a newly recorded Agent Log."""

    id: str = Field(description="ID of the Log.")
    agent_id: str = Field(description="ID of the Agent.")
    version_id: str = Field(description="ID of the Agent version.")
    log_status: Optional[LogStatus] = Field(None, description="Whether the Log is finished.")


class _AgentLogFields(BaseModel):
    """Fields every Agent Log body carries (a base of the responses below, not part of the API)."""

    output_message: Optional[ChatMessage] = Field(None, description="Last message of the Agent.")
    prompt_tokens: Optional[int] = Field(None, description="Number of tokens in the prompts.")
    reasoning_tokens: Optional[int] = Field(None, description="Number of reasoning tokens.")
    output_tokens: Optional[int] = Field(None, description="Number of tokens generated.")
    prompt_cost: Optional[float] = Field(None, description="Cost of the prompt tokens, in dollars.")
    output_cost: Optional[float] = Field(None, description="Cost of the output tokens, in dollars.")
    finish_reason: Optional[str] = Field(None, description="Why the Agent stopped.")
    messages: Optional[List[ChatMessage]] = Field(None, description="The conversation.")
    tool_choice: Optional[ToolChoiceValue] = Field(None, description=_TOOL_CHOICE)
    agent: AgentResponse = Field(description="The Agent version.")
    start_time: Optional[datetime] = Field(None, description="When the work started.")
    end_time: Optional[datetime] = Field(None, description="When the work ended.")
    output: Optional[str] = Field(None, description="Text output.")
    created_at: Optional[datetime] = Field(None, description="When the Log was created.")
    error: Optional[str] = Field(None, description="Error message, when the work failed.")
    provider_latency: Optional[float] = Field(None, description="Seconds the provider took.")
    stdout: Optional[str] = Field(None, description="Text printed while running.")
    provider_request: Optional[Dict[str, Any]] = Field(None, description="Raw request sent to the provider.")
    provider_response: Optional[Dict[str, Any]] = Field(None, description="Raw response of the provider.")
    inputs: Optional[Dict[str, Any]] = Field(None, description="Values of the input variables.")
    source: Optional[str] = Field(None, description="Where the Log came from.")
    metadata: Optional[Dict[str, Any]] = Field(None, description="Free-form data stored with the Log.")
    log_status: Optional[LogStatus] = Field(None, description="Whether the Log is finished.")
    source_datapoint_id: Optional[str] = Field(None, description="Datapoint the Log was generated from.")
    trace_parent_id: Optional[str] = Field(None, description="ID of the Log this one is nested under.")
    batches: Optional[List[str]] = Field(None, description="Batches the Log belongs to.")
    user: Optional[str] = Field(None, description="End user the Log is for.")
    environment: Optional[str] = Field(None, description="Name of an environment.")
    save: Optional[bool] = Field(None, description="Whether the Log is stored.")
    log_id: Optional[str] = Field(None, description="ID of the Log.")
    id: str = Field(description="ID of the Log.")
    evaluator_logs: List[EvaluatorLogResponse] = Field(description="Judgments of Evaluators on this Log.")
    trace_flow_id: Optional[str] = Field(None, description="ID of the Flow whose Log is the trace's root.")
    trace_id: Optional[str] = Field(None, description="ID of the trace's root Log.")
    trace_children: Optional[List[LogResponse]] = Field(None, description="Logs nested under this one.")


class AgentLogResponse(_AgentLogFields):
    """A Log of an Agent."""


class AgentCallResponse(_AgentLogFields):
    """Result of an Agent call: its Log, and the message the Agent ended with."""

    previous_agent_message: Optional[ChatMessage] = Field(
        None, description="The Agent's last message before this call (on a continued call)."
    )


class AgentContinueCallResponse(_AgentLogFields):
    """Result of a continued Agent call."""

    previous_agent_message: Optional[ChatMessage] = Field(
        None, description="The Agent's message whose tool calls the continued call answered."
    )


class AgentLogStreamResponse(BaseModel):
    """A finished model turn or tool run of a streamed Agent call."""

    output: Optional[str] = Field(None, description="Text output.")
    created_at: Optional[datetime] = Field(None, description="When it was created.")
    error: Optional[str] = Field(None, description="Error message.")
    provider_latency: Optional[float] = Field(None, description="Seconds the provider took.")
    stdout: Optional[str] = Field(None, description="Text printed while running.")
    output_message: Optional[ChatMessage] = Field(None, description="Message produced.")
    prompt_tokens: Optional[int] = Field(None, description="Number of tokens in the prompt.")
    reasoning_tokens: Optional[int] = Field(None, description="Number of reasoning tokens.")
    output_tokens: Optional[int] = Field(None, description="Number of tokens generated.")
    prompt_cost: Optional[float] = Field(None, description="Cost of the prompt tokens.")
    output_cost: Optional[float] = Field(None, description="Cost of the output tokens.")
    finish_reason: Optional[str] = Field(None, description="Why the model stopped.")
    id: str = Field(description="ID of the Log.")
    agent_id: str = Field(description="ID of the Agent.")
    version_id: str = Field(description="ID of the Agent version.")


#: A streamed piece of a call: a Prompt call's chunk or an Agent turn.
LogStreamResponse = TypeAliasType("LogStreamResponse", Union[PromptCallStreamResponse, AgentLogStreamResponse])


class AgentCallStreamResponse(BaseModel):
    """One event of a streamed Agent call."""

    log_id: str = Field(description="ID of the Agent Log.")
    message: str = Field(description="What happened, in words.")
    payload: Optional[Union[LogStreamResponse, LogResponse, ToolCall]] = Field(
        None, description="The turn, Log or tool call the event is about."
    )
    type: EventType = Field(description="Kind of event.")
    created_at: datetime = Field(description="When the event happened.")


class AgentContinueCallStreamResponse(BaseModel):
    """One event of a streamed continued Agent call."""

    log_id: str = Field(description="ID of the Agent Log.")
    message: str = Field(description="What happened, in words.")
    payload: Optional[Union[LogStreamResponse, LogResponse, ToolCall]] = Field(
        None, description="The turn, Log or tool call the event is about."
    )
    type: EventType = Field(description="Kind of event.")
    created_at: datetime = Field(description="When the event happened.")


class AgentsCallRequest(BaseModel):
    """Body that runs an Agent."""

    model_config = LOG_VALUES

    path: Optional[str] = Field(None, description="Path of the Agent including its name.")
    id: Optional[str] = Field(None, description="ID of the Agent.")
    messages: Optional[List[ChatMessage]] = Field(None, description="Messages appended to the template.")
    tool_choice: Optional[ToolChoiceValue] = Field(None, description=_TOOL_CHOICE)
    agent: Optional[Union[AgentKernelRequest, str]] = Field(
        None, description="The Agent version's settings, or its `.agent` text."
    )
    inputs: Optional[Dict[str, Any]] = Field(None, description="Values of the template's variables.")
    source: Optional[str] = Field(None, description="Where the Log came from.")
    metadata: Optional[Dict[str, Any]] = Field(None, description="Free-form data stored with the Log.")
    start_time: Optional[datetime] = Field(None, description="When the work started.")
    end_time: Optional[datetime] = Field(None, description="When the work ended.")
    log_status: Optional[LogStatus] = Field(None, description="Ignored: the loop decides the Log's status.")
    source_datapoint_id: Optional[str] = Field(None, description="Datapoint the Log was generated from.")
    trace_parent_id: Optional[str] = Field(None, description="ID of the Log this one is nested under.")
    user: Optional[str] = Field(None, description="End user the Log is for.")
    environment: Optional[str] = Field(None, description="Name of an environment.")
    save: Optional[bool] = Field(None, description="Whether to store the provider payloads.")
    log_id: Optional[str] = Field(None, description="ID to give the Agent Log.")
    provider_api_keys: Optional[ProviderApiKeys] = Field(None, description="Provider keys for this call only.")
    stream: Optional[bool] = Field(False, description="Whether to answer with server-sent events.")
    return_inputs: Optional[bool] = Field(None, description="Whether the response repeats the inputs.")
    include_trace_children: Optional[bool] = Field(
        None, description="Whether the response lists the model turns and tool runs."
    )


class AgentsContinueCallRequest(BaseModel):
    """Body that resumes an Agent call that stopped for tool results."""

    log_id: str = Field(description="ID of the incomplete Agent Log.")
    messages: List[ChatMessage] = Field(description="The results of the pending tool calls (`tool` messages).")
    provider_api_keys: Optional[ProviderApiKeys] = Field(None, description="Provider keys for this call only.")
    include_trace_children: Optional[bool] = Field(
        None, description="Whether the response lists the model turns and tool runs."
    )
    stream: Optional[bool] = Field(False, description="Whether to answer with server-sent events.")


class AgentsDeserializeRequest(BaseModel):
    """Body with an Agent in the `.agent` text format."""

    agent: str = Field(description="The `.agent` text.")


class PromptsDeserializeRequest(BaseModel):
    """Body with a Prompt in the `.prompt` text format."""

    prompt: str = Field(description="The `.prompt` text.")
