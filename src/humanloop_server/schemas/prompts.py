"""Prompt files: versions, Logs and provider calls."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Dict, List, Literal, Optional, Union

from pydantic import BaseModel, Field

from .common import (
    LOG_VALUES,
    ChatMessage,
    EnvironmentResponse,
    InputResponse,
    LinkedToolResponse,
    LogStatus,
    ModelEndpoints,
    ModelProviders,
    OpenAiReasoningEffort,
    ProviderApiKeys,
    ResponseFormat,
    TemplateLanguage,
    ToolChoice,
    ToolFunction,
    UserResponse,
    VersionStatus,
)

if TYPE_CHECKING:
    from .evaluators import EvaluatorAggregate, EvaluatorLogResponse, MonitoringEvaluatorResponse
    from .logs import LogResponse


class PromptKernelRequest(BaseModel):
    """The settings that define a Prompt version."""

    model: str = Field(description="Name of the model, for example `gpt-4o`.")
    endpoint: Optional[ModelEndpoints] = Field(ModelEndpoints.CHAT, description="Kind of provider endpoint.")
    template: Optional[Union[str, List[ChatMessage]]] = Field(
        None, description="Template with `{{input}}` variables: a string, or a list of chat messages."
    )
    provider: Optional[ModelProviders] = Field(ModelProviders.OPENAI, description="Model provider.")
    max_tokens: Optional[int] = Field(-1, description="Most tokens to generate; -1 fits the model's context.")
    temperature: Optional[float] = Field(1, description="Sampling temperature; higher gives more varied output.")
    top_p: Optional[float] = Field(
        1, description="Nucleus sampling: only the tokens within this probability mass are considered."
    )
    stop: Optional[Union[str, List[str]]] = Field(None, description="Sequence or sequences that end generation.")
    presence_penalty: Optional[float] = Field(0, description="Penalises tokens that already appeared (-2 to 2).")
    frequency_penalty: Optional[float] = Field(
        0, description="Penalises tokens in proportion to how often they already appeared (-2 to 2)."
    )
    other: Optional[Dict[str, Any]] = Field(
        default_factory=dict, description="Further provider parameters, passed through."
    )
    seed: Optional[int] = Field(None, description="Seed for best-effort reproducible sampling.")
    response_format: Optional[ResponseFormat] = Field(None, description="Output format the model must produce.")
    tools: Optional[List[ToolFunction]] = Field(None, description="Functions the model may call.")
    linked_tools: Optional[List[str]] = Field(None, description="Tool files linked to the Prompt.")
    attributes: Optional[Dict[str, Any]] = Field(None, description="Free-form details that tell versions apart.")
    template_language: Optional[TemplateLanguage] = Field(None, description="Syntax of the template.")
    reasoning_effort: Optional[Union[OpenAiReasoningEffort, int]] = Field(
        None, description="Effort a reasoning model spends: an OpenAI level, or a token budget (Anthropic)."
    )


class PromptRequest(BaseModel):
    """Body that creates a Prompt version, or finds the existing one with the same settings."""

    path: Optional[str] = Field(None, description="Path of the file including its name, such as `folder/name`.")
    id: Optional[str] = Field(None, description="Unique identifier.")
    model: str = Field(description="Name of the model, for example `gpt-4o`.")
    endpoint: Optional[ModelEndpoints] = Field(ModelEndpoints.CHAT, description="Kind of provider endpoint.")
    template: Optional[Union[str, List[ChatMessage]]] = Field(
        None, description="Template with `{{input}}` variables: a string, or a list of chat messages."
    )
    provider: Optional[ModelProviders] = Field(ModelProviders.OPENAI, description="Model provider.")
    max_tokens: Optional[int] = Field(-1, description="Most tokens to generate; -1 fits the model's context.")
    temperature: Optional[float] = Field(1, description="Sampling temperature; higher gives more varied output.")
    top_p: Optional[float] = Field(
        1, description="Nucleus sampling: only the tokens within this probability mass are considered."
    )
    stop: Optional[Union[str, List[str]]] = Field(None, description="Sequence or sequences that end generation.")
    presence_penalty: Optional[float] = Field(0, description="Penalises tokens that already appeared (-2 to 2).")
    frequency_penalty: Optional[float] = Field(
        0, description="Penalises tokens in proportion to how often they already appeared (-2 to 2)."
    )
    other: Optional[Dict[str, Any]] = Field(
        default_factory=dict, description="Further provider parameters, passed through."
    )
    seed: Optional[int] = Field(None, description="Seed for best-effort reproducible sampling.")
    response_format: Optional[ResponseFormat] = Field(None, description="Output format the model must produce.")
    tools: Optional[List[ToolFunction]] = Field(None, description="Functions the model may call.")
    linked_tools: Optional[List[str]] = Field(None, description="Tool files linked to the Prompt.")
    attributes: Optional[Dict[str, Any]] = Field(None, description="Free-form details that tell versions apart.")
    commit_message: Optional[str] = Field(None, description="Message that describes the version.")
    template_language: Optional[TemplateLanguage] = Field(None, description="Syntax of the template.")
    reasoning_effort: Optional[Union[OpenAiReasoningEffort, int]] = Field(
        None, description="Effort a reasoning model spends: an OpenAI level, or a token budget (Anthropic)."
    )
    version_name: Optional[str] = Field(None, description="Name of the version, unique within the file.")
    version_description: Optional[str] = Field(None, description="Description of the version.")
    description: Optional[str] = Field(None, description="Description of the file.")
    readme: Optional[str] = Field(None, description="Longer notes about the file.")
    tags: Optional[List[str]] = Field(None, description="Labels of the file.")


class PromptResponse(BaseModel):
    """A Prompt version with its file's details."""

    path: str = Field(description="Path of the file including its name, such as `folder/name`.")
    id: str = Field(description="Unique identifier.")
    directory_id: Optional[str] = Field(None, description="ID of the directory holding the file.")
    model: str = Field(description="Name of the model, for example `gpt-4o`.")
    endpoint: Optional[ModelEndpoints] = Field(ModelEndpoints.CHAT, description="Kind of provider endpoint.")
    template: Optional[Union[str, List[ChatMessage]]] = Field(
        None, description="Template with `{{input}}` variables: a string, or a list of chat messages."
    )
    provider: Optional[ModelProviders] = Field(ModelProviders.OPENAI, description="Model provider.")
    max_tokens: Optional[int] = Field(-1, description="Most tokens to generate; -1 fits the model's context.")
    temperature: Optional[float] = Field(1, description="Sampling temperature; higher gives more varied output.")
    top_p: Optional[float] = Field(
        1, description="Nucleus sampling: only the tokens within this probability mass are considered."
    )
    stop: Optional[Union[str, List[str]]] = Field(None, description="Sequence or sequences that end generation.")
    presence_penalty: Optional[float] = Field(0, description="Penalises tokens that already appeared (-2 to 2).")
    frequency_penalty: Optional[float] = Field(
        0, description="Penalises tokens in proportion to how often they already appeared (-2 to 2)."
    )
    other: Optional[Dict[str, Any]] = Field(
        default_factory=dict, description="Further provider parameters, passed through."
    )
    seed: Optional[int] = Field(None, description="Seed for best-effort reproducible sampling.")
    response_format: Optional[ResponseFormat] = Field(None, description="Output format the model must produce.")
    tools: Optional[List[ToolFunction]] = Field(None, description="Functions the model may call.")
    linked_tools: Optional[List[LinkedToolResponse]] = Field(None, description="Tool files linked to the Prompt.")
    attributes: Optional[Dict[str, Any]] = Field(None, description="Free-form details that tell versions apart.")
    commit_message: Optional[str] = Field(None, description="Message that describes the version.")
    template_language: Optional[TemplateLanguage] = Field(None, description="Syntax of the template.")
    reasoning_effort: Optional[Union[OpenAiReasoningEffort, int]] = Field(
        None, description="Effort a reasoning model spends: an OpenAI level, or a token budget (Anthropic)."
    )
    version_name: Optional[str] = Field(None, description="Name of the version, unique within the file.")
    version_description: Optional[str] = Field(None, description="Description of the version.")
    description: Optional[str] = Field(None, description="Description of the file.")
    readme: Optional[str] = Field(None, description="Longer notes about the file.")
    tags: Optional[List[str]] = Field(None, description="Labels of the file.")
    schema_: Optional[Dict[str, Any]] = Field(
        None,
        alias="schema",
        description="JSON Schema the version's answers follow (from a `json_schema` response format); else null.",
    )
    raw_file_content: Optional[str] = Field(
        None,
        description="The version in the `.prompt` text format; given when `include_raw_file_content` is true.",
    )
    name: str = Field(description="Name.")
    version_id: str = Field(description="ID of the version.")
    type: Literal["prompt"] = Field("prompt", description="Kind.")
    environments: Optional[List[EnvironmentResponse]] = Field(
        None, description="Environments this version is deployed to."
    )
    created_at: datetime = Field(description="When it was created.")
    updated_at: datetime = Field(description="When it was last changed.")
    created_by: Optional[UserResponse] = Field(None, description="The user who created it.")
    status: Optional[VersionStatus] = Field(None, description="Status of the version.")
    last_used_at: datetime = Field(description="When a Log last used this version.")
    version_logs_count: int = Field(description="Number of Logs of this version.")
    total_logs_count: int = Field(description="Number of Logs of all versions of the file.")
    inputs: List[InputResponse] = Field(description="Values of the input variables.")
    evaluators: Optional[List[MonitoringEvaluatorResponse]] = Field(None, description="Evaluators used.")
    evaluator_aggregates: Optional[List[EvaluatorAggregate]] = Field(
        None, description="Aggregated judgments of Evaluators on this version's Logs."
    )


