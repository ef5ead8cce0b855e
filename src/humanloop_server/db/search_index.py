"""The index behind the ``search`` filter of ``logs.list`` (migration ``0013_log_search_index``).

The filter keeps Logs whose output, or whose inputs as JSON text, contain the search text, ignoring
case. Read plainly that is a substring test of every Log of the File. Where the migration could
make an index, :func:`search_condition` gives a condition the index serves; on SQLite it replaces
the plain test for ASCII search texts (:func:`index_alone_suffices`) and otherwise only narrows
which Logs are tested.

- SQLite: the FTS5 table ``log_search`` (tokenizer ``trigram``) over ``logs.output`` and
  ``logs.inputs``, keyed by the Log's rowid. A trigram index finds substrings of 3 characters or
  more; a shorter search text is tested on the File's Logs without it.
- PostgreSQL: the ``pg_trgm`` GIN indexes on ``lower(output)`` and ``lower(inputs::varchar)``,
  which the planner picks for the plain ``LIKE`` conditions themselves (when it expects them to
  pay off); nothing is added to the query.
"""

from __future__ import annotations

from typing import Any, Optional

from sqlalchemy import text
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import TextClause

#: the FTS5 table on SQLite (its shadow tables are named ``log_search_*``)
SQLITE_TABLE = "log_search"
#: the trigger names on SQLite
SQLITE_TRIGGERS = ("log_search_insert", "log_search_delete", "log_search_update")
#: the GIN trigram indexes on PostgreSQL
PG_INDEXES = ("ix_logs_output_trgm", "ix_logs_inputs_trgm")
#: the shortest search text the trigram index can find
MIN_INDEXED_LENGTH = 3


def unmodelled(name: Optional[str], type_: str, parent_names: Any = None) -> bool:
    """Whether ``name`` is one of these objects, which the SQLAlchemy models do not describe
    (for alembic's ``include_name``: they are left out of comparisons with the models)."""
    if not name:
        return False
    if type_ == "table":
        return name == SQLITE_TABLE or name.startswith(SQLITE_TABLE + "_")
    return type_ == "index" and name in PG_INDEXES


def sqlite_index_present(session: Session) -> bool:
    """Whether this SQLite database has the FTS5 table (one lookup in the schema, per search)."""
    row = session.execute(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"), {"name": SQLITE_TABLE}
    ).first()
    return row is not None


def fts_phrase(needle: str) -> str:
    """An FTS5 query matching ``needle`` as a substring: one quoted phrase."""
    return '"' + needle.replace('"', '""') + '"'


def search_condition(session: Session, needle: str) -> Optional[TextClause]:
    """A condition on ``logs`` the search index serves, true of every Log whose output or inputs
    contain ``needle`` (lower case) ignoring case; None when there is none to add."""
    if session.get_bind().dialect.name != "sqlite" or len(needle) < MIN_INDEXED_LENGTH:
        return None
    if not sqlite_index_present(session):
        return None
    return text("logs.rowid IN (SELECT rowid FROM log_search WHERE log_search MATCH :log_search_phrase)").bindparams(
        log_search_phrase=fts_phrase(needle)
    )


def index_alone_suffices(needle: str) -> bool:
    """Whether the FTS5 match of ``needle`` is the filter's answer by itself, without testing the
    Logs' text again: true for ASCII search texts. The trigram tokenizer folds the case of every
    letter; SQLite's ``lower()`` and ``LIKE`` only that of ASCII letters, so a search text with
    other letters ('É') must still be tested as before. An ASCII search text differs only for the
    few letters whose lower case is ASCII: the Kelvin sign (U+212A) matches "k", as on PostgreSQL.
    Not reading the rows makes counting the matches of a common word several times cheaper."""
    return needle.isascii()


__all__ = [
    "SQLITE_TABLE",
    "SQLITE_TRIGGERS",
    "PG_INDEXES",
    "MIN_INDEXED_LENGTH",
    "unmodelled",
    "sqlite_index_present",
    "fts_phrase",
    "search_condition",
    "index_alone_suffices",
]
