"""API keys: stored as SHA-256 hashes, each belonging to one organisation."""

from __future__ import annotations

import hashlib
import secrets
from typing import Optional

from sqlalchemy import select

from .. import ids
from ..db.database import Database
from ..db.models import ApiKey, Organization
from .context import Runtime
from .seed import get_or_create_org


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key() -> str:
    return "hl_sk_" + secrets.token_hex(24)


def register_key(rt: Runtime, key: str, org_name: str) -> Organization:
    """Make ``key`` valid for organisation ``org_name`` (created and seeded when new)."""
    with rt.db.write() as session:
        org, _ = get_or_create_org(session, rt, org_name)
        h = hash_key(key)
        existing = session.execute(select(ApiKey).where(ApiKey.key_hash == h)).scalar_one_or_none()
        if existing is None:
            session.add(ApiKey(id=ids.new_id("key"), org_id=org.id, key_hash=h, prefix=key[:10]))
        elif existing.org_id == org.id:
            pass  # registered before (a restart with the same HUMANLOOP_API_KEY)
        else:
            raise ValueError("this API key already belongs to another organisation")
    return org


def create_key(rt: Runtime, org_name: str) -> str:
    """A new key for ``org_name``, returned once (only its hash is kept)."""
    key = new_key()
    register_key(rt, key, org_name)
    return key


def org_for_key(db: Database, key: Optional[str]) -> Optional[str]:
    """The organisation of a valid key, else None."""
    if not key:
        return None
    with db.read() as session:
        row = session.execute(
            select(ApiKey.org_id).where(ApiKey.key_hash == hash_key(key), ApiKey.revoked_at.is_(None))
        ).first()
    return str(row[0]) if row else None
