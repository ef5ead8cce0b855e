"""api_keys: a name and the time of last use (for `humanloop-server keys list`)

Revision ID: 0005_key_names
Revises: 0004_log_ids_per_org
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0005_key_names"
down_revision: Union[str, None] = "0004_log_ids_per_org"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("name", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("last_used_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_column("last_used_at")
        batch.drop_column("name")
