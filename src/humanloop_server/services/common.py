"""Shared helpers: errors, strict JSON, paths, hashing, time, pagination."""

import datetime as dt
import hashlib
import json
import math
import re
from typing import Any, Callable, Dict, List, Optional, Tuple, TypeVar, Union

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .bounds import check_path
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


# ---------------------------------------------------------------- strict JSON


class UnstorableJSON(ValueError):
    """JSON that Python's parser reads but no database stores faithfully, with where it is.

    ``NaN``, ``Infinity`` and numbers beyond the float range (``1e400``) are not JSON (RFC 8259)
    and would become ``null`` or a database error; a lone surrogate (``"\\ud800"``) is not text.
    ``path`` is the location inside the document: keys and list indexes.
    """

    def __init__(self, msg: str, path: List[Union[str, int]]) -> None:
        super().__init__(msg)
        self.msg = msg
        self.path = path


class _NotFinite:
    """Stands in for a non-finite number while a document is parsed, so that it can be located."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


#: a surrogate code point, or the escape of one (a pair is joined by the parser; a lone one is not)
_MAYBE_SURROGATE = re.compile(r"[\ud800-\udfff]|\\u[dD][89abcdefABCDEF]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def loads_strict(doc: Union[str, bytes]) -> Any:
    """``json.loads`` that refuses what a database cannot store as sent (:class:`UnstorableJSON`).

    Invalid JSON raises ``json.JSONDecodeError`` as ``json.loads`` does. The document is walked
    only when the parser met a non-finite number or the text may hold a surrogate.
    """
    text = doc.decode(json.detect_encoding(doc), "surrogatepass") if isinstance(doc, bytes) else doc
    odd: List[str] = []

    def constant(name: str) -> Any:
        odd.append(name)
        return _NotFinite(name)

    def number(literal: str) -> Any:
        value = float(literal)
        if math.isfinite(value):
            return value
        odd.append(literal)
        return _NotFinite(literal)

    value = json.loads(text, parse_constant=constant, parse_float=number)
    if odd or _MAYBE_SURROGATE.search(text):
        _check_storable(value)
    return value


def _check_storable(value: Any) -> None:
    stack: List[Tuple[Any, List[Union[str, int]]]] = [(value, [])]
    while stack:
        item, path = stack.pop()
        if isinstance(item, _NotFinite):
            raise UnstorableJSON(f"{item.text} is not a JSON number: numbers must be finite and within range", path)
        if isinstance(item, str):
            if _SURROGATE.search(item):
                raise UnstorableJSON("text must be valid Unicode: it contains a lone surrogate (U+D800-U+DFFF)", path)
        elif isinstance(item, dict):
            for k, v in item.items():
                if _SURROGATE.search(k):
                    raise UnstorableJSON("keys must be valid Unicode: one contains a lone surrogate", path)
                stack.append((v, [*path, k]))
        elif isinstance(item, list):
            stack.extend((v, [*path, i]) for i, v in enumerate(item))


INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1


def check_int32(data: Dict[str, Any], fields: List[str], loc: List[Any]) -> None:
    """422 when one of ``fields`` holds an integer that does not fit the 32-bit INTEGER column storing it."""
    for name in fields:
        v = data.get(name)
        if isinstance(v, int) and not INT32_MIN <= v <= INT32_MAX:
            raise unprocessable(f"{name} must be between {INT32_MIN} and {INT32_MAX}", [*loc, name])


# ---------------------------------------------------------------- paths


def normalise_path(path: str, loc: Optional[List[Any]] = None, *, bounded: bool = True) -> str:
    """``path`` without empty parts and surrounding blanks (``" a//b/ "`` -> ``"a/b"``).

    422 at ``loc`` (default ``["body", "path"]``) when no name is left or, unless ``bounded`` is
    False (a lookup, where a too long path is merely unknown), when the path or one of its names is
    longer than the columns that store them.
    """
    where = loc or ["body", "path"]
    parts = [p.strip() for p in path.replace("\\", "/").split("/")]
    parts = [p for p in parts if p]
    if not parts:
        raise unprocessable("path must contain at least one name", where)
    normalised = "/".join(parts)
    if bounded:
        check_path(normalised, where)
    return normalised


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


def parse_dt(value: Any, loc: Optional[List[Any]] = None) -> Optional[dt.datetime]:
    """A datetime (or ISO 8601 text) as an aware UTC datetime; naive ones are taken as UTC.

    422 at ``loc`` when the text is no datetime, or when the moment cannot be written in UTC
    (``9999-12-31T23:59:59-14:00`` is in the year 10000 there).
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        parsed = value
    else:
        text = str(value)
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        try:
            parsed = dt.datetime.fromisoformat(text)
        except ValueError as exc:
            raise unprocessable(f"invalid datetime {value!r}", loc) from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    try:
        return parsed.astimezone(dt.timezone.utc)
    except OverflowError:
        raise unprocessable(
            f"datetime {parsed.isoformat()} is out of range: in UTC it must fall within the years 1 to 9999", loc
        ) from None


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


#: the largest offset a page may start at (SQLite and PostgreSQL integers are 64-bit; a larger
#: LIMIT/OFFSET is an error there, not an empty page)
MAX_OFFSET = 2**62


def count_rows(session: Session, stmt: "Select[Any]") -> int:
    """How many rows ``stmt`` gives."""
    return int(session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one())


def paginate(
    session: Session,
    stmt: "Select[Any]",
    page: Optional[int],
    size: Optional[int],
    total: Optional[Callable[[], int]] = None,
    total_is_estimate: bool = False,
) -> Tuple[List[Any], int, int, int]:
    """Run ``stmt`` for one page; returns (rows, page, size, total). Pages past the end are empty.
    ``total``: gives the number of rows of ``stmt`` more cheaply than counting them (kept counts);
    with ``total_is_estimate`` it may be off, so it does not decide where the rows end."""
    page = page or 1
    size = 10 if size is None else size
    if page < 1:
        raise unprocessable("page must be >= 1", ["query", "page"])
    if size < 0:
        raise unprocessable("size must be >= 0", ["query", "size"])
    count = total() if total is not None else count_rows(session, stmt)
    rows: List[Any] = []
    offset = (page - 1) * size
    if total_is_estimate:
        if size > 0 and offset < MAX_OFFSET:
            rows = list(session.execute(stmt.limit(min(size, MAX_OFFSET)).offset(offset)).scalars())
    elif size > 0 and offset < count:
        # bounded by `total`, so huge page/size values never reach the database
        rows = list(session.execute(stmt.limit(min(size, count - offset)).offset(offset)).scalars())
    return rows, page, size, count


def page_body(records: List[Any], page: int, size: int, total: int) -> Dict[str, Any]:
    return {"records": records, "page": page, "size": size, "total": total}
