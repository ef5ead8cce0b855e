"""Drop three one-column indexes of ``logs`` that migration 0007's per-organisation indexes made
redundant: ``evaluation_id``, ``parent_id`` and ``trace_id``. Every query of Logs names the
organisation, so ``ix_logs_org_evaluation``, ``ix_logs_org_parent`` and ``ix_logs_org_trace`` serve
it; the one-column indexes were only kept up to date, on every Log written.

Kept: ``ix_logs_version_id`` and ``ix_logs_file_created`` (the foreign keys' cascades look Logs up
by version or File alone), and ``ix_logs_trace_parent_id``, which PostgreSQL reads for the
``in_trace_filter`` of ``logs.list`` (Logs with a trace parent) rather than every Log of the
organisation that has one (``tests/bench/test_query_plans.py``).

Revision ID: 0014_drop_redundant_log_indexes
Revises: 0013_log_search_index
"""

from typing import Sequence, Union

from alembic import op

revision: str = "0014_drop_redundant_log_indexes"
down_revision: Union[str, None] = "0013_log_search_index"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

#: (index, column) dropped by the upgrade, created again by the downgrade
DROPPED = (
    ("ix_logs_evaluation_id", "evaluation_id"),
    ("ix_logs_parent_id", "parent_id"),
    ("ix_logs_trace_id", "trace_id"),
)


def upgrade() -> None:
    for name, _column in DROPPED:
        op.drop_index(name, table_name="logs")


def downgrade() -> None:
    for name, column in DROPPED:
        op.create_index(name, "logs", [column], unique=False)
