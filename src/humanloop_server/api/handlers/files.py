"""Behaviour behind the /v5/files routes.

Each function receives validated inputs and the request context and returns the response model.
Until implemented, each raises `NotImplementedYet` (HTTP 501).
"""

from __future__ import annotations

from typing import List, Optional, Union

from ...schemas import (
    DatasetResponse,
    EvaluatorResponse,
    FileType,
    FlowResponse,
    PaginatedData,
    ProjectSortBy,
    PromptResponse,
    SortOrder,
    ToolResponse,
)
from ..deps import RequestContext
from ..errors import NotImplementedYet


def list_files(
    ctx: RequestContext,
    *,
    page: Optional[int] = None,
    size: Optional[int] = None,
    name: Optional[str] = None,
    type: Optional[List[FileType]] = None,
    environment: Optional[str] = None,
    sort_by: Optional[ProjectSortBy] = None,
    order: Optional[SortOrder] = None,
) -> PaginatedData[Union[PromptResponse, ToolResponse, DatasetResponse, EvaluatorResponse, FlowResponse]]:
    """files list."""
    raise NotImplementedYet()
