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
from ...services import datasets, directories, files, logs  # noqa: F401
from ..deps import RequestContext
from ._impl import dump, release_sessions, val, vals  # noqa: F401


def log(
    ctx: RequestContext,
    body: FlowLogRequest,
    *,
    version_id: Optional[str] = None,
    environment: Optional[str] = None,
) -> CreateFlowLogResponse:
    """flows log."""
    return logs.create_log(ctx, "flow", dump(body, unset=True), version_id=version_id, environment=environment)


def get(
    ctx: RequestContext,
    id: str,
    *,
    version_id: Optional[str] = None,
    environment: Optional[str] = None,
) -> FlowResponse:
    """flows get."""
    return files.get(ctx, "flow", id, version_id=version_id, environment=environment)


def delete(
    ctx: RequestContext,
    id: str,
) -> None:
    """flows delete."""
    files.delete(ctx, "flow", id)


def move(
    ctx: RequestContext,
    id: str,
    body: UpdateFlowRequest,
) -> FlowResponse:
    """flows move."""
    data = dump(body, unset=True)
    return files.move(ctx, "flow", id, path=data.get("path"), name=data.get("name"))


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
    return files.list_files(
        ctx, ["flow"], page=page, size=size, name=name, user_filter=user_filter, sort_by=val(sort_by), order=val(order)
    )


def upsert(
    ctx: RequestContext,
    body: FlowRequest,
) -> FlowResponse:
    """flows upsert."""
    return files.upsert(ctx, "flow", dump(body))


def update_log(
    ctx: RequestContext,
    log_id: str,
    body: UpdateTraceRequest,
) -> FlowLogResponse:
    """flows update_log."""
    return logs.update_trace(ctx, log_id, dump(body, unset=True))


def list_versions(
    ctx: RequestContext,
    id: str,
    *,
    status: Optional[VersionStatus] = None,
    evaluator_aggregates: Optional[bool] = None,
) -> ListFlows:
    """flows list_versions."""
    return files.list_versions(ctx, "flow", id, status=val(status))


def commit(
    ctx: RequestContext,
    id: str,
    version_id: str,
    body: CommitRequest,
) -> FlowResponse:
    """flows commit."""
    return files.commit(ctx, "flow", id, version_id, body.commit_message)


def set_deployment(
    ctx: RequestContext,
    id: str,
    environment_id: str,
    *,
    version_id: str,
) -> FlowResponse:
    """flows set_deployment."""
    return files.set_deployment(ctx, "flow", id, environment_id, version_id)


def remove_deployment(
    ctx: RequestContext,
    id: str,
    environment_id: str,
) -> None:
    """flows remove_deployment."""
    files.remove_deployment(ctx, "flow", id, environment_id)


def list_environments(
    ctx: RequestContext,
    id: str,
) -> List[FileEnvironmentResponse]:
    """flows list_environments."""
    return files.list_environments(ctx, "flow", id)


def update_monitoring(
    ctx: RequestContext,
    id: str,
    body: EvaluatorActivationDeactivationRequest,
) -> FlowResponse:
    """flows update_monitoring."""
    data = dump(body, unset=True)
    return files.update_monitoring(ctx, "flow", id, data.get("activate"), data.get("deactivate"))


release_sessions(globals())
