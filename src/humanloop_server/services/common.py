"""Shared helpers: errors, paths, hashing, time, pagination."""

import datetime as dt
import hashlib
import json
from typing import Any, Callable, Dict, List, Optional, Tuple, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .errors import BadRequest, Conflict, Invalid, NotFound

T = TypeVar("T")


# ---------------------------------------------------------------- errors


def not_found(what: str, ident: Optional[str] = None) -> NotFound:
    return NotFound.of(what, ident)


def bad_request(msg: str) -> BadRequest:
    return BadRequest(msg)


def conflict(msg: str) -> Conflict:
    return Conflict(msg)


def unprocessable(msg: str, loc: Optional[List[Any]] = None) -> Invalid:
    return Invalid(msg, loc)


def reject_nul(value: Any, loc: List[Any]) -> None:
    """422 when a string anywhere in ``value`` (keys included) contains U+0000.

    PostgreSQL text cannot hold NUL; rejecting it on every backend keeps them alike and answers a
    clear 422 instead of a database error.
    """
    if isinstance(value, str):
        if "\x00" in value:
            raise unprocessable("text must not contain NUL (U+0000) characters", loc)
    elif isinstance(value, dict):
        for k, v in value.items():
            reject_nul(k, loc)
            reject_nul(v, [*loc, k])
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            reject_nul(v, [*loc, i])


INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1


def check_int32(data: Dict[str, Any], fields: List[str], loc: List[Any]) -> None:
    """422 when one of ``fields`` holds an integer that does not fit the 32-bit INTEGER column storing it."""
    for name in fields:
        v = data.get(name)
        if isinstance(v, int) and not INT32_MIN <= v <= INT32_MAX:
            raise unprocessable(f"{name} must be between {INT32_MIN} and {INT32_MAX}", [*loc, name])


# ---------------------------------------------------------------- paths


def normalise_path(path: str) -> str:
    parts = [p.strip() for p in path.replace("\\", "/").split("/")]
    parts = [p for p in parts if p]
    if not parts:
        raise unprocessable("path must contain at least one name", ["body", "path"])
    return "/".join(parts)


def split_path(path: str) -> Tuple[Optional[str], str]:
    """'a/b/c' -> ('a/b', 'c'); 'c' -> (None, 'c')."""
    if "/" in path:
        head, tail = path.rsplit("/", 1)
        return head, tail
    return None, path


# ---------------------------------------------------------------- hashing


def _canonical(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    return value


def canonical_json(value: Any) -> str:
    return json.dumps(_canonical(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def content_hash(value: Any) -> str:
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def drop_none(d: Dict[str, Any]) -> Dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}


# ---------------------------------------------------------------- time


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def iso(value: Optional[dt.datetime]) -> Optional[str]:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.isoformat()


def parse_dt(value: Any) -> Optional[dt.datetime]:
    if value is None or isinstance(value, dt.datetime):
        return value
    text = str(value)
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise unprocessable(f"invalid datetime {value!r}") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return parsed


# ---------------------------------------------------------------- db helpers


def insert_or_get(session: Session, obj: T, lookup: Callable[[], Optional[T]]) -> Tuple[T, bool]:
    """Insert ``obj`` in a savepoint; when a unique constraint says it exists, return the existing row.

    Returns (row, created).
    """
    try:
        with session.begin_nested():
            session.add(obj)
            session.flush()
        return obj, True
    except IntegrityError:
        existing = lookup()
        if existing is None:
            raise
        return existing, False


def paginate(
    session: Session, stmt: "Select[Any]", page: Optional[int], size: Optional[int]
) -> Tuple[List[Any], int, int, int]:
    """Run ``stmt`` for one page; returns (rows, page, size, total). Pages past the end are empty."""
    page = page or 1
    size = 10 if size is None else size
    if page < 1:
        raise unprocessable("page must be >= 1", ["query", "page"])
    if size < 0:
        raise unprocessable("size must be >= 0", ["query", "size"])
    total = int(session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one())
    rows: List[Any] = []
    offset = (page - 1) * size
    if size > 0 and offset < total:
        # bounded by `total`, so huge page/size values never reach the database (SQLite and
        # PostgreSQL integers are 64-bit; a larger LIMIT/OFFSET is an error there, not an empty page)
        rows = list(session.execute(stmt.limit(min(size, total - offset)).offset(offset)).scalars())
    return rows, page, size, total


def page_body(records: List[Any], page: int, size: int, total: int) -> Dict[str, Any]:
    return {"records": records, "page": page, "size": size, "total": total}
