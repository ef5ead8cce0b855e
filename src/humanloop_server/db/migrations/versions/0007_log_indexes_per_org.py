"""logs: indexes that lead with the organisation, for the web app's pages

Every query of Logs names the organisation (their primary key is (org_id, id)), so an index on
``(org_id, <column>)`` serves what the single-column ones did and lets the planner pick it over
``ix_logs_org_created`` without statistics: the Logs of a File newest first with keyset paging
(``org_id, file_id, created_at, id``, which also counts them per File), counts per version, the Logs
of an Evaluation, the judgments of a Log, and the members of a trace.

Revision ID: 0007_log_indexes_per_org
Revises: 0006_batch_dataset_versions
"""

from typing import Sequence, Union

from alembic import op

revision: str = "0007_log_indexes_per_org"
down_revision: Union[str, None] = "0006_batch_dataset_versions"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

INDEXES = {
    "ix_logs_org_file_created_id": ["org_id", "file_id", "created_at", "id"],
    "ix_logs_org_version": ["org_id", "version_id"],
    "ix_logs_org_evaluation": ["org_id", "evaluation_id"],
    "ix_logs_org_parent": ["org_id", "parent_id"],
    "ix_logs_org_trace": ["org_id", "trace_id"],
    "ix_logs_org_trace_parent": ["org_id", "trace_parent_id"],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, "logs", columns)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="logs")
