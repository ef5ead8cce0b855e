"""Evaluator files, their judgment specs, monitoring settings and Evaluator Logs."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, Dict, List, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field
from typing_extensions import Annotated

from .common import (
    LOG_VALUES,
    ChatMessage,
    EnvironmentResponse,
    InputResponse,
    LogStatus,
    UserResponse,
    Valence,
    VersionStatus,
)
from .prompts import PromptKernelRequest

if TYPE_CHECKING:
    from .files import VersionReferenceResponse
    from .logs import LogResponse


class EvaluatorArgumentsType(str, Enum):
    """Whether an Evaluator needs a target to judge against."""

    TARGET_FREE = "target_free"
    TARGET_REQUIRED = "target_required"


class EvaluatorReturnTypeEnum(str, Enum):
    """Kind of judgment an Evaluator returns."""

    BOOLEAN = "boolean"
    NUMBER = "number"
    SELECT = "select"
    MULTI_SELECT = "multi_select"
    TEXT = "text"


class EvaluatorJudgmentOptionResponse(BaseModel):
    """One option a human can choose as judgment."""

    name: str = Field(description="Name.")
    valence: Optional[Valence] = Field(Valence.NEUTRAL, description="Whether choosing it is good, bad or neutral.")


class EvaluatorJudgmentNumberLimit(BaseModel):
    """Bounds and step of a numeric judgment."""

    min: Optional[float] = Field(None, description="Smallest allowed value.")
    max: Optional[float] = Field(None, description="Largest allowed value.")
    step: Optional[float] = Field(None, description="Allowed increment.")


class LLMEvaluatorRequest(BaseModel):
    """Spec of an Evaluator that asks a model for its judgment."""

    arguments_type: EvaluatorArgumentsType = Field(description="Whether the Evaluator needs a target.")
    return_type: EvaluatorReturnTypeEnum = Field(description="Kind of judgment returned.")
    attributes: Optional[Dict[str, Any]] = Field(None, description="Free-form details that tell versions apart.")
    options: Optional[List[EvaluatorJudgmentOptionResponse]] = Field(None, description="Options a judgment can take.")
    number_limits: Optional[EvaluatorJudgmentNumberLimit] = Field(None, description="Bounds of a numeric judgment.")
    number_valence: Optional[Valence] = Field(None, description="Whether higher numbers are better or worse.")
    evaluator_type: Literal["llm"] = Field("llm", description="Kind of Evaluator.")
    prompt: Optional[PromptKernelRequest] = Field(None, description="The Prompt version.")


class CodeEvaluatorRequest(BaseModel):
    """Spec of an Evaluator that runs Python code."""

    arguments_type: EvaluatorArgumentsType = Field(description="Whether the Evaluator needs a target.")
    return_type: EvaluatorReturnTypeEnum = Field(description="Kind of judgment returned.")
    attributes: Optional[Dict[str, Any]] = Field(None, description="Free-form details that tell versions apart.")
    options: Optional[List[EvaluatorJudgmentOptionResponse]] = Field(None, description="Options a judgment can take.")
    number_limits: Optional[EvaluatorJudgmentNumberLimit] = Field(None, description="Bounds of a numeric judgment.")
    number_valence: Optional[Valence] = Field(None, description="Whether higher numbers are better or worse.")
    evaluator_type: Literal["python"] = Field("python", description="Kind of Evaluator.")
    code: str = Field(description="Python source of the Evaluator.")


class HumanEvaluatorRequest(BaseModel):
    """Spec of an Evaluator whose judgments people give."""

    arguments_type: EvaluatorArgumentsType = Field(description="Whether the Evaluator needs a target.")
    return_type: Literal["select", "multi_select", "text", "number", "boolean"] = Field(
        description="Kind of judgment returned."
    )
    attributes: Optional[Dict[str, Any]] = Field(None, description="Free-form details that tell versions apart.")
    evaluator_type: Literal["human"] = Field("human", description="Kind of Evaluator.")
    instructions: Optional[str] = Field(None, description="Guidance for the people who judge.")
    options: Optional[List[EvaluatorJudgmentOptionResponse]] = Field(None, description="Options a judgment can take.")
    number_limits: Optional[EvaluatorJudgmentNumberLimit] = Field(None, description="Bounds of a numeric judgment.")
    number_valence: Optional[Valence] = Field(None, description="Whether higher numbers are better or worse.")


class ExternalEvaluatorRequest(BaseModel):
    """Spec of an Evaluator that runs outside the server and posts its judgments."""

    arguments_type: EvaluatorArgumentsType = Field(description="Whether the Evaluator needs a target.")
    return_type: EvaluatorReturnTypeEnum = Field(description="Kind of judgment returned.")
    attributes: Optional[Dict[str, Any]] = Field(None, description="Free-form details that tell versions apart.")
    options: Optional[List[EvaluatorJudgmentOptionResponse]] = Field(None, description="Options a judgment can take.")
    number_limits: Optional[EvaluatorJudgmentNumberLimit] = Field(None, description="Bounds of a numeric judgment.")
    number_valence: Optional[Valence] = Field(None, description="Whether higher numbers are better or worse.")
    evaluator_type: Literal["external"] = Field("external", description="Kind of Evaluator.")


class EvaluatorRequest(BaseModel):
    """Body that creates an Evaluator version, or finds the existing one with the same spec."""

    model_config = ConfigDict(json_schema_extra={"x-fern-type-name": "EvaluatorsRequest"})

    path: Optional[str] = Field(None, description="Path of the file including its name, such as `folder/name`.")
    id: Optional[str] = Field(None, description="Unique identifier.")
    commit_message: Optional[str] = Field(None, description="Message that describes the version.")
    version_name: Optional[str] = Field(None, description="Name of the version, unique within the file.")
    version_description: Optional[str] = Field(None, description="Description of the version.")
    spec: Annotated[
        Union[LLMEvaluatorRequest, CodeEvaluatorRequest, HumanEvaluatorRequest, ExternalEvaluatorRequest],
        Field(discriminator="evaluator_type"),
    ] = Field(
        description="How the Evaluator judges.",
        # the 0.8.6 SDK's name for this union (derived from the original backend's module path), and
        # the 0.8.38 SDK's
        json_schema_extra={
            "x-fern-type-name": "SrcExternalAppModelsV5EvaluatorsEvaluatorRequestSpec",
            "x-humanloop-type-aliases": ["EvaluatorRequestSpec"],
        },
    )


class EvaluatorResponse(BaseModel):
    """An Evaluator version with its file's details."""

    path: str = Field(description="Path of the file including its name, such as `folder/name`.")
    id: str = Field(description="Unique identifier.")
    directory_id: Optional[str] = Field(None, description="ID of the directory holding the file.")
    commit_message: Optional[str] = Field(None, description="Message that describes the version.")
    version_name: Optional[str] = Field(None, description="Name of the version, unique within the file.")
    version_description: Optional[str] = Field(None, description="Description of the version.")
    description: Optional[str] = Field(None, description="Description of the file.")
    readme: Optional[str] = Field(None, description="Longer notes about the file.")
    tags: Optional[List[str]] = Field(None, description="Labels of the file.")
    schema_: Optional[Dict[str, Any]] = Field(None, alias="schema", description="JSON schema of the file's output.")
    spec: Annotated[
        Union[LLMEvaluatorRequest, CodeEvaluatorRequest, HumanEvaluatorRequest, ExternalEvaluatorRequest],
        Field(discriminator="evaluator_type"),
    ] = Field(description="How the Evaluator judges.")
    name: str = Field(description="Name.")
    version_id: str = Field(description="ID of the version.")
    type: Literal["evaluator"] = Field("evaluator", description="Kind.")
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
    attributes: Optional[Dict[str, Any]] = Field(None, description="Free-form details that tell versions apart.")


