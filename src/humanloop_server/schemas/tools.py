"""Tool files: versions and Logs."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, Dict, List, Literal, Optional

from pydantic import BaseModel, Field

from .common import (
    LOG_VALUES,
    ChatMessage,
    EnvironmentResponse,
    InputResponse,
    LogStatus,
    ToolFunction,
    UserResponse,
    VersionStatus,
    fern_type_name,
)

if TYPE_CHECKING:
    from .evaluators import EvaluatorAggregate, EvaluatorLogResponse, MonitoringEvaluatorResponse
    from .logs import LogResponse


class ToolType(str, Enum):
    """Kind of a Tool."""

    __get_pydantic_json_schema__ = fern_type_name("FilesToolType")

    PINECONE_SEARCH = "pinecone_search"
    GOOGLE = "google"
    MOCK = "mock"
    SNIPPET = "snippet"
    JSON_SCHEMA = "json_schema"
    GET_API_CALL = "get_api_call"
    PYTHON = "python"


class ToolKernelRequest(BaseModel):
    """The settings that define a Tool version."""

    function: Optional[ToolFunction] = Field(None, description="The function.")
    source_code: Optional[str] = Field(None, description="Source code of the Tool.")
    setup_values: Optional[Dict[str, Any]] = Field(
        None, description="Values the Tool needs to run, such as keys; not shown to the model."
    )
    attributes: Optional[Dict[str, Any]] = Field(None, description="Free-form details that tell versions apart.")


class ToolRequest(BaseModel):
    """Body that creates a Tool version, or finds the existing one with the same settings."""

    path: Optional[str] = Field(None, description="Path of the file including its name, such as `folder/name`.")
    id: Optional[str] = Field(None, description="Unique identifier.")
    function: Optional[ToolFunction] = Field(None, description="The function.")
    source_code: Optional[str] = Field(None, description="Source code of the Tool.")
    setup_values: Optional[Dict[str, Any]] = Field(
        None, description="Values the Tool needs to run, such as keys; not shown to the model."
    )
    attributes: Optional[Dict[str, Any]] = Field(None, description="Free-form details that tell versions apart.")
    tool_type: Optional[ToolType] = Field(ToolType.JSON_SCHEMA, description="Kind of Tool.")
    commit_message: Optional[str] = Field(None, description="Message that describes the version.")
    version_name: Optional[str] = Field(None, description="Name of the version, unique within the file.")
    version_description: Optional[str] = Field(None, description="Description of the version.")


class ToolResponse(BaseModel):
    """A Tool version with its file's details."""

    path: str = Field(description="Path of the file including its name, such as `folder/name`.")
    id: str = Field(description="Unique identifier.")
    directory_id: Optional[str] = Field(None, description="ID of the directory holding the file.")
    function: Optional[ToolFunction] = Field(None, description="The function.")
    source_code: Optional[str] = Field(None, description="Source code of the Tool.")
    setup_values: Optional[Dict[str, Any]] = Field(
        None, description="Values the Tool needs to run, such as keys; not shown to the model."
    )
    attributes: Optional[Dict[str, Any]] = Field(None, description="Free-form details that tell versions apart.")
    tool_type: Optional[ToolType] = Field(ToolType.JSON_SCHEMA, description="Kind of Tool.")
    commit_message: Optional[str] = Field(None, description="Message that describes the version.")
    version_name: Optional[str] = Field(None, description="Name of the version, unique within the file.")
    version_description: Optional[str] = Field(None, description="Description of the version.")
    description: Optional[str] = Field(None, description="Description of the file.")
    readme: Optional[str] = Field(None, description="Longer notes about the file.")
    tags: Optional[List[str]] = Field(None, description="Labels of the file.")
    name: str = Field(description="Name.")
    version_id: str = Field(description="ID of the version.")
    type: Literal["tool"] = Field("tool", description="Kind.")
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
    signature: Optional[str] = Field(None, description="Python signature of the Tool's function.")
    evaluator_aggregates: Optional[List[EvaluatorAggregate]] = Field(
        None, description="Aggregated judgments of Evaluators on this version's Logs."
    )


