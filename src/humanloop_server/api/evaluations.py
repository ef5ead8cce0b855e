"""HTTP routes of /v5/evaluations: see the summaries below; behaviour lives in `services.evaluations`."""

from __future__ import annotations

from typing import Any, Dict, Optional

from fastapi import APIRouter, Body, Path, Query, Response
from typing_extensions import Annotated

from ..schemas import (
    CreateEvaluationRequest,
    EvaluateeRequest,
    EvaluationReportLogResponse,
    EvaluationResponse,
    EvaluationStats,
    EvaluationStatus,
    PaginatedData,
    UpdateEvaluationRequest,
)
from ..services import evaluations
from .bodies import dump, val
from .deps import ContextDep
from .routing import StrictJSONRoute, sdk_extra

router = APIRouter(prefix="/evaluations", tags=["Evaluations"], route_class=StrictJSONRoute)


def _sdk(method: str, **kwargs: Any) -> Dict[str, Any]:
    return sdk_extra("evaluations", method, **kwargs)


@router.get(
    "",
    response_model=PaginatedData[EvaluationResponse],
    operation_id="list__evaluations_get",
    summary="List Evaluations",
    description="Returns one page of the Evaluations of a file.",
    openapi_extra=_sdk("list", paginated=True),
)
def list_evaluations(
    file_id: Annotated[str, Query(description="ID of the file.")],
    ctx: ContextDep,
    page: Annotated[Optional[int], Query(description="Page number, starting at 1.", ge=1)] = None,
    size: Annotated[Optional[int], Query(description="Number of items per page.", ge=0)] = None,
) -> Dict[str, Any]:
    return evaluations.list_evaluations(ctx, file_id, page=page, size=size)


@router.post(
    "",
    status_code=201,
    response_model=EvaluationResponse,
    operation_id="create_evaluations_post",
    summary="Create an Evaluation",
    description="Creates an Evaluation of file versions on a Dataset with a set of Evaluators.",
    openapi_extra=_sdk("create"),
)
def create(
    body: CreateEvaluationRequest,
    ctx: ContextDep,
) -> Dict[str, Any]:
    return evaluations.create(ctx, dump(body))


@router.get(
    "/{id}",
    response_model=EvaluationResponse,
    operation_id="get_evaluations__id__get",
    summary="Get an Evaluation",
    description="Returns one Evaluation.",
    openapi_extra=_sdk("get"),
)
def get(
    id: Annotated[str, Path(description="ID of the Evaluation.")],
    ctx: ContextDep,
) -> Dict[str, Any]:
    return evaluations.get(ctx, id)


@router.delete(
    "/{id}",
    status_code=204,
    response_class=Response,
    operation_id="delete_evaluations__id__delete",
    summary="Delete an Evaluation",
    description="Deletes an Evaluation; its Logs stay.",
    openapi_extra=_sdk("delete"),
)
def delete(
    id: Annotated[str, Path(description="ID of the Evaluation.")],
    ctx: ContextDep,
) -> Response:
    evaluations.delete(ctx, id)
    return Response(status_code=204)


@router.patch(
    "/{id}",
    response_model=EvaluationResponse,
    operation_id="update_setup_evaluations__id__patch",
    summary="Change an Evaluation",
    description="Changes the Dataset, evaluated versions, Evaluators or name of an Evaluation.",
    openapi_extra=_sdk("update_setup"),
)
def update_setup(
    id: Annotated[str, Path(description="ID of the Evaluation.")],
    body: UpdateEvaluationRequest,
    ctx: ContextDep,
) -> Dict[str, Any]:
    return evaluations.update_setup(ctx, id, dump(body, unset=True))


@router.patch(
    "/{id}/status",
    response_model=EvaluationResponse,
    operation_id="update_status_evaluations__id__status_patch",
    summary="Change the status of an Evaluation",
    description="Sets the status, for example to `completed` once all Logs are in, or to `cancelled`.",
    openapi_extra=_sdk("update_status"),
)
def update_status(
    id: Annotated[str, Path(description="ID of the Evaluation.")],
    status: Annotated[EvaluationStatus, Body(description="New status of the Evaluation.", embed=True)],
    ctx: ContextDep,
) -> Dict[str, Any]:
    return evaluations.update_status(ctx, id, val(status))


@router.get(
    "/{id}/stats",
    response_model=EvaluationStats,
    operation_id="get_stats_evaluations__id__stats_get",
    summary="Get Evaluation statistics",
    description="Returns progress and per-version statistics of the judgments of an Evaluation.",
    openapi_extra=_sdk("get_stats"),
)
def get_stats(
    id: Annotated[str, Path(description="ID of the Evaluation.")],
    ctx: ContextDep,
) -> Dict[str, Any]:
    return evaluations.stats(ctx, id)


@router.get(
    "/{id}/logs",
    response_model=PaginatedData[EvaluationReportLogResponse],
    operation_id="get_logs_evaluations__id__logs_get",
    summary="List Evaluation Logs",
    description="Returns one page of Datapoints of an Evaluation, each with the Log of the evaluated version and its judgments.",
    openapi_extra=_sdk("get_logs"),
)
def get_logs(
    id: Annotated[str, Path(description="ID of the Evaluation.")],
    ctx: ContextDep,
    page: Annotated[Optional[int], Query(description="Page number, starting at 1.", ge=1)] = None,
    size: Annotated[Optional[int], Query(description="Number of items per page.", ge=0)] = None,
) -> Dict[str, Any]:
    return evaluations.get_logs(ctx, id, page=page, size=size)


@router.post(
    "/{id}/pin-evaluatee",
    response_model=EvaluationResponse,
    operation_id="pin_evaluatee_evaluations__id__pin_evaluatee_post",
    summary="Pin an evaluated version",
    description="Marks a version of an Evaluation as pinned, the baseline others are compared with.",
    openapi_extra=_sdk("pin_evaluatee"),
)
def pin_evaluatee(
    id: Annotated[str, Path(description="ID of the Evaluation.")],
    body: EvaluateeRequest,
    ctx: ContextDep,
) -> Dict[str, Any]:
    return evaluations.pin_evaluatee(ctx, id, dump(body))
