"""Behaviour behind the /v5/evaluations routes.

Each function receives validated inputs and the request context and returns the response model.
Until implemented, each raises `NotImplementedYet` (HTTP 501).
"""

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
from ..deps import RequestContext
from ..errors import NotImplementedYet


def list_evaluations(
    ctx: RequestContext,
    *,
    file_id: str,
    page: Optional[int] = None,
    size: Optional[int] = None,
) -> PaginatedData[EvaluationResponse]:
    """evaluations list."""
    raise NotImplementedYet()


def create(
    ctx: RequestContext,
    body: CreateEvaluationRequest,
) -> EvaluationResponse:
    """evaluations create."""
    raise NotImplementedYet()


def get(
    ctx: RequestContext,
    id: str,
) -> EvaluationResponse:
    """evaluations get."""
    raise NotImplementedYet()


def delete(
    ctx: RequestContext,
    id: str,
) -> None:
    """evaluations delete."""
    raise NotImplementedYet()


def update_setup(
    ctx: RequestContext,
    id: str,
    body: UpdateEvaluationRequest,
) -> EvaluationResponse:
    """evaluations update_setup."""
    raise NotImplementedYet()


def update_status(
    ctx: RequestContext,
    id: str,
    status: EvaluationStatus,
) -> EvaluationResponse:
    """evaluations update_status."""
    raise NotImplementedYet()


def get_stats(
    ctx: RequestContext,
    id: str,
) -> EvaluationStats:
    """evaluations get_stats."""
    raise NotImplementedYet()


def get_logs(
    ctx: RequestContext,
    id: str,
    *,
    page: Optional[int] = None,
    size: Optional[int] = None,
) -> PaginatedData[EvaluationReportLogResponse]:
    """evaluations get_logs."""
    raise NotImplementedYet()


def pin_evaluatee(
    ctx: RequestContext,
    id: str,
    body: EvaluateeRequest,
) -> EvaluationResponse:
    """evaluations pin_evaluatee."""
    raise NotImplementedYet()
