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
from ...services import datasets, directories, files, logs  # noqa: F401
from ..deps import RequestContext
from ._impl import dump, release_sessions, val, vals  # noqa: F401


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
    return files.list_files(
        ctx,
        ["dataset"],
        page=page,
        size=size,
        name=name,
        user_filter=user_filter,
        sort_by=val(sort_by),
        order=val(order),
    )


def upsert(
    ctx: RequestContext,
    body: DatasetRequest,
    *,
    version_id: Optional[str] = None,
    environment: Optional[str] = None,
) -> DatasetResponse:
    """datasets upsert."""
    return datasets.upsert(ctx, dump(body), version_id=version_id, environment=environment)


def get(
    ctx: RequestContext,
    id: str,
    *,
    version_id: Optional[str] = None,
    environment: Optional[str] = None,
    include_datapoints: Optional[bool] = None,
) -> DatasetResponse:
    """datasets get."""
    return files.get(
        ctx, "dataset", id, version_id=version_id, environment=environment, include_datapoints=bool(include_datapoints)
    )


def delete(
    ctx: RequestContext,
    id: str,
) -> None:
    """datasets delete."""
    files.delete(ctx, "dataset", id)


def move(
    ctx: RequestContext,
    id: str,
    body: UpdateDatasetRequest,
) -> DatasetResponse:
    """datasets move."""
    data = dump(body, unset=True)
    return files.move(ctx, "dataset", id, path=data.get("path"), name=data.get("name"))


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
    return datasets.list_datapoints(ctx, id, version_id=version_id, environment=environment, page=page, size=size)


def list_versions(
    ctx: RequestContext,
    id: str,
    *,
    status: Optional[VersionStatus] = None,
) -> ListDatasets:
    """datasets list_versions."""
    return files.list_versions(ctx, "dataset", id, status=val(status))


def commit(
    ctx: RequestContext,
    id: str,
    version_id: str,
    body: CommitRequest,
) -> DatasetResponse:
    """datasets commit."""
    return files.commit(ctx, "dataset", id, version_id, body.commit_message)


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
    raw = file.file.read()
    return datasets.upload_csv(ctx, id, raw, commit_message, version_id=version_id, environment=environment)


def set_deployment(
    ctx: RequestContext,
    id: str,
    environment_id: str,
    *,
    version_id: str,
) -> DatasetResponse:
    """datasets set_deployment."""
    return files.set_deployment(ctx, "dataset", id, environment_id, version_id)


def remove_deployment(
    ctx: RequestContext,
    id: str,
    environment_id: str,
) -> None:
    """datasets remove_deployment."""
    files.remove_deployment(ctx, "dataset", id, environment_id)


def list_environments(
    ctx: RequestContext,
    id: str,
) -> List[FileEnvironmentResponse]:
    """datasets list_environments."""
    return files.list_environments(ctx, "dataset", id)


release_sessions(globals())
