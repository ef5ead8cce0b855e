"""The active monitors of a File, read with the File itself when a Log comes in.

``monitoring.on_log_created`` needs, for every new Log, the Evaluators watching its File (with the
version each follows). A ``prompts.log`` with Prompt details already runs one query to find its
File and version (``files.file_and_version_at``); that query joins these rows too, and keeps them
in the session (:func:`keep`) for the hook to take (:func:`take`) in the same transaction, rather
than sending a second query: one statement, and on PostgreSQL one round trip, less per Log.
"""

from __future__ import annotations

from typing import Any, List, Optional, Tuple

from sqlalchemy import ColumnElement, FromClause, bindparam, select
from sqlalchemy.orm import Session

from ..db.models import Deployment, MonitoringActivation, table_of

#: (activation id, pinned Evaluator version, followed environment, version deployed there)
Monitor = Tuple[int, Optional[str], Optional[str], Optional[str]]

ACTIVATIONS = table_of(MonitoringActivation)
DEPLOYMENTS = table_of(Deployment)
#: the columns of a :data:`Monitor`
COLUMNS: List[ColumnElement[Any]] = [
    ACTIVATIONS.c.id,
    ACTIVATIONS.c.evaluator_version_id,
    ACTIVATIONS.c.environment_id,
    DEPLOYMENTS.c.version_id,
]


def _with_deployments(left: FromClause) -> FromClause:
    return left.outerjoin(
        DEPLOYMENTS,
        (DEPLOYMENTS.c.file_id == ACTIVATIONS.c.evaluator_id)
        & (DEPLOYMENTS.c.environment_id == ACTIVATIONS.c.environment_id),
    )


def joined_to(left: FromClause, files_id: ColumnElement[Any]) -> FromClause:
    """``left`` outer-joined to the active monitors of the File whose id is ``files_id``: one row
    per monitor, or one with NULL monitor columns when there is none."""
    active = (ACTIVATIONS.c.file_id == files_id) & (ACTIVATIONS.c.state == "active")
    return _with_deployments(left.outerjoin(ACTIVATIONS, active))


#: the active monitors of the File ``:file_id``, on their own
OF_FILE = (
    select(*COLUMNS)
    .select_from(_with_deployments(ACTIVATIONS))
    .where(ACTIVATIONS.c.file_id == bindparam("file_id"), ACTIVATIONS.c.state == "active")
)

_KEPT = "humanloop_active_monitors"


def keep(session: Session, file_id: str, monitors: List[Monitor]) -> None:
    """Remember the active monitors of ``file_id`` as read in the session's current transaction."""
    session.info[_KEPT] = (session.get_transaction(), file_id, monitors)


def take(session: Session, file_id: str) -> Optional[List[Monitor]]:
    """The monitors kept for ``file_id`` in this same transaction (then forgotten), else None."""
    kept = session.info.pop(_KEPT, None)
    if kept is None:
        return None
    transaction, kept_file = kept[0], kept[1]
    monitors: List[Monitor] = kept[2]
    if kept_file != file_id or transaction is not session.get_transaction():
        return None
    return monitors
