"""evaluations: each batch (evaluatee) is judged against the Dataset version it ran on

- ``evaluations.dataset_follows_file``: the Evaluation was set up with a Dataset (not one of its
  versions), so each new batch takes the version the Dataset resolves to when the batch begins;
- ``evaluation_evaluatees.dataset_version_id``: the Dataset version of that batch (NULL for batches
  made before this revision: they use the Evaluation's version, as before).

Revision ID: 0006_batch_dataset_versions
Revises: 0005_key_names
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0006_batch_dataset_versions"
down_revision: Union[str, None] = "0005_key_names"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("evaluations") as batch:
        batch.add_column(sa.Column("dataset_follows_file", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("evaluation_evaluatees") as batch:
        batch.add_column(sa.Column("dataset_version_id", sa.String(length=64), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_evaluation_evaluatees_dataset_version_id_versions"),
            "versions",
            ["dataset_version_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("evaluation_evaluatees") as batch:
        batch.drop_constraint(batch.f("fk_evaluation_evaluatees_dataset_version_id_versions"), type_="foreignkey")
        batch.drop_column("dataset_version_id")
    with op.batch_alter_table("evaluations") as batch:
        batch.drop_column("dataset_follows_file")
