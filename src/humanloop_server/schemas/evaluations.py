"""Evaluations: what is evaluated, with which Evaluators, and the resulting statistics."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Dict, List, Optional, Union

from pydantic import BaseModel, ConfigDict, Field
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
    """Progress of an Evaluation."""

    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class DatasetRequest(BaseModel):
    """Selects the Dataset version an Evaluation runs on."""

    model_config = ConfigDict(json_schema_extra={"x-fern-type-name": "EvaluationsDatasetRequest"})

    version_id: Optional[str] = Field(None, description="ID of the version.")
    path: Optional[str] = Field(None, description="Path of the file including its name, such as `folder/name`.")
    file_id: Optional[str] = Field(None, description="ID of the file.")
    environment: Optional[str] = Field(None, description="Name of an environment.")


class EvaluatorRequest(BaseModel):
    """Selects an Evaluator version used by an Evaluation."""

    model_config = ConfigDict(json_schema_extra={"x-fern-type-name": "EvaluationsRequest"})

    version_id: Optional[str] = Field(None, description="ID of the version.")
    path: Optional[str] = Field(None, description="Path of the file including its name, such as `folder/name`.")
    file_id: Optional[str] = Field(None, description="ID of the file.")
    environment: Optional[str] = Field(None, description="Name of an environment.")
    orchestrated: Optional[bool] = Field(True, description="Whether the server runs the work itself.")


class EvaluateeRequest(BaseModel):
    """Selects a version to evaluate."""

    version_id: Optional[str] = Field(None, description="ID of the version.")
    path: Optional[str] = Field(None, description="Path of the file including its name, such as `folder/name`.")
    file_id: Optional[str] = Field(None, description="ID of the file.")
    environment: Optional[str] = Field(None, description="Name of an environment.")
    batch_id: Optional[str] = Field(
        None, description="Groups Logs that belong to one batch, such as one Evaluation run."
    )
    orchestrated: Optional[bool] = Field(True, description="Whether the server runs the work itself.")


class CreateEvaluationRequest(BaseModel):
    """Body that creates an Evaluation."""

    dataset: DatasetRequest = Field(description="The Dataset version the Evaluation runs on.")
    evaluatees: Optional[List[EvaluateeRequest]] = Field(None, description="Versions to evaluate.")
    evaluators: List[EvaluatorRequest] = Field(description="Evaluators used.")
    name: Optional[str] = Field(None, description="Name.")
    file: Optional[FileRequest] = Field(None, description="The file.")


class UpdateEvaluationRequest(BaseModel):
    """Body that changes the setup of an Evaluation."""

    dataset: Optional[DatasetRequest] = Field(None, description="The Dataset version the Evaluation runs on.")
    evaluatees: Optional[List[EvaluateeRequest]] = Field(None, description="Versions to evaluate.")
    evaluators: Optional[List[EvaluatorRequest]] = Field(None, description="Evaluators used.")
    name: Optional[str] = Field(None, description="Name.")
    file: Optional[FileRequest] = Field(None, description="The file.")


#: A version of any kind of file that can be evaluated.
EvaluatedVersionResponse = TypeAliasType(
    "EvaluatedVersionResponse", Union[PromptResponse, ToolResponse, EvaluatorResponse, FlowResponse]
)


class EvaluateeResponse(BaseModel):
    """A version under evaluation."""

    version: EvaluatedVersionResponse = Field(description="The version.")
    batch_id: Optional[str] = Field(
        None, description="Groups Logs that belong to one batch, such as one Evaluation run."
    )
    orchestrated: bool = Field(description="Whether the server runs the work itself.")
    pinned: bool = Field(description="Whether this version stays while others are replaced.")
    added_at: Optional[datetime] = Field(None, description="When it was added.")


class EvaluationEvaluatorResponse(BaseModel):
    """An Evaluator version used by an Evaluation."""

    version: EvaluatorResponse = Field(description="The version.")
    orchestrated: bool = Field(description="Whether the server runs the work itself.")
    added_at: datetime = Field(description="When it was added.")


class EvaluationResponse(BaseModel):
    """An Evaluation: a Dataset, the versions evaluated on it and the Evaluators judging them."""

    id: str = Field(description="Unique identifier.")
    dataset: DatasetResponse = Field(description="The Dataset version the Evaluation runs on.")
    evaluatees: List[EvaluateeResponse] = Field(description="Versions to evaluate.")
    evaluators: List[EvaluationEvaluatorResponse] = Field(description="Evaluators used.")
    status: EvaluationStatus = Field(description="Status.")
    name: Optional[str] = Field(None, description="Name.")
    file_id: Optional[str] = Field(None, description="ID of the file.")
    created_at: datetime = Field(description="When it was created.")
    created_by: Optional[UserResponse] = Field(None, description="The user who created it.")
    updated_at: datetime = Field(description="When it was last changed.")
    url: Optional[str] = Field(None, description="URL.")


class OverallStats(BaseModel):
    """Counts over a whole Evaluation."""

    num_datapoints: int = Field(description="Number of Datapoints.")
    total_logs: int = Field(description="Number of Logs.")
    total_evaluator_logs: int = Field(description="Number of Evaluator Logs.")
    total_human_evaluator_logs: Optional[int] = Field(None, description="Number of judgments by human Evaluators.")
    total_completed_human_evaluator_logs: Optional[int] = Field(
        None, description="Number of judgments by human Evaluators that hold a judgment or are marked completed."
    )


class NumericEvaluatorStatsResponse(BaseModel):
    """Statistics of a numeric Evaluator on one evaluated version."""

    evaluator_version_id: str = Field(description="ID of the Evaluator version.")
    total_logs: int = Field(description="Number of Logs.")
    num_judgments: int = Field(description="Number of judgments given, without nulls and errors.")
    num_nulls: int = Field(description="Number of empty judgments.")
    num_errors: int = Field(description="Number of judgments that failed.")
    mean: Optional[float] = Field(None, description="Mean of the judgments.")
    sum: Optional[float] = Field(None, description="Sum of the judgments.")
    std: Optional[float] = Field(None, description="Standard deviation of the judgments.")
    percentiles: Dict[str, float] = Field(description="Judgment value at each percentile.")


class BooleanEvaluatorStatsResponse(BaseModel):
    """Statistics of a boolean Evaluator on one evaluated version."""

    evaluator_version_id: str = Field(description="ID of the Evaluator version.")
    total_logs: int = Field(description="Number of Logs.")
    num_judgments: int = Field(description="Number of judgments given, without nulls and errors.")
    num_nulls: int = Field(description="Number of empty judgments.")
    num_errors: int = Field(description="Number of judgments that failed.")
    num_true: int = Field(description="Number of true judgments.")
    num_false: int = Field(description="Number of false judgments.")


class SelectEvaluatorStatsResponse(BaseModel):
    """Statistics of a select or multi-select Evaluator on one evaluated version."""

    evaluator_version_id: str = Field(description="ID of the Evaluator version.")
    total_logs: int = Field(description="Number of Logs.")
    num_judgments: int = Field(description="Number of judgments given, without nulls and errors.")
    num_nulls: int = Field(description="Number of empty judgments.")
    num_errors: int = Field(description="Number of judgments that failed.")
    num_judgments_per_option: Dict[str, int] = Field(description="Number of judgments per option.")


class TextEvaluatorStatsResponse(BaseModel):
    """Statistics of a text Evaluator on one evaluated version."""

    evaluator_version_id: str = Field(description="ID of the Evaluator version.")
    total_logs: int = Field(description="Number of Logs.")
    num_judgments: int = Field(description="Number of judgments given, without nulls and errors.")
    num_nulls: int = Field(description="Number of empty judgments.")
    num_errors: int = Field(description="Number of judgments that failed.")


class VersionStatsResponse(BaseModel):
    """Statistics of one evaluated version."""

    version_id: str = Field(description="ID of the version.")
    batch_id: Optional[str] = Field(
        None, description="Groups Logs that belong to one batch, such as one Evaluation run."
    )
    num_logs: int = Field(description="Number of Logs.")
    evaluator_version_stats: List[
        Union[
            NumericEvaluatorStatsResponse,
            BooleanEvaluatorStatsResponse,
            SelectEvaluatorStatsResponse,
            TextEvaluatorStatsResponse,
        ]
    ] = Field(description="Statistics per Evaluator version.")


class EvaluationStats(BaseModel):
    """Statistics and progress of an Evaluation."""

    overall_stats: OverallStats = Field(description="Counts over the whole Evaluation.")
    version_stats: List[VersionStatsResponse] = Field(description="Statistics per evaluated version.")
    progress: Optional[str] = Field(None, description="Progress summary, printable on a terminal.")
    report: Optional[str] = Field(None, description="Result summary, printable on a terminal.")
    status: EvaluationStatus = Field(description="Status.")


class EvaluationReportLogResponse(BaseModel):
    """A Datapoint of an Evaluation with the Log of an evaluated version and its judgments."""

    evaluated_version: EvaluatedVersionResponse = Field(description="The evaluated version that produced the Log.")
    datapoint: DatapointResponse = Field(description="The Datapoint.")
    log: Optional[LogResponse] = Field(None, description="The Log.")
    evaluator_logs: List[LogResponse] = Field(description="Judgments of Evaluators on this Log.")


# What `from .evaluations import *` exports. `DatasetRequest` and `EvaluatorRequest` here are the references an Evaluation takes; the package
# exports the upsert bodies of those resources under the same names (reach these as `evaluations.X`)
__all__ = [
    "BooleanEvaluatorStatsResponse",
    "CreateEvaluationRequest",
    "EvaluatedVersionResponse",
    "EvaluateeRequest",
    "EvaluateeResponse",
    "EvaluationEvaluatorResponse",
    "EvaluationReportLogResponse",
    "EvaluationResponse",
    "EvaluationStats",
    "EvaluationStatus",
    "NumericEvaluatorStatsResponse",
    "OverallStats",
    "SelectEvaluatorStatsResponse",
    "TextEvaluatorStatsResponse",
    "UpdateEvaluationRequest",
    "VersionStatsResponse",
]
