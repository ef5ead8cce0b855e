"""Deleting Logs with everything that hangs off them.

A Log goes with its judgments (evaluator Logs whose ``parent_id`` is it) and with its trace
descendants (Logs whose ``trace_parent_id`` chain leads to it): they are part of the same trace,
and leaving them behind would leave Logs that point at an id that no longer exists (and that the
same organisation could give to a new Log, which would then seem to have them as children).
"""

from __future__ import annotations

from typing import Any, Iterable, List, Set

from sqlalchemy import delete, select

from ..db.models import Log
from . import log_counts
from .context import Context

_BATCH = 500


def remove_logs(ctx: Context, log_ids: Iterable[str]) -> int:
    """Delete the caller's Logs ``log_ids``, their trace descendants and all their judgments (no
    commit); returns how many Logs were deleted."""
    pending: List[str] = list(dict.fromkeys(log_ids))
    seen: Set[str] = set(pending)
    removed = 0
    while pending:
        batch, pending = pending[:_BATCH], pending[_BATCH:]
        children = ctx.session.execute(
            select(Log.id).where(Log.org_id == ctx.org_id, Log.trace_parent_id.in_(batch))
        ).scalars()
        for child in children:
            if child not in seen:
                seen.add(child)
                pending.append(child)
        _delete(ctx, Log.parent_id.in_(batch))
        removed += _delete(ctx, Log.id.in_(batch))
    return removed


def _delete(ctx: Context, condition: Any) -> int:
    """Delete the caller's Logs that meet ``condition``, taking them off their versions' counts."""
    deleted = ctx.session.execute(
        delete(Log).where(Log.org_id == ctx.org_id, condition).returning(Log.version_id, Log.file_id)
    ).all()
    log_counts.removed(ctx, [(str(version_id), str(file_id)) for version_id, file_id in deleted])
    return len(deleted)


def remove_logs_of_file(ctx: Context, file_id: str) -> None:
    """Delete every Log of a File, as :func:`remove_logs` would (no commit).

    The File's own Logs go with set-based statements (there may be many); the few Logs of other
    Files inside their traces go through :func:`remove_logs`.
    """
    own = select(Log.id).where(Log.org_id == ctx.org_id, Log.file_id == file_id)
    foreign_children = list(
        ctx.session.execute(
            select(Log.id).where(
                Log.org_id == ctx.org_id, Log.file_id != file_id, Log.trace_parent_id.in_(own.scalar_subquery())
            )
        ).scalars()
    )
    remove_logs(ctx, foreign_children)
    _delete(ctx, Log.parent_id.in_(own.scalar_subquery()))
    _delete(ctx, Log.file_id == file_id)
