"""files schemas."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Optional, Union

from pydantic import BaseModel, Field
from typing_extensions import Annotated, TypeAliasType

from .common import EnvironmentResponse, EnvironmentTag
from .datasets import DatasetResponse
from .evaluators import EvaluatorResponse
from .flows import FlowResponse
from .prompts import PromptResponse
from .tools import ToolResponse


class VersionDeploymentResponse(BaseModel):
    """VersionDeploymentResponse"""

    file: Union[PromptResponse, ToolResponse, DatasetResponse, EvaluatorResponse, FlowResponse]
    environment: EnvironmentResponse
    type: Literal["environment"]


class VersionIdResponse(BaseModel):
    """VersionIdResponse"""

    version: Union[PromptResponse, ToolResponse, DatasetResponse, EvaluatorResponse, FlowResponse]
    type: Literal["version"]


#: VersionReferenceResponse
VersionReferenceResponse = TypeAliasType(
    "VersionReferenceResponse",
    Annotated[Union[VersionDeploymentResponse, VersionIdResponse], Field(discriminator="type")],
)


class FileEnvironmentResponse(BaseModel):
    """FileEnvironmentResponse"""

    id: str
    created_at: datetime
    name: str
    tag: EnvironmentTag
    file: Optional[Union[PromptResponse, ToolResponse, DatasetResponse, EvaluatorResponse, FlowResponse]] = None
