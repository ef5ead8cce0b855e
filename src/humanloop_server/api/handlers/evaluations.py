"""Behaviour behind the /v5/evaluations routes (see `services.evaluations`)."""

from __future__ import annotations

from typing import Optional

from ...schemas import (
    CreateEvaluationRequest,
    EvaluateeRequest,
    EvaluationReportLogResponse,
    EvaluationResponse,
    EvaluationStats,
    EvaluationStatus,
    PaginatedData,
    UpdateEvaluationRequest,
)
from ...services import evaluations
from ..deps import RequestContext
from ._impl import dump, release_sessions, val


def list_evaluations(
    ctx: RequestContext,
    *,
    file_id: str,
    page: Optional[int] = None,
    size: Optional[int] = None,
) -> PaginatedData[EvaluationResponse]:
    """evaluations list."""
    return evaluations.list_evaluations(ctx, file_id, page=page, size=size)


def create(
    ctx: RequestContext,
    body: CreateEvaluationRequest,
) -> EvaluationResponse:
    """evaluations create."""
    return evaluations.create(ctx, dump(body))


def get(
    ctx: RequestContext,
    id: str,
) -> EvaluationResponse:
    """evaluations get."""
    return evaluations.get(ctx, id)


def delete(
    ctx: RequestContext,
    id: str,
) -> None:
    """evaluations delete."""
    evaluations.delete(ctx, id)


def update_setup(
    ctx: RequestContext,
    id: str,
    body: UpdateEvaluationRequest,
) -> EvaluationResponse:
    """evaluations update_setup."""
    return evaluations.update_setup(ctx, id, dump(body, unset=True))


def update_status(
    ctx: RequestContext,
    id: str,
    status: EvaluationStatus,
) -> EvaluationResponse:
    """evaluations update_status."""
    return evaluations.update_status(ctx, id, val(status))


def get_stats(
    ctx: RequestContext,
    id: str,
) -> EvaluationStats:
    """evaluations get_stats."""
    return evaluations.stats(ctx, id)


def get_logs(
    ctx: RequestContext,
    id: str,
    *,
    page: Optional[int] = None,
    size: Optional[int] = None,
) -> PaginatedData[EvaluationReportLogResponse]:
    """evaluations get_logs."""
    return evaluations.get_logs(ctx, id, page=page, size=size)


def pin_evaluatee(
    ctx: RequestContext,
    id: str,
    body: EvaluateeRequest,
) -> EvaluationResponse:
    """evaluations pin_evaluatee."""
    return evaluations.pin_evaluatee(ctx, id, dump(body))


release_sessions(globals())
