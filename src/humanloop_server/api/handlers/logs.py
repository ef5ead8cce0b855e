"""Behaviour behind the /v5/logs routes.

Each function receives validated inputs and the request context and returns the response model.
Until implemented, each raises `NotImplementedYet` (HTTP 501).
"""

from __future__ import annotations

from datetime import datetime
from typing import List, Optional

from ...schemas import LogResponse, PaginatedData, VersionStatus
from ..deps import RequestContext
from ..errors import NotImplementedYet


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
    raise NotImplementedYet()


def delete(
    ctx: RequestContext,
    *,
    id: List[str],
) -> None:
    """logs delete."""
    raise NotImplementedYet()


def get(
    ctx: RequestContext,
    id: str,
) -> LogResponse:
    """logs get."""
    raise NotImplementedYet()
