"""HTTP routes of /v5/directories: see the summaries below; behaviour lives in `handlers.directories`."""

from __future__ import annotations

from typing import List

from fastapi import APIRouter, Depends, Path, Response
from typing_extensions import Annotated

from ..schemas import (
    CreateDirectoryRequest,
    DirectoryResponse,
    DirectoryWithParentsAndChildrenResponse,
    UpdateDirectoryRequest,
)
from .deps import RequestContext, get_context
from .handlers import directories as handlers
from .routing import sdk_extra

router = APIRouter(prefix="/directories", tags=["Directories"])


def _sdk(method: str, **kwargs: object) -> dict:
    return sdk_extra("directories", method, **kwargs)


@router.get(
    "",
    response_model=List[DirectoryResponse],
    operation_id="list__directories_get",
    summary="directories list",
    openapi_extra=_sdk("list"),
)
def list_directories(
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> List[DirectoryResponse]:
    return handlers.list_directories(ctx)


@router.post(
    "",
    status_code=201,
    response_model=DirectoryResponse,
    operation_id="create_directories_post",
    summary="directories create",
    openapi_extra=_sdk("create"),
)
def create(
    body: CreateDirectoryRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> DirectoryResponse:
    return handlers.create(ctx, body)


@router.get(
    "/{id}",
    response_model=DirectoryWithParentsAndChildrenResponse,
    operation_id="Directories_get",
    summary="directories get",
    openapi_extra=_sdk("get"),
)
def get(
    id: Annotated[str, Path()],
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> DirectoryWithParentsAndChildrenResponse:
    return handlers.get(ctx, id)


@router.delete(
    "/{id}",
    status_code=204,
    response_class=Response,
    operation_id="Directories_delete",
    summary="directories delete",
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
    response_model=DirectoryResponse,
    operation_id="Directories_update",
    summary="directories update",
    openapi_extra=_sdk("update"),
)
def update(
    id: Annotated[str, Path()],
    body: UpdateDirectoryRequest,
    ctx: Annotated[RequestContext, Depends(get_context)],
) -> DirectoryResponse:
    return handlers.update(ctx, id, body)
