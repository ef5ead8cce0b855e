"""datasets schemas."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any, Dict, List, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field

from .common import ChatMessage, EnvironmentResponse, UserResponse, VersionStatus


class UpdateDatesetAction(str, Enum):
    """UpdateDatesetAction"""

    SET = "set"
    ADD = "add"
    REMOVE = "remove"


class CreateDatapointRequest(BaseModel):
    """CreateDatapointRequest"""

    inputs: Optional[Dict[str, str]] = Field(default_factory=dict)
    messages: Optional[List[ChatMessage]] = None
    target: Optional[Dict[str, Union[str, int, float, bool, List[Any], Dict[str, Any]]]] = None


class DatapointResponse(BaseModel):
    """DatapointResponse"""

    inputs: Optional[Dict[str, str]] = Field(default_factory=dict)
    messages: Optional[List[ChatMessage]] = None
    target: Optional[Dict[str, Union[str, int, float, bool, List[Any], Dict[str, Any]]]] = None
    id: str


class DatasetRequest(BaseModel):
    """DatasetRequest_datasets"""

    model_config = ConfigDict(json_schema_extra={"x-fern-type-name": "DatasetsRequest"})

    path: Optional[str] = None
    id: Optional[str] = None
    datapoints: List[CreateDatapointRequest]
    action: Optional[UpdateDatesetAction] = UpdateDatesetAction.SET
    attributes: Optional[Dict[str, Any]] = None
    commit_message: Optional[str] = None


class DatasetResponse(BaseModel):
    """DatasetResponse"""

    path: str
    id: str
    directory_id: Optional[str] = None
    name: str
    version_id: str
    type: Literal["dataset"] = "dataset"
    environments: Optional[List[EnvironmentResponse]] = None
    created_at: datetime
    updated_at: datetime
    created_by: Optional[UserResponse] = None
    status: VersionStatus
    last_used_at: datetime
    commit_message: Optional[str] = None
    datapoints_count: int
    datapoints: Optional[List[DatapointResponse]] = None
    attributes: Optional[Dict[str, Any]] = None


class ListDatasets(BaseModel):
    """ListDatasets"""

    records: List[DatasetResponse]


class UpdateDatasetRequest(BaseModel):
    """UpdateDatasetRequest"""

    path: Optional[str] = None
    name: Optional[str] = None
