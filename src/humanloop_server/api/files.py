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
    RetrieveByPathRequest,
    SortOrder,
    ToolResponse,
)
from ..services import files
from .bodies import val, vals
from .deps import ContextDep
from .routing import METHOD_ALIASES, StrictJSONRoute, sdk_extra

router = APIRouter(prefix="/files", tags=["Files"], route_class=StrictJSONRoute)

#: any File, as the listing and the lookup by path answer it
FileResponse = Union[PromptResponse, ToolResponse, DatasetResponse, EvaluatorResponse, FlowResponse, AgentResponse]


def _sdk(method: str, **kwargs: Any) -> Dict[str, Any]:
    return sdk_extra("files", method, **kwargs)


@router.get(
    "",
    response_model=PaginatedData[FileResponse],
    operation_id="Files_list",
    summary="List files",
    description="Returns one page of files of any kind, filtered by name, directory, kind or deployment environment. The SDK's `files.list` (0.8.6) and `files.list_files` (0.8.38) both call it.",
    openapi_extra={**_sdk("list"), METHOD_ALIASES: ["list_files"]},
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
    path: Annotated[
        Optional[str], Query(description="Only files in this directory and the directories below it.")
    ] = None,
    template: Annotated[
        Optional[bool], Query(description="Only template files (true); this server has none, so true gives none.")
    ] = None,
    include_raw_file_content: Annotated[
        Optional[bool],
        Query(description="Give Prompts and Agents their version in the `.prompt` / `.agent` text format."),
    ] = None,
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
        directory=path,
        template=template,
        include_raw_file_content=bool(include_raw_file_content),
    )


@router.post(
    "/retrieve-by-path",
    response_model=FileResponse,
    operation_id="retrieve_by_path_files_retrieve_by_path_post",
    summary="Get a file by its path",
    description="Returns the file at `path` with its version deployed to `environment`, or its default version.",
    openapi_extra={
        **_sdk("retrieve_by_path"),
        # the SDK's name of the union it answers with
        "responses": {
            "200": {
                "content": {
                    "application/json": {
                        "schema": {"x-fern-type-name": "RetrieveByPathFilesRetrieveByPathPostResponse"}
                    }
                }
            }
        },
    },
)
def retrieve_by_path(
    body: RetrieveByPathRequest,
    ctx: ContextDep,
    environment: Annotated[Optional[str], Query(description="Environment whose deployed version to return.")] = None,
    include_raw_file_content: Annotated[
        Optional[bool],
        Query(description="Give Prompts and Agents their version in the `.prompt` / `.agent` text format."),
    ] = None,
) -> Dict[str, Any]:
    return files.retrieve_by_path(
        ctx, body.path, environment=environment, include_raw_file_content=bool(include_raw_file_content)
    )
