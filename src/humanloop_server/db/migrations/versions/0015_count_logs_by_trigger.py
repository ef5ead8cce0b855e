"""version_log_counts: a new Log is counted by a trigger on ``logs`` rather than by a second
statement from the server.

Every ``prompts.log`` used to send an upsert of its version's row after the INSERT of the Log. As a
trigger it runs inside the INSERT: one statement less per Log (a round trip to PostgreSQL, a turn
of the GIL on SQLite), and a Log stored any other way (a bulk load, a script) is counted too.
Removing Logs still takes the counts down in the server (``services/log_counts.removed``): a
delete trigger would also fire for the Logs of a version being deleted, whose rows go by cascade.

- SQLite: one row per version (``shard`` 0), as before.
- PostgreSQL: a row picked at random among 32 per version, as before (concurrent writers of one
  version would otherwise queue on one row's lock until they commit).

Revision ID: 0015_count_logs_by_trigger
Revises: 0014_drop_redundant_log_indexes
"""

from typing import Sequence, Union

from alembic import op

revision: str = "0015_count_logs_by_trigger"
down_revision: Union[str, None] = "0014_drop_redundant_log_indexes"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

#: the trigger's name on both databases (and the PostgreSQL function's)
TRIGGER = "version_log_counts_on_insert"
#: rows per version on PostgreSQL (``services.log_counts.SHARDS`` names the same number)
PG_SHARDS = 32

#: the columns set when a version's row exists already (``excluded`` is the row not inserted)
_ON_CONFLICT = (
    "ON CONFLICT (version_id, shard) DO UPDATE SET "
    "logs_count = version_log_counts.logs_count + 1, "
    "last_received_at = CASE WHEN version_log_counts.last_received_at IS NULL "
    "OR excluded.last_received_at > version_log_counts.last_received_at "
    "THEN excluded.last_received_at ELSE version_log_counts.last_received_at END"
)

SQLITE_UP = (
    f"CREATE TRIGGER {TRIGGER} AFTER INSERT ON logs BEGIN "
    "INSERT INTO version_log_counts (version_id, shard, file_id, logs_count, last_received_at) "
    f"VALUES (new.version_id, 0, new.file_id, 1, new.received_at) {_ON_CONFLICT}; END"
)
PG_UP = (
    f"CREATE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "INSERT INTO version_log_counts (version_id, shard, file_id, logs_count, last_received_at) "
    f"VALUES (NEW.version_id, floor(random() * {PG_SHARDS})::int, NEW.file_id, 1, NEW.received_at) "
    f"{_ON_CONFLICT}; RETURN NULL; END $$",
    f"CREATE TRIGGER {TRIGGER} AFTER INSERT ON logs FOR EACH ROW EXECUTE FUNCTION {TRIGGER}()",
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in PG_UP:
            op.execute(statement)
    else:
        op.execute(SQLITE_UP)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON logs")
        op.execute(f"DROP FUNCTION IF EXISTS {TRIGGER}()")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")
