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
from ...services import datasets, directories, files, logs  # noqa: F401
from ..deps import RequestContext
from ._impl import dump, release_sessions, val, vals  # noqa: F401


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
    return files.list_files(
        ctx,
        vals(type),
        page=page,
        size=size,
        name=name,
        sort_by=val(sort_by),
        order=val(order),
        environment=environment,
    )


release_sessions(globals())
