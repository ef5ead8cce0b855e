"""Directories that organise files."""

from __future__ import annotations

from datetime import datetime
from typing import List, Optional, Union

from pydantic import BaseModel, Field

from .agents import AgentResponse
from .datasets import DatasetResponse
from .evaluators import EvaluatorResponse
from .flows import FlowResponse
from .prompts import PromptResponse
from .tools import ToolResponse


class CreateDirectoryRequest(BaseModel):
    """Body that creates a directory."""

    name: Optional[str] = Field(None, description="Name.")
    parent_id: Optional[str] = Field(None, description="ID of the parent.")
    path: Optional[str] = Field(None, description="Path of the file including its name, such as `folder/name`.")


class UpdateDirectoryRequest(BaseModel):
    """Body that renames or moves a directory."""

    name: Optional[str] = Field(None, description="Name.")
    parent_id: Optional[str] = Field(None, description="ID of the parent.")
    path: Optional[str] = Field(None, description="Path of the file including its name, such as `folder/name`.")


class DirectoryResponse(BaseModel):
    """A directory."""

    id: str = Field(description="Unique identifier.")
    parent_id: Optional[str] = Field(None, description="ID of the parent.")
    name: str = Field(description="Name.")
    path: str = Field(description="Path of the file including its name, such as `folder/name`.")
    description: Optional[str] = Field(None, description="Description of the directory.")
    readme: Optional[str] = Field(None, description="Longer notes about the directory.")
    tags: Optional[List[str]] = Field(None, description="Labels of the directory.")
    created_at: datetime = Field(description="When it was created.")
    updated_at: datetime = Field(description="When it was last changed.")


class DirectoryWithParentsAndChildrenResponse(BaseModel):
    """A directory with its ancestors, subdirectories and files."""

    id: str = Field(description="Unique identifier.")
    parent_id: Optional[str] = Field(None, description="ID of the parent.")
    name: str = Field(description="Name.")
    path: str = Field(description="Path of the file including its name, such as `folder/name`.")
    description: Optional[str] = Field(None, description="Description of the directory.")
    readme: Optional[str] = Field(None, description="Longer notes about the directory.")
    tags: Optional[List[str]] = Field(None, description="Labels of the directory.")
    created_at: datetime = Field(description="When it was created.")
    updated_at: datetime = Field(description="When it was last changed.")
    subdirectories: List[DirectoryResponse] = Field(description="Directories inside this one.")
    # the members in the order of every other union of Files: typing treats unions of the same members
    # as equal whatever their order, so pydantic would reuse whichever schema it built first
    files: List[
        Union[PromptResponse, ToolResponse, DatasetResponse, EvaluatorResponse, FlowResponse, AgentResponse]
    ] = Field(description="Files in the directory.")
    parents: List[DirectoryResponse] = Field(description="Ancestor directories, from the root down.")