class PopulateTemplateResponse(PromptResponse):
    """A Prompt version with its template filled from the given inputs."""

    populated_template: Optional[Union[str, List[ChatMessage]]] = Field(
        None, description="The template with every `{{variable}}` replaced by its input."
    )


class ListPrompts(BaseModel):
    """All versions of a Prompt."""

    records: List[PromptResponse] = Field(description="The items on this page.")


class UpdatePromptRequest(BaseModel):
    """Body that renames or moves a Prompt."""

    path: Optional[str] = Field(None, description="Path of the file including its name, such as `folder/name`.")
    name: Optional[str] = Field(None, description="Name.")


class PromptLogRequest(BaseModel):
    """Body that records a Log of a Prompt."""

    # programs log numbers where text is expected (a calculator tool's `output=5`): kept as their text
    model_config = LOG_VALUES

    run_id: Optional[str] = Field(None, description="Run of an Evaluation to add the Log to.")
    evaluation_id: Optional[str] = Field(None, description="Evaluation to attach the Log to.")
    path: Optional[str] = Field(None, description="Path of the file including its name, such as `folder/name`.")
    id: Optional[str] = Field(None, description="Unique identifier.")
    output_message: Optional[ChatMessage] = Field(None, description="Message the model returned.")
    prompt_tokens: Optional[int] = Field(None, description="Number of tokens in the prompt.")
    reasoning_tokens: Optional[int] = Field(None, description="Number of tokens the model spent reasoning.")
    output_tokens: Optional[int] = Field(None, description="Number of tokens generated.")
    prompt_cost: Optional[float] = Field(None, description="Cost of the prompt tokens, in dollars.")
    output_cost: Optional[float] = Field(None, description="Cost of the output tokens, in dollars.")
    finish_reason: Optional[str] = Field(None, description="Why the model stopped generating.")
    messages: Optional[List[ChatMessage]] = Field(None, description="Chat messages.")
    tool_choice: Optional[Union[Literal["none"], Literal["auto"], Literal["required"], ToolChoice]] = Field(
        None, description="Whether and which tool the model must call: `none`, `auto`, `required` or one function."
    )
    prompt: Optional[Union[PromptKernelRequest, str]] = Field(
        None, description="The Prompt version: its settings, or the text of a `.prompt` file (0.8.38)."
    )
    start_time: Optional[datetime] = Field(None, description="When the work started.")
    end_time: Optional[datetime] = Field(None, description="When the work ended.")
    output: Optional[str] = Field(None, description="Text output.")
    created_at: Optional[datetime] = Field(None, description="When it was created.")
    error: Optional[str] = Field(None, description="Error message, when the work failed.")
    provider_latency: Optional[float] = Field(None, description="Seconds the provider took.")
    stdout: Optional[str] = Field(None, description="Text printed while running.")
    provider_request: Optional[Dict[str, Any]] = Field(None, description="Raw request sent to the provider.")
    provider_response: Optional[Dict[str, Any]] = Field(None, description="Raw response of the provider.")
    inputs: Optional[Dict[str, Any]] = Field(default_factory=dict, description="Values of the input variables.")
    source: Optional[str] = Field(None, description="Where the Log came from, for example `sdk`.")
    metadata: Optional[Dict[str, Any]] = Field(None, description="Free-form data stored with the Log.")
    source_datapoint_id: Optional[str] = Field(None, description="Datapoint the Log was generated from.")
    trace_parent_id: Optional[str] = Field(None, description="ID of the Log this one is nested under in a trace.")
    batch_id: Optional[str] = Field(
        None, description="Groups Logs that belong to one batch, such as one Evaluation run."
    )
    user: Optional[str] = Field(None, description="End user the Log is for.")
    environment: Optional[str] = Field(None, description="Name of an environment.")
    save: Optional[bool] = Field(True, description="Whether to store the Log.")
    log_status: Optional[LogStatus] = Field(
        None, description="`incomplete` while the work goes on, `complete` once done (the trace status of a Flow Log)."
    )
    log_id: Optional[str] = Field(
        None, description="ID for the new Log, chosen by the client (letters, digits, `_`, `-`, `.`; at most 128)."
    )


