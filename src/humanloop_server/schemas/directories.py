"""directories schemas."""

from __future__ import annotations

from datetime import datetime
from typing import List, Optional, Union

from pydantic import BaseModel

from .datasets import DatasetResponse
from .evaluators import EvaluatorResponse
from .flows import FlowResponse
from .prompts import PromptResponse
from .tools import ToolResponse


class CreateDirectoryRequest(BaseModel):
    """CreateDirectoryRequest"""

    name: Optional[str] = None
    parent_id: Optional[str] = None
    path: Optional[str] = None


class UpdateDirectoryRequest(BaseModel):
    """UpdateDirectoryRequest"""

    name: Optional[str] = None
    parent_id: Optional[str] = None
    path: Optional[str] = None


class DirectoryResponse(BaseModel):
    """DirectoryResponse"""

    id: str
    parent_id: Optional[str] = None
    name: str
    path: str
    created_at: datetime
    updated_at: datetime


class DirectoryWithParentsAndChildrenResponse(BaseModel):
    """DirectoryWithParentsAndChildrenResponse"""

    id: str
    parent_id: Optional[str] = None
    name: str
    path: str
    created_at: datetime
    updated_at: datetime
    subdirectories: List[DirectoryResponse]
    files: List[Union[PromptResponse, ToolResponse, EvaluatorResponse, DatasetResponse, FlowResponse]]
    parents: List[DirectoryResponse]
