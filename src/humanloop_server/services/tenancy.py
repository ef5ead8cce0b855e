"""The one tenancy check: a row named by a request must belong to the caller's organisation.

Every id taken from a request goes through :func:`get_owned` (or :func:`find_owned`), so "exists,
but in another organisation" and "does not exist" are the same answer (404) everywhere, and no
service compares organisation ids by hand.

Rows without an ``org_id`` column belong to the organisation of their File (versions, datapoints).
Logs have an id space per organisation (their primary key is ``(org_id, id)``): they are looked up
by both, so another organisation's Log with the same id is never even loaded.
"""

from __future__ import annotations

from typing import Any, Optional, Type, TypeVar

from sqlalchemy import inspect

from ..db.models import Datapoint, File, Version
from .context import Context
from .errors import NotFound

M = TypeVar("M")


def owner_of(ctx: Context, row: Any) -> Optional[str]:
    """The organisation a stored row belongs to."""
    if isinstance(row, (Version, Datapoint)):
        f = ctx.session.get(File, row.file_id)
        return f.org_id if f is not None else None
    org_id = getattr(row, "org_id", None)
    return str(org_id) if org_id is not None else None


def is_owned(ctx: Context, row: Any) -> bool:
    return row is not None and owner_of(ctx, row) == ctx.org_id


def find_owned(ctx: Context, model: Type[M], ident: Optional[str]) -> Optional[M]:
    """The row of ``model`` with primary key ``ident`` if the caller's organisation owns it, else None."""
    if not ident:
        return None
    keys = {column.key for column in inspect(model).primary_key}
    row = ctx.session.get(model, {"org_id": ctx.org_id, "id": ident} if "org_id" in keys else ident)
    return row if row is not None and is_owned(ctx, row) else None


def get_owned(ctx: Context, model: Type[M], ident: Optional[str], what: str) -> M:
    """Like :func:`find_owned`, but a missing or foreign row is ``NotFound`` naming ``what``."""
    row = find_owned(ctx, model, ident)
    if row is None:
        raise NotFound.of(what, ident)
    return row
