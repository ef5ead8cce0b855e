"""Behaviour behind the /v5/logs routes.

Each function receives validated inputs and the request context and returns the response model.
Until implemented, each raises `NotImplementedYet` (HTTP 501).
"""

from __future__ import annotations

from datetime import datetime
from typing import List, Optional

from ...schemas import LogResponse, PaginatedData, VersionStatus
from ...services import datasets, directories, files, logs  # noqa: F401
from ..deps import RequestContext
from ._impl import dump, release_sessions, val, vals  # noqa: F401


def list_logs(
    ctx: RequestContext,
    *,
    file_id: str,
    page: Optional[int] = None,
    size: Optional[int] = None,
    version_id: Optional[str] = None,
    version_status: Optional[VersionStatus] = None,
    search: Optional[str] = None,
    metadata_search: Optional[str] = None,
    start_date: Optional[datetime] = None,
    end_date: Optional[datetime] = None,
    include_parent: Optional[bool] = None,
    in_trace_filter: Optional[List[bool]] = None,
) -> PaginatedData[LogResponse]:
    """logs list."""
    return logs.list_logs(
        ctx,
        file_id,
        page=page,
        size=size,
        version_id=version_id,
        version_status=val(version_status),
        search=search,
        metadata_search=metadata_search,
        start_date=start_date,
        end_date=end_date,
        include_parent=include_parent,
        in_trace_filter=in_trace_filter,
    )


def delete(
    ctx: RequestContext,
    *,
    id: List[str],
) -> None:
    """logs delete."""
    logs.delete_logs(ctx, id)


def get(
    ctx: RequestContext,
    id: str,
) -> LogResponse:
    """logs get."""
    return logs.get(ctx, id)


release_sessions(globals())
