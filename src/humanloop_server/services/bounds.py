"""Lengths of the bounded text columns, checked before a value reaches the database.

Every ``String(n)`` column of ``db/models.py`` holds at most ``n`` characters. PostgreSQL refuses
a longer value (``StringDataRightTruncation``), SQLite stores it as it is; so a value a client sends
is checked here against the column that will store it, and a longer one is answered 422 at its
location, the same on both backends. The limits are read from the models, never written twice.

Services call :func:`check_length` / :func:`check_fields` where request values become column
values; :func:`check_path` covers the paths (and the names taken from them) of Files and
Directories.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Optional, Type

from sqlalchemy import String, inspect

from ..db.models import Base, Directory, File
from .errors import Invalid, Loc


def max_length(model: Type[Base], attribute: str) -> Optional[int]:
    """The ``n`` of the ``String(n)`` column behind ``model.attribute``; None when it has no bound."""
    column_type = inspect(model).columns[attribute].type
    if isinstance(column_type, String) and column_type.length is not None:
        return int(column_type.length)
    return None


def too_long(limit: int, loc: Loc) -> Invalid:
    # the wording and type of pydantic's own max_length error, so clients read both alike
    return Invalid(f"String should have at most {limit} characters", loc, type="string_too_long")


def check_length(value: Any, model: Type[Base], attribute: str, loc: Loc) -> None:
    """422 at ``loc`` when ``value`` is a string longer than the column ``model.attribute``."""
    limit = max_length(model, attribute)
    if limit is not None and isinstance(value, str) and len(value) > limit:
        raise too_long(limit, loc)


def check_fields(
    data: Mapping[str, Any],
    model: Type[Base],
    fields: Iterable[str],
    loc: Loc,
    columns: Optional[Mapping[str, str]] = None,
) -> None:
    """`check_length` of each of ``fields`` present in ``data``, at ``[*loc, field]``.

    A field is stored in the column of the same name unless ``columns`` maps it to another
    (``{"log_id": "id"}``).
    """
    for field in fields:
        if field in data:
            check_length(data[field], model, (columns or {}).get(field, field), [*loc, field])


def _smallest(pairs: Iterable[Optional[int]]) -> int:
    return min(n for n in pairs if n is not None)


#: a path names a File or a Directory; a name is a path's last part
PATH_MAX = _smallest(max_length(m, "path") for m in (File, Directory))
NAME_MAX = _smallest(max_length(m, "name") for m in (File, Directory))


def check_path(path: str, loc: Loc) -> None:
    """422 at ``loc`` when a (normalised) path, or one of its names, is longer than its column."""
    if len(path) > PATH_MAX:
        raise Invalid(f"paths have at most {PATH_MAX} characters (this one has {len(path)})", loc, "string_too_long")
    for part in path.split("/"):
        if len(part) > NAME_MAX:
            raise Invalid(
                f"each name in a path has at most {NAME_MAX} characters ({part[:20]!r}... has {len(part)})",
                loc,
                "string_too_long",
            )