class PromptLogResponse(BaseModel):
    """A Log of a Prompt."""

    output_message: Optional[ChatMessage] = Field(None, description="Message the model returned.")
    prompt_tokens: Optional[int] = Field(None, description="Number of tokens in the prompt.")
    reasoning_tokens: Optional[int] = Field(None, description="Number of tokens the model spent reasoning.")
    output_tokens: Optional[int] = Field(None, description="Number of tokens generated.")
    prompt_cost: Optional[float] = Field(None, description="Cost of the prompt tokens, in dollars.")
    output_cost: Optional[float] = Field(None, description="Cost of the output tokens, in dollars.")
    finish_reason: Optional[str] = Field(None, description="Why the model stopped generating.")
    messages: Optional[List[ChatMessage]] = Field(None, description="Chat messages.")
    tool_choice: Optional[Union[Literal["none"], Literal["auto"], Literal["required"], ToolChoice]] = Field(
        None, description="Whether and which tool the model must call: `none`, `auto`, `required` or one function."
    )
    prompt: PromptResponse = Field(description="The Prompt version.")
    start_time: Optional[datetime] = Field(None, description="When the work started.")
    end_time: Optional[datetime] = Field(None, description="When the work ended.")
    output: Optional[str] = Field(None, description="Text output.")
    created_at: Optional[datetime] = Field(None, description="When it was created.")
    error: Optional[str] = Field(None, description="Error message, when the work failed.")
    provider_latency: Optional[float] = Field(None, description="Seconds the provider took.")
    stdout: Optional[str] = Field(None, description="Text printed while running.")
    provider_request: Optional[Dict[str, Any]] = Field(None, description="Raw request sent to the provider.")
    provider_response: Optional[Dict[str, Any]] = Field(None, description="Raw response of the provider.")
    inputs: Optional[Dict[str, Any]] = Field(default_factory=dict, description="Values of the input variables.")
    source: Optional[str] = Field(None, description="Where the Log came from, for example `sdk`.")
    metadata: Optional[Dict[str, Any]] = Field(None, description="Free-form data stored with the Log.")
    source_datapoint_id: Optional[str] = Field(None, description="Datapoint the Log was generated from.")
    trace_parent_id: Optional[str] = Field(None, description="ID of the Log this one is nested under in a trace.")
    batches: Optional[List[str]] = Field(None, description="Batches the Log belongs to.")
    user: Optional[str] = Field(None, description="End user the Log is for.")
    environment: Optional[str] = Field(None, description="Name of an environment.")
    save: Optional[bool] = Field(True, description="Whether to store the Log.")
    log_status: Optional[LogStatus] = Field(
        None, description="`incomplete` while the work goes on, `complete` once done (the trace status of a Flow Log)."
    )
    log_id: Optional[str] = Field(None, description="ID of the Log (the same as `id`).")
    id: str = Field(description="Unique identifier.")
    evaluator_logs: List[EvaluatorLogResponse] = Field(description="Judgments of Evaluators on this Log.")
    trace_flow_id: Optional[str] = Field(None, description="ID of the Flow whose Log is the root of the trace.")
    trace_id: Optional[str] = Field(None, description="ID of the trace's root Log.")
    trace_children: Optional[List[LogResponse]] = Field(
        default_factory=list, description="Logs nested under this one in its trace."
    )


