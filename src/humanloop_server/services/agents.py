"""Agent files: upsert with version names, versions deleted and renamed, moves, logs, and the text format.

The operations every File kind shares (get, list, delete, deployments, monitoring) are the ones of
``services.files``; what differs for Agents is here. The tool-call loop is ``services.agent_calls``.

Decisions (see docs/SERVER.md, "Agents"):

- ``version_name`` is unique within an Agent: upserting a new kernel under a name another version
  has is 409; upserting the kernel of an existing version renames it. ``version_description``,
  ``description``, ``tags`` and ``readme`` are kept with the version they were sent with.
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
from .common import conflict, not_found, now, reject_nul, unprocessable
from .context import Context
from .log_removal import remove_logs
from .tenancy import find_owned

#: front matter order of the text formats
PROMPT_TEXT_FIELDS = file_format.PROMPT_TEXT_FIELDS
AGENT_TEXT_FIELDS = file_format.AGENT_TEXT_FIELDS

#: longest text a version name, description or readme may have
NOTE_LIMITS = {"version_name": 255, "version_description": 10_000, "description": 10_000, "readme": 100_000}


def _check_notes(data: Dict[str, Any]) -> None:
    for field, limit in NOTE_LIMITS.items():
        value = data.get(field)
        if value is None:
            continue
        reject_nul(value, ["body", field])
        if len(value) > limit:
            raise unprocessable(f"{field} is longer than {limit} characters", ["body", field])
    tags = data.get("tags")
    if tags is not None:
        for i, tag in enumerate(tags):
            reject_nul(tag, ["body", "tags", i])
            if len(tag) > 255:
                raise unprocessable("a tag is longer than 255 characters", ["body", "tags", i])


def _check_links(ctx: Context, kernel: Dict[str, Any]) -> None:
    for tool in kernel.get("tools") or []:
        if tool.get("type") == "file":
            files.linked_version(ctx, tool["link"])


def _name_taken(ctx: Context, file_id: str, name: str, other_than: Optional[str]) -> bool:
    for v in ctx.session.execute(select(Version).where(Version.file_id == file_id)).scalars():
        if v.id != other_than and files.agent_notes(v).get("version_name") == name:
            return True
    return False


def upsert(ctx: Context, data: Dict[str, Any]) -> Dict[str, Any]:
    """Create the Agent (at ``path``) or add a version; the same kernel gives the same version."""
    kernel = kinds.AGENT.kernel(data)
    _check_notes(data)
    _check_links(ctx, kernel)
    f = files.ensure_file(ctx, "agent", data.get("id"), data.get("path"))
    v, _ = files.ensure_version(ctx, f, kernel)
    name = data.get("version_name")
    if name is not None and _name_taken(ctx, f.id, name, v.id):
        raise conflict(f"Another version of {f.path!r} is named {name!r}")
    notes = {k: data[k] for k in files.AGENT_NOTES if data.get(k) is not None}
    if notes:
        files.set_agent_notes(v, notes)
        f.updated_at = now()
    ctx.commit()
    return files.serialize(ctx, f, v)


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
    f = files.get_file(ctx, file_id, "agent")
    v = files.get_version(ctx, f, version_id)
    _check_notes({"version_name": name, "version_description": description})
    if name is not None and _name_taken(ctx, f.id, name, v.id):
        raise conflict(f"Another version of {f.path!r} is named {name!r}")
    notes: Dict[str, Any] = {}
    if name is not None:
        notes["version_name"] = name
    if description is not None:
        notes["version_description"] = description
    files.set_agent_notes(v, notes)
    f.updated_at = now()
    ctx.commit()
    return files.serialize(ctx, f, v)


# ---------------------------------------------------------------- logs


def create_log(
    ctx: Context, data: Dict[str, Any], version_id: Optional[str], environment: Optional[str]
) -> Dict[str, Any]:
    """``agents.log``: a Log of an Agent; ``log_status`` defaults to ``complete``."""
    if data.get("log_status") not in (None, "complete", "incomplete"):
        raise unprocessable("log_status must be complete or incomplete", ["body", "log_status"])
    return logs.create_log(ctx, "agent", data, version_id=version_id, environment=environment)


def update_log(ctx: Context, file_id: str, log_id: str, data: Dict[str, Any]) -> Dict[str, Any]:
    """``agents.update_log``: change an Agent Log; ``log_status="complete"`` completes it (once)."""
    f = files.get_file(ctx, file_id, "agent")
    log = find_owned(ctx, Log, log_id)
    if log is None or log.file_id != f.id:
        raise not_found("Log", log_id)
    status = data.pop("log_status", None)
    if status is not None and status not in ("complete", "incomplete"):
        raise unprocessable("log_status must be complete or incomplete", ["body", "log_status"])
    if log.trace_status == "complete" and status == "incomplete":
        raise conflict(f"Log {log.id} is complete and cannot be reopened")
    check_fields(data, Log, [k for k in ("output", "error") if k in data], ["body"])
    logs.apply_fields(
        log, {k: v for k, v in data.items() if k in ("messages", "output_message", "inputs", "output", "error")}
    )
    complete_log(ctx, log, status)
    ctx.commit()
    return logs.serialize(ctx, log)


def complete_log(ctx: Context, log: Log, status: Optional[str]) -> None:
    """Set an Agent Log's status; completing it runs the hooks (monitoring, evaluations) once."""
    if status is None or status == log.trace_status:
        return
    log.trace_status = status
    if status == "complete":
        if log.end_time is None:
            log.end_time = now()
        for hook in ctx.rt.hooks.trace_completed:
            hook(ctx, log)


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
