"""The Log counts of versions and Files (``version_log_counts``), kept as Logs come and go.

A File body carries ``version_logs_count``, ``total_logs_count`` and ``last_used_at``; counting the
Logs for them cost two COUNTs per body, and ``logs.list`` nests a File body in every Log it returns,
so a page of a File with a million Logs took seconds. Instead every Log stored adds one to its
version's row, and every Log removed takes one off (:func:`removed`), so reading is a sum over a
few rows (:func:`stats`).

The adding is done by the database: a trigger on ``logs`` (migration 0015) upserts the row in the
INSERT of the Log, however the Log is stored. Only ``services.log_removal`` deletes Logs (a version
or File deleted takes its rows along, by foreign key), and it calls :func:`removed`. Whoever
changes Logs some other way calls :func:`rebuild` afterwards.

On PostgreSQL a version has up to :data:`SHARDS` rows, one picked at random per Log: the row stays
locked until the Log's transaction commits, and concurrent writers of one version would otherwise
queue on it. SQLite lets one writer in at a time anyway, so it keeps one row per version.
``last_used_at`` is the time the version last received a Log (removing Logs does not move it back).
"""

from __future__ import annotations

import collections
import datetime as dt
from typing import Iterable, Optional, Tuple

from sqlalchemy import Integer, bindparam, delete, func, insert, literal, select, text
from sqlalchemy.orm import Session

from ..db.models import Log, UTCDateTime, VersionLogCount, table_of
from .context import Context

#: rows per version on PostgreSQL (see the module docstring; the trigger of migration 0015 picks
#: one of this many)
SHARDS = 32

#: the trigger on ``logs`` that counts each new Log (migration 0015)
TRIGGER = "version_log_counts_on_insert"

_T = table_of(VersionLogCount)


#: add ``:n`` Logs received at ``:at`` (or NULL) to a row; the same SQL on SQLite and PostgreSQL
_ADD = text(
    "INSERT INTO version_log_counts (version_id, shard, file_id, logs_count, last_received_at) "
    "VALUES (:version_id, :shard, :file_id, :n, :at) "
    "ON CONFLICT (version_id, shard) DO UPDATE SET "
    "logs_count = version_log_counts.logs_count + excluded.logs_count, "
    "last_received_at = CASE WHEN version_log_counts.last_received_at IS NULL "
    "OR excluded.last_received_at > version_log_counts.last_received_at "
    "THEN excluded.last_received_at ELSE version_log_counts.last_received_at END"
).bindparams(bindparam("at", type_=UTCDateTime))


def removed(ctx: Context, logs: Iterable[Tuple[str, str]]) -> None:
    """Count the Logs removed: ``logs`` gives (version id, File id) once per Log."""
    per_version = collections.Counter(logs)
    for (version_id, file_id), n in sorted(per_version.items()):  # one order for all: no deadlock
        ctx.session.execute(_ADD, {"version_id": version_id, "shard": 0, "file_id": file_id, "n": -n, "at": None})


def stats(session: Session, file_id: str, version_id: str) -> Tuple[int, int, Optional[dt.datetime]]:
    """(Logs of the version, Logs of the File, when the version last received a Log or None)."""
    version_count, last = session.execute(
        select(
            func.coalesce(func.sum(VersionLogCount.logs_count), 0), func.max(VersionLogCount.last_received_at)
        ).where(VersionLogCount.version_id == version_id)
    ).one()
    total = session.execute(
        select(func.coalesce(func.sum(VersionLogCount.logs_count), 0)).where(VersionLogCount.file_id == file_id)
    ).scalar_one()
    return int(version_count or 0), int(total or 0), last


def of_file(session: Session, file_id: str) -> int:
    """How many Logs File ``file_id`` has."""
    return int(
        session.execute(
            select(func.coalesce(func.sum(VersionLogCount.logs_count), 0)).where(VersionLogCount.file_id == file_id)
        ).scalar_one()
        or 0
    )


def of_version(session: Session, file_id: str, version_id: str) -> int:
    """How many Logs version ``version_id`` of File ``file_id`` has (0 when it is another File's)."""
    return int(
        session.execute(
            select(func.coalesce(func.sum(VersionLogCount.logs_count), 0)).where(
                VersionLogCount.version_id == version_id, VersionLogCount.file_id == file_id
            )
        ).scalar_one()
        or 0
    )


def rebuild(session: Session) -> None:
    """Count every version's Logs anew (after Logs were stored without :func:`added`); no commit."""
    session.execute(delete(_T))
    session.execute(
        insert(_T).from_select(
            ["version_id", "shard", "file_id", "logs_count", "last_received_at"],
            select(
                Log.version_id, literal(0, Integer), func.min(Log.file_id), func.count(), func.max(Log.received_at)
            ).group_by(Log.version_id),
        )
    )


__all__ = ["SHARDS", "TRIGGER", "removed", "stats", "of_file", "of_version", "rebuild"]