class PromptLogUpdateRequest(BaseModel):
    """Body that changes fields of an existing Prompt Log."""

    # programs log numbers where text is expected (a calculator tool's `output=5`): kept as their text
    model_config = LOG_VALUES

    output_message: Optional[ChatMessage] = Field(None, description="Message the model returned.")
    prompt_tokens: Optional[int] = Field(None, description="Number of tokens in the prompt.")
    reasoning_tokens: Optional[int] = Field(None, description="Number of tokens the model spent reasoning.")
    output_tokens: Optional[int] = Field(None, description="Number of tokens generated.")
    prompt_cost: Optional[float] = Field(None, description="Cost of the prompt tokens, in dollars.")
    output_cost: Optional[float] = Field(None, description="Cost of the output tokens, in dollars.")
    finish_reason: Optional[str] = Field(None, description="Why the model stopped generating.")
    messages: Optional[List[ChatMessage]] = Field(None, description="Chat messages.")
    tool_choice: Optional[Union[Literal["none"], Literal["auto"], Literal["required"], ToolChoice]] = Field(
        None, description="Whether and which tool the model must call: `none`, `auto`, `required` or one function."
    )
    output: Optional[str] = Field(None, description="Text output.")
    created_at: Optional[datetime] = Field(None, description="When it was created.")
    error: Optional[str] = Field(None, description="Error message, when the work failed.")
    provider_latency: Optional[float] = Field(None, description="Seconds the provider took.")
    stdout: Optional[str] = Field(None, description="Text printed while running.")
    provider_request: Optional[Dict[str, Any]] = Field(None, description="Raw request sent to the provider.")
    provider_response: Optional[Dict[str, Any]] = Field(None, description="Raw response of the provider.")
    inputs: Optional[Dict[str, Any]] = Field(default_factory=dict, description="Values of the input variables.")
    source: Optional[str] = Field(None, description="Where the Log came from, for example `sdk`.")
    metadata: Optional[Dict[str, Any]] = Field(None, description="Free-form data stored with the Log.")
    start_time: Optional[datetime] = Field(None, description="When the work started.")
    end_time: Optional[datetime] = Field(None, description="When the work ended.")
    log_status: Optional[LogStatus] = Field(
        None, description="`incomplete` while the work goes on, `complete` once done (the trace status of a Flow Log)."
    )


