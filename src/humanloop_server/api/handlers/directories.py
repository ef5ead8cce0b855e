"""Behaviour behind the /v5/directories routes.

Each function receives validated inputs and the request context and returns the response model.
Until implemented, each raises `NotImplementedYet` (HTTP 501).
"""

from __future__ import annotations

from typing import List

from ...schemas import (
    CreateDirectoryRequest,
    DirectoryResponse,
    DirectoryWithParentsAndChildrenResponse,
    UpdateDirectoryRequest,
)
from ...services import datasets, directories, files, logs  # noqa: F401
from ..deps import RequestContext
from ._impl import dump, release_sessions, val, vals  # noqa: F401


def list_directories(
    ctx: RequestContext,
) -> List[DirectoryResponse]:
    """directories list."""
    return directories.list_all(ctx)


def create(
    ctx: RequestContext,
    body: CreateDirectoryRequest,
) -> DirectoryResponse:
    """directories create."""
    data = dump(body, unset=True)
    return directories.create(ctx, name=data.get("name"), parent_id=data.get("parent_id"), path=data.get("path"))


def get(
    ctx: RequestContext,
    id: str,
) -> DirectoryWithParentsAndChildrenResponse:
    """directories get."""
    from ...services import tree

    return tree.get(ctx, id)


def delete(
    ctx: RequestContext,
    id: str,
) -> None:
    """directories delete."""
    directories.delete(ctx, id)


def update(
    ctx: RequestContext,
    id: str,
    body: UpdateDirectoryRequest,
) -> DirectoryResponse:
    """directories update."""
    data = dump(body, unset=True)
    return directories.update_directory(
        ctx, id, name=data.get("name"), parent_id=data.get("parent_id"), path=data.get("path")
    )


release_sessions(globals())
