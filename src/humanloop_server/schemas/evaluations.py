"""Evaluations: what is evaluated, with which Evaluators, and the resulting statistics."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Dict, List, Optional, Union

from pydantic import BaseModel, ConfigDict, Field
from typing_extensions import TypeAliasType

from .agents import AgentResponse
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


class VersionId(BaseModel):
    """Names a version by its ID."""

    version_id: str = Field(description="ID of the version.")


class FileId(BaseModel):
    """Names a File by its ID; the version is the one deployed to `environment` (or the default)."""

    environment: Optional[str] = Field(None, description="Name of an environment.")
    id: str = Field(description="ID of the file.")


class FilePath(BaseModel):
    """Names a File by its path; the version is the one deployed to `environment` (or the default)."""

    environment: Optional[str] = Field(None, description="Name of an environment.")
    path: str = Field(description="Path of the file including its name, such as `folder/name`.")


class EvaluatorVersionId(BaseModel):
    """Names an Evaluator version by its ID."""

    version_id: str = Field(description="ID of the Evaluator version.")
    orchestrated: Optional[bool] = Field(True, description="Whether the server runs the Evaluator itself.")


class EvaluatorFileId(BaseModel):
    """Names an Evaluator by its ID; the version is the one deployed to `environment` (or the default)."""

    environment: Optional[str] = Field(None, description="Name of an environment.")
    id: str = Field(description="ID of the Evaluator.")
    orchestrated: Optional[bool] = Field(True, description="Whether the server runs the Evaluator itself.")


class EvaluatorFilePath(BaseModel):
    """Names an Evaluator by its path; the version is the one deployed to `environment` (or the default)."""

    environment: Optional[str] = Field(None, description="Name of an environment.")
    path: str = Field(description="Path of the Evaluator including its name, such as `folder/name`.")
    orchestrated: Optional[bool] = Field(True, description="Whether the server runs the Evaluator itself.")


#: An Evaluator named the runs-era way (one of three shapes) or the 0.8.6 way (any of its fields)
AnyEvaluatorRef = Union[EvaluatorVersionId, EvaluatorFileId, EvaluatorFilePath, EvaluatorRequest]
#: A File version named by version id, by File id or by path
RunFileRef = Union[VersionId, FileId, FilePath]


class CreateEvaluationRequest(BaseModel):
    """Body that creates an Evaluation.

    Two shapes are accepted: the runs-era body (`file`, `evaluators`, `name`; Runs are added later)
    and the 0.8.6 body, which also names the `dataset` and, optionally, the `evaluatees`.
    """

    dataset: Optional[DatasetRequest] = Field(
        None, description="The Dataset version the Evaluation runs on (0.8.6 body; Runs name their own)."
    )
    evaluatees: Optional[List[EvaluateeRequest]] = Field(None, description="Versions to evaluate.")
    evaluators: List[AnyEvaluatorRef] = Field(description="Evaluators used.")
    name: Optional[str] = Field(None, description="Name.")
    file: Optional[FileRequest] = Field(None, description="The file.")


class AddEvaluatorsRequest(BaseModel):
    """Body that adds Evaluators to an Evaluation."""

    evaluators: List[Union[EvaluatorVersionId, EvaluatorFileId, EvaluatorFilePath]] = Field(
        description="Evaluators to add."
    )


class CreateRunRequest(BaseModel):
    """Body that creates a Run of an Evaluation: a File version evaluated on a Dataset version."""

    dataset: Optional[RunFileRef] = Field(None, description="The Dataset version the Run is judged against.")
    version: Optional[RunFileRef] = Field(
        None, description="The version evaluated; when left out, the version of the Run's first Log."
    )
    orchestrated: Optional[bool] = Field(
        True, description="Whether the server produces the Logs itself (Prompt versions only)."
    )
    use_existing_logs: Optional[bool] = Field(
        False, description="Whether Logs of the version on the Dataset's datapoints that no Run holds yet join it."
    )


class UpdateEvaluationRunRequest(BaseModel):
    """Body that changes a Run."""

    control: Optional[bool] = Field(None, description="Whether the Run is the one the others are compared with.")
    status: Optional[EvaluationStatus] = Field(
        None, description="New status of the Run: only `completed` or `cancelled` can be set."
    )


class AddLogsToRunRequest(BaseModel):
    """Body that adds existing Logs to a Run."""

    log_ids: List[str] = Field(description="IDs of the Logs.")


class UpdateEvaluationRequest(BaseModel):
    """Body that changes the setup of an Evaluation."""

    dataset: Optional[DatasetRequest] = Field(None, description="The Dataset version the Evaluation runs on.")
    evaluatees: Optional[List[EvaluateeRequest]] = Field(None, description="Versions to evaluate.")
    evaluators: Optional[List[EvaluatorRequest]] = Field(None, description="Evaluators used.")
    name: Optional[str] = Field(None, description="Name.")
    file: Optional[FileRequest] = Field(None, description="The file.")


#: A version of any kind of file that can be evaluated (0.8.6's name; Agents, which 0.8.6 did not
#: have, are evaluated too).
EvaluatedVersionResponse = TypeAliasType(
    "EvaluatedVersionResponse", Union[PromptResponse, ToolResponse, EvaluatorResponse, FlowResponse, AgentResponse]
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


#: The version a Run evaluates.
RunVersionResponse = TypeAliasType(
    "RunVersionResponse", Union[PromptResponse, ToolResponse, EvaluatorResponse, FlowResponse, AgentResponse]
)


class EvaluationRunResponse(BaseModel):
    """A Run: one version evaluated on one Dataset version, with its Logs (a 0.8.6 batch)."""

    id: str = Field(description="ID of the Run.")
    dataset: Optional[DatasetResponse] = Field(None, description="The Dataset version of the Run.")
    version: Optional[RunVersionResponse] = Field(None, description="The version evaluated.")
    orchestrated: bool = Field(description="Whether the server produces the Logs itself.")
    added_at: datetime = Field(description="When the Run joined this Evaluation.")
    created_at: datetime = Field(description="When the Run was created.")
    created_by: Optional[UserResponse] = Field(None, description="The user who created it.")
    status: EvaluationStatus = Field(description="Status of the Run.")
    control: bool = Field(description="Whether the Run is the one the others are compared with.")


class EvaluationRunsResponse(BaseModel):
    """The Runs of an Evaluation, oldest first."""

    runs: List[EvaluationRunResponse] = Field(description="The Runs.")


class EvaluationResponse(BaseModel):
    """An Evaluation of a File: its Evaluators and its Runs (0.8.6: a Dataset and evaluated versions).

    Both eras read the same Evaluation: `runs_count` counts the Runs, which are the `evaluatees`
    (batches) of 0.8.6; `dataset` is null when the Evaluation was made without one.
    """

    id: str = Field(description="Unique identifier.")
    runs_count: Optional[int] = Field(None, description="Number of Runs.")
    dataset: Optional[DatasetResponse] = Field(None, description="The Dataset version the Evaluation runs on.")
    evaluatees: Optional[List[EvaluateeResponse]] = Field(None, description="Versions to evaluate.")
    evaluators: List[EvaluationEvaluatorResponse] = Field(description="Evaluators used.")
    status: Optional[EvaluationStatus] = Field(None, description="Status.")
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


class RunStatsResponse(BaseModel):
    """Statistics of one Run."""

    run_id: str = Field(description="ID of the Run.")
    version_id: Optional[str] = Field(None, description="ID of the version evaluated.")
    batch_id: Optional[str] = Field(None, description="The batch of Logs (0.8.6) that this Run is.")
    num_logs: int = Field(description="Number of Logs.")
    evaluator_stats: List[
        Union[
            NumericEvaluatorStatsResponse,
            BooleanEvaluatorStatsResponse,
            SelectEvaluatorStatsResponse,
            TextEvaluatorStatsResponse,
        ]
    ] = Field(description="Statistics per Evaluator version.")
    status: EvaluationStatus = Field(description="Status of the Run.")


class EvaluationStats(BaseModel):
    """Statistics and progress of an Evaluation, per Run (latest first) and per batch (oldest first)."""

    run_stats: Optional[List[RunStatsResponse]] = Field(None, description="Statistics per Run, the latest Run first.")
    overall_stats: Optional[OverallStats] = Field(None, description="Counts over the whole Evaluation.")
    version_stats: Optional[List[VersionStatsResponse]] = Field(
        None, description="Statistics per evaluated version and batch, oldest first."
    )
    progress: Optional[str] = Field(None, description="Progress summary, printable on a terminal.")
    report: Optional[str] = Field(None, description="Result summary, printable on a terminal.")
    status: EvaluationStatus = Field(description="Status.")


class EvaluationReportLogResponse(BaseModel):
    """A Datapoint of an Evaluation with the Log of an evaluated version and its judgments."""

    evaluated_version: EvaluatedVersionResponse = Field(description="The evaluated version that produced the Log.")
    datapoint: DatapointResponse = Field(description="The Datapoint.")
    log: Optional[LogResponse] = Field(None, description="The Log.")
    evaluator_logs: List[LogResponse] = Field(description="Judgments of Evaluators on this Log.")


class EvaluationLogResponse(BaseModel):
    """A Log of a Run with its judgments (0.8.6: a Datapoint and the Log of an evaluated version)."""

    run_id: Optional[str] = Field(None, description="ID of the Run.")
    evaluated_version: Optional[EvaluatedVersionResponse] = Field(
        None, description="The evaluated version that produced the Log."
    )
    datapoint: Optional[DatapointResponse] = Field(None, description="The Datapoint.")
    log: Optional[LogResponse] = Field(None, description="The Log; null for a Datapoint without one yet.")
    evaluator_logs: List[LogResponse] = Field(description="Judgments of Evaluators on this Log.")


# What `from .evaluations import *` exports. `DatasetRequest` and `EvaluatorRequest` here are the references an Evaluation takes; the package
# exports the upsert bodies of those resources under the same names (reach these as `evaluations.X`)
__all__ = [
    "AddEvaluatorsRequest",
    "AddLogsToRunRequest",
    "BooleanEvaluatorStatsResponse",
    "CreateEvaluationRequest",
    "CreateRunRequest",
    "EvaluationLogResponse",
    "EvaluationRunResponse",
    "EvaluationRunsResponse",
    "EvaluatorFileId",
    "EvaluatorFilePath",
    "EvaluatorVersionId",
    "FileId",
    "FilePath",
    "RunStatsResponse",
    "RunVersionResponse",
    "UpdateEvaluationRunRequest",
    "VersionId",
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
