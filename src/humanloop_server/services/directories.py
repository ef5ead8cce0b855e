"""Directories: a tree per organisation, created on demand from file paths."""

from typing import Any, Dict, List, Optional

from sqlalchemy import select, update

from .. import ids
from ..db.models import Directory, File
from .bounds import PATH_MAX, check_path
from .common import conflict, insert_or_get, iso, normalise_path, now, split_path, unprocessable
from .context import Context
from .tenancy import get_owned


def serialize(d: Directory) -> Dict[str, Any]:
    return {
        "id": d.id,
        "parent_id": d.parent_id,
        "name": d.name,
        "path": d.path,
        "description": d.description,
        "readme": d.readme,
        "tags": list(d.tags or []),
        "created_at": iso(d.created_at),
        "updated_at": iso(d.updated_at),
    }


def _by_path(ctx: Context, path: str) -> Optional[Directory]:
    return ctx.session.execute(
        select(Directory).where(Directory.org_id == ctx.org_id, Directory.path == path)
    ).scalar_one_or_none()


def get_directory(ctx: Context, directory_id: str) -> Directory:
    return get_owned(ctx, Directory, directory_id, "Directory")


def ensure_path(ctx: Context, path: Optional[str]) -> Optional[Directory]:
    """Return the directory at ``path``, creating it and its missing parents (no commit)."""
    if not path:
        return None
    path = normalise_path(path)
    existing = _by_path(ctx, path)
    if existing is not None:
        return existing
    parent_path, name = split_path(path)
    parent = ensure_path(ctx, parent_path)
    if ctx.session.execute(select(File.id).where(File.org_id == ctx.org_id, File.path == path)).first():
        raise conflict(f"A file already exists at path {path!r}, so it cannot be a directory")
    ts = now()
    d = Directory(
        id=ids.new_id("dir"),
        org_id=ctx.org_id,
        parent_id=parent.id if parent else None,
        name=name,
        path=path,
        created_at=ts,
        updated_at=ts,
    )
    row, _ = insert_or_get(ctx.session, d, lambda: _by_path(ctx, path))
    return row


def create(
    ctx: Context, name: Optional[str] = None, parent_id: Optional[str] = None, path: Optional[str] = None
) -> Dict[str, Any]:
    if path:
        full = normalise_path(path)
    elif name:
        if "/" in name:
            raise unprocessable("name must not contain '/'", ["body", "name"])
        parent = get_directory(ctx, parent_id) if parent_id else None
        full = normalise_path(f"{parent.path}/{name}" if parent else name, ["body", "name"])
    else:
        raise unprocessable("provide a path, or a name (and optionally a parent_id)", ["body"])
    d = ensure_path(ctx, full)
    assert d is not None
    ctx.commit()
    return serialize(d)


def list_all(ctx: Context) -> List[Dict[str, Any]]:
    rows = ctx.session.execute(
        select(Directory).where(Directory.org_id == ctx.org_id).order_by(Directory.path)
    ).scalars()
    return [serialize(d) for d in rows]


def _is_within(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


def update_directory(
    ctx: Context,
    directory_id: str,
    name: Optional[str] = None,
    parent_id: Optional[str] = None,
    path: Optional[str] = None,
) -> Dict[str, Any]:
    d = get_directory(ctx, directory_id)
    old_path = d.path
    if path:
        new_path = normalise_path(path)
    else:
        parent_path, cur_name = split_path(d.path)
        if parent_id:
            parent_path = get_directory(ctx, parent_id).path
        new_name = name if name else cur_name
        if "/" in new_name:
            raise unprocessable("name must not contain '/'", ["body", "name"])
        new_path = f"{parent_path}/{new_name}" if parent_path else new_name
        check_path(new_path, ["body", "name"])
    if new_path == old_path:
        return serialize(d)
    if _is_within(new_path, old_path):
        raise conflict("A directory cannot be moved into itself")
    if (
        _by_path(ctx, new_path) is not None
        or ctx.session.execute(select(File.id).where(File.org_id == ctx.org_id, File.path == new_path)).first()
    ):
        raise conflict(f"Path {new_path!r} is already taken")
    new_parent_path, new_name = split_path(new_path)
    new_parent = ensure_path(ctx, new_parent_path)
    # rewrite the paths of everything below
    descendants = (
        ctx.session.execute(
            select(Directory).where(
                Directory.org_id == ctx.org_id, Directory.path.startswith(old_path + "/", autoescape=True)
            )
        )
        .scalars()
        .all()
    )
    contained = (
        ctx.session.execute(
            select(File).where(File.org_id == ctx.org_id, File.path.startswith(old_path + "/", autoescape=True))
        )
        .scalars()
        .all()
    )
    longest = max([len(sub.path) for sub in descendants] + [len(f.path) for f in contained], default=0)
    if longest - len(old_path) + len(new_path) > PATH_MAX:
        raise unprocessable(
            f"moving the directory there would make paths inside it longer than {PATH_MAX} characters",
            ["body", "path" if path else "name"],
        )
    for sub in descendants:
        sub.path = new_path + sub.path[len(old_path) :]
    for f in contained:
        f.path = new_path + f.path[len(old_path) :]
    d.path = new_path
    d.name = new_name
    d.parent_id = new_parent.id if new_parent else None
    d.updated_at = now()
    ctx.commit()
    return serialize(d)


def delete(ctx: Context, directory_id: str) -> None:
    d = get_directory(ctx, directory_id)
    has_sub = ctx.session.execute(select(Directory.id).where(Directory.parent_id == d.id).limit(1)).first()
    has_file = ctx.session.execute(select(File.id).where(File.directory_id == d.id).limit(1)).first()
    if has_sub or has_file:
        raise conflict("Directory is not empty; move or delete its files and subdirectories first")
    ctx.session.delete(d)
    ctx.commit()


def touch(ctx: Context, directory_id: Optional[str]) -> None:
    if directory_id:
        ctx.session.execute(update(Directory).where(Directory.id == directory_id).values(updated_at=now()))
