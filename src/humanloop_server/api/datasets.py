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
    summary="List Datasets",
    description="Returns one page of the organisation's Datasets, optionally filtered by name or creator and sorted.",
    openapi_extra=_sdk("list", paginated=True),
)
def list_datasets(
    ctx: Annotated[RequestContext, Depends(get_context)],
    page: Annotated[Optional[int], Query(description="Page number, starting at 1.", ge=1)] = None,
    size: Annotated[Optional[int], Query(description="Number of items per page.", ge=0)] = None,
    name: Annotated[
        Optional[str], Query(description="Only Datasets whose name contains this text (case-insensitive).")
    ] = None,
    user_filter: Annotated[
        Optional[str],
        Query(description="Only files whose creator's name or email contains this text (case-insensitive)."),
    ] = None,
    sort_by: Annotated[Optional[ProjectSortBy], Query(description="Field to sort by.")] = None,
    order: Annotated[Optional[SortOrder], Query(description="Sort direction.")] = None,
) -> PaginatedData[DatasetResponse]:
    return handlers.list_datasets(
        ctx, page=page, size=size, name=name, user_filter=user_filter, sort_by=sort_by, order=order
    )


@router.post(
    "",
    response_model=DatasetResponse,
    operation_id="upsert_datasets_post",
    summary="Create or find a Dataset version",
    description="Creates the Dataset (found by `path` or `id`) and a new version of it, unless a version with the same settings exists; returns that version.",
    openapi_extra=_sdk("upsert"),
)
def upsert(
    body: DatasetRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
    version_id: Annotated[Optional[str], Query(description="ID of a version.")] = None,
    environment: Annotated[Optional[str], Query(description="Name of an environment.")] = None,
) -> DatasetResponse:
    return handlers.upsert(ctx, body, version_id=version_id, environment=environment)


@router.get(
    "/{id}",
    response_model=DatasetResponse,
    operation_id="get_datasets__id__get",
    summary="Get a Dataset",
    description="Returns one version of a Dataset: the one given by `version_id`, the one deployed to `environment`, or the default deployment.",
    openapi_extra=_sdk("get"),
)
def get(
    id: Annotated[str, Path(description="ID of the Dataset.")],
    ctx: Annotated[RequestContext, Depends(get_context)],
    version_id: Annotated[Optional[str], Query(description="ID of the Dataset version to return.")] = None,
    environment: Annotated[Optional[str], Query(description="Environment whose deployed version to return.")] = None,
    include_datapoints: Annotated[
        Optional[bool], Query(description="Whether to include the Datapoints in the response.")
    ] = None,
) -> DatasetResponse:
    return handlers.get(ctx, id, version_id=version_id, environment=environment, include_datapoints=include_datapoints)