class CreatePromptLogResponse(BaseModel):
    """Identifiers of a newly recorded Prompt Log."""

    id: str = Field(description="Unique identifier.")
    prompt_id: str = Field(description="ID of the Prompt.")
    version_id: str = Field(description="ID of the version.")
    session_id: Optional[str] = Field(None, description="ID of the session.")


class PromptCallRequest(BaseModel):
    """Body that calls a model through a Prompt and logs the result."""

    # programs log numbers where text is expected (a calculator tool's `output=5`): kept as their text
    model_config = LOG_VALUES

    path: Optional[str] = Field(None, description="Path of the file including its name, such as `folder/name`.")
    id: Optional[str] = Field(None, description="Unique identifier.")
    messages: Optional[List[ChatMessage]] = Field(None, description="Chat messages.")
    tool_choice: Optional[Union[Literal["none"], Literal["auto"], Literal["required"], ToolChoice]] = Field(
        None, description="Whether and which tool the model must call: `none`, `auto`, `required` or one function."
    )
    prompt: Optional[Union[PromptKernelRequest, str]] = Field(
        None, description="The Prompt version: its settings, or the text of a `.prompt` file (0.8.38)."
    )
    inputs: Optional[Dict[str, Any]] = Field(default_factory=dict, description="Values of the input variables.")
    source: Optional[str] = Field(None, description="Where the Log came from, for example `sdk`.")
    metadata: Optional[Dict[str, Any]] = Field(None, description="Free-form data stored with the Log.")
    start_time: Optional[datetime] = Field(None, description="When the work started.")
    end_time: Optional[datetime] = Field(None, description="When the work ended.")
    source_datapoint_id: Optional[str] = Field(None, description="Datapoint the Log was generated from.")
    trace_parent_id: Optional[str] = Field(None, description="ID of the Log this one is nested under in a trace.")
    batch_id: Optional[str] = Field(
        None, description="Groups Logs that belong to one batch, such as one Evaluation run."
    )
    user: Optional[str] = Field(None, description="End user the Log is for.")
    environment: Optional[str] = Field(None, description="Name of an environment.")
    save: Optional[bool] = Field(True, description="Whether to store the Log.")
    log_status: Optional[LogStatus] = Field(
        None, description="`incomplete` while the work goes on, `complete` once done (the trace status of a Flow Log)."
    )
    log_id: Optional[str] = Field(
        None, description="ID for the new Log, chosen by the client (letters, digits, `_`, `-`, `.`; at most 128)."
    )
    provider_api_keys: Optional[ProviderApiKeys] = Field(
        None, description="Provider keys for this request only; they are not stored."
    )
    num_samples: Optional[int] = Field(1, description="Number of generations to request.")
    stream: Optional[bool] = Field(False, description="Whether to stream the response as server-sent events.")
    return_inputs: Optional[bool] = Field(True, description="Whether the response repeats the inputs.")
    logprobs: Optional[int] = Field(None, description="Number of most likely tokens to return log probabilities for.")
    suffix: Optional[str] = Field(None, description="Text that follows the completion.")


