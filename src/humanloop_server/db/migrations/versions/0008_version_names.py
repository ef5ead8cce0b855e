"""version names, file descriptions, log fields of the 0.8.38 API, tool environment variables

- ``versions.version_name``: the name a client gives a version (unique within its File, so a
  unique index on ``(file_id, version_name)``; several unnamed versions are fine as NULLs differ).
  The version's description is the existing ``commit_message`` column.
- ``files`` and ``directories``: ``description``, ``readme``, ``tags``.
- ``logs``: ``reasoning_tokens``, and ``marked_completed`` for judgments. A Log's ``log_status``
  is the existing ``trace_status`` column.
- ``tool_environment_variables``: named values kept per Tool.

Revision ID: 0008_version_names
Revises: 0007_log_indexes_per_org
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0008_version_names"
down_revision: Union[str, None] = "0007_log_indexes_per_org"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column("versions", sa.Column("version_name", sa.String(255), nullable=True))
    op.create_index("uq_versions_file_version_name", "versions", ["file_id", "version_name"], unique=True)
    for table in ("files", "directories"):
        op.add_column(table, sa.Column("description", sa.Text(), nullable=True))
        op.add_column(table, sa.Column("readme", sa.Text(), nullable=True))
        op.add_column(table, sa.Column("tags", sa.JSON(), nullable=True))
    op.add_column("logs", sa.Column("reasoning_tokens", sa.Integer(), nullable=True))
    op.add_column("logs", sa.Column("marked_completed", sa.Boolean(), nullable=True))
    op.create_table(
        "tool_environment_variables",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("file_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["files.id"],
            name="fk_tool_environment_variables_file_id_files",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_tool_environment_variables"),
        sa.UniqueConstraint("file_id", "name", name="uq_tool_environment_variables_file_name"),
    )


def downgrade() -> None:
    op.drop_table("tool_environment_variables")
    with op.batch_alter_table("logs") as batch:
        batch.drop_column("marked_completed")
        batch.drop_column("reasoning_tokens")
    for table in ("directories", "files"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("tags")
            batch.drop_column("readme")
            batch.drop_column("description")
    op.drop_index("uq_versions_file_version_name", table_name="versions")
    with op.batch_alter_table("versions") as batch:
        batch.drop_column("version_name")
