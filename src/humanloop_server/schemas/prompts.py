"""prompts schemas."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Dict, List, Literal, Optional, Union

from pydantic import BaseModel, Field

from .common import (
    ChatMessage,
    EnvironmentResponse,
    InputResponse,
    LinkedToolResponse,
    ModelEndpoints,
    ModelProviders,
    ProviderApiKeys,
    ResponseFormat,
    ToolChoice,
    ToolFunction,
    UserResponse,
    VersionStatus,
)

if TYPE_CHECKING:
    from .evaluators import EvaluatorAggregate, EvaluatorLogResponse, MonitoringEvaluatorResponse
    from .logs import LogResponse


class PromptKernelRequest(BaseModel):
    """PromptKernelRequest"""

    model: str
    endpoint: Optional[ModelEndpoints] = ModelEndpoints.CHAT
    template: Optional[Union[str, List[ChatMessage]]] = None
    provider: Optional[ModelProviders] = ModelProviders.OPENAI
    max_tokens: Optional[int] = -1
    temperature: Optional[float] = 1
    top_p: Optional[float] = 1
    stop: Optional[Union[str, List[str]]] = None
    presence_penalty: Optional[float] = 0
    frequency_penalty: Optional[float] = 0
    other: Optional[Dict[str, Any]] = Field(default_factory=dict)
    seed: Optional[int] = None
    response_format: Optional[ResponseFormat] = None
    tools: Optional[List[ToolFunction]] = None
    linked_tools: Optional[List[str]] = None
    attributes: Optional[Dict[str, Any]] = None


class PromptRequest(BaseModel):
    """PromptRequest"""

    path: Optional[str] = None
    id: Optional[str] = None
    model: str
    endpoint: Optional[ModelEndpoints] = ModelEndpoints.CHAT
    template: Optional[Union[str, List[ChatMessage]]] = None
    provider: Optional[ModelProviders] = ModelProviders.OPENAI
    max_tokens: Optional[int] = -1
    temperature: Optional[float] = 1
    top_p: Optional[float] = 1
    stop: Optional[Union[str, List[str]]] = None
    presence_penalty: Optional[float] = 0
    frequency_penalty: Optional[float] = 0
    other: Optional[Dict[str, Any]] = Field(default_factory=dict)
    seed: Optional[int] = None
    response_format: Optional[ResponseFormat] = None
    tools: Optional[List[ToolFunction]] = None
    linked_tools: Optional[List[str]] = None
    attributes: Optional[Dict[str, Any]] = None
    commit_message: Optional[str] = None


class PromptResponse(BaseModel):
    """PromptResponse"""

    path: str
    id: str
    directory_id: Optional[str] = None
    model: str
    endpoint: Optional[ModelEndpoints] = ModelEndpoints.CHAT
    template: Optional[Union[str, List[ChatMessage]]] = None
    provider: Optional[ModelProviders] = ModelProviders.OPENAI
    max_tokens: Optional[int] = -1
    temperature: Optional[float] = 1
    top_p: Optional[float] = 1
    stop: Optional[Union[str, List[str]]] = None
    presence_penalty: Optional[float] = 0
    frequency_penalty: Optional[float] = 0
    other: Optional[Dict[str, Any]] = Field(default_factory=dict)
    seed: Optional[int] = None
    response_format: Optional[ResponseFormat] = None
    tools: Optional[List[ToolFunction]] = None
    linked_tools: Optional[List[LinkedToolResponse]] = None
    attributes: Optional[Dict[str, Any]] = None
    commit_message: Optional[str] = None
    name: str
    version_id: str
    type: Literal["prompt"] = "prompt"
    environments: Optional[List[EnvironmentResponse]] = None
    created_at: datetime
    updated_at: datetime
    created_by: Optional[UserResponse] = None
    status: VersionStatus
    last_used_at: datetime
    version_logs_count: int
    total_logs_count: int
    inputs: List[InputResponse]
    evaluators: Optional[List[MonitoringEvaluatorResponse]] = None
    evaluator_aggregates: Optional[List[EvaluatorAggregate]] = None


class ListPrompts(BaseModel):
    """ListPrompts"""

    records: List[PromptResponse]


class UpdatePromptRequest(BaseModel):
    """UpdatePromptRequest"""

    path: Optional[str] = None
    name: Optional[str] = None


class PromptLogRequest(BaseModel):
    """PromptLogRequest"""

    evaluation_id: Optional[str] = None
    path: Optional[str] = None
    id: Optional[str] = None
    output_message: Optional[ChatMessage] = None
    prompt_tokens: Optional[int] = None
    output_tokens: Optional[int] = None
    prompt_cost: Optional[float] = None
    output_cost: Optional[float] = None
    finish_reason: Optional[str] = None
    messages: Optional[List[ChatMessage]] = None
    tool_choice: Optional[Union[Literal["none"], Literal["auto"], Literal["required"], ToolChoice]] = None
    prompt: Optional[PromptKernelRequest] = None
    start_time: Optional[datetime] = None
    end_time: Optional[datetime] = None
    output: Optional[str] = None
    created_at: Optional[datetime] = None
    error: Optional[str] = None
    provider_latency: Optional[float] = None
    stdout: Optional[str] = None
    provider_request: Optional[Dict[str, Any]] = None
    provider_response: Optional[Dict[str, Any]] = None
    inputs: Optional[Dict[str, Any]] = Field(default_factory=dict)
    source: Optional[str] = None
    metadata: Optional[Dict[str, Any]] = None
    source_datapoint_id: Optional[str] = None
    trace_parent_id: Optional[str] = None
    batch_id: Optional[str] = None
    user: Optional[str] = None
    environment: Optional[str] = None
    save: Optional[bool] = True


class PromptLogResponse(BaseModel):
    """PromptLogResponse"""

    output_message: Optional[ChatMessage] = None
    prompt_tokens: Optional[int] = None
    output_tokens: Optional[int] = None
    prompt_cost: Optional[float] = None
    output_cost: Optional[float] = None
    finish_reason: Optional[str] = None
    messages: Optional[List[ChatMessage]] = None
    tool_choice: Optional[Union[Literal["none"], Literal["auto"], Literal["required"], ToolChoice]] = None
    prompt: PromptResponse
    start_time: Optional[datetime] = None
    end_time: Optional[datetime] = None
    output: Optional[str] = None
    created_at: Optional[datetime] = None
    error: Optional[str] = None
    provider_latency: Optional[float] = None
    stdout: Optional[str] = None
    provider_request: Optional[Dict[str, Any]] = None
    provider_response: Optional[Dict[str, Any]] = None
    inputs: Optional[Dict[str, Any]] = Field(default_factory=dict)
    source: Optional[str] = None
    metadata: Optional[Dict[str, Any]] = None
    source_datapoint_id: Optional[str] = None
    trace_parent_id: Optional[str] = None
    batches: Optional[List[str]] = None
    user: Optional[str] = None
    environment: Optional[str] = None
    save: Optional[bool] = True
    id: str
    evaluator_logs: List[EvaluatorLogResponse]
    trace_flow_id: Optional[str] = None
    trace_id: Optional[str] = None
    trace_children: Optional[List[LogResponse]] = Field(default_factory=list)


class PromptLogUpdateRequest(BaseModel):
    """PromptLogUpdateRequest"""

    output_message: Optional[ChatMessage] = None
    prompt_tokens: Optional[int] = None
    output_tokens: Optional[int] = None
    prompt_cost: Optional[float] = None
    output_cost: Optional[float] = None
    finish_reason: Optional[str] = None
    messages: Optional[List[ChatMessage]] = None
    tool_choice: Optional[Union[Literal["none"], Literal["auto"], Literal["required"], ToolChoice]] = None
    output: Optional[str] = None
    created_at: Optional[datetime] = None
    error: Optional[str] = None
    provider_latency: Optional[float] = None
    stdout: Optional[str] = None
    provider_request: Optional[Dict[str, Any]] = None
    provider_response: Optional[Dict[str, Any]] = None
    inputs: Optional[Dict[str, Any]] = Field(default_factory=dict)
    source: Optional[str] = None
    metadata: Optional[Dict[str, Any]] = None
    start_time: Optional[datetime] = None
    end_time: Optional[datetime] = None


class CreatePromptLogResponse(BaseModel):
    """CreatePromptLogResponse"""

    id: str
    prompt_id: str
    version_id: str
    session_id: Optional[str] = None


class PromptCallRequest(BaseModel):
    """PromptCallRequest"""

    path: Optional[str] = None
    id: Optional[str] = None
    messages: Optional[List[ChatMessage]] = None
    tool_choice: Optional[Union[Literal["none"], Literal["auto"], Literal["required"], ToolChoice]] = None
    prompt: Optional[PromptKernelRequest] = None
    inputs: Optional[Dict[str, Any]] = Field(default_factory=dict)
    source: Optional[str] = None
    metadata: Optional[Dict[str, Any]] = None
    start_time: Optional[datetime] = None
    end_time: Optional[datetime] = None
    source_datapoint_id: Optional[str] = None
    trace_parent_id: Optional[str] = None
    batch_id: Optional[str] = None
    user: Optional[str] = None
    environment: Optional[str] = None
    save: Optional[bool] = True
    provider_api_keys: Optional[ProviderApiKeys] = None
    num_samples: Optional[int] = 1
    stream: Optional[bool] = False
    return_inputs: Optional[bool] = True
    logprobs: Optional[int] = None
    suffix: Optional[str] = None


class PromptCallLogResponse(BaseModel):
    """PromptCallLogResponse"""

    output: Optional[str] = None
    created_at: Optional[datetime] = None
    error: Optional[str] = None
    provider_latency: Optional[float] = None
    stdout: Optional[str] = None
    output_message: Optional[ChatMessage] = None
    prompt_tokens: Optional[int] = None
    output_tokens: Optional[int] = None
    prompt_cost: Optional[float] = None
    output_cost: Optional[float] = None
    finish_reason: Optional[str] = None
    index: int


class PromptCallResponse(BaseModel):
    """PromptCallResponse"""

    start_time: Optional[datetime] = None
    end_time: Optional[datetime] = None
    messages: Optional[List[ChatMessage]] = None
    tool_choice: Optional[Union[Literal["none"], Literal["auto"], Literal["required"], ToolChoice]] = None
    prompt: PromptResponse
    inputs: Optional[Dict[str, Any]] = Field(default_factory=dict)
    source: Optional[str] = None
    metadata: Optional[Dict[str, Any]] = None
    source_datapoint_id: Optional[str] = None
    trace_parent_id: Optional[str] = None
    batch_id: Optional[str] = None
    user: Optional[str] = None
    environment: Optional[str] = None
    save: Optional[bool] = True
    id: str
    trace_id: Optional[str] = None
    logs: List[PromptCallLogResponse]


class PromptCallStreamResponse(BaseModel):
    """PromptCallStreamResponse"""

    output: Optional[str] = None
    created_at: Optional[datetime] = None
    error: Optional[str] = None
    provider_latency: Optional[float] = None
    stdout: Optional[str] = None
    output_message: Optional[ChatMessage] = None
    prompt_tokens: Optional[int] = None
    output_tokens: Optional[int] = None
    prompt_cost: Optional[float] = None
    output_cost: Optional[float] = None
    finish_reason: Optional[str] = None
    index: int
    id: str
    prompt_id: str
    version_id: str
