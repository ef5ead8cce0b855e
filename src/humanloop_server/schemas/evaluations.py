"""evaluations schemas."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Dict, List, Optional, Union

from pydantic import BaseModel, ConfigDict
from typing_extensions import TypeAliasType

from .common import FileRequest, UserResponse
from .datasets import DatapointResponse, DatasetResponse
from .evaluators import EvaluatorResponse
from .flows import FlowResponse
from .prompts import PromptResponse
from .tools import ToolResponse

if TYPE_CHECKING:
    from .logs import LogResponse


class EvaluationStatus(str, Enum):
    """EvaluationStatus"""

    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class DatasetRequest(BaseModel):
    """DatasetRequest_evaluations"""

    model_config = ConfigDict(json_schema_extra={"x-fern-type-name": "EvaluationsDatasetRequest"})

    version_id: Optional[str] = None
    path: Optional[str] = None
    file_id: Optional[str] = None
    environment: Optional[str] = None


class EvaluatorRequest(BaseModel):
    """EvaluatorRequest_evaluations"""

    model_config = ConfigDict(json_schema_extra={"x-fern-type-name": "EvaluationsRequest"})

    version_id: Optional[str] = None
    path: Optional[str] = None
    file_id: Optional[str] = None
    environment: Optional[str] = None
    orchestrated: Optional[bool] = True


class EvaluateeRequest(BaseModel):
    """EvaluateeRequest"""

    version_id: Optional[str] = None
    path: Optional[str] = None
    file_id: Optional[str] = None
    environment: Optional[str] = None
    batch_id: Optional[str] = None
    orchestrated: Optional[bool] = True


class CreateEvaluationRequest(BaseModel):
    """CreateEvaluationRequest"""

    dataset: DatasetRequest
    evaluatees: Optional[List[EvaluateeRequest]] = None
    evaluators: List[EvaluatorRequest]
    name: Optional[str] = None
    file: Optional[FileRequest] = None


class UpdateEvaluationRequest(BaseModel):
    """UpdateEvaluationRequest"""

    dataset: Optional[DatasetRequest] = None
    evaluatees: Optional[List[EvaluateeRequest]] = None
    evaluators: Optional[List[EvaluatorRequest]] = None
    name: Optional[str] = None
    file: Optional[FileRequest] = None


#: EvaluatedVersionResponse
EvaluatedVersionResponse = TypeAliasType(
    "EvaluatedVersionResponse", Union[PromptResponse, ToolResponse, EvaluatorResponse, FlowResponse]
)


class EvaluateeResponse(BaseModel):
    """EvaluateeResponse"""

    version: EvaluatedVersionResponse
    batch_id: Optional[str] = None
    orchestrated: bool
    pinned: bool
    added_at: Optional[datetime] = None


class EvaluationEvaluatorResponse(BaseModel):
    """EvaluationEvaluatorResponse"""

    version: EvaluatorResponse
    orchestrated: bool
    added_at: datetime


class EvaluationResponse(BaseModel):
    """EvaluationResponse"""

    id: str
    dataset: DatasetResponse
    evaluatees: List[EvaluateeResponse]
    evaluators: List[EvaluationEvaluatorResponse]
    status: EvaluationStatus
    name: Optional[str] = None
    file_id: Optional[str] = None
    created_at: datetime
    created_by: Optional[UserResponse] = None
    updated_at: datetime
    url: Optional[str] = None


class OverallStats(BaseModel):
    """OverallStats"""

    num_datapoints: int
    total_logs: int
    total_evaluator_logs: int


class NumericEvaluatorStatsResponse(BaseModel):
    """NumericEvaluatorStatsResponse"""

    evaluator_version_id: str
    total_logs: int
    num_judgments: int
    num_nulls: int
    num_errors: int
    mean: Optional[float] = None
    std: Optional[float] = None
    percentiles: Dict[str, float]


class BooleanEvaluatorStatsResponse(BaseModel):
    """BooleanEvaluatorStatsResponse"""

    evaluator_version_id: str
    total_logs: int
    num_judgments: int
    num_nulls: int
    num_errors: int
    num_true: int
    num_false: int


class SelectEvaluatorStatsResponse(BaseModel):
    """SelectEvaluatorStatsResponse"""

    evaluator_version_id: str
    total_logs: int
    num_judgments: int
    num_nulls: int
    num_errors: int
    num_judgments_per_option: Dict[str, int]


class TextEvaluatorStatsResponse(BaseModel):
    """TextEvaluatorStatsResponse"""

    evaluator_version_id: str
    total_logs: int
    num_judgments: int
    num_nulls: int
    num_errors: int


class VersionStatsResponse(BaseModel):
    """VersionStatsResponse"""

    version_id: str
    batch_id: Optional[str] = None
    num_logs: int
    evaluator_version_stats: List[
        Union[
            NumericEvaluatorStatsResponse,
            BooleanEvaluatorStatsResponse,
            SelectEvaluatorStatsResponse,
            TextEvaluatorStatsResponse,
        ]
    ]


class EvaluationStats(BaseModel):
    """EvaluationStats"""

    overall_stats: OverallStats
    version_stats: List[VersionStatsResponse]
    progress: Optional[str] = None
    report: Optional[str] = None
    status: EvaluationStatus


class EvaluationReportLogResponse(BaseModel):
    """EvaluationReportLogResponse"""

    evaluated_version: EvaluatedVersionResponse
    datapoint: DatapointResponse
    log: Optional[LogResponse] = None
    evaluator_logs: List[LogResponse]
