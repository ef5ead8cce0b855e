"""Behaviour behind the /v5/tools routes.

Each function receives validated inputs and the request context and returns the response model.
Until implemented, each raises `NotImplementedYet` (HTTP 501).
"""

from __future__ import annotations

from typing import List, Optional

from ...schemas import (
    CommitRequest,
    CreateToolLogResponse,
    EvaluatorActivationDeactivationRequest,
    FileEnvironmentResponse,
    ListTools,
    LogResponse,
    PaginatedData,
    ProjectSortBy,
    SortOrder,
    ToolLogRequest,
    ToolLogUpdateRequest,
    ToolRequest,
    ToolResponse,
    UpdateToolRequest,
    VersionStatus,
)
from ..deps import RequestContext
from ..errors import NotImplementedYet


def log(
    ctx: RequestContext,
    body: ToolLogRequest,
    *,
    version_id: Optional[str] = None,
    environment: Optional[str] = None,
) -> CreateToolLogResponse:
    """tools log."""
    raise NotImplementedYet()


def update(
    ctx: RequestContext,
    id: str,
    log_id: str,
    body: ToolLogUpdateRequest,
) -> LogResponse:
    """tools update."""
    raise NotImplementedYet()


def list_tools(
    ctx: RequestContext,
    *,
    page: Optional[int] = None,
    size: Optional[int] = None,
    name: Optional[str] = None,
    user_filter: Optional[str] = None,
    sort_by: Optional[ProjectSortBy] = None,
    order: Optional[SortOrder] = None,
) -> PaginatedData[ToolResponse]:
    """tools list."""
    raise NotImplementedYet()


def upsert(
    ctx: RequestContext,
    body: ToolRequest,
) -> ToolResponse:
    """tools upsert."""
    raise NotImplementedYet()


def get(
    ctx: RequestContext,
    id: str,
    *,
    version_id: Optional[str] = None,
    environment: Optional[str] = None,
) -> ToolResponse:
    """tools get."""
    raise NotImplementedYet()


def delete(
    ctx: RequestContext,
    id: str,
) -> None:
    """tools delete."""
    raise NotImplementedYet()


def move(
    ctx: RequestContext,
    id: str,
    body: UpdateToolRequest,
) -> ToolResponse:
    """tools move."""
    raise NotImplementedYet()


def list_versions(
    ctx: RequestContext,
    id: str,
    *,
    status: Optional[VersionStatus] = None,
    evaluator_aggregates: Optional[bool] = None,
) -> ListTools:
    """tools list_versions."""
    raise NotImplementedYet()


def commit(
    ctx: RequestContext,
    id: str,
    version_id: str,
    body: CommitRequest,
) -> ToolResponse:
    """tools commit."""
    raise NotImplementedYet()


def set_deployment(
    ctx: RequestContext,
    id: str,
    environment_id: str,
    *,
    version_id: str,
) -> ToolResponse:
    """tools set_deployment."""
    raise NotImplementedYet()


def remove_deployment(
    ctx: RequestContext,
    id: str,
    environment_id: str,
) -> None:
    """tools remove_deployment."""
    raise NotImplementedYet()


def list_environments(
    ctx: RequestContext,
    id: str,
) -> List[FileEnvironmentResponse]:
    """tools list_environments."""
    raise NotImplementedYet()


def update_monitoring(
    ctx: RequestContext,
    id: str,
    body: EvaluatorActivationDeactivationRequest,
) -> ToolResponse:
    """tools update_monitoring."""
    raise NotImplementedYet()
