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
from ...services import datasets, directories, files, logs  # noqa: F401
from ..deps import RequestContext
from ._impl import dump, release_sessions, val, vals  # noqa: F401


def log(
    ctx: RequestContext,
    body: ToolLogRequest,
    *,
    version_id: Optional[str] = None,
    environment: Optional[str] = None,
) -> CreateToolLogResponse:
    """tools log."""
    return logs.create_log(ctx, "tool", dump(body, unset=True), version_id=version_id, environment=environment)


def update(
    ctx: RequestContext,
    id: str,
    log_id: str,
    body: ToolLogUpdateRequest,
) -> LogResponse:
    """tools update."""
    return logs.update_log(ctx, "tool", id, log_id, dump(body, unset=True))


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
    return files.list_files(
        ctx, ["tool"], page=page, size=size, name=name, user_filter=user_filter, sort_by=val(sort_by), order=val(order)
    )


def upsert(
    ctx: RequestContext,
    body: ToolRequest,
) -> ToolResponse:
    """tools upsert."""
    return files.upsert(ctx, "tool", dump(body))


def get(
    ctx: RequestContext,
    id: str,
    *,
    version_id: Optional[str] = None,
    environment: Optional[str] = None,
) -> ToolResponse:
    """tools get."""
    return files.get(ctx, "tool", id, version_id=version_id, environment=environment)


def delete(
    ctx: RequestContext,
    id: str,
) -> None:
    """tools delete."""
    files.delete(ctx, "tool", id)


def move(
    ctx: RequestContext,
    id: str,
    body: UpdateToolRequest,
) -> ToolResponse:
    """tools move."""
    data = dump(body, unset=True)
    return files.move(ctx, "tool", id, path=data.get("path"), name=data.get("name"))


def list_versions(
    ctx: RequestContext,
    id: str,
    *,
    status: Optional[VersionStatus] = None,
    evaluator_aggregates: Optional[bool] = None,
) -> ListTools:
    """tools list_versions."""
    return files.list_versions(ctx, "tool", id, status=val(status))


def commit(
    ctx: RequestContext,
    id: str,
    version_id: str,
    body: CommitRequest,
) -> ToolResponse:
    """tools commit."""
    return files.commit(ctx, "tool", id, version_id, body.commit_message)


def set_deployment(
    ctx: RequestContext,
    id: str,
    environment_id: str,
    *,
    version_id: str,
) -> ToolResponse:
    """tools set_deployment."""
    return files.set_deployment(ctx, "tool", id, environment_id, version_id)


def remove_deployment(
    ctx: RequestContext,
    id: str,
    environment_id: str,
) -> None:
    """tools remove_deployment."""
    files.remove_deployment(ctx, "tool", id, environment_id)


def list_environments(
    ctx: RequestContext,
    id: str,
) -> List[FileEnvironmentResponse]:
    """tools list_environments."""
    return files.list_environments(ctx, "tool", id)


def update_monitoring(
    ctx: RequestContext,
    id: str,
    body: EvaluatorActivationDeactivationRequest,
) -> ToolResponse:
    """tools update_monitoring."""
    data = dump(body, unset=True)
    return files.update_monitoring(ctx, "tool", id, data.get("activate"), data.get("deactivate"))


release_sessions(globals())
