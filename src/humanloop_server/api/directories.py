"""HTTP routes of /v5/directories: see the summaries below; behaviour lives in `services.directories`."""

from __future__ import annotations

from typing import Any, Dict, List

from fastapi import APIRouter, Path, Response
from typing_extensions import Annotated

from ..schemas import (
    CreateDirectoryRequest,
    DirectoryResponse,
    DirectoryWithParentsAndChildrenResponse,
    UpdateDirectoryRequest,
)
from ..services import directories, tree
from .bodies import dump
from .deps import ContextDep
from .routing import StrictJSONRoute, sdk_extra

router = APIRouter(prefix="/directories", tags=["Directories"], route_class=StrictJSONRoute)


def _sdk(method: str, **kwargs: Any) -> Dict[str, Any]:
    return sdk_extra("directories", method, **kwargs)


@router.get(
    "",
    response_model=List[DirectoryResponse],
    operation_id="list__directories_get",
    summary="List directories",
    description="Returns every directory of the organisation.",
    openapi_extra=_sdk("list"),
)
def list_directories(
    ctx: ContextDep,
) -> List[Dict[str, Any]]:
    return directories.list_all(ctx)


@router.post(
    "",
    status_code=201,
    response_model=DirectoryResponse,
    operation_id="create_directories_post",
    summary="Create a directory",
    description="Creates a directory under a parent (given by ID or by path).",
    openapi_extra=_sdk("create"),
)
def create(
    body: CreateDirectoryRequest,
    ctx: ContextDep,
) -> Dict[str, Any]:
    data = dump(body, unset=True)
    return directories.create(ctx, name=data.get("name"), parent_id=data.get("parent_id"), path=data.get("path"))


@router.get(
    "/{id}",
    response_model=DirectoryWithParentsAndChildrenResponse,
    operation_id="Directories_get",
    summary="Get a directory",
    description="Returns a directory with its ancestors, subdirectories and files.",
    openapi_extra=_sdk("get"),
)
def get(
    id: Annotated[str, Path(description="ID of the directory.")],
    ctx: ContextDep,
) -> Dict[str, Any]:
    return tree.get(ctx, id)


@router.delete(
    "/{id}",
    status_code=204,
    response_class=Response,
    operation_id="Directories_delete",
    summary="Delete a directory",
    description="Deletes an empty directory.",
    openapi_extra=_sdk("delete"),
)
def delete(
    id: Annotated[str, Path(description="ID of the directory.")],
    ctx: ContextDep,
) -> Response:
    directories.delete(ctx, id)
    return Response(status_code=204)


@router.patch(
    "/{id}",
    response_model=DirectoryResponse,
    operation_id="Directories_update",
    summary="Rename or move a directory",
    description="Changes the name or the parent of a directory.",
    openapi_extra=_sdk("update"),
)
def update(
    id: Annotated[str, Path(description="ID of the directory.")],
    body: UpdateDirectoryRequest,
    ctx: ContextDep,
) -> Dict[str, Any]:
    data = dump(body, unset=True)
    return directories.update_directory(
        ctx, id, name=data.get("name"), parent_id=data.get("parent_id"), path=data.get("path")
    )
