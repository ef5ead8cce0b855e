"""Dataset files and their Datapoints."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any, Dict, List, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

from .common import ChatMessage, EnvironmentResponse, UserResponse, VersionStatus


class UpdateDatesetAction(str, Enum):
    """How new Datapoints combine with those of the Dataset's current version."""

    SET = "set"
    ADD = "add"
    REMOVE = "remove"


class CreateDatapointRequest(BaseModel):
    """A Datapoint to add to a Dataset."""

    inputs: Optional[Dict[str, str]] = Field(default_factory=dict, description="Values of the input variables.")
    messages: Optional[List[ChatMessage]] = Field(None, description="Chat messages.")
    target: Optional[Dict[str, Union[str, int, float, bool, List[Any], Dict[str, Any]]]] = Field(
        None, description="Expected output, to judge against."
    )


class DatapointResponse(BaseModel):
    """A Datapoint of a Dataset version."""

    inputs: Optional[Dict[str, str]] = Field(default_factory=dict, description="Values of the input variables.")
    messages: Optional[List[ChatMessage]] = Field(None, description="Chat messages.")
    target: Optional[Dict[str, Union[str, int, float, bool, List[Any], Dict[str, Any]]]] = Field(
        None, description="Expected output, to judge against."
    )
    id: str = Field(description="Unique identifier.")

    @model_serializer(mode="wrap")
    def _without_empty_parts(self, handler: SerializerFunctionWrapHandler) -> Dict[str, Any]:
        # A datapoint without messages (or target) has no such key: programs written for the 0.8.6
        # SDK test `"messages" in datapoint.dict()` and then pass `messages=None` along. `inputs` is
        # always there (`{}` when none): that SDK indexes it unconditionally.
        data: Dict[str, Any] = handler(self)
        for key in ("messages", "target"):
            if data.get(key) is None:
                data.pop(key, None)
        return data


class DatasetRequest(BaseModel):
    """Body that creates a Dataset version from Datapoints."""

    model_config = ConfigDict(json_schema_extra={"x-fern-type-name": "DatasetsRequest"})

    path: Optional[str] = Field(None, description="Path of the file including its name, such as `folder/name`.")
    id: Optional[str] = Field(None, description="Unique identifier.")
    datapoints: List[CreateDatapointRequest] = Field(description="The Datapoints.")
    action: Optional[UpdateDatesetAction] = Field(
        UpdateDatesetAction.SET,
        description="How the Datapoints combine with the current version: replace them, add to them or remove from them.",
    )
    attributes: Optional[Dict[str, Any]] = Field(None, description="Free-form details that tell versions apart.")
    commit_message: Optional[str] = Field(None, description="Message that describes the version.")
    version_name: Optional[str] = Field(None, description="Name of the version, unique within the file.")
    version_description: Optional[str] = Field(None, description="Description of the version.")


class DatasetResponse(BaseModel):
    """A Dataset version with its file's details."""

    path: str = Field(description="Path of the file including its name, such as `folder/name`.")
    id: str = Field(description="Unique identifier.")
    directory_id: Optional[str] = Field(None, description="ID of the directory holding the file.")
    name: str = Field(description="Name.")
    version_id: str = Field(description="ID of the version.")
    type: Literal["dataset"] = Field("dataset", description="Kind.")
    environments: Optional[List[EnvironmentResponse]] = Field(
        None, description="Environments this version is deployed to."
    )
    created_at: datetime = Field(description="When it was created.")
    updated_at: datetime = Field(description="When it was last changed.")
    created_by: Optional[UserResponse] = Field(None, description="The user who created it.")
    status: Optional[VersionStatus] = Field(None, description="Status of the version.")
    last_used_at: datetime = Field(description="When a Log last used this version.")
    commit_message: Optional[str] = Field(None, description="Message that describes the version.")
    version_name: Optional[str] = Field(None, description="Name of the version, unique within the file.")
    version_description: Optional[str] = Field(None, description="Description of the version.")
    description: Optional[str] = Field(None, description="Description of the file.")
    readme: Optional[str] = Field(None, description="Longer notes about the file.")
    tags: Optional[List[str]] = Field(None, description="Labels of the file.")
    schema_: Optional[Dict[str, Any]] = Field(None, alias="schema", description="JSON schema of the file's output.")
    datapoints_count: int = Field(description="Number of Datapoints in this version.")
    datapoints: Optional[List[DatapointResponse]] = Field(None, description="The Datapoints.")
    attributes: Optional[Dict[str, Any]] = Field(None, description="Free-form details that tell versions apart.")


class ListVersionsDatasetsIdVersionsGetRequestIncludeDatapoints(str, Enum):
    """Which version of a Dataset a version listing gives with its Datapoints."""

    LATEST_COMMITTED = "latest_committed"
    LATEST_SAVED = "latest_saved"


class ListDatasets(BaseModel):
    """All versions of a Dataset."""

    records: List[DatasetResponse] = Field(description="The items on this page.")


class UpdateDatasetRequest(BaseModel):
    """Body that renames or moves a Dataset."""

    path: Optional[str] = Field(None, description="Path of the file including its name, such as `folder/name`.")
    name: Optional[str] = Field(None, description="Name.")
