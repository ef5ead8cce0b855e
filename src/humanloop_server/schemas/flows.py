"""flows schemas."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Dict, List, Literal, Optional

from pydantic import BaseModel, Field

from .common import EnvironmentResponse, TraceStatus, UserResponse, VersionStatus
from .evaluators import EvaluatorAggregate, EvaluatorLogResponse, MonitoringEvaluatorResponse

if TYPE_CHECKING:
    from .logs import LogResponse


class FlowKernelRequest(BaseModel):
    """FlowKernelRequest"""

    attributes: Dict[str, Any]


class FlowRequest(BaseModel):
    """FlowRequest"""

    path: Optional[str] = None
    id: Optional[str] = None
    attributes: Dict[str, Any]
    commit_message: Optional[str] = None


class FlowResponse(BaseModel):
    """FlowResponse"""

    path: str
    id: str
    directory_id: Optional[str] = None
    attributes: Dict[str, Any]
    commit_message: Optional[str] = None
    name: str
    version_id: str
    type: Literal["flow"] = "flow"
    environments: Optional[List[EnvironmentResponse]] = None
    created_at: datetime
    updated_at: datetime
    created_by: Optional[UserResponse] = None
    status: VersionStatus
    last_used_at: datetime
    version_logs_count: int
    evaluator_aggregates: Optional[List[EvaluatorAggregate]] = None
    evaluators: Optional[List[MonitoringEvaluatorResponse]] = None


class ListFlows(BaseModel):
    """ListFlows"""

    records: List[FlowResponse]


class UpdateFlowRequest(BaseModel):
    """UpdateFlowRequest"""

    path: Optional[str] = None
    name: Optional[str] = None
    directory_id: Optional[str] = None


class FlowLogRequest(BaseModel):
    """FlowLogRequest"""

    evaluation_id: Optional[str] = None
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
    source_datapoint_id: Optional[str] = None
    trace_parent_id: Optional[str] = None
    batch_id: Optional[str] = None
    user: Optional[str] = None
    environment: Optional[str] = None
    save: Optional[bool] = True
    log_id: Optional[str] = None
    flow: Optional[FlowKernelRequest] = None
    trace_status: Optional[TraceStatus] = TraceStatus.INCOMPLETE


class FlowLogResponse(BaseModel):
    """FlowLogResponse"""

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
    flow: FlowResponse
    trace_status: Optional[TraceStatus] = None


class CreateFlowLogResponse(BaseModel):
    """CreateFlowLogResponse"""

    id: str
    flow_id: str
    version_id: str
    trace_status: Optional[TraceStatus] = None


class UpdateTraceRequest(BaseModel):
    """UpdateTraceRequest"""

    inputs: Optional[Dict[str, Any]] = None
    output: Optional[str] = None
    error: Optional[str] = None
    trace_status: TraceStatus
