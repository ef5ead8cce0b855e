"""Behaviour behind the /v5/evaluators routes.

Each function receives validated inputs and the request context and returns the response model.
Until implemented, each raises `NotImplementedYet` (HTTP 501).
"""

from __future__ import annotations

from typing import List, Optional

from ...schemas import (
    CommitRequest,
    CreateEvaluatorLogRequest,
    CreateEvaluatorLogResponse,
    EvaluatorActivationDeactivationRequest,
    EvaluatorResponse,
    FileEnvironmentResponse,
    ListEvaluators,
    PaginatedData,
    ProjectSortBy,
    SortOrder,
    UpdateEvaluatorRequest,
    VersionStatus,
)
from ...schemas.evaluators import EvaluatorRequest
from ..deps import RequestContext
from ..errors import NotImplementedYet


def log(
    ctx: RequestContext,
    body: CreateEvaluatorLogRequest,
    *,
    version_id: Optional[str] = None,
    environment: Optional[str] = None,
) -> CreateEvaluatorLogResponse:
    """evaluators log."""
    raise NotImplementedYet()


def list_evaluators(
    ctx: RequestContext,
    *,
    page: Optional[int] = None,
    size: Optional[int] = None,
    name: Optional[str] = None,
    user_filter: Optional[str] = None,
    sort_by: Optional[ProjectSortBy] = None,
    order: Optional[SortOrder] = None,
) -> PaginatedData[EvaluatorResponse]:
    """evaluators list."""
    raise NotImplementedYet()


def upsert(
    ctx: RequestContext,
    body: EvaluatorRequest,
) -> EvaluatorResponse:
    """evaluators upsert."""
    raise NotImplementedYet()


def get(
    ctx: RequestContext,
    id: str,
    *,
    version_id: Optional[str] = None,
    environment: Optional[str] = None,
) -> EvaluatorResponse:
    """evaluators get."""
    raise NotImplementedYet()


def delete(
    ctx: RequestContext,
    id: str,
) -> None:
    """evaluators delete."""
    raise NotImplementedYet()


def move(
    ctx: RequestContext,
    id: str,
    body: UpdateEvaluatorRequest,
) -> EvaluatorResponse:
    """evaluators move."""
    raise NotImplementedYet()


def list_versions(
    ctx: RequestContext,
    id: str,
    *,
    status: Optional[VersionStatus] = None,
    evaluator_aggregates: Optional[bool] = None,
) -> ListEvaluators:
    """evaluators list_versions."""
    raise NotImplementedYet()


def commit(
    ctx: RequestContext,
    id: str,
    version_id: str,
    body: CommitRequest,
) -> EvaluatorResponse:
    """evaluators commit."""
    raise NotImplementedYet()


def set_deployment(
    ctx: RequestContext,
    id: str,
    environment_id: str,
    *,
    version_id: str,
) -> EvaluatorResponse:
    """evaluators set_deployment."""
    raise NotImplementedYet()


def remove_deployment(
    ctx: RequestContext,
    id: str,
    environment_id: str,
) -> None:
    """evaluators remove_deployment."""
    raise NotImplementedYet()


def list_environments(
    ctx: RequestContext,
    id: str,
) -> List[FileEnvironmentResponse]:
    """evaluators list_environments."""
    raise NotImplementedYet()


def update_monitoring(
    ctx: RequestContext,
    id: str,
    body: EvaluatorActivationDeactivationRequest,
) -> EvaluatorResponse:
    """evaluators update_monitoring."""
    raise NotImplementedYet()