class ListEvaluators(BaseModel):
    """All versions of an Evaluator."""

    records: List[EvaluatorResponse] = Field(description="The items on this page.")


class UpdateEvaluatorRequest(BaseModel):
    """Body that renames or moves an Evaluator."""

    path: Optional[str] = Field(None, description="Path of the file including its name, such as `folder/name`.")
    name: Optional[str] = Field(None, description="Name.")


class EvaluatorAggregate(BaseModel):
    """Aggregated judgment of an Evaluator version over the Logs of a file version."""

    value: float = Field(description="Aggregated value.")
    evaluator_id: str = Field(description="ID of the Evaluator.")
    evaluator_version_id: str = Field(description="ID of the Evaluator version.")
    created_at: datetime = Field(description="When it was created.")
    updated_at: datetime = Field(description="When it was last changed.")


class MonitoringEvaluatorState(str, Enum):
    """Whether a monitoring Evaluator runs on new Logs."""

    ACTIVE = "active"
    INACTIVE = "inactive"


class MonitoringEvaluatorVersionRequest(BaseModel):
    """Selects a monitoring Evaluator by version ID."""

    evaluator_version_id: str = Field(description="ID of the Evaluator version.")


class MonitoringEvaluatorEnvironmentRequest(BaseModel):
    """Selects a monitoring Evaluator by the version deployed to an environment."""

    evaluator_id: str = Field(description="ID of the Evaluator.")
    environment_id: str = Field(description="ID of an environment.")


