"""version_log_counts: the number of Logs of each version and when it last got one, kept as Logs
come and go, so that a File body (also the one nested in every Log of ``logs.list``) reads a few
rows instead of counting up to millions of Logs. Filled from the Logs already stored.

Revision ID: 0011_version_log_counts
Revises: 0009_evaluation_runs
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0011_version_log_counts"
down_revision: Union[str, None] = "0009_evaluation_runs"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "version_log_counts",
        sa.Column("version_id", sa.String(length=64), nullable=False),
        sa.Column("shard", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.String(length=64), nullable=False),
        sa.Column("logs_count", sa.Integer(), nullable=False),
        sa.Column("last_received_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["versions.id"],
            name=op.f("fk_version_log_counts_version_id_versions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["file_id"], ["files.id"], name=op.f("fk_version_log_counts_file_id_files"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("version_id", "shard", name=op.f("pk_version_log_counts")),
    )
    with op.batch_alter_table("version_log_counts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_version_log_counts_file_id"), ["file_id"], unique=False)
    op.execute(
        "INSERT INTO version_log_counts (version_id, shard, file_id, logs_count, last_received_at) "
        "SELECT version_id, 0, MIN(file_id), COUNT(*), MAX(received_at) FROM logs GROUP BY version_id"
    )


def downgrade() -> None:
    op.drop_table("version_log_counts")
