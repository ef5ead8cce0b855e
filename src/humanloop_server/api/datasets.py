"""HTTP routes of /v5/datasets: the routes every file kind shares come from `file_routes`, the ones
specific to Datasets are written out below; behaviour lives in `services` (`files`, `datasets`)."""

from __future__ import annotations

from typing import Any, Dict, Optional

from fastapi import APIRouter, File, Form, Path, Query, UploadFile
from typing_extensions import Annotated

from ..schemas import (
    DatapointResponse,
    DatasetResponse,
    ListDatasets,
    ListVersionsDatasetsIdVersionsGetRequestIncludeDatapoints,
    PaginatedData,
    UpdateDatasetRequest,
    VersionStatus,
)
from ..schemas.datasets import DatasetRequest
from ..services import datasets, files
from .bodies import dump, val
from .deps import ContextDep
from .file_routes import FileKind, add_file_routes
from .routing import StrictJSONRoute, sdk_extra

router = APIRouter(prefix="/datasets", tags=["Datasets"], route_class=StrictJSONRoute)


def _sdk(method: str, **kwargs: Any) -> Dict[str, Any]:
    return sdk_extra("datasets", method, **kwargs)


DATASETS = FileKind(
    group="datasets",
    file_type="dataset",
    response=DatasetResponse,
    request=DatasetRequest,
    update_request=UpdateDatasetRequest,
    versions_response=ListDatasets,
    page_size_minimum=0,
)

# The shared file routes (see `file_routes`); the routes specific to Datasets follow. Datasets are not
# monitored, and their `upsert`, `get` and `list_versions` take other query parameters than the shared ones.
add_file_routes(
    router,
    DATASETS,
    "list",
    "delete",
    "move",
    "commit",
    "delete_version",
    "update_version",
    "set_deployment",
    "remove_deployment",
    "list_environments",
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
    ctx: ContextDep,
    version_id: Annotated[Optional[str], Query(description="ID of a version.")] = None,
    environment: Annotated[Optional[str], Query(description="Name of an environment.")] = None,
    include_datapoints: Annotated[
        Optional[bool], Query(description="Whether the answer lists the Datapoints of the version it names.")
    ] = None,
) -> Dict[str, Any]:
    made = datasets.upsert(ctx, dump(body), version_id=version_id, environment=environment)
    if not include_datapoints:
        return made
    return files.get(ctx, "dataset", made["id"], version_id=made["version_id"], include_datapoints=True)


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
    ctx: ContextDep,
    version_id: Annotated[Optional[str], Query(description="ID of the Dataset version to return.")] = None,
    environment: Annotated[Optional[str], Query(description="Environment whose deployed version to return.")] = None,
    include_datapoints: Annotated[
        Optional[bool], Query(description="Whether to include the Datapoints in the response.")
    ] = None,
) -> Dict[str, Any]:
    return files.get(
        ctx, "dataset", id, version_id=version_id, environment=environment, include_datapoints=bool(include_datapoints)
    )


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
    ctx: ContextDep,
    version_id: Annotated[Optional[str], Query(description="ID of a version.")] = None,
    environment: Annotated[Optional[str], Query(description="Name of an environment.")] = None,
    page: Annotated[Optional[int], Query(description="Page number, starting at 1.", ge=1)] = None,
    size: Annotated[Optional[int], Query(description="Number of items per page.", ge=0)] = None,
) -> Dict[str, Any]:
    return datasets.list_datapoints(ctx, id, version_id=version_id, environment=environment, page=page, size=size)


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
    ctx: ContextDep,
    status: Annotated[Optional[VersionStatus], Query(description="Only versions with this status.")] = None,
    include_datapoints: Annotated[
        Optional[ListVersionsDatasetsIdVersionsGetRequestIncludeDatapoints],
        Query(description="Which version comes with its Datapoints: the latest committed or the latest saved one."),
    ] = None,
) -> Dict[str, Any]:
    return files.list_versions(ctx, "dataset", id, status=val(status), include_datapoints=val(include_datapoints))


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
    ctx: ContextDep,
    commit_message: Annotated[
        Optional[str], Form(description="Message that describes the new Dataset version (0.8.6 clients).")
    ] = None,
    version_name: Annotated[
        Optional[str], Form(description="Name of the new version, unique within the Dataset.")
    ] = None,
    version_description: Annotated[Optional[str], Form(description="Description of the new version.")] = None,
    version_id: Annotated[Optional[str], Query(description="ID of a version.")] = None,
    environment: Annotated[Optional[str], Query(description="Name of an environment.")] = None,
) -> Dict[str, Any]:
    return datasets.upload_csv(
        ctx,
        id,
        file.file,
        commit_message,
        version_id=version_id,
        environment=environment,
        version_name=version_name,
        version_description=version_description,
    )
