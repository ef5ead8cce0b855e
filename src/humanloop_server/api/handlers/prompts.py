"""Behaviour behind the /v5/prompts routes.

Each function receives validated inputs and the request context and returns the response model.
`call` lives in `services.prompt_calls` (provider calls, streaming).
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
from ...services import datasets, directories, files, logs, prompt_calls  # noqa: F401
from ..deps import RequestContext
from ._impl import dump, release_sessions, val, vals  # noqa: F401


def log(
    ctx: RequestContext,
    body: PromptLogRequest,
    *,
    version_id: Optional[str] = None,
    environment: Optional[str] = None,
) -> CreatePromptLogResponse:
    """prompts log."""
    return logs.create_log(ctx, "prompt", dump(body, unset=True), version_id=version_id, environment=environment)


def update_log(
    ctx: RequestContext,
    id: str,
    log_id: str,
    body: PromptLogUpdateRequest,
) -> LogResponse:
    """prompts update_log."""
    return logs.update_log(ctx, "prompt", id, log_id, dump(body, unset=True))


def call(
    ctx: RequestContext,
    body: PromptCallRequest,
    *,
    version_id: Optional[str] = None,
    environment: Optional[str] = None,
) -> Union[PromptCallResponse, PromptCallStreamResponse]:
    """prompts call (a StreamingResponse of server-sent events when ``stream`` is set)."""
    return prompt_calls.call_prompt(ctx, dump(body), version_id=version_id, environment=environment)


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
    return files.list_files(
        ctx,
        ["prompt"],
        page=page,
        size=size,
        name=name,
        user_filter=user_filter,
        sort_by=val(sort_by),
        order=val(order),
    )


def upsert(
    ctx: RequestContext,
    body: PromptRequest,
) -> PromptResponse:
    """prompts upsert."""
    return files.upsert(ctx, "prompt", dump(body))


def get(
    ctx: RequestContext,
    id: str,
    *,
    version_id: Optional[str] = None,
    environment: Optional[str] = None,
) -> PromptResponse:
    """prompts get."""
    return files.get(ctx, "prompt", id, version_id=version_id, environment=environment)


def delete(
    ctx: RequestContext,
    id: str,
) -> None:
    """prompts delete."""
    files.delete(ctx, "prompt", id)


def move(
    ctx: RequestContext,
    id: str,
    body: UpdatePromptRequest,
) -> PromptResponse:
    """prompts move."""
    data = dump(body, unset=True)
    return files.move(ctx, "prompt", id, path=data.get("path"), name=data.get("name"))


def list_versions(
    ctx: RequestContext,
    id: str,
    *,
    status: Optional[VersionStatus] = None,
    evaluator_aggregates: Optional[bool] = None,
) -> ListPrompts:
    """prompts list_versions."""
    return files.list_versions(ctx, "prompt", id, status=val(status))


def commit(
    ctx: RequestContext,
    id: str,
    version_id: str,
    body: CommitRequest,
) -> PromptResponse:
    """prompts commit."""
    return files.commit(ctx, "prompt", id, version_id, body.commit_message)


def set_deployment(
    ctx: RequestContext,
    id: str,
    environment_id: str,
    *,
    version_id: str,
) -> PromptResponse:
    """prompts set_deployment."""
    return files.set_deployment(ctx, "prompt", id, environment_id, version_id)


def remove_deployment(
    ctx: RequestContext,
    id: str,
    environment_id: str,
) -> None:
    """prompts remove_deployment."""
    files.remove_deployment(ctx, "prompt", id, environment_id)


def list_environments(
    ctx: RequestContext,
    id: str,
) -> List[FileEnvironmentResponse]:
    """prompts list_environments."""
    return files.list_environments(ctx, "prompt", id)


def update_monitoring(
    ctx: RequestContext,
    id: str,
    body: EvaluatorActivationDeactivationRequest,
) -> PromptResponse:
    """prompts update_monitoring."""
    data = dump(body, unset=True)
    return files.update_monitoring(ctx, "prompt", id, data.get("activate"), data.get("deactivate"))


release_sessions(globals())
