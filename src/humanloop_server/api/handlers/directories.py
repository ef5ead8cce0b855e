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
from ..deps import RequestContext
from ..errors import NotImplementedYet


def list_directories(
    ctx: RequestContext,
) -> List[DirectoryResponse]:
    """directories list."""
    raise NotImplementedYet()


def create(
    ctx: RequestContext,
    body: CreateDirectoryRequest,
) -> DirectoryResponse:
    """directories create."""
    raise NotImplementedYet()


def get(
    ctx: RequestContext,
    id: str,
) -> DirectoryWithParentsAndChildrenResponse:
    """directories get."""
    raise NotImplementedYet()


def delete(
    ctx: RequestContext,
    id: str,
) -> None:
    """directories delete."""
    raise NotImplementedYet()


def update(
    ctx: RequestContext,
    id: str,
    body: UpdateDirectoryRequest,
) -> DirectoryResponse:
    """directories update."""
    raise NotImplementedYet()
