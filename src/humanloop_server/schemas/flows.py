"""Flow files, Flow Logs and traces."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Dict, List, Literal, Optional

from pydantic import BaseModel, Field

from .common import (
    LOG_VALUES,
    ChatMessage,
    EnvironmentResponse,
    LogStatus,
    TraceStatus,
    UserResponse,
    VersionStatus,
)
from .evaluators import EvaluatorAggregate, EvaluatorLogResponse, MonitoringEvaluatorResponse

if TYPE_CHECKING:
    from .logs import LogResponse


class FlowKernelRequest(BaseModel):
    """The settings that define a Flow version."""

    attributes: Dict[str, Any] = Field(description="Free-form details that tell versions apart.")


class FlowRequest(BaseModel):
    """Body that creates a Flow version, or finds the existing one with the same attributes."""

    path: Optional[str] = Field(None, description="Path of the file including its name, such as `folder/name`.")
    id: Optional[str] = Field(None, description="Unique identifier.")
    attributes: Dict[str, Any] = Field(description="Free-form details that tell versions apart.")
    commit_message: Optional[str] = Field(None, description="Message that describes the version.")
    version_name: Optional[str] = Field(None, description="Name of the version, unique within the file.")
    version_description: Optional[str] = Field(None, description="Description of the version.")


class FlowResponse(BaseModel):
    """A Flow version with its file's details."""

    path: str = Field(description="Path of the file including its name, such as `folder/name`.")
    id: str = Field(description="Unique identifier.")
    directory_id: Optional[str] = Field(None, description="ID of the directory holding the file.")
    attributes: Dict[str, Any] = Field(description="Free-form details that tell versions apart.")
    commit_message: Optional[str] = Field(None, description="Message that describes the version.")
    version_name: Optional[str] = Field(None, description="Name of the version, unique within the file.")
    version_description: Optional[str] = Field(None, description="Description of the version.")
    description: Optional[str] = Field(None, description="Description of the file.")
    readme: Optional[str] = Field(None, description="Longer notes about the file.")
    tags: Optional[List[str]] = Field(None, description="Labels of the file.")
    schema_: Optional[Dict[str, Any]] = Field(None, alias="schema", description="JSON schema of the file's output.")
    name: str = Field(description="Name.")
    version_id: str = Field(description="ID of the version.")
    type: Literal["flow"] = Field("flow", description="Kind.")
    environments: Optional[List[EnvironmentResponse]] = Field(
        None, description="Environments this version is deployed to."
    )
    created_at: datetime = Field(description="When it was created.")
    updated_at: datetime = Field(description="When it was last changed.")
    created_by: Optional[UserResponse] = Field(None, description="The user who created it.")
    status: Optional[VersionStatus] = Field(None, description="Status of the version.")
    last_used_at: datetime = Field(description="When a Log last used this version.")
    version_logs_count: int = Field(description="Number of Logs of this version.")
    evaluator_aggregates: Optional[List[EvaluatorAggregate]] = Field(
        None, description="Aggregated judgments of Evaluators on this version's Logs."
    )
    evaluators: Optional[List[MonitoringEvaluatorResponse]] = Field(None, description="Evaluators used.")


class ListFlows(BaseModel):
    """All versions of a Flow."""

    records: List[FlowResponse] = Field(description="The items on this page.")


class UpdateFlowRequest(BaseModel):
    """Body that renames or moves a Flow."""

    path: Optional[str] = Field(None, description="Path of the file including its name, such as `folder/name`.")
    name: Optional[str] = Field(None, description="Name.")
    directory_id: Optional[str] = Field(None, description="ID of the directory holding the file.")


class FlowLogRequest(BaseModel):
    """Body that records a Log of a Flow, which can start a trace."""

    # programs log numbers where text is expected (a calculator tool's `output=5`): kept as their text
    model_config = LOG_VALUES

    run_id: Optional[str] = Field(None, description="Run of an Evaluation to add the Log to.")
    evaluation_id: Optional[str] = Field(None, description="Evaluation to attach the Log to.")
    path: Optional[str] = Field(None, description="Path of the file including its name, such as `folder/name`.")
    id: Optional[str] = Field(None, description="Unique identifier.")
    messages: Optional[List[ChatMessage]] = Field(None, description="Chat messages.")
    output_message: Optional[ChatMessage] = Field(None, description="Message the model returned.")
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
    log_id: Optional[str] = Field(
        None, description="ID for the new Log, chosen by the client (letters, digits, `_`, `-`, `.`; at most 128)."
    )
    flow: Optional[FlowKernelRequest] = Field(None, description="The Flow version.")
    trace_status: Optional[TraceStatus] = Field(TraceStatus.INCOMPLETE, description="Whether the trace is complete.")
    log_status: Optional[LogStatus] = Field(
        None, description="`incomplete` while the work goes on, `complete` once done (the trace status of a Flow Log)."
    )


class FlowLogResponse(BaseModel):
    """A Log of a Flow, the root of a trace."""

    messages: Optional[List[ChatMessage]] = Field(None, description="Chat messages.")
    output_message: Optional[ChatMessage] = Field(None, description="Message the model returned.")
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
    flow: FlowResponse = Field(description="The Flow version.")
    trace_status: Optional[TraceStatus] = Field(None, description="Whether the trace is complete.")


class CreateFlowLogResponse(BaseModel):
    """Identifiers of a newly recorded Flow Log."""

    id: str = Field(description="Unique identifier.")
    flow_id: str = Field(description="ID of the Flow.")
    version_id: str = Field(description="ID of the version.")
    trace_status: Optional[TraceStatus] = Field(None, description="Whether the trace is complete.")
    log_status: Optional[LogStatus] = Field(
        None, description="`incomplete` while the work goes on, `complete` once done (the trace status of a Flow Log)."
    )


class UpdateTraceRequest(BaseModel):
    """Body that completes a Flow Log or changes its inputs, output or error."""

    # programs log numbers where text is expected (a calculator tool's `output=5`): kept as their text
    model_config = LOG_VALUES

    messages: Optional[List[ChatMessage]] = Field(None, description="Chat messages of the Flow.")
    output_message: Optional[ChatMessage] = Field(None, description="Last message of the Flow.")
    inputs: Optional[Dict[str, Any]] = Field(None, description="Values of the input variables.")
    output: Optional[str] = Field(None, description="Text output.")
    error: Optional[str] = Field(None, description="Error message, when the work failed.")
    trace_status: Optional[TraceStatus] = Field(
        None, description="`complete` closes the trace (0.8.6 name; the same state as `log_status`)."
    )
    log_status: Optional[LogStatus] = Field(
        None, description="`complete` closes the trace (0.8.38 name; the same state as `trace_status`)."
    )
