"""logs: ids are unique per organisation (primary key (org_id, id))

A client may choose the id of a Log (``flows.log(log_id=...)``). With ids unique across the whole
server, creating a Log with an id that another organisation uses answered 409, which told the
caller that the id exists elsewhere. Each organisation now has its own id space, and every query of
Logs names the organisation.

Revision ID: 0004_log_ids_per_org
Revises: 0003_evaluations
"""

from typing import Sequence, Union

from alembic import op

revision: str = "0004_log_ids_per_org"
down_revision: Union[str, None] = "0003_evaluations"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("logs", recreate="always") as batch:
        batch.drop_constraint("pk_logs", type_="primary")
        batch.create_primary_key("pk_logs", ["org_id", "id"])


def downgrade() -> None:
    with op.batch_alter_table("logs", recreate="always") as batch:
        batch.drop_constraint("pk_logs", type_="primary")
        batch.create_primary_key("pk_logs", ["id"])
