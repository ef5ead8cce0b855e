"""Read a version's Logs newest first from an index: ``ix_logs_org_version`` (``org_id``,
``version_id``) becomes ``ix_logs_org_version_created`` (``org_id``, ``version_id``, ``created_at``,
``id``).

``logs.list`` with ``version_id`` orders by (``created_at``, ``id``). With the old index the planner
walked the File's Logs newest first and skipped those of other versions, which is quick for a
version with most of the File's Logs and slow for a small or old one: 60 ms for a page of a version
holding the oldest 1,000 of a File's 200,000 Logs on SQLite (0.01 ms with this index). The new
index serves every query the old one did (its first two columns are the same), so each Log still
updates as many indexes as before.

Revision ID: 0016_version_logs_newest_first
Revises: 0015_count_logs_by_trigger
"""

from typing import Sequence, Union

from alembic import op

revision: str = "0016_version_logs_newest_first"
down_revision: Union[str, None] = "0015_count_logs_by_trigger"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

OLD = ("ix_logs_org_version", ["org_id", "version_id"])
NEW = ("ix_logs_org_version_created", ["org_id", "version_id", "created_at", "id"])


def upgrade() -> None:
    op.create_index(NEW[0], "logs", NEW[1], unique=False)  # before the drop: never without either
    op.drop_index(OLD[0], table_name="logs")


def downgrade() -> None:
    op.create_index(OLD[0], "logs", OLD[1], unique=False)
    op.drop_index(NEW[0], table_name="logs")
