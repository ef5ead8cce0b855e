"""evaluations: evaluations, their evaluators and evaluatees (batches)

Revision ID: 0003_evaluations
Revises: 0002_jobs
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0003_evaluations"
down_revision: Union[str, None] = "0002_jobs"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "evaluations",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("file_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("dataset_file_id", sa.String(length=64), nullable=False),
        sa.Column("dataset_version_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"], name=op.f("fk_evaluations_org_id_organizations"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["file_id"], ["files.id"], name=op.f("fk_evaluations_file_id_files"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["dataset_file_id"], ["files.id"], name=op.f("fk_evaluations_dataset_file_id_files"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["dataset_version_id"],
            ["versions.id"],
            name=op.f("fk_evaluations_dataset_version_id_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluations")),
        sa.UniqueConstraint("file_id", "name", name="uq_evaluations_file_name"),
    )
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.create_index("ix_evaluations_file_created", ["file_id", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_evaluations_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_evaluations_dataset_file_id"), ["dataset_file_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_evaluations_dataset_version_id"), ["dataset_version_id"], unique=False)

    op.create_table(
        "evaluation_evaluators",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("evaluation_id", sa.String(length=64), nullable=False),
        sa.Column("evaluator_version_id", sa.String(length=64), nullable=False),
        sa.Column("orchestrated", sa.Boolean(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["evaluation_id"],
            ["evaluations.id"],
            name=op.f("fk_evaluation_evaluators_evaluation_id_evaluations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["evaluator_version_id"],
            ["versions.id"],
            name=op.f("fk_evaluation_evaluators_evaluator_version_id_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_evaluators")),
        sa.UniqueConstraint("evaluation_id", "evaluator_version_id", name="uq_evaluation_evaluators_version"),
    )
    with op.batch_alter_table("evaluation_evaluators", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evaluation_evaluators_evaluation_id"), ["evaluation_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_evaluation_evaluators_evaluator_version_id"), ["evaluator_version_id"], unique=False
        )

    op.create_table(
        "evaluation_evaluatees",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("evaluation_id", sa.String(length=64), nullable=False),
        sa.Column("version_id", sa.String(length=64), nullable=False),
        sa.Column("batch_id", sa.String(length=128), nullable=True),
        sa.Column("orchestrated", sa.Boolean(), nullable=False),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["evaluation_id"],
            ["evaluations.id"],
            name=op.f("fk_evaluation_evaluatees_evaluation_id_evaluations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["versions.id"],
            name=op.f("fk_evaluation_evaluatees_version_id_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_evaluatees")),
        sa.UniqueConstraint("evaluation_id", "version_id", "batch_id", name="uq_evaluation_evaluatees_version_batch"),
    )
    with op.batch_alter_table("evaluation_evaluatees", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evaluation_evaluatees_evaluation_id"), ["evaluation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_evaluation_evaluatees_version_id"), ["version_id"], unique=False)


def downgrade() -> None:
    op.drop_table("evaluation_evaluatees")
    op.drop_table("evaluation_evaluators")
    op.drop_table("evaluations")
