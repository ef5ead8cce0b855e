"""Models that point at a version of any kind of file."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Optional, Union

from pydantic import BaseModel, Field
from typing_extensions import Annotated, TypeAliasType

from .agents import AgentResponse
from .common import EnvironmentResponse, EnvironmentTag
from .datasets import DatasetResponse
from .evaluators import EvaluatorResponse
from .flows import FlowResponse
from .prompts import PromptResponse
from .tools import ToolResponse


class VersionDeploymentResponse(BaseModel):
    """Refers to the version deployed to an environment."""

    file: Union[PromptResponse, ToolResponse, DatasetResponse, EvaluatorResponse, FlowResponse, AgentResponse] = Field(
        description="The file."
    )
    environment: EnvironmentResponse = Field(description="Name of an environment.")
    type: Literal["environment"] = Field(description="Kind.")


class VersionIdResponse(BaseModel):
    """Refers to a version by its ID."""

    version: Union[PromptResponse, ToolResponse, DatasetResponse, EvaluatorResponse, FlowResponse, AgentResponse] = (
        Field(description="The version.")
    )
    type: Literal["version"] = Field(description="Kind.")


#: Either a fixed version or the version deployed to an environment.
VersionReferenceResponse = TypeAliasType(
    "VersionReferenceResponse",
    Annotated[Union[VersionDeploymentResponse, VersionIdResponse], Field(discriminator="type")],
)


class FileEnvironmentResponse(BaseModel):
    """An environment and the version of a file deployed to it."""

    id: str = Field(description="Unique identifier.")
    created_at: datetime = Field(description="When it was created.")
    name: str = Field(description="Name.")
    tag: EnvironmentTag = Field(description="Whether this is the default environment.")
    file: Optional[
        Union[PromptResponse, ToolResponse, DatasetResponse, EvaluatorResponse, FlowResponse, AgentResponse]
    ] = Field(None, description="The file.")


class RetrieveByPathRequest(BaseModel):
    """Body that names a file by its path."""

    path: str = Field(description="Path of the file including its name, such as `folder/name`.")
