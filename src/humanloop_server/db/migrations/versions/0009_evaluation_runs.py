"""evaluations: Runs (the runs era) on the same rows as 0.8.6 batches

- ``evaluations.dataset_file_id`` / ``dataset_version_id`` become nullable: an Evaluation made with
  the runs-era body has no Dataset of its own, each Run names one;
- ``evaluation_evaluatees`` (one row per batch, i.e. per Run) gains ``run_id`` (backfilled with a
  fresh id for every existing batch), ``run_status`` (a status a client set on the Run),
  ``logs_evaluation_id`` (a Run added from another Evaluation reads its Logs there) and
  ``created_at``; its ``version_id`` becomes nullable (a Run created without a version takes the
  version of its first Log).

Revision ID: 0009_evaluation_runs
Revises: 0008_version_names
"""

import secrets
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0009_evaluation_runs"
down_revision: Union[str, None] = "0008_version_names"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _run_id() -> str:
    return "run_" + "".join(secrets.choice(_ALPHABET) for _ in range(21))


def upgrade() -> None:
    with op.batch_alter_table("evaluations") as batch:
        batch.alter_column("dataset_file_id", existing_type=sa.String(length=64), nullable=True)
        batch.alter_column("dataset_version_id", existing_type=sa.String(length=64), nullable=True)
    with op.batch_alter_table("evaluation_evaluatees") as batch:
        batch.alter_column("version_id", existing_type=sa.String(length=64), nullable=True)
        batch.add_column(sa.Column("run_id", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("run_status", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("logs_evaluation_id", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("created_at", sa.DateTime(), nullable=True))
        batch.create_index(batch.f("ix_evaluation_evaluatees_run_id"), ["run_id"], unique=False)
    conn = op.get_bind()
    table = sa.table("evaluation_evaluatees", sa.column("id", sa.Integer), sa.column("run_id", sa.String))
    for (row_id,) in conn.execute(sa.select(table.c.id)).fetchall():
        conn.execute(table.update().where(table.c.id == row_id).values(run_id=_run_id()))


def downgrade() -> None:
    op.execute("DELETE FROM evaluation_evaluatees WHERE version_id IS NULL")
    with op.batch_alter_table("evaluation_evaluatees") as batch:
        batch.drop_index(batch.f("ix_evaluation_evaluatees_run_id"))
        batch.drop_column("created_at")
        batch.drop_column("logs_evaluation_id")
        batch.drop_column("run_status")
        batch.drop_column("run_id")
        batch.alter_column("version_id", existing_type=sa.String(length=64), nullable=False)
    with op.batch_alter_table("evaluations") as batch:
        batch.alter_column("dataset_version_id", existing_type=sa.String(length=64), nullable=False)
        batch.alter_column("dataset_file_id", existing_type=sa.String(length=64), nullable=False)
