"""evaluators schemas."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, Dict, List, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field
from typing_extensions import Annotated

from .common import EnvironmentResponse, InputResponse, UserResponse, Valence, VersionStatus
from .prompts import PromptKernelRequest

if TYPE_CHECKING:
    from .files import VersionReferenceResponse
    from .logs import LogResponse


class EvaluatorArgumentsType(str, Enum):
    """EvaluatorArgumentsType"""

    TARGET_FREE = "target_free"
    TARGET_REQUIRED = "target_required"


class EvaluatorReturnTypeEnum(str, Enum):
    """EvaluatorReturnTypeEnum"""

    BOOLEAN = "boolean"
    NUMBER = "number"
    SELECT = "select"
    MULTI_SELECT = "multi_select"
    TEXT = "text"


class EvaluatorJudgmentOptionResponse(BaseModel):
    """EvaluatorJudgmentOptionResponse"""

    name: str
    valence: Optional[Valence] = Valence.NEUTRAL


class EvaluatorJudgmentNumberLimit(BaseModel):
    """EvaluatorJudgmentNumberLimit"""

    min: Optional[float] = None
    max: Optional[float] = None
    step: Optional[float] = None


class LLMEvaluatorRequest(BaseModel):
    """LLMEvaluatorRequest"""

    arguments_type: EvaluatorArgumentsType
    return_type: EvaluatorReturnTypeEnum
    attributes: Optional[Dict[str, Any]] = None
    evaluator_type: Literal["llm"] = "llm"
    prompt: Optional[PromptKernelRequest] = None


class CodeEvaluatorRequest(BaseModel):
    """CodeEvaluatorRequest"""

    arguments_type: EvaluatorArgumentsType
    return_type: EvaluatorReturnTypeEnum
    attributes: Optional[Dict[str, Any]] = None
    evaluator_type: Literal["python"] = "python"
    code: str


class HumanEvaluatorRequest(BaseModel):
    """HumanEvaluatorRequest"""

    arguments_type: EvaluatorArgumentsType
    return_type: Literal["select", "multi_select", "text", "number", "boolean"]
    attributes: Optional[Dict[str, Any]] = None
    evaluator_type: Literal["human"] = "human"
    instructions: Optional[str] = None
    options: Optional[List[EvaluatorJudgmentOptionResponse]] = None
    number_limits: Optional[EvaluatorJudgmentNumberLimit] = None
    number_valence: Optional[Valence] = None


class ExternalEvaluatorRequest(BaseModel):
    """ExternalEvaluatorRequest"""

    arguments_type: EvaluatorArgumentsType
    return_type: EvaluatorReturnTypeEnum
    attributes: Optional[Dict[str, Any]] = None
    evaluator_type: Literal["external"] = "external"


class EvaluatorRequest(BaseModel):
    """EvaluatorRequest_evaluators"""

    model_config = ConfigDict(json_schema_extra={"x-fern-type-name": "EvaluatorsRequest"})

    path: Optional[str] = None
    id: Optional[str] = None
    commit_message: Optional[str] = None
    spec: Annotated[
        Union[LLMEvaluatorRequest, CodeEvaluatorRequest, HumanEvaluatorRequest, ExternalEvaluatorRequest],
        Field(discriminator="evaluator_type"),
    ]


class EvaluatorResponse(BaseModel):
    """EvaluatorResponse"""

    path: str
    id: str
    directory_id: Optional[str] = None
    commit_message: Optional[str] = None
    spec: Annotated[
        Union[LLMEvaluatorRequest, CodeEvaluatorRequest, HumanEvaluatorRequest, ExternalEvaluatorRequest],
        Field(discriminator="evaluator_type"),
    ]
    name: str
    version_id: str
    type: Literal["evaluator"] = "evaluator"
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
    attributes: Optional[Dict[str, Any]] = None


class ListEvaluators(BaseModel):
    """ListEvaluators"""

    records: List[EvaluatorResponse]


class UpdateEvaluatorRequest(BaseModel):
    """UpdateEvaluatorRequest"""

    path: Optional[str] = None
    name: Optional[str] = None


class EvaluatorAggregate(BaseModel):
    """EvaluatorAggregate"""

    value: float
    evaluator_id: str
    evaluator_version_id: str
    created_at: datetime
    updated_at: datetime


class MonitoringEvaluatorState(str, Enum):
    """MonitoringEvaluatorState"""

    ACTIVE = "active"
    INACTIVE = "inactive"


class MonitoringEvaluatorVersionRequest(BaseModel):
    """MonitoringEvaluatorVersionRequest"""

    evaluator_version_id: str


class MonitoringEvaluatorEnvironmentRequest(BaseModel):
    """MonitoringEvaluatorEnvironmentRequest"""

    evaluator_id: str
    environment_id: str


class EvaluatorActivationDeactivationRequest(BaseModel):
    """EvaluatorActivationDeactivationRequest"""

    activate: Optional[List[Union[MonitoringEvaluatorVersionRequest, MonitoringEvaluatorEnvironmentRequest]]] = None
    deactivate: Optional[List[Union[MonitoringEvaluatorVersionRequest, MonitoringEvaluatorEnvironmentRequest]]] = None


class MonitoringEvaluatorResponse(BaseModel):
    """MonitoringEvaluatorResponse"""

    version_reference: VersionReferenceResponse
    version: Optional[EvaluatorResponse] = None
    state: MonitoringEvaluatorState
    created_at: datetime
    updated_at: datetime


class CreateEvaluatorLogRequest(BaseModel):
    """CreateEvaluatorLogRequest"""

    path: Optional[str] = None
    id: Optional[str] = None
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
    parent_id: str
    source_datapoint_id: Optional[str] = None
    trace_parent_id: Optional[str] = None
    batch_id: Optional[str] = None
    user: Optional[str] = None
    environment: Optional[str] = None
    save: Optional[bool] = True
    judgment: Optional[Union[bool, str, List[str], float]] = None
    spec: Optional[
        Union[LLMEvaluatorRequest, CodeEvaluatorRequest, HumanEvaluatorRequest, ExternalEvaluatorRequest]
    ] = None


class EvaluatorLogResponse(BaseModel):
    """EvaluatorLogResponse"""

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
    parent_id: Optional[str] = None
    source_datapoint_id: Optional[str] = None
    trace_parent_id: Optional[str] = None
    batches: Optional[List[str]] = None
    user: Optional[str] = None
    environment: Optional[str] = None
    save: Optional[bool] = True
    judgment: Optional[Union[bool, str, List[str], float]] = None
    id: str
    evaluator_logs: List[EvaluatorLogResponse]
    trace_flow_id: Optional[str] = None
    trace_id: Optional[str] = None
    trace_children: Optional[List[LogResponse]] = Field(default_factory=list)
    evaluator: EvaluatorResponse
    parent: Optional[LogResponse] = None


class CreateEvaluatorLogResponse(BaseModel):
    """CreateEvaluatorLogResponse"""

    id: str
    parent_id: str
    session_id: Optional[str] = None
    version_id: str
