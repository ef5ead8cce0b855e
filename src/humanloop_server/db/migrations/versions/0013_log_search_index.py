"""logs: an index for the ``search`` filter of ``logs.list``, which otherwise reads every Log of
the File (a case-insensitive substring of a Log's output or of its inputs as JSON text).

- SQLite: ``log_search``, an FTS5 table with the ``trigram`` tokenizer over ``logs.output`` and
  ``logs.inputs``. It is an external-content table: it keeps only the index, keyed by the rowid
  of the Log, and triggers on ``logs`` keep it in step. A SQLite without FTS5 or without the
  trigram tokenizer (before 3.34) gets neither; the filter then reads the File's Logs as before.
- PostgreSQL: GIN indexes of ``pg_trgm`` on ``lower(output)`` and ``lower(inputs::varchar)``. The
  extension is created if it can be (that may need privileges the server's role lacks); without
  it no index is made and the filter reads the File's Logs as before.

The Logs already stored are indexed here.

Revision ID: 0013_log_search_index
Revises: 0011_version_log_counts
"""

from typing import Sequence, Union

from alembic import op
from sqlalchemy.exc import DBAPIError

revision: str = "0013_log_search_index"
down_revision: Union[str, None] = "0012_agent_version_columns"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

SQLITE_UP = [
    "CREATE VIRTUAL TABLE log_search USING fts5(output, inputs, content='logs', tokenize='trigram')",
    "CREATE TRIGGER log_search_insert AFTER INSERT ON logs BEGIN "
    "INSERT INTO log_search (rowid, output, inputs) VALUES (new.rowid, new.output, new.inputs); END",
    "CREATE TRIGGER log_search_delete AFTER DELETE ON logs BEGIN "
    "INSERT INTO log_search (log_search, rowid, output, inputs) "
    "VALUES ('delete', old.rowid, old.output, old.inputs); END",
    "CREATE TRIGGER log_search_update AFTER UPDATE OF output, inputs ON logs BEGIN "
    "INSERT INTO log_search (log_search, rowid, output, inputs) "
    "VALUES ('delete', old.rowid, old.output, old.inputs); "
    "INSERT INTO log_search (rowid, output, inputs) VALUES (new.rowid, new.output, new.inputs); END",
    "INSERT INTO log_search (log_search) VALUES ('rebuild')",  # the Logs already stored
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS log_search_update",
    "DROP TRIGGER IF EXISTS log_search_delete",
    "DROP TRIGGER IF EXISTS log_search_insert",
    "DROP TABLE IF EXISTS log_search",
]
PG_INDEXES = {
    "ix_logs_output_trgm": "lower(output)",
    "ix_logs_inputs_trgm": "lower(CAST(inputs AS VARCHAR))",
}


def _sqlite_has_trigram() -> bool:
    bind = op.get_bind()
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE VIRTUAL TABLE temp.log_search_probe USING fts5(x, tokenize='trigram')")
            bind.exec_driver_sql("DROP TABLE temp.log_search_probe")
    except DBAPIError:
        return False
    return True


def _pg_has_trigram() -> bool:
    bind = op.get_bind()
    try:
        with bind.begin_nested():  # a failure must not end the migration's transaction
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DBAPIError:
        pass
    found = bind.exec_driver_sql("SELECT 1 FROM pg_opclass WHERE opcname = 'gin_trgm_ops'").first()
    return found is not None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        if _sqlite_has_trigram():
            for sql in SQLITE_UP:
                bind.exec_driver_sql(sql)
    elif bind.dialect.name == "postgresql" and _pg_has_trigram():
        for name, expression in PG_INDEXES.items():
            bind.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {name} ON logs USING gin (({expression}) gin_trgm_ops)")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for sql in SQLITE_DOWN:
            bind.exec_driver_sql(sql)
    else:
        for name in PG_INDEXES:
            bind.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
