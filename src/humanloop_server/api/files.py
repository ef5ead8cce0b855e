"""HTTP routes of /v5/files: see the summaries below; behaviour lives in `services.files`."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Union

from fastapi import APIRouter, Query
from typing_extensions import Annotated

from ..schemas import (
    AgentResponse,
    DatasetResponse,
    EvaluatorResponse,
    FileType,
    FlowResponse,
    PaginatedData,
    ProjectSortBy,
    PromptResponse,
    SortOrder,
    ToolResponse,
)
from ..services import files
from .bodies import val, vals
from .deps import ContextDep
from .routing import StrictJSONRoute, sdk_extra

router = APIRouter(prefix="/files", tags=["Files"], route_class=StrictJSONRoute)


def _sdk(method: str, **kwargs: Any) -> Dict[str, Any]:
    return sdk_extra("files", method, **kwargs)


@router.get(
    "",
    response_model=PaginatedData[
        Union[PromptResponse, ToolResponse, DatasetResponse, EvaluatorResponse, FlowResponse, AgentResponse]
    ],
    operation_id="Files_list",
    summary="List files",
    description="Returns one page of files of any kind, filtered by name, kind or deployment environment.",
    openapi_extra=_sdk("list"),
)
def list_files(
    ctx: ContextDep,
    page: Annotated[Optional[int], Query(description="Page number, starting at 1.", ge=1)] = None,
    size: Annotated[Optional[int], Query(description="Number of items per page.", ge=0)] = None,
    name: Annotated[
        Optional[str], Query(description="Only files whose name contains this text (case-insensitive).")
    ] = None,
    type: Annotated[Optional[List[FileType]], Query(description="Only files of these kinds.")] = None,
    environment: Annotated[
        Optional[str], Query(description="Only files with a version deployed to this environment.")
    ] = None,
    sort_by: Annotated[Optional[ProjectSortBy], Query(description="Field to sort by.")] = None,
    order: Annotated[Optional[SortOrder], Query(description="Sort direction.")] = None,
) -> Dict[str, Any]:
    return files.list_files(
        ctx,
        vals(type),
        page=page,
        size=size,
        name=name,
        sort_by=val(sort_by),
        order=val(order),
        environment=environment,
    )
