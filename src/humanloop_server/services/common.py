"""Shared helpers: request context, errors, paths, hashing, pagination."""

import dataclasses
import datetime as dt
import hashlib
import json
from typing import Any, Callable, Dict, List, Optional, Tuple, TypeVar

from fastapi import HTTPException
from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

T = TypeVar("T")


@dataclasses.dataclass
class Context:
    session: Session
    org_id: str

    def commit(self) -> None:
        """Commit; later statements of this request are reads, so they need no write lock."""
        self.session.commit()
        read_bind = self.session.info.get("read_bind")
        if read_bind is not None:
            self.session.bind = read_bind


# ---------------------------------------------------------------- errors


def not_found(what: str, ident: Optional[str] = None) -> HTTPException:
    msg = f"{what} not found" if ident is None else f"{what} with id or path {ident!r} not found"
    return HTTPException(status_code=404, detail=msg)


def bad_request(msg: str) -> HTTPException:
    return HTTPException(status_code=400, detail=msg)


def conflict(msg: str) -> HTTPException:
    return HTTPException(status_code=409, detail=msg)


def unprocessable(msg: str, loc: Optional[List[Any]] = None) -> HTTPException:
    return HTTPException(
        status_code=422,
        detail=[{"loc": loc or ["body"], "msg": msg, "type": "value_error"}],
    )


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
    session: Session, stmt: Select, page: Optional[int], size: Optional[int]
) -> Tuple[List[Any], int, int, int]:
    """Run ``stmt`` for one page; returns (rows, page, size, total). Pages past the end are empty."""
    page = page or 1
    size = 10 if size is None else size
    if page < 1:
        raise unprocessable("page must be >= 1", ["query", "page"])
    if size < 0:
        raise unprocessable("size must be >= 0", ["query", "size"])
    total = session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    rows: List[Any] = []
    if size > 0:
        rows = list(session.execute(stmt.limit(size).offset((page - 1) * size)).scalars())
    return rows, page, size, int(total)


def page_body(records: List[Any], page: int, size: int, total: int) -> Dict[str, Any]:
    return {"records": records, "page": page, "size": size, "total": total}
