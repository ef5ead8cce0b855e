"""Behaviour behind the /v5/flows routes.

Each function receives validated inputs and the request context and returns the response model.
Until implemented, each raises `NotImplementedYet` (HTTP 501).
"""

from __future__ import annotations

from typing import List, Optional

from ...schemas import (
    CommitRequest,
    CreateFlowLogResponse,
    EvaluatorActivationDeactivationRequest,
    FileEnvironmentResponse,
    FlowLogRequest,
    FlowLogResponse,
    FlowRequest,
    FlowResponse,
    ListFlows,
    PaginatedData,
    ProjectSortBy,
    SortOrder,
    UpdateFlowRequest,
    UpdateTraceRequest,
    VersionStatus,
)
from ..deps import RequestContext
from ..errors import NotImplementedYet


def log(
    ctx: RequestContext,
    body: FlowLogRequest,
    *,
    version_id: Optional[str] = None,
    environment: Optional[str] = None,
) -> CreateFlowLogResponse:
    """flows log."""
    raise NotImplementedYet()


def get(
    ctx: RequestContext,
    id: str,
    *,
    version_id: Optional[str] = None,
    environment: Optional[str] = None,
) -> FlowResponse:
    """flows get."""
    raise NotImplementedYet()


def delete(
    ctx: RequestContext,
    id: str,
) -> None:
    """flows delete."""
    raise NotImplementedYet()


def move(
    ctx: RequestContext,
    id: str,
    body: UpdateFlowRequest,
) -> FlowResponse:
    """flows move."""
    raise NotImplementedYet()


def list_flows(
    ctx: RequestContext,
    *,
    page: Optional[int] = None,
    size: Optional[int] = None,
    name: Optional[str] = None,
    user_filter: Optional[str] = None,
    sort_by: Optional[ProjectSortBy] = None,
    order: Optional[SortOrder] = None,
) -> PaginatedData[FlowResponse]:
    """flows list."""
    raise NotImplementedYet()


def upsert(
    ctx: RequestContext,
    body: FlowRequest,
) -> FlowResponse:
    """flows upsert."""
    raise NotImplementedYet()


def update_log(
    ctx: RequestContext,
    log_id: str,
    body: UpdateTraceRequest,
) -> FlowLogResponse:
    """flows update_log."""
    raise NotImplementedYet()


def list_versions(
    ctx: RequestContext,
    id: str,
    *,
    status: Optional[VersionStatus] = None,
    evaluator_aggregates: Optional[bool] = None,
) -> ListFlows:
    """flows list_versions."""
    raise NotImplementedYet()


def commit(
    ctx: RequestContext,
    id: str,
    version_id: str,
    body: CommitRequest,
) -> FlowResponse:
    """flows commit."""
    raise NotImplementedYet()


def set_deployment(
    ctx: RequestContext,
    id: str,
    environment_id: str,
    *,
    version_id: str,
) -> FlowResponse:
    """flows set_deployment."""
    raise NotImplementedYet()


def remove_deployment(
    ctx: RequestContext,
    id: str,
    environment_id: str,
) -> None:
    """flows remove_deployment."""
    raise NotImplementedYet()


def list_environments(
    ctx: RequestContext,
    id: str,
) -> List[FileEnvironmentResponse]:
    """flows list_environments."""
    raise NotImplementedYet()


def update_monitoring(
    ctx: RequestContext,
    id: str,
    body: EvaluatorActivationDeactivationRequest,
) -> FlowResponse:
    """flows update_monitoring."""
    raise NotImplementedYet()