class PromptCallLogResponse(BaseModel):
    """One generation of a Prompt call."""

    output: Optional[str] = Field(None, description="Text output.")
    created_at: Optional[datetime] = Field(None, description="When it was created.")
    error: Optional[str] = Field(None, description="Error message, when the work failed.")
    provider_latency: Optional[float] = Field(None, description="Seconds the provider took.")
    stdout: Optional[str] = Field(None, description="Text printed while running.")
    output_message: Optional[ChatMessage] = Field(None, description="Message the model returned.")
    prompt_tokens: Optional[int] = Field(None, description="Number of tokens in the prompt.")
    reasoning_tokens: Optional[int] = Field(None, description="Number of tokens the model spent reasoning.")
    output_tokens: Optional[int] = Field(None, description="Number of tokens generated.")
    prompt_cost: Optional[float] = Field(None, description="Cost of the prompt tokens, in dollars.")
    output_cost: Optional[float] = Field(None, description="Cost of the output tokens, in dollars.")
    finish_reason: Optional[str] = Field(None, description="Why the model stopped generating.")
    index: int = Field(description="Position of this generation among the samples.")


class PromptCallResponse(BaseModel):
    """Result of a Prompt call, with one Log per generation."""

    start_time: Optional[datetime] = Field(None, description="When the work started.")
    end_time: Optional[datetime] = Field(None, description="When the work ended.")
    messages: Optional[List[ChatMessage]] = Field(None, description="Chat messages.")
    tool_choice: Optional[Union[Literal["none"], Literal["auto"], Literal["required"], ToolChoice]] = Field(
        None, description="Whether and which tool the model must call: `none`, `auto`, `required` or one function."
    )
    prompt: PromptResponse = Field(description="The Prompt version.")
    inputs: Optional[Dict[str, Any]] = Field(default_factory=dict, description="Values of the input variables.")
    source: Optional[str] = Field(None, description="Where the Log came from, for example `sdk`.")
    metadata: Optional[Dict[str, Any]] = Field(None, description="Free-form data stored with the Log.")
    source_datapoint_id: Optional[str] = Field(None, description="Datapoint the Log was generated from.")
    trace_parent_id: Optional[str] = Field(None, description="ID of the Log this one is nested under in a trace.")
    batch_id: Optional[str] = Field(
        None, description="Groups Logs that belong to one batch, such as one Evaluation run."
    )
    user: Optional[str] = Field(None, description="End user the Log is for.")
    environment: Optional[str] = Field(None, description="Name of an environment.")
    save: Optional[bool] = Field(True, description="Whether to store the Log.")
    log_status: Optional[LogStatus] = Field(
        None, description="`incomplete` while the work goes on, `complete` once done (the trace status of a Flow Log)."
    )
    log_id: Optional[str] = Field(None, description="ID of the Log (the same as `id`).")
    id: str = Field(description="Unique identifier.")
    trace_id: Optional[str] = Field(None, description="ID of the trace's root Log.")
    logs: List[PromptCallLogResponse] = Field(description="The Logs.")


