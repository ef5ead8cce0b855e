"""Behaviour behind the /v5/prompts routes.

Each function receives validated inputs and the request context and returns the response model.
Until implemented, each raises `NotImplementedYet` (HTTP 501).
"""

from __future__ import annotations

from typing import List, Optional, Union

from ...schemas import (
    CommitRequest,
    CreatePromptLogResponse,
    EvaluatorActivationDeactivationRequest,
    FileEnvironmentResponse,
    ListPrompts,
    LogResponse,
    PaginatedData,
    ProjectSortBy,
    PromptCallRequest,
    PromptCallResponse,
    PromptCallStreamResponse,
    PromptLogRequest,
    PromptLogUpdateRequest,
    PromptRequest,
    PromptResponse,
    SortOrder,
    UpdatePromptRequest,
    VersionStatus,
)
from ..deps import RequestContext
from ..errors import NotImplementedYet


def log(
    ctx: RequestContext,
    body: PromptLogRequest,
    *,
    version_id: Optional[str] = None,
    environment: Optional[str] = None,
) -> CreatePromptLogResponse:
    """prompts log."""
    raise NotImplementedYet()


def update_log(
    ctx: RequestContext,
    id: str,
    log_id: str,
    body: PromptLogUpdateRequest,
) -> LogResponse:
    """prompts update_log."""
    raise NotImplementedYet()


def call(
    ctx: RequestContext,
    body: PromptCallRequest,
    *,
    version_id: Optional[str] = None,
    environment: Optional[str] = None,
) -> Union[PromptCallResponse, PromptCallStreamResponse]:
    """prompts call."""
    raise NotImplementedYet()


def list_prompts(
    ctx: RequestContext,
    *,
    page: Optional[int] = None,
    size: Optional[int] = None,
    name: Optional[str] = None,
    user_filter: Optional[str] = None,
    sort_by: Optional[ProjectSortBy] = None,
    order: Optional[SortOrder] = None,
) -> PaginatedData[PromptResponse]:
    """prompts list."""
    raise NotImplementedYet()


def upsert(
    ctx: RequestContext,
    body: PromptRequest,
) -> PromptResponse:
    """prompts upsert."""
    raise NotImplementedYet()


def get(
    ctx: RequestContext,
    id: str,
    *,
    version_id: Optional[str] = None,
    environment: Optional[str] = None,
) -> PromptResponse:
    """prompts get."""
    raise NotImplementedYet()


def delete(
    ctx: RequestContext,
    id: str,
) -> None:
    """prompts delete."""
    raise NotImplementedYet()


def move(
    ctx: RequestContext,
    id: str,
    body: UpdatePromptRequest,
) -> PromptResponse:
    """prompts move."""
    raise NotImplementedYet()


def list_versions(
    ctx: RequestContext,
    id: str,
    *,
    status: Optional[VersionStatus] = None,
    evaluator_aggregates: Optional[bool] = None,
) -> ListPrompts:
    """prompts list_versions."""
    raise NotImplementedYet()


def commit(
    ctx: RequestContext,
    id: str,
    version_id: str,
    body: CommitRequest,
) -> PromptResponse:
    """prompts commit."""
    raise NotImplementedYet()


def set_deployment(
    ctx: RequestContext,
    id: str,
    environment_id: str,
    *,
    version_id: str,
) -> PromptResponse:
    """prompts set_deployment."""
    raise NotImplementedYet()


def remove_deployment(
    ctx: RequestContext,
    id: str,
    environment_id: str,
) -> None:
    """prompts remove_deployment."""
    raise NotImplementedYet()


def list_environments(
    ctx: RequestContext,
    id: str,
) -> List[FileEnvironmentResponse]:
    """prompts list_environments."""
    raise NotImplementedYet()


def update_monitoring(
    ctx: RequestContext,
    id: str,
    body: EvaluatorActivationDeactivationRequest,
) -> PromptResponse:
    """prompts update_monitoring."""
    raise NotImplementedYet()
