"""Stored answers of requests that carried an ``Idempotency-Key`` (table ``idempotency_records``).

The first request with a key (per organisation) claims it by inserting a row; a unique index makes
the claim atomic across threads and server processes. Its answer is stored before it is sent, so a
repeat within the time to live gets the same answer without acting again. The HTTP side is
``api/idempotency.py``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Literal, Optional

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..db.database import Database
from ..db.models import IdempotencyRecord, utcnow
from .bounds import max_length

#: a claim older than this without a stored response belongs to a request that died
STALE_AFTER = dt.timedelta(minutes=5)
#: the longest key, and the longest request path, a record can hold
KEY_MAX = max_length(IdempotencyRecord, "key") or 255
PATH_MAX = max_length(IdempotencyRecord, "path") or 2048


@dataclasses.dataclass(frozen=True)
class Claim:
    """What a request with a key may do: run (``new``, holding ``record_id``), answer with the stored
    response (``replay``), or not run: the key belongs to another request (``mismatch``) or its
    first request is still running (``busy``)."""

    outcome: Literal["new", "replay", "mismatch", "busy"]
    record_id: int = 0
    status: int = 0
    content_type: Optional[str] = None
    body: bytes = b""


def claim(db: Database, org_id: str, key: str, method: str, path: str, request_hash: str, ttl_seconds: int) -> Claim:
    for _ in range(5):
        try:
            with db.write() as s:
                rec = IdempotencyRecord(
                    org_id=org_id, key=key, method=method, path=path, request_hash=request_hash, created_at=utcnow()
                )
                s.add(rec)
            return Claim("new", record_id=rec.id)
        except IntegrityError:
            pass
        with db.write() as s:
            existing = s.execute(
                select(IdempotencyRecord).where(IdempotencyRecord.org_id == org_id, IdempotencyRecord.key == key)
            ).scalar_one_or_none()
            if existing is None:
                continue  # released meanwhile: claim again
            age = utcnow() - existing.created_at
            expired = age > dt.timedelta(seconds=ttl_seconds)
            abandoned = existing.status_code is None and age > STALE_AFTER
            if expired or abandoned:
                s.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == existing.id))
                continue
            if existing.request_hash != request_hash:
                return Claim("mismatch")
            if existing.status_code is None:
                return Claim("busy")
            return Claim(
                "replay",
                status=existing.status_code,
                content_type=existing.content_type,
                body=existing.response_body or b"",
            )
    return Claim("busy")


def store(db: Database, record_id: int, status: int, ctype: Optional[str], body: bytes) -> None:
    with db.write() as s:
        rec = s.get(IdempotencyRecord, record_id)
        if rec is not None:
            rec.status_code = status
            rec.content_type = ctype
            rec.response_body = body


def release(db: Database, record_id: int) -> None:
    with db.write() as s:
        s.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == record_id))


def sweep(db: Database, ttl_seconds: int) -> int:
    """Forget keys older than the TTL; returns how many."""
    cutoff = utcnow() - dt.timedelta(seconds=ttl_seconds)
    with db.write() as s:
        res = s.execute(delete(IdempotencyRecord).where(IdempotencyRecord.created_at < cutoff))
    return int(getattr(res, "rowcount", 0) or 0)
