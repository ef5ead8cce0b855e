"""HTTP routes of /v5/logs: see the summaries below; behaviour lives in `services.logs`."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List, Optional

from fastapi import APIRouter, Path, Query, Response
from typing_extensions import Annotated

from ..schemas import LogResponse, PaginatedData, VersionStatus
from ..services import logs
from .bodies import val
from .deps import ContextDep
from .routing import StrictJSONRoute, sdk_extra

#: set (to "true") on a page of ``GET /logs`` whose ``total`` is an estimate; see ``services.logs.list_logs``
TOTAL_ESTIMATED_HEADER = "X-Total-Is-Estimate"

router = APIRouter(prefix="/logs", tags=["Logs"], route_class=StrictJSONRoute)


def _sdk(method: str, **kwargs: Any) -> Dict[str, Any]:
    return sdk_extra("logs", method, **kwargs)


@router.get(
    "",
    response_model=PaginatedData[LogResponse],
    operation_id="list__logs_get",
    summary="List Logs",
    description="Returns one page of the Logs of a file, with filters on version, text, metadata, dates and traces.",
    openapi_extra=_sdk("list", paginated=True),
)
def list_logs(
    file_id: Annotated[str, Query(description="ID of the file.")],
    ctx: ContextDep,
    response: Response,
    page: Annotated[Optional[int], Query(description="Page number, starting at 1.", ge=1)] = None,
    size: Annotated[Optional[int], Query(description="Number of items per page.", ge=0)] = None,
    version_id: Annotated[Optional[str], Query(description="Only Logs of this version.")] = None,
    version_status: Annotated[
        Optional[VersionStatus], Query(description="Only Logs of versions with this status.")
    ] = None,
    search: Annotated[Optional[str], Query(description="Only Logs whose inputs or output contain this text.")] = None,
    metadata_search: Annotated[Optional[str], Query(description="Only Logs whose metadata contains this text.")] = None,
    start_date: Annotated[Optional[datetime], Query(description="Only Logs created at or after this time.")] = None,
    end_date: Annotated[Optional[datetime], Query(description="Only Logs created at or before this time.")] = None,
    include_parent: Annotated[
        Optional[bool], Query(description="Whether to include the parent Log of each Log.")
    ] = None,
    in_trace_filter: Annotated[
        Optional[List[bool]], Query(description="Only Logs that are (true) or are not (false) part of a trace.")
    ] = None,
    id: Annotated[Optional[List[str]], Query(description="Only the Logs with these IDs.")] = None,
    sample: Annotated[
        Optional[int],
        Query(
            description="A random sample of this many of the matching Logs (drawn afresh on every request), then paged.",
            ge=0,
        ),
    ] = None,
    include_trace_children: Annotated[
        Optional[bool],
        Query(description="Whether each Log carries the Logs nested under it (when omitted, they are included)."),
    ] = None,
) -> Dict[str, Any]:
    listed = logs.list_logs(
        ctx,
        file_id,
        page=page,
        size=size,
        version_id=version_id,
        version_status=val(version_status),
        search=search,
        metadata_search=metadata_search,
        start_date=start_date,
        end_date=end_date,
        include_parent=include_parent,
        in_trace_filter=in_trace_filter,
        log_ids=id,
        sample=sample,
        include_trace_children=include_trace_children,
    )
    if listed.total_estimated:
        response.headers[TOTAL_ESTIMATED_HEADER] = "true"
    return listed.body


@router.delete(
    "",
    status_code=204,
    response_class=Response,
    operation_id="Logs_delete",
    summary="Delete Logs",
    description="Deletes the Logs with the given IDs.",
    openapi_extra=_sdk("delete"),
)
def delete(
    id: Annotated[List[str], Query(description="IDs of the Logs to delete.")],
    ctx: ContextDep,
) -> Response:
    logs.delete_logs(ctx, id)
    return Response(status_code=204)


@router.get(
    "/{id}",
    response_model=LogResponse,
    operation_id="get_logs__id__get",
    summary="Get a Log",
    description="Returns one Log of any kind.",
    openapi_extra=_sdk("get"),
)
def get(
    id: Annotated[str, Path(description="ID of the Log.")],
    ctx: ContextDep,
) -> Dict[str, Any]:
    return logs.get(ctx, id)
