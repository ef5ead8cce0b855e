"""HTTP routes of /v5/datasets: see the summaries below; behaviour lives in `handlers.datasets`."""

from __future__ import annotations

from typing import List, Optional

from fastapi import APIRouter, Depends, File, Form, Path, Query, Response, UploadFile
from typing_extensions import Annotated

from ..schemas import (
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
from ..schemas.datasets import DatasetRequest
from .deps import RequestContext, get_context
from .handlers import datasets as handlers
from .routing import sdk_extra

router = APIRouter(prefix="/datasets", tags=["Datasets"])


def _sdk(method: str, **kwargs: object) -> dict:
    return sdk_extra("datasets", method, **kwargs)


@router.get(
    "",
    response_model=PaginatedData[DatasetResponse],
    operation_id="list__datasets_get",
    summary="datasets list",
    openapi_extra=_sdk("list", paginated=True),
)
def list_datasets(
    ctx: Annotated[RequestContext, Depends(get_context)],
    page: Annotated[Optional[int], Query(ge=1)] = None,
    size: Annotated[Optional[int], Query(ge=0)] = None,
    name: Annotated[Optional[str], Query()] = None,
    user_filter: Annotated[Optional[str], Query()] = None,
    sort_by: Annotated[Optional[ProjectSortBy], Query()] = None,
    order: Annotated[Optional[SortOrder], Query()] = None,
) -> PaginatedData[DatasetResponse]:
    return handlers.list_datasets(
        ctx, page=page, size=size, name=name, user_filter=user_filter, sort_by=sort_by, order=order
    )


@router.post(
    "",
    response_model=DatasetResponse,
    operation_id="upsert_datasets_post",
    summary="datasets upsert",
    openapi_extra=_sdk("upsert"),
)
def upsert(
    body: DatasetRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
    version_id: Annotated[Optional[str], Query()] = None,
    environment: Annotated[Optional[str], Query()] = None,
) -> DatasetResponse:
    return handlers.upsert(ctx, body, version_id=version_id, environment=environment)


@router.get(
    "/{id}",
    response_model=DatasetResponse,
    operation_id="get_datasets__id__get",
    summary="datasets get",
    openapi_extra=_sdk("get"),
)
def get(
    id: Annotated[str, Path()],
    ctx: Annotated[RequestContext, Depends(get_context)],
    version_id: Annotated[Optional[str], Query()] = None,
    environment: Annotated[Optional[str], Query()] = None,
    include_datapoints: Annotated[Optional[bool], Query()] = None,
) -> DatasetResponse:
    return handlers.get(ctx, id, version_id=version_id, environment=environment, include_datapoints=include_datapoints)


@router.delete(
    "/{id}",
    status_code=204,
    response_class=Response,
    operation_id="delete_datasets__id__delete",
    summary="datasets delete",
    openapi_extra=_sdk("delete"),
)
def delete(
    id: Annotated[str, Path()],
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> Response:
    handlers.delete(ctx, id)
    return Response(status_code=204)


@router.patch(
    "/{id}",
    response_model=DatasetResponse,
    operation_id="move_datasets__id__patch",
    summary="datasets move",
    openapi_extra=_sdk("move"),
)
def move(
    id: Annotated[str, Path()],
    body: UpdateDatasetRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> DatasetResponse:
    return handlers.move(ctx, id, body)


@router.get(
    "/{id}/datapoints",
    response_model=PaginatedData[DatapointResponse],
    operation_id="list_datapoints_datasets__id__datapoints_get",
    summary="datasets list_datapoints",
    openapi_extra=_sdk("list_datapoints", paginated=True),
)
def list_datapoints(
    id: Annotated[str, Path()],
    ctx: Annotated[RequestContext, Depends(get_context)],
    version_id: Annotated[Optional[str], Query()] = None,
    environment: Annotated[Optional[str], Query()] = None,
    page: Annotated[Optional[int], Query(ge=1)] = None,
    size: Annotated[Optional[int], Query(ge=0)] = None,
) -> PaginatedData[DatapointResponse]:
    return handlers.list_datapoints(ctx, id, version_id=version_id, environment=environment, page=page, size=size)


@router.get(
    "/{id}/versions",
    response_model=ListDatasets,
    operation_id="list_versions_datasets__id__versions_get",
    summary="datasets list_versions",
    openapi_extra=_sdk("list_versions"),
)
def list_versions(
    id: Annotated[str, Path()],
    ctx: Annotated[RequestContext, Depends(get_context)],
    status: Annotated[Optional[VersionStatus], Query()] = None,
) -> ListDatasets:
    return handlers.list_versions(ctx, id, status=status)


@router.post(
    "/{id}/versions/{version_id}/commit",
    response_model=DatasetResponse,
    operation_id="commit_datasets__id__versions__version_id__commit_post",
    summary="datasets commit",
    openapi_extra=_sdk("commit"),
)
def commit(
    id: Annotated[str, Path()],
    version_id: Annotated[str, Path()],
    body: CommitRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> DatasetResponse:
    return handlers.commit(ctx, id, version_id, body)


@router.post(
    "/{id}/datapoints/csv",
    response_model=DatasetResponse,
    operation_id="upload_csv_datasets__id__datapoints_csv_post",
    summary="datasets upload_csv",
    openapi_extra=_sdk("upload_csv"),
)
def upload_csv(
    id: Annotated[str, Path()],
    file: Annotated[UploadFile, File()],
    commit_message: Annotated[str, Form()],
    ctx: Annotated[RequestContext, Depends(get_context)],
    version_id: Annotated[Optional[str], Query()] = None,
    environment: Annotated[Optional[str], Query()] = None,
) -> DatasetResponse:
    return handlers.upload_csv(ctx, id, file, commit_message, version_id=version_id, environment=environment)


@router.post(
    "/{id}/environments/{environment_id}",
    response_model=DatasetResponse,
    operation_id="set_deployment_datasets__id__environments__environment_id__post",
    summary="datasets set_deployment",
    openapi_extra=_sdk("set_deployment"),
)
def set_deployment(
    id: Annotated[str, Path()],
    environment_id: Annotated[str, Path()],
    version_id: Annotated[str, Query()],
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> DatasetResponse:
    return handlers.set_deployment(ctx, id, environment_id, version_id=version_id)


@router.delete(
    "/{id}/environments/{environment_id}",
    status_code=204,
    response_class=Response,
    operation_id="remove_deployment_datasets__id__environments__environment_id__delete",
    summary="datasets remove_deployment",
    openapi_extra=_sdk("remove_deployment"),
)
def remove_deployment(
    id: Annotated[str, Path()],
    environment_id: Annotated[str, Path()],
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> Response:
    handlers.remove_deployment(ctx, id, environment_id)
    return Response(status_code=204)


@router.get(
    "/{id}/environments",
    response_model=List[FileEnvironmentResponse],
    operation_id="list_environments_datasets__id__environments_get",
    summary="datasets list_environments",
    openapi_extra=_sdk("list_environments"),
)
def list_environments(
    id: Annotated[str, Path()],
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> List[FileEnvironmentResponse]:
    return handlers.list_environments(ctx, id)
