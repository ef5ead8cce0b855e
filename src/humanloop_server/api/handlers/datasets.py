"""Behaviour behind the /v5/datasets routes.

Each function receives validated inputs and the request context and returns the response model.
Until implemented, each raises `NotImplementedYet` (HTTP 501).
"""

from __future__ import annotations

from typing import List, Optional

from fastapi import UploadFile

from ...schemas import (
    CommitRequest,
    DatapointResponse,
    DatasetResponse,
    FileEnvironmentResponse,
    ListDatasets,
    PaginatedData,
    ProjectSortBy,
    SortOrder,
    UpdateDatasetRequest,
    VersionStatus,
)
from ...schemas.datasets import DatasetRequest
from ..deps import RequestContext
from ..errors import NotImplementedYet


def list_datasets(
    ctx: RequestContext,
    *,
    page: Optional[int] = None,
    size: Optional[int] = None,
    name: Optional[str] = None,
    user_filter: Optional[str] = None,
    sort_by: Optional[ProjectSortBy] = None,
    order: Optional[SortOrder] = None,
) -> PaginatedData[DatasetResponse]:
    """datasets list."""
    raise NotImplementedYet()


def upsert(
    ctx: RequestContext,
    body: DatasetRequest,
    *,
    version_id: Optional[str] = None,
    environment: Optional[str] = None,
) -> DatasetResponse:
    """datasets upsert."""
    raise NotImplementedYet()


def get(
    ctx: RequestContext,
    id: str,
    *,
    version_id: Optional[str] = None,
    environment: Optional[str] = None,
    include_datapoints: Optional[bool] = None,
) -> DatasetResponse:
    """datasets get."""
    raise NotImplementedYet()


def delete(
    ctx: RequestContext,
    id: str,
) -> None:
    """datasets delete."""
    raise NotImplementedYet()


def move(
    ctx: RequestContext,
    id: str,
    body: UpdateDatasetRequest,
) -> DatasetResponse:
    """datasets move."""
    raise NotImplementedYet()


def list_datapoints(
    ctx: RequestContext,
    id: str,
    *,
    version_id: Optional[str] = None,
    environment: Optional[str] = None,
    page: Optional[int] = None,
    size: Optional[int] = None,
) -> PaginatedData[DatapointResponse]:
    """datasets list_datapoints."""
    raise NotImplementedYet()


def list_versions(
    ctx: RequestContext,
    id: str,
    *,
    status: Optional[VersionStatus] = None,
) -> ListDatasets:
    """datasets list_versions."""
    raise NotImplementedYet()


def commit(
    ctx: RequestContext,
    id: str,
    version_id: str,
    body: CommitRequest,
) -> DatasetResponse:
    """datasets commit."""
    raise NotImplementedYet()


def upload_csv(
    ctx: RequestContext,
    id: str,
    file: UploadFile,
    commit_message: str,
    *,
    version_id: Optional[str] = None,
    environment: Optional[str] = None,
) -> DatasetResponse:
    """datasets upload_csv."""
    raise NotImplementedYet()


def set_deployment(
    ctx: RequestContext,
    id: str,
    environment_id: str,
    *,
    version_id: str,
) -> DatasetResponse:
    """datasets set_deployment."""
    raise NotImplementedYet()


def remove_deployment(
    ctx: RequestContext,
    id: str,
    environment_id: str,
) -> None:
    """datasets remove_deployment."""
    raise NotImplementedYet()


def list_environments(
    ctx: RequestContext,
    id: str,
) -> List[FileEnvironmentResponse]:
    """datasets list_environments."""
    raise NotImplementedYet()