class PromptCallStreamResponse(BaseModel):
    """One streamed chunk of a Prompt call."""

    output: Optional[str] = Field(None, description="Text output.")
    created_at: Optional[datetime] = Field(None, description="When it was created.")
    error: Optional[str] = Field(None, description="Error message, when the work failed.")
    provider_latency: Optional[float] = Field(None, description="Seconds the provider took.")
    stdout: Optional[str] = Field(None, description="Text printed while running.")
    output_message: Optional[ChatMessage] = Field(None, description="Message the model returned.")
    prompt_tokens: Optional[int] = Field(None, description="Number of tokens in the prompt.")
    reasoning_tokens: Optional[int] = Field(None, description="Number of tokens the model spent reasoning.")
    output_tokens: Optional[int] = Field(None, description="Number of tokens generated.")
    prompt_cost: Optional[float] = Field(None, description="Cost of the prompt tokens, in dollars.")
    output_cost: Optional[float] = Field(None, description="Cost of the output tokens, in dollars.")
    finish_reason: Optional[str] = Field(None, description="Why the model stopped generating.")
    index: int = Field(description="Position of this generation among the samples.")
    id: str = Field(description="Unique identifier.")
    prompt_id: str = Field(description="ID of the Prompt.")
    version_id: str = Field(description="ID of the version.")
