"""HTTP routes of /v5/evaluations: see the summaries below; behaviour lives in `services.evaluations`."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Union

from fastapi import APIRouter, Body, Path, Query, Response
from typing_extensions import Annotated

from ..schemas import (
    AddEvaluatorsRequest,
    AddLogsToRunRequest,
    CreateEvaluationRequest,
    CreateRunRequest,
    EvaluateeRequest,
    EvaluationLogResponse,
    EvaluationResponse,
    EvaluationRunResponse,
    EvaluationRunsResponse,
    EvaluationStats,
    EvaluationStatus,
    PaginatedData,
    UpdateEvaluationRequest,
    UpdateEvaluationRunRequest,
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
    description=(
        "Creates an Evaluation of a file with a set of Evaluators; Runs are added to it later. The 0.8.6 body"
        " (with `dataset` and optional `evaluatees`) is accepted too: its batches are the Evaluation's Runs."
    ),
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
    response_model=PaginatedData[EvaluationLogResponse],
    operation_id="get_logs_evaluations__id__logs_get",
    summary="List Evaluation Logs",
    description=(
        "Returns one page of the Logs of an Evaluation with their judgments: the Logs of the given Runs, or"
        " (without `run_id`, for an Evaluation with a Dataset) one record per Datapoint and evaluated version."
    ),
    openapi_extra=_sdk("get_logs"),
)
def get_logs(
    id: Annotated[str, Path(description="ID of the Evaluation.")],
    ctx: ContextDep,
    page: Annotated[Optional[int], Query(description="Page number, starting at 1.", ge=1)] = None,
    size: Annotated[Optional[int], Query(description="Number of items per page.", ge=0)] = None,
    run_id: Annotated[
        Optional[List[str]], Query(description="IDs of the Runs whose Logs to list (repeat for several).")
    ] = None,
) -> Dict[str, Any]:
    return evaluations.get_logs(ctx, id, page=page, size=size, run_ids=run_id)


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


@router.post(
    "/{id}/evaluators",
    response_model=EvaluationResponse,
    operation_id="add_evaluators_evaluations__id__evaluators_post",
    summary="Add Evaluators to an Evaluation",
    description="Adds Evaluator versions to an Evaluation; the ones it already has keep their place.",
    openapi_extra=_sdk("add_evaluators"),
)
def add_evaluators(
    id: Annotated[str, Path(description="ID of the Evaluation.")],
    body: AddEvaluatorsRequest,
    ctx: ContextDep,
) -> Dict[str, Any]:
    return evaluations.add_evaluators(ctx, id, dump(body)["evaluators"])


@router.delete(
    "/{id}/evaluators/{evaluator_version_id}",
    response_model=EvaluationResponse,
    operation_id="remove_evaluator_evaluations__id__evaluators__evaluator_version_id__delete",
    summary="Remove an Evaluator from an Evaluation",
    description="Removes one Evaluator version from an Evaluation; the judgments it gave stay stored.",
    openapi_extra=_sdk("remove_evaluator"),
)
def remove_evaluator(
    id: Annotated[str, Path(description="ID of the Evaluation.")],
    evaluator_version_id: Annotated[str, Path(description="ID of the Evaluator version.")],
    ctx: ContextDep,
) -> Dict[str, Any]:
    return evaluations.remove_evaluator(ctx, id, evaluator_version_id)


@router.get(
    "/{id}/runs",
    response_model=EvaluationRunsResponse,
    operation_id="list_runs_for_evaluation_evaluations__id__runs_get",
    summary="List the Runs of an Evaluation",
    description="Returns every Run of an Evaluation, oldest first; 0.8.6 batches are listed as Runs.",
    openapi_extra=_sdk("list_runs_for_evaluation"),
)
def list_runs_for_evaluation(
    id: Annotated[str, Path(description="ID of the Evaluation.")],
    ctx: ContextDep,
) -> Dict[str, Any]:
    return evaluations.list_runs(ctx, id)


@router.post(
    "/{id}/runs",
    response_model=EvaluationRunResponse,
    operation_id="create_run_evaluations__id__runs_post",
    summary="Create a Run",
    description=(
        "Adds a Run to an Evaluation: a version of its file evaluated on a Dataset version. Logs join it by"
        " naming its `run_id`; the server marks it completed once every Datapoint has a Log and every Log"
        " has a judgment from every Evaluator."
    ),
    openapi_extra=_sdk("create_run"),
)
def create_run(
    id: Annotated[str, Path(description="ID of the Evaluation.")],
    body: CreateRunRequest,
    ctx: ContextDep,
) -> Dict[str, Any]:
    return evaluations.create_run(ctx, id, dump(body))


@router.post(
    "/{id}/runs/{run_id}",
    response_model=Optional[Any],
    # 0.8.38 types the answer as any JSON value (it is the Run)
    responses={200: {"content": {"application/json": {"schema": {"x-fern-type": "unknown"}}}}},
    operation_id="add_existing_run_evaluations__id__runs__run_id__post",
    summary="Add an existing Run to an Evaluation",
    description="Adds a Run of another Evaluation to this one, to compare them; its Logs stay shared.",
    openapi_extra=_sdk("add_existing_run"),
)
def add_existing_run(
    id: Annotated[str, Path(description="ID of the Evaluation.")],
    run_id: Annotated[str, Path(description="ID of the Run.")],
    ctx: ContextDep,
) -> Union[Dict[str, Any], None]:
    return evaluations.add_existing_run(ctx, id, run_id)


@router.delete(
    "/{id}/runs/{run_id}",
    status_code=204,
    response_class=Response,
    operation_id="remove_run_evaluations__id__runs__run_id__delete",
    summary="Remove a Run from an Evaluation",
    description="Takes a Run out of an Evaluation; its Logs stay stored.",
    openapi_extra=_sdk("remove_run"),
)
def remove_run(
    id: Annotated[str, Path(description="ID of the Evaluation.")],
    run_id: Annotated[str, Path(description="ID of the Run.")],
    ctx: ContextDep,
) -> Response:
    evaluations.remove_run(ctx, id, run_id)
    return Response(status_code=204)


@router.patch(
    "/{id}/runs/{run_id}",
    response_model=EvaluationRunResponse,
    operation_id="update_evaluation_run_evaluations__id__runs__run_id__patch",
    summary="Change a Run",
    description="Marks a Run as the control the others are compared with, or sets its status to `completed` or `cancelled`.",
    openapi_extra=_sdk("update_evaluation_run"),
)
def update_evaluation_run(
    id: Annotated[str, Path(description="ID of the Evaluation.")],
    run_id: Annotated[str, Path(description="ID of the Run.")],
    body: UpdateEvaluationRunRequest,
    ctx: ContextDep,
) -> Dict[str, Any]:
    return evaluations.update_run(ctx, id, run_id, dump(body, unset=True))


@router.post(
    "/{id}/runs/{run_id}/logs",
    response_model=EvaluationRunResponse,
    operation_id="add_logs_to_run_evaluations__id__runs__run_id__logs_post",
    summary="Add Logs to a Run",
    description="Adds existing Logs of the Run's version to a Run; a Log belongs to one Run at most.",
    openapi_extra=_sdk("add_logs_to_run"),
)
def add_logs_to_run(
    id: Annotated[str, Path(description="ID of the Evaluation.")],
    run_id: Annotated[str, Path(description="ID of the Run.")],
    body: AddLogsToRunRequest,
    ctx: ContextDep,
) -> Dict[str, Any]:
    return evaluations.add_logs_to_run(ctx, id, run_id, list(body.log_ids))
