"""Environments (per organisation) and deployments (one version per File and Environment)."""

from typing import Any, Dict, List, Optional

from sqlalchemy import select

from .. import ids
from ..db.models import Environment
from .common import iso, not_found
from .context import Context
from .errors import NotFound
from .tenancy import find_owned

DEFAULT_ENVIRONMENT = "production"


def serialize(env: Environment) -> Dict[str, Any]:
    return {"id": env.id, "created_at": iso(env.created_at), "name": env.name, "tag": env.tag}


def by_name(ctx: Context, name: str) -> Environment:
    env = ctx.session.execute(
        select(Environment).where(Environment.org_id == ctx.org_id, Environment.name == name)
    ).scalar_one_or_none()
    if env is None:
        raise not_found("Environment", name)
    return env


def by_id(ctx: Context, env_id: str) -> Environment:
    env = find_owned(ctx, Environment, env_id)
    if env is None:
        # environments are addressed by id in paths; accept the name as a convenience
        try:
            return by_name(ctx, env_id)
        except NotFound:
            raise not_found("Environment", env_id) from None
    return env


def default_env(ctx: Context) -> Optional[Environment]:
    return ctx.session.execute(
        select(Environment)
        .where(Environment.org_id == ctx.org_id, Environment.tag == "default")
        .order_by(Environment.created_at)
        .limit(1)
    ).scalar_one_or_none()


def list_all(ctx: Context) -> List[Environment]:
    return list(
        ctx.session.execute(
            select(Environment).where(Environment.org_id == ctx.org_id).order_by(Environment.created_at)
        ).scalars()
    )


def create(ctx: Context, name: str, tag: str = "other") -> Environment:
    env = Environment(id=ids.new_id("env"), org_id=ctx.org_id, name=name, tag=tag)
    ctx.session.add(env)
    ctx.session.flush()
    return env
