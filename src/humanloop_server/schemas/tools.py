"""tools schemas."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, Dict, List, Literal, Optional

from pydantic import BaseModel, Field

from .common import EnvironmentResponse, InputResponse, ToolFunction, UserResponse, VersionStatus, fern_type_name

if TYPE_CHECKING:
    from .evaluators import EvaluatorAggregate, EvaluatorLogResponse, MonitoringEvaluatorResponse
    from .logs import LogResponse


class ToolType(str, Enum):
    """ToolType_files"""

    __get_pydantic_json_schema__ = fern_type_name("FilesToolType")

    PINECONE_SEARCH = "pinecone_search"
    GOOGLE = "google"
    MOCK = "mock"
    SNIPPET = "snippet"
    JSON_SCHEMA = "json_schema"
    GET_API_CALL = "get_api_call"


class ToolKernelRequest(BaseModel):
    """ToolKernelRequest"""

    function: Optional[ToolFunction] = None
    source_code: Optional[str] = None
    setup_values: Optional[Dict[str, Any]] = None
    attributes: Optional[Dict[str, Any]] = None


class ToolRequest(BaseModel):
    """ToolRequest"""

    path: Optional[str] = None
    id: Optional[str] = None
    function: Optional[ToolFunction] = None
    source_code: Optional[str] = None
    setup_values: Optional[Dict[str, Any]] = None
    attributes: Optional[Dict[str, Any]] = None
    tool_type: Optional[ToolType] = ToolType.JSON_SCHEMA
    commit_message: Optional[str] = None


class ToolResponse(BaseModel):
    """ToolResponse"""

    path: str
    id: str
    directory_id: Optional[str] = None
    function: Optional[ToolFunction] = None
    source_code: Optional[str] = None
    setup_values: Optional[Dict[str, Any]] = None
    attributes: Optional[Dict[str, Any]] = None
    tool_type: Optional[ToolType] = ToolType.JSON_SCHEMA
    commit_message: Optional[str] = None
    name: str
    version_id: str
    type: Literal["tool"] = "tool"
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
    signature: Optional[str] = None
    evaluator_aggregates: Optional[List[EvaluatorAggregate]] = None


class ListTools(BaseModel):
    """ListTools"""

    records: List[ToolResponse]


class UpdateToolRequest(BaseModel):
    """UpdateToolRequest"""

    path: Optional[str] = None
    name: Optional[str] = None


class ToolLogRequest(BaseModel):
    """ToolLogRequest"""

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
    tool: Optional[ToolKernelRequest] = None


class ToolLogResponse(BaseModel):
    """ToolLogResponse"""

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
    tool: ToolResponse


class ToolLogUpdateRequest(BaseModel):
    """ToolLogUpdateRequest"""

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


class CreateToolLogResponse(BaseModel):
    """CreateToolLogResponse"""

    id: str
    tool_id: str
    version_id: str
    session_id: Optional[str] = None
