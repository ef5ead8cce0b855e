"""A directory as the API shows it: with its parents, subdirectories and the files in it.

Separate from ``directories`` (which ``files`` needs to create the directories of a path) so that
the dependency points one way: ``tree`` -> ``files`` -> ``directories``.
"""

from __future__ import annotations

from typing import Any, Dict, List

from sqlalchemy import select

from ..db.models import Directory, File
from . import directories, files
from .context import Context


def get(ctx: Context, directory_id: str) -> Dict[str, Any]:
    d = directories.get_directory(ctx, directory_id)
    parents: List[Dict[str, Any]] = []
    parent_id = d.parent_id
    while parent_id:
        parent = ctx.session.get(Directory, parent_id)
        if parent is None:
            break
        parents.append(directories.serialize(parent))
        parent_id = parent.parent_id
    parents.reverse()
    subdirs = ctx.session.execute(
        select(Directory).where(Directory.parent_id == d.id).order_by(Directory.name)
    ).scalars()
    file_rows = ctx.session.execute(
        select(File).where(File.org_id == ctx.org_id, File.directory_id == d.id).order_by(File.name)
    ).scalars()
    body = directories.serialize(d)
    body["parents"] = parents
    body["subdirectories"] = [directories.serialize(s) for s in subdirs]
    shared: files.Shared = {}  # read once for all the Files of the directory
    body["files"] = [files.serialize_default(ctx, f, shared) for f in file_rows]
    return body