class EvaluatorActivationDeactivationRequest(BaseModel):
    """Body that turns monitoring Evaluators on and off for a file."""

    activate: Optional[List[Union[MonitoringEvaluatorVersionRequest, MonitoringEvaluatorEnvironmentRequest]]] = Field(
        None, description="Monitoring Evaluators to turn on."
    )
    deactivate: Optional[List[Union[MonitoringEvaluatorVersionRequest, MonitoringEvaluatorEnvironmentRequest]]] = Field(
        None, description="Monitoring Evaluators to turn off."
    )


class MonitoringEvaluatorResponse(BaseModel):
    """An Evaluator that judges new Logs of a file."""

    version_reference: VersionReferenceResponse = Field(
        description="Which Evaluator version monitors: a fixed one, or the one deployed to an environment."
    )
    version: Optional[EvaluatorResponse] = Field(None, description="The version.")
    state: MonitoringEvaluatorState = Field(description="Whether it runs.")
    created_at: datetime = Field(description="When it was created.")
    updated_at: datetime = Field(description="When it was last changed.")


class CreateEvaluatorLogRequest(BaseModel):
    """Body that records a judgment of an Evaluator on a Log."""

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
    parent_id: str = Field(description="ID of the parent.")
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
    output_message: Optional[ChatMessage] = Field(None, description="Message the model returned.")
    marked_completed: Optional[bool] = Field(
        None, description="Whether a person marked this judgment as done (human Evaluators)."
    )
    judgment: Optional[Union[bool, str, List[str], float]] = Field(None, description="The Evaluator's judgment.")
    spec: Optional[
        Union[LLMEvaluatorRequest, CodeEvaluatorRequest, HumanEvaluatorRequest, ExternalEvaluatorRequest]
    ] = Field(None, description="How the Evaluator judges.")


class EvaluatorLogResponse(BaseModel):
    """A Log of an Evaluator: a judgment on another Log."""

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
    parent_id: Optional[str] = Field(None, description="ID of the parent.")
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
    output_message: Optional[ChatMessage] = Field(None, description="Message the model returned.")
    marked_completed: Optional[bool] = Field(
        None, description="Whether a person marked this judgment as done (human Evaluators)."
    )
    judgment: Optional[Union[bool, str, List[str], float]] = Field(None, description="The Evaluator's judgment.")
    id: str = Field(description="Unique identifier.")
    evaluator_logs: List[EvaluatorLogResponse] = Field(description="Judgments of Evaluators on this Log.")
    trace_flow_id: Optional[str] = Field(None, description="ID of the Flow whose Log is the root of the trace.")
    trace_id: Optional[str] = Field(None, description="ID of the trace's root Log.")
    trace_children: Optional[List[LogResponse]] = Field(
        default_factory=list, description="Logs nested under this one in its trace."
    )
    evaluator: EvaluatorResponse = Field(description="The Evaluator version.")
    parent: Optional[LogResponse] = Field(None, description="The Log that was judged.")


class CreateEvaluatorLogResponse(BaseModel):
    """Identifiers of a newly recorded Evaluator Log."""

    id: str = Field(description="Unique identifier.")
    parent_id: str = Field(description="ID of the parent.")
    session_id: Optional[str] = Field(None, description="ID of the session.")
    version_id: str = Field(description="ID of the version.")