class ListTools(BaseModel):
    """All versions of a Tool."""

    records: List[ToolResponse] = Field(description="The items on this page.")


class UpdateToolRequest(BaseModel):
    """Body that renames or moves a Tool."""

    path: Optional[str] = Field(None, description="Path of the file including its name, such as `folder/name`.")
    name: Optional[str] = Field(None, description="Name.")


class ToolLogRequest(BaseModel):
    """Body that records a Log of a Tool."""

    # programs log numbers where text is expected (a calculator tool's `output=5`): kept as their text
    model_config = LOG_VALUES

    path: Optional[str] = Field(None, description="Path of the file including its name, such as `folder/name`.")
    id: Optional[str] = Field(None, description="Unique identifier.")
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
    tool: Optional[ToolKernelRequest] = Field(None, description="The Tool version.")


class ToolLogResponse(BaseModel):
    """A Log of a Tool."""

    start_time: Optional[datetime] = Field(None, description="When the work started.")
    end_time: Optional[datetime] = Field(None, description="When the work ended.")
    output_message: Optional[ChatMessage] = Field(None, description="Message the model returned.")
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
    tool: ToolResponse = Field(description="The Tool version.")


class ToolLogUpdateRequest(BaseModel):
    """Body that changes fields of an existing Tool Log."""

    # programs log numbers where text is expected (a calculator tool's `output=5`): kept as their text
    model_config = LOG_VALUES

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


class CreateToolLogResponse(BaseModel):
    """Identifiers of a newly recorded Tool Log."""

    id: str = Field(description="Unique identifier.")
    tool_id: str = Field(description="ID of the Tool.")
    version_id: str = Field(description="ID of the version.")
    session_id: Optional[str] = Field(None, description="ID of the session.")


class ToolCallRequest(BaseModel):
    """Body that runs a Tool version on the server and logs the run."""

    # programs log numbers where text is expected (a calculator tool's `output=5`): kept as their text
    model_config = LOG_VALUES

    path: Optional[str] = Field(None, description="Path of the file including its name, such as `folder/name`.")
    id: Optional[str] = Field(None, description="Unique identifier.")
    tool: Optional[ToolKernelRequest] = Field(None, description="The Tool version (created when new).")
    inputs: Optional[Dict[str, Any]] = Field(
        default_factory=dict, description="Arguments of the Tool's function, by name."
    )
    source: Optional[str] = Field(None, description="Where the Log came from, for example `sdk`.")
    metadata: Optional[Dict[str, Any]] = Field(None, description="Free-form data stored with the Log.")
    start_time: Optional[datetime] = Field(None, description="When the work started.")
    end_time: Optional[datetime] = Field(None, description="When the work ended.")
    log_status: Optional[LogStatus] = Field(
        None, description="`incomplete` while the work goes on, `complete` once done (the trace status of a Flow Log)."
    )
    source_datapoint_id: Optional[str] = Field(None, description="Datapoint the Log was generated from.")
    trace_parent_id: Optional[str] = Field(None, description="ID of the Log this one is nested under in a trace.")
    user: Optional[str] = Field(None, description="End user the Log is for.")
    environment: Optional[str] = Field(None, description="Name of an environment.")
    save: Optional[bool] = Field(True, description="Whether to store the Log.")
    log_id: Optional[str] = Field(
        None, description="ID for the new Log, chosen by the client (letters, digits, `_`, `-`, `.`; at most 128)."
    )


class ToolCallResponse(BaseModel):
    """The Log of a Tool run by the server (`tools.call`)."""

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
    tool: ToolResponse = Field(description="The Tool version.")


class FileEnvironmentVariableRequest(BaseModel):
    """A named value kept for a Tool; answers show the value masked."""

    name: str = Field(description="Name of the variable.", min_length=1, max_length=255)
    value: str = Field(description="Value of the variable (masked in answers).")
