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
from ...services import datasets, directories, files, logs  # noqa: F401
from ..deps import RequestContext
from ._impl import dump, release_sessions, val, vals  # noqa: F401


def log(
    ctx: RequestContext,
    body: CreateEvaluatorLogRequest,
    *,
    version_id: Optional[str] = None,
    environment: Optional[str] = None,
) -> CreateEvaluatorLogResponse:
    """evaluators log."""
    return logs.create_log(ctx, "evaluator", dump(body, unset=True), version_id=version_id, environment=environment)


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
    return files.list_files(
        ctx,
        ["evaluator"],
        page=page,
        size=size,
        name=name,
        user_filter=user_filter,
        sort_by=val(sort_by),
        order=val(order),
    )


def upsert(
    ctx: RequestContext,
    body: EvaluatorRequest,
) -> EvaluatorResponse:
    """evaluators upsert."""
    return files.upsert(ctx, "evaluator", dump(body))


def get(
    ctx: RequestContext,
    id: str,
    *,
    version_id: Optional[str] = None,
    environment: Optional[str] = None,
) -> EvaluatorResponse:
    """evaluators get."""
    return files.get(ctx, "evaluator", id, version_id=version_id, environment=environment)


def delete(
    ctx: RequestContext,
    id: str,
) -> None:
    """evaluators delete."""
    files.delete(ctx, "evaluator", id)


def move(
    ctx: RequestContext,
    id: str,
    body: UpdateEvaluatorRequest,
) -> EvaluatorResponse:
    """evaluators move."""
    data = dump(body, unset=True)
    return files.move(ctx, "evaluator", id, path=data.get("path"), name=data.get("name"))


def list_versions(
    ctx: RequestContext,
    id: str,
    *,
    status: Optional[VersionStatus] = None,
    evaluator_aggregates: Optional[bool] = None,
) -> ListEvaluators:
    """evaluators list_versions."""
    return files.list_versions(ctx, "evaluator", id, status=val(status))


def commit(
    ctx: RequestContext,
    id: str,
    version_id: str,
    body: CommitRequest,
) -> EvaluatorResponse:
    """evaluators commit."""
    return files.commit(ctx, "evaluator", id, version_id, body.commit_message)


def set_deployment(
    ctx: RequestContext,
    id: str,
    environment_id: str,
    *,
    version_id: str,
) -> EvaluatorResponse:
    """evaluators set_deployment."""
    return files.set_deployment(ctx, "evaluator", id, environment_id, version_id)


def remove_deployment(
    ctx: RequestContext,
    id: str,
    environment_id: str,
) -> None:
    """evaluators remove_deployment."""
    files.remove_deployment(ctx, "evaluator", id, environment_id)


def list_environments(
    ctx: RequestContext,
    id: str,
) -> List[FileEnvironmentResponse]:
    """evaluators list_environments."""
    return files.list_environments(ctx, "evaluator", id)


def update_monitoring(
    ctx: RequestContext,
    id: str,
    body: EvaluatorActivationDeactivationRequest,
) -> EvaluatorResponse:
    """evaluators update_monitoring."""
    data = dump(body, unset=True)
    return files.update_monitoring(ctx, "evaluator", id, data.get("activate"), data.get("deactivate"))


release_sessions(globals())
