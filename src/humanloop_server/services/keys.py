"""API keys: stored as SHA-256 hashes, each belonging to one organisation.

The key given to the server in ``HUMANLOOP_API_KEY`` is registered at start-up under the name
``startup``; a different value at a later start-up replaces it: the organisation's earlier
``startup`` keys are revoked. Other keys are made and revoked with ``humanloop-server keys``.

A process that found a key valid trusts it for :data:`KEY_CHECK_SECONDS` before it looks again:
every request is authenticated, and the lookup (a pooled connection, a statement, on PostgreSQL a
round trip) was a fifth of the server's work for a ``prompts.log`` on PostgreSQL: with it
remembered, 32 clients stored 312 instead of 251 Logs/s there, and 413 instead of 378 on SQLite
(``bench/ab.py``, in turns). The price: a key revoked by another process (``humanloop-server keys
revoke`` is one) still works for up to that long in a running server. A revocation made in the
process itself takes effect at once. Unknown keys are never remembered, so guessing costs a lookup
each time and cannot grow the memo.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import secrets
import threading
import time
import weakref
from typing import Callable, Dict, List, Optional, Tuple

from sqlalchemy import bindparam, select, update

from .. import ids
from ..db.database import Database
from ..db.models import ApiKey, Organization, table_of
from .bounds import max_length
from .context import Runtime
from .seed import get_or_create_org

logger = logging.getLogger(__name__)

STARTUP = "startup"
#: how often the last use of a key is written (authenticating must stay a read)
TOUCH_EVERY_SECONDS = 60.0
#: how long a process trusts a key it found valid before it looks it up again (see the docstring)
KEY_CHECK_SECONDS = 1.0

#: per database: a valid key's hash -> (its organisation, when it was looked up on ``_clock``)
_trusted: weakref.WeakKeyDictionary[Database, Dict[str, Tuple[str, float]]] = weakref.WeakKeyDictionary()
_clock: Callable[[], float] = time.monotonic


@dataclasses.dataclass(frozen=True)
class KeyInfo:
    """What may be shown about a key: never the key itself."""

    id: str
    organization: str
    name: Optional[str]
    prefix: str
    created_at: dt.datetime
    last_used_at: Optional[dt.datetime]
    revoked_at: Optional[dt.datetime]


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key() -> str:
    return "hl_sk_" + secrets.token_hex(24)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def register_key(rt: Runtime, key: str, org_name: str, name: Optional[str] = None) -> Organization:
    """Make ``key`` valid for organisation ``org_name`` (created and seeded when new)."""
    limit = max_length(ApiKey, "name")
    if name is not None and limit is not None and len(name) > limit:
        raise ValueError(f"a key name has at most {limit} characters; this one has {len(name)}")
    with rt.db.write() as session:
        org, _ = get_or_create_org(session, rt, org_name)
        h = hash_key(key)
        existing = session.execute(select(ApiKey).where(ApiKey.key_hash == h)).scalar_one_or_none()
        if existing is None:
            session.add(ApiKey(id=ids.new_id("key"), org_id=org.id, key_hash=h, prefix=key[:10], name=name))
        elif existing.org_id == org.id:
            existing.revoked_at = None  # registered again on purpose
        else:
            raise ValueError("this API key already belongs to another organisation")
        if name == STARTUP:
            session.execute(
                update(ApiKey)
                .where(
                    ApiKey.org_id == org.id,
                    ApiKey.name == STARTUP,
                    ApiKey.key_hash != h,
                    ApiKey.revoked_at.is_(None),
                )
                .values(revoked_at=_now())
            )
    if name == STARTUP:
        _trusted.pop(rt.db, None)  # the earlier start-up keys are refused at once in this process
    return org


def register_startup_key(rt: Runtime, key: str, org_name: str) -> Organization:
    """Register ``HUMANLOOP_API_KEY``; an earlier start-up key of the organisation stops working."""
    return register_key(rt, key, org_name, name=STARTUP)


def create_key(rt: Runtime, org_name: str, name: Optional[str] = None) -> str:
    """A new key for ``org_name``, returned once (only its hash is kept)."""
    key = new_key()
    register_key(rt, key, org_name, name=name)
    return key


def _info(row: ApiKey, org_name: str) -> KeyInfo:
    return KeyInfo(
        id=row.id,
        organization=org_name,
        name=row.name,
        prefix=row.prefix,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )


def list_keys(db: Database, org_name: Optional[str] = None, include_revoked: bool = False) -> List[KeyInfo]:
    """The keys (of one organisation, or of all), oldest first."""
    with db.read() as session:
        stmt = select(ApiKey, Organization.name).join(Organization, Organization.id == ApiKey.org_id)
        if org_name is not None:
            stmt = stmt.where(Organization.name == org_name)
        if not include_revoked:
            stmt = stmt.where(ApiKey.revoked_at.is_(None))
        rows = session.execute(stmt.order_by(ApiKey.created_at, ApiKey.id)).all()
        return [_info(row, name) for row, name in rows]


def revoke_key(db: Database, ident: str) -> KeyInfo:
    """Revoke the key whose id, or whose shown prefix, is ``ident``.

    Raises ``LookupError`` when no key, or more than one, matches.
    """
    with db.write() as session:
        rows = session.execute(
            select(ApiKey, Organization.name)
            .join(Organization, Organization.id == ApiKey.org_id)
            .where((ApiKey.id == ident) | (ApiKey.prefix == ident))
        ).all()
        if not rows:
            raise LookupError(f"no key has the id or prefix {ident!r} (see `humanloop-server keys list`)")
        if len(rows) > 1:
            raise LookupError(f"{len(rows)} keys have the prefix {ident!r}: give the key's id instead")
        row, org_name = rows[0]
        if row.revoked_at is None:
            row.revoked_at = _now()
        info, key_hash = _info(row, org_name), row.key_hash
    # at once in this process, once committed (a lookup before the commit would trust it again)
    _trusted.get(db, {}).pop(key_hash, None)
    return info


_touched: Dict[str, float] = {}
_touched_lock = threading.Lock()


def _write_last_use(db: Database, key_hash: str, when: dt.datetime) -> None:
    try:
        with db.write() as session:
            session.execute(update(ApiKey).where(ApiKey.key_hash == key_hash).values(last_used_at=when))
    except Exception:  # noqa: BLE001 - bookkeeping only: never fail or slow a request for it
        logger.debug("could not record the last use of a key", exc_info=True)


def _touch(db: Database, key_hash: str) -> None:
    """Record that a key was used, at most once a minute per key and process, off the request's path
    (a request must not wait for the write lock to note it)."""
    now = time.monotonic()
    with _touched_lock:
        last = _touched.get(key_hash)
        if last is not None and now - last < TOUCH_EVERY_SECONDS:
            return
        _touched[key_hash] = now
    threading.Thread(target=_write_last_use, args=(db, key_hash, _now()), name="hl-key-use", daemon=True).start()


#: the organisation of a valid key's hash: a Core statement built once (every request runs it)
_KEYS = table_of(ApiKey)
_ORG_OF_KEY = select(_KEYS.c.org_id).where(_KEYS.c.key_hash == bindparam("key_hash"), _KEYS.c.revoked_at.is_(None))


def org_for_key(db: Database, key: Optional[str]) -> Optional[str]:
    """The organisation of a valid (not revoked) key, else None."""
    if not key:
        return None
    return org_for_key_hash(db, hash_key(key))


def org_for_key_hash(db: Database, key_hash: str) -> Optional[str]:
    """Like :func:`org_for_key`, given the key's hash (what a web session keeps instead of the key)."""
    now = _clock()
    trusted = _trusted.get(db)
    if trusted is None:
        trusted = _trusted.setdefault(db, {})
    known = trusted.get(key_hash)
    if known is not None and now - known[1] < KEY_CHECK_SECONDS:
        return known[0]
    row = db.read_one(_ORG_OF_KEY, {"key_hash": key_hash})
    if row is None:
        trusted.pop(key_hash, None)
        return None
    _touch(db, key_hash)
    org_id = str(row[0])
    trusted[key_hash] = (org_id, now)
    return org_id
