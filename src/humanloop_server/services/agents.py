"""Agent files: upsert with version names, versions deleted and renamed, moves, logs, and the text format.

The operations every File kind shares (get, list, delete, deployments, monitoring) are the ones of
``services.files``; what differs for Agents is here. The tool-call loop is ``services.agent_calls``.

Decisions (see docs/SERVER.md, "Agents"):

- Version names and descriptions, and the Agent's ``description``, ``tags`` and ``readme``, are
  stored as for every other kind (``files.upsert`` / ``files.update_version``): a ``version_name``
  is unique within the Agent (409).
- A version that is deployed cannot be deleted (409: remove the deployment first), nor the only
  version of an Agent (409: delete the Agent). Deleting a version deletes its Logs.
- Linked tools must name a File of the caller's organisation (404 otherwise) at upsert time; a
  link whose File is deleted later stays in the version and is skipped by calls.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from sqlalchemy import select

from ..db.models import Deployment, Log, Version
from . import directories, file_format, files, kinds, logs
from .bounds import check_fields
from .common import conflict, not_found, now, unprocessable
from .context import Context
from .log_removal import remove_logs
from .tenancy import find_owned

#: front matter order of the text formats
PROMPT_TEXT_FIELDS = file_format.PROMPT_TEXT_FIELDS
AGENT_TEXT_FIELDS = file_format.AGENT_TEXT_FIELDS


def _check_links(ctx: Context, kernel: Dict[str, Any]) -> None:
    for tool in kernel.get("tools") or []:
        if tool.get("type") == "file":
            files.linked_version(ctx, tool["link"])


def upsert(ctx: Context, data: Dict[str, Any]) -> Dict[str, Any]:
    """Create the Agent (at ``path``) or add a version, as ``files.upsert`` does for Prompts (the same
    kernel gives the same version; names, descriptions, tags and readme are stored the same way);
    linked Files must exist first."""
    _check_links(ctx, kinds.AGENT.kernel(data))
    return files.upsert(ctx, "agent", data)


def move(
    ctx: Context,
    file_id: str,
    path: Optional[str] = None,
    name: Optional[str] = None,
    directory_id: Optional[str] = None,
) -> Dict[str, Any]:
    """Rename or move an Agent; ``directory_id`` moves it into that directory under its (new) name."""
    if directory_id and not path:
        f = files.get_file(ctx, file_id, "agent")
        d = directories.get_directory(ctx, directory_id)
        new_name = (name or f.name).strip()
        if "/" in new_name:
            raise unprocessable("name must not contain '/'", ["body", "name"])
        path = f"{d.path}/{new_name}" if d.path else new_name
    return files.move(ctx, "agent", file_id, path=path, name=name)


def delete_version(ctx: Context, file_id: str, version_id: str) -> None:
    f = files.get_file(ctx, file_id, "agent")
    v = files.get_version(ctx, f, version_id)
    if ctx.session.execute(select(Deployment.id).where(Deployment.version_id == v.id)).first():
        raise conflict(f"Version {v.id} is deployed; remove its deployments first")
    others = ctx.session.execute(select(Version.id).where(Version.file_id == f.id, Version.id != v.id)).first()
    if others is None:
        raise conflict(f"Version {v.id} is the only version of {f.path!r}; delete the Agent instead")
    log_ids = ctx.session.execute(select(Log.id).where(Log.org_id == ctx.org_id, Log.version_id == v.id)).scalars()
    remove_logs(ctx, list(log_ids))
    ctx.session.delete(v)
    f.updated_at = now()
    ctx.commit()


def patch_version(
    ctx: Context, file_id: str, version_id: str, name: Optional[str], description: Optional[str]
) -> Dict[str, Any]:
    """Rename or describe a version, as ``PATCH`` does for every kind (a name taken by another version is 409)."""
    return files.update_version(ctx, "agent", file_id, version_id, name, description)


# ---------------------------------------------------------------- logs


def create_log(
    ctx: Context, data: Dict[str, Any], version_id: Optional[str], environment: Optional[str]
) -> Dict[str, Any]:
    """``agents.log``: a Log of an Agent; ``log_status`` defaults to ``complete``."""
    return logs.create_log(ctx, "agent", data, version_id=version_id, environment=environment)


def update_log(ctx: Context, file_id: str, log_id: str, data: Dict[str, Any]) -> Dict[str, Any]:
    """``agents.update_log``: change an Agent Log; ``log_status="complete"`` completes it (once)."""
    f = files.get_file(ctx, file_id, "agent")
    log = find_owned(ctx, Log, log_id)
    if log is None or log.file_id != f.id:
        raise not_found("Log", log_id)
    status = logs.requested_status(data)
    data.pop("log_status", None)
    check_fields(data, Log, [k for k in ("output", "error") if k in data], ["body"])
    logs.apply_fields(
        log, {k: v for k, v in data.items() if k in ("messages", "output_message", "inputs", "output", "error")}
    )
    complete_log(ctx, log, status)
    ctx.commit()
    return logs.serialize(ctx, log)


def complete_log(ctx: Context, log: Log, status: Optional[str]) -> None:
    """Set an Agent Log's status in the store every kind's ``log_status`` uses (``logs.set_status``);
    completing it runs the hooks (monitoring, evaluations) once; reopening a complete Log is 409."""
    logs.set_status(ctx, log, status, reopened=conflict)


# ---------------------------------------------------------------- text format


def serialize_text(
    ctx: Context, file_type: str, file_id: str, version_id: Optional[str], environment: Optional[str]
) -> str:
    """The version in the ``.prompt`` / ``.agent`` text format."""
    f = files.get_file(ctx, file_id, file_type)
    v = files.resolve_version(ctx, f, version_id, environment)
    return file_format.version_text(file_type, dict(v.kernel or {}))


def deserialize_text(file_type: str, text: str) -> Dict[str, Any]:
    """The kernel a ``.prompt`` / ``.agent`` text stands for, normalised as an upsert would."""
    loc = ["body", file_type]
    details = file_format.loads(text, loc)
    return kinds.kind(file_type).kernel(details)
