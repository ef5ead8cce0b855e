"""Agent versions keep their names and descriptions in the columns every other kind uses.

Until now an Agent version kept ``version_name``, ``version_description`` and the Agent's
``description``, ``tags`` and ``readme`` as a JSON object in ``versions.commit_message``. This
moves them where Prompts keep theirs (no schema change):

- ``version_name`` -> ``versions.version_name``; should two versions of one Agent carry the same
  name (the old check ran in the application only), the oldest keeps it and the others stay unnamed;
- ``version_description`` -> ``versions.commit_message`` (a version's description and commit
  message are one text), NULL when there is none;
- a version with a name or a description becomes ``committed`` (as an upsert of any kind makes it),
  committed when it was created unless it has a commit time already;
- ``description``, ``tags``, ``readme`` -> the ``files`` columns: from the newest version that had
  each, as a later upsert of a Prompt keeps what earlier ones sent.

A ``commit_message`` of an Agent version that is not such a JSON object is left as it is (it
becomes that version's description). The downgrade writes the JSON objects back (the Agent's
description, tags and readme onto each of its versions) and empties those columns of Agents.

Revision ID: 0012_agent_version_columns
Revises: 0011_version_log_counts
"""

import json
from typing import Any, Dict, Optional, Sequence, Set, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0012_agent_version_columns"
down_revision: Union[str, None] = "0011_version_log_counts"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

#: the keys of the JSON object an Agent version kept in ``commit_message``
NOTE_KEYS = ("version_name", "version_description", "description", "tags", "readme")
FILE_KEYS = ("description", "tags", "readme")

files = sa.table(
    "files",
    sa.column("id", sa.String),
    sa.column("type", sa.String),
    sa.column("description", sa.Text),
    sa.column("readme", sa.Text),
    sa.column("tags", sa.JSON),
)
versions = sa.table(
    "versions",
    sa.column("id", sa.String),
    sa.column("file_id", sa.String),
    sa.column("status", sa.String),
    sa.column("commit_message", sa.Text),
    sa.column("version_name", sa.String),
    sa.column("created_at", sa.DateTime),
    sa.column("committed_at", sa.DateTime),
)


def _notes(text: Optional[str]) -> Optional[Dict[str, Any]]:
    """The JSON object an Agent version kept, or None when ``text`` is not one."""
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if not isinstance(value, dict) or not set(value) <= set(NOTE_KEYS):
        return None
    return value


def _agent_versions(conn: sa.engine.Connection) -> Any:
    """The versions of every Agent, each Agent's oldest first."""
    return conn.execute(
        sa.select(versions.c.id, versions.c.file_id, versions.c.commit_message, versions.c.version_name)
        .select_from(versions.join(files, files.c.id == versions.c.file_id))
        .where(files.c.type == "agent")
        .order_by(versions.c.file_id, versions.c.created_at, versions.c.id)
    ).all()


def upgrade() -> None:
    conn = op.get_bind()
    rows = _agent_versions(conn)
    taken: Dict[str, Set[str]] = {}
    for row in rows:
        if row.version_name is not None:
            taken.setdefault(row.file_id, set()).add(row.version_name)
    file_notes: Dict[str, Dict[str, Any]] = {}
    for row in rows:
        notes = _notes(row.commit_message)
        if notes is None:
            continue
        names = taken.setdefault(row.file_id, set())
        name = notes.get("version_name") or None
        if row.version_name is not None or name in names:
            name = None
        description = notes.get("version_description")
        values: Dict[str, Any] = {"commit_message": description}
        if name is not None:
            values["version_name"] = name
            names.add(name)
        conn.execute(sa.update(versions).where(versions.c.id == row.id).values(**values))
        if name is not None or description is not None:
            conn.execute(
                sa.update(versions)
                .where(versions.c.id == row.id, versions.c.status == "uncommitted")
                .values(status="committed")
            )
            conn.execute(
                sa.update(versions)
                .where(versions.c.id == row.id, versions.c.committed_at.is_(None))
                .values(committed_at=versions.c.created_at)
            )
        kept = file_notes.setdefault(row.file_id, {})
        for key in FILE_KEYS:  # oldest first: the newest version that has a value wins
            if notes.get(key) is not None:
                kept[key] = notes[key]
    for file_id, kept in file_notes.items():
        if kept:
            conn.execute(sa.update(files).where(files.c.id == file_id).values(**kept))


def downgrade() -> None:
    conn = op.get_bind()
    agents = {
        row.id: row
        for row in conn.execute(
            sa.select(files.c.id, files.c.description, files.c.tags, files.c.readme).where(files.c.type == "agent")
        )
    }
    for row in _agent_versions(conn):
        f = agents[row.file_id]
        notes = {
            "version_name": row.version_name,
            "version_description": row.commit_message,
            "description": f.description,
            "tags": f.tags,
            "readme": f.readme,
        }
        kept = {key: value for key, value in notes.items() if value is not None}
        conn.execute(
            sa.update(versions)
            .where(versions.c.id == row.id)
            .values(commit_message=json.dumps(kept, sort_keys=True) if kept else None, version_name=None)
        )
    conn.execute(sa.update(files).where(files.c.type == "agent").values(description=None, tags=None, readme=None))