@router.delete(
    "/{id}",
    status_code=204,
    response_class=Response,
    operation_id="delete_datasets__id__delete",
    summary="Delete a Dataset",
    description="Deletes the Dataset with all its versions.",
    openapi_extra=_sdk("delete"),
)
def delete(
    id: Annotated[str, Path(description="ID of the Dataset.")],
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> Response:
    handlers.delete(ctx, id)
    return Response(status_code=204)


@router.patch(
    "/{id}",
    response_model=DatasetResponse,
    operation_id="move_datasets__id__patch",
    summary="Rename or move a Dataset",
    description="Changes the name or the path of a Dataset.",
    openapi_extra=_sdk("move"),
)
def move(
    id: Annotated[str, Path(description="ID of the Dataset.")],
    body: UpdateDatasetRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> DatasetResponse:
    return handlers.move(ctx, id, body)


@router.get(
    "/{id}/datapoints",
    response_model=PaginatedData[DatapointResponse],
    operation_id="list_datapoints_datasets__id__datapoints_get",
    summary="List Datapoints",
    description="Returns one page of the Datapoints of a Dataset version.",
    openapi_extra=_sdk("list_datapoints", paginated=True),
)
def list_datapoints(
    id: Annotated[str, Path(description="ID of the Dataset.")],
    ctx: Annotated[RequestContext, Depends(get_context)],
    version_id: Annotated[Optional[str], Query(description="ID of a version.")] = None,
    environment: Annotated[Optional[str], Query(description="Name of an environment.")] = None,
    page: Annotated[Optional[int], Query(description="Page number, starting at 1.", ge=1)] = None,
    size: Annotated[Optional[int], Query(description="Number of items per page.", ge=0)] = None,
) -> PaginatedData[DatapointResponse]:
    return handlers.list_datapoints(ctx, id, version_id=version_id, environment=environment, page=page, size=size)


@router.get(
    "/{id}/versions",
    response_model=ListDatasets,
    operation_id="list_versions_datasets__id__versions_get",
    summary="List versions of a Dataset",
    description="Returns every version of a Dataset, optionally filtered by status.",
    openapi_extra=_sdk("list_versions"),
)
def list_versions(
    id: Annotated[str, Path(description="ID of the Dataset.")],
    ctx: Annotated[RequestContext, Depends(get_context)],
    status: Annotated[Optional[VersionStatus], Query(description="Only versions with this status.")] = None,
) -> ListDatasets:
    return handlers.list_versions(ctx, id, status=status)


@router.post(
    "/{id}/versions/{version_id}/commit",
    response_model=DatasetResponse,
    operation_id="commit_datasets__id__versions__version_id__commit_post",
    summary="Commit a Dataset version",
    description="Marks a version of a Dataset as committed, with a message describing it.",
    openapi_extra=_sdk("commit"),
)
def commit(
    id: Annotated[str, Path(description="ID of the Dataset.")],
    version_id: Annotated[str, Path(description="ID of a version.")],
    body: CommitRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> DatasetResponse:
    return handlers.commit(ctx, id, version_id, body)


@router.post(
    "/{id}/datapoints/csv",
    response_model=DatasetResponse,
    operation_id="upload_csv_datasets__id__datapoints_csv_post",
    summary="Add Datapoints from CSV",
    description="Creates a Dataset version from the current one plus the rows of a CSV file; each column becomes an input, except `messages` and `target`.",
    openapi_extra=_sdk("upload_csv"),
)
def upload_csv(
    id: Annotated[str, Path(description="ID of the Dataset.")],
    file: Annotated[UploadFile, File(description="CSV file with one Datapoint per row.")],
    commit_message: Annotated[str, Form(description="Message that describes the new Dataset version.")],
    ctx: Annotated[RequestContext, Depends(get_context)],
    version_id: Annotated[Optional[str], Query(description="ID of a version.")] = None,
    environment: Annotated[Optional[str], Query(description="Name of an environment.")] = None,
) -> DatasetResponse:
    return handlers.upload_csv(ctx, id, file, commit_message, version_id=version_id, environment=environment)


@router.post(
    "/{id}/environments/{environment_id}",
    response_model=DatasetResponse,
    operation_id="set_deployment_datasets__id__environments__environment_id__post",
    summary="Deploy a Dataset version",
    description="Deploys a version of a Dataset to an environment, replacing the version deployed there.",
    openapi_extra=_sdk("set_deployment"),
)
def set_deployment(
    id: Annotated[str, Path(description="ID of the Dataset.")],
    environment_id: Annotated[str, Path(description="ID of the environment.")],
    version_id: Annotated[str, Query(description="ID of a version.")],
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> DatasetResponse:
    return handlers.set_deployment(ctx, id, environment_id, version_id=version_id)


@router.delete(
    "/{id}/environments/{environment_id}",
    status_code=204,
    response_class=Response,
    operation_id="remove_deployment_datasets__id__environments__environment_id__delete",
    summary="Remove a Dataset deployment",
    description="Removes whatever version of a Dataset is deployed to an environment.",
    openapi_extra=_sdk("remove_deployment"),
)
def remove_deployment(
    id: Annotated[str, Path(description="ID of the Dataset.")],
    environment_id: Annotated[str, Path(description="ID of the environment.")],
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> Response:
    handlers.remove_deployment(ctx, id, environment_id)
    return Response(status_code=204)


@router.get(
    "/{id}/environments",
    response_model=List[FileEnvironmentResponse],
    operation_id="list_environments_datasets__id__environments_get",
    summary="List environments of a Dataset",
    description="Returns every environment with the version of the Dataset deployed to it, if any.",
    openapi_extra=_sdk("list_environments"),
)
def list_environments(
    id: Annotated[str, Path(description="ID of the Dataset.")],
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> List[FileEnvironmentResponse]:
    return handlers.list_environments(ctx, id)
