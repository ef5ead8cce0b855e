"""Environments (per organisation) and deployments (one version per File and Environment)."""

from typing import Any, Dict, List, Optional

from sqlalchemy import delete as sa_delete
from sqlalchemy import select

from .. import ids
from ..db.models import Deployment, Environment, MonitoringActivation
from .common import iso, not_found
from .context import Context
from .errors import Conflict, Invalid, NotFound
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


def _check_name(ctx: Context, name: str) -> str:
    name = name.strip()
    if not name or "/" in name or len(name) > 255:
        raise Invalid("an environment name is 1 to 255 characters, without '/'", ["body", "name"])
    taken = ctx.session.execute(
        select(Environment.id).where(Environment.org_id == ctx.org_id, Environment.name == name)
    ).first()
    if taken is not None:
        raise Conflict(f"an environment named {name!r} exists already")
    return name


def add(ctx: Context, name: str, default: bool = False) -> Environment:
    """A new environment (the organisation's default one when ``default``); commits."""
    env = create(ctx, _check_name(ctx, name))
    if default:
        _make_default(ctx, env)
    ctx.commit()
    return env


def rename(ctx: Context, name: str, new_name: str) -> Environment:
    env = by_name(ctx, name)
    env.name = _check_name(ctx, new_name)
    ctx.commit()
    return env


def _make_default(ctx: Context, env: Environment) -> None:
    for other in list_all(ctx):
        other.tag = "default" if other.id == env.id else "other"
    ctx.session.flush()


def set_default(ctx: Context, name: str) -> Environment:
    """Make ``name`` the environment whose deployments are used when a request names none."""
    env = by_name(ctx, name)
    _make_default(ctx, env)
    ctx.commit()
    return env


def remove(ctx: Context, name: str) -> None:
    """Delete an environment and what is deployed to it; the default one cannot be deleted."""
    env = by_name(ctx, name)
    if env.tag == "default":
        raise Conflict(f"{name!r} is the default environment: make another one the default first")
    ctx.session.execute(sa_delete(Deployment).where(Deployment.environment_id == env.id))
    ctx.session.execute(sa_delete(MonitoringActivation).where(MonitoringActivation.environment_id == env.id))
    ctx.session.delete(env)
    ctx.commit()
