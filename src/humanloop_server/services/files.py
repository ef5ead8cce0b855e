"""Files (Prompts, Tools, Datasets, Evaluators, Flows, Agents) and their content-addressed versions."""

import copy
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from sqlalchemy import bindparam, false, func, select
from sqlalchemy import delete as sa_delete
from sqlalchemy.exc import IntegrityError

from ..db.hot import HotStatement
from ..db.models import (
    Datapoint,
    DatasetVersionDatapoint,
    Deployment,
    Directory,
    Environment,
    File,
    MonitoringActivation,
    Version,
    table_of,
)
from . import active_monitors, datapoints, directories, environments, file_format, kernels, kinds, log_counts
from .bounds import check_length, check_path
from .common import (
    conflict,
    content_hash,
    insert_or_get,
    iso,
    normalise_path,
    not_found,
    now,
    page_body,
    paginate,
    reject_nul,
    split_path,
    unprocessable,
)
from .context import Context
from .errors import NotFound, Refused
from .log_removal import remove_logs_of_file
from .tenancy import find_owned, get_owned

#: the human rating Evaluator of every organisation (``seed``); it monitors every new Prompt
RATING_PATH = "Example Evaluators/Human/rating"


# ---------------------------------------------------------------- lookup


def get_file(ctx: Context, file_id: Optional[str], file_type: Optional[str] = None) -> File:
    """The caller's File ``file_id`` (of ``file_type`` when given); NotFound otherwise."""
    f = find_owned(ctx, File, file_id)
    if f is None or (file_type is not None and f.type != file_type):
        raise not_found(kinds.label(file_type), file_id)
    return f


def file_by_path(ctx: Context, path: str) -> Optional[File]:
    return ctx.session.execute(select(File).where(File.org_id == ctx.org_id, File.path == path)).scalar_one_or_none()


#: ``file_and_version_at``'s query, a Core statement built once: it runs on every ``prompts.log``
#: with Prompt details, where building it again, the ORM's work per statement and loading two
#: whole rows (the version's kernel JSON included) cost more than the query itself. It reads the
#: File's active monitors too (``active_monitors``): one row each, the File's columns repeated.
_FILES = table_of(File)
_VERSIONS = table_of(Version)
_FILE_AND_VERSION_AT = (
    select(_FILES.c.id, _FILES.c.type, _VERSIONS.c.id, _VERSIONS.c.status, *active_monitors.COLUMNS)
    .select_from(
        active_monitors.joined_to(
            _FILES.outerjoin(
                _VERSIONS, (_VERSIONS.c.file_id == _FILES.c.id) & (_VERSIONS.c.kernel_hash == bindparam("khash"))
            ),
            _FILES.c.id,
        )
    )
    .where(_FILES.c.org_id == bindparam("org_id"), _FILES.c.path == bindparam("path"))
)
_FILE_AND_VERSION_AT_HOT = HotStatement(_FILE_AND_VERSION_AT)


def file_and_version_at(ctx: Context, path: str, khash: str) -> Optional[Tuple[str, str, Optional[str], Optional[str]]]:
    """At ``path`` (normalised): (File id, File type, id and status of its version of kernel hash
    ``khash``, both None when it has none), in one query: what every ``prompts.log`` with Prompt
    details looks up. None: no File there. The File's active monitors, read in the same query,
    are kept for the Log's monitoring hook (``active_monitors.take``)."""
    rows = _FILE_AND_VERSION_AT_HOT.rows(ctx.session, {"org_id": ctx.org_id, "path": path, "khash": khash})
    if not rows:
        return None
    file_id = rows[0][0]
    active_monitors.keep(ctx.session, file_id, [(r[4], r[5], r[6], r[7]) for r in rows if r[4] is not None])
    return (file_id, rows[0][1], rows[0][2], rows[0][3])


def find_file(ctx: Context, file_type: str, file_id: Optional[str], path: Optional[str]) -> Optional[File]:
    """The File named by id (404 when unknown) or by path (None when absent)."""
    if file_id:
        return get_file(ctx, file_id, file_type)
    if path:
        f = file_by_path(ctx, normalise_path(path))
        if f is not None and f.type != file_type:
            raise conflict(f"The file at path {f.path!r} is a {f.type}, not a {file_type}")
        return f
    return None


def ensure_file(ctx: Context, file_type: str, file_id: Optional[str], path: Optional[str]) -> File:
    """The File named by id or path; a new File is created at an unknown path (no commit)."""
    f = find_file(ctx, file_type, file_id, path)
    if f is not None:
        return f
    if not path:
        raise unprocessable(f"Provide the path or id of the {kinds.label(file_type)}", ["body", "path"])
    full = normalise_path(path)
    parent_path, name = split_path(full)
    if ctx.session.execute(select(Directory.id).where(Directory.org_id == ctx.org_id, Directory.path == full)).first():
        raise conflict(f"A directory already exists at path {full!r}")
    parent = directories.ensure_path(ctx, parent_path)
    ts = now()
    new = File(
        id=kinds.kind(file_type).new_file_id(),
        org_id=ctx.org_id,
        type=file_type,
        path=full,
        name=name,
        directory_id=parent.id if parent else None,
        created_at=ts,
        updated_at=ts,
    )
    row, created = insert_or_get(ctx.session, new, lambda: file_by_path(ctx, full))
    if row.type != file_type:
        raise conflict(f"The file at path {full!r} is a {row.type}, not a {file_type}")
    if created and file_type == "prompt":
        _attach_default_monitors(ctx, row)
    return row


def _attach_default_monitors(ctx: Context, f: File) -> None:
    """The seeded human ``rating`` evaluator is attached to every new Prompt, by its deployment to the
    default environment (``version_reference`` of type ``environment``, as the hosted API did)."""
    rating = file_by_path(ctx, RATING_PATH)
    if rating is None or rating.type != "evaluator":
        return
    env = environments.default_env(ctx)
    deployed = deployed_version(ctx, rating, env) if env is not None else None
    ctx.session.add(
        MonitoringActivation(
            file_id=f.id,
            evaluator_id=rating.id,
            evaluator_version_id=None,
            environment_id=env.id if env is not None and deployed is not None else None,
            state="active",
        )
    )
    ctx.session.flush()


# ---------------------------------------------------------------- versions


def _version_by_hash(ctx: Context, file_id: str, khash: str) -> Optional[Version]:
    return ctx.session.execute(
        select(Version).where(Version.file_id == file_id, Version.kernel_hash == khash)
    ).scalar_one_or_none()


def check_text(value: Any, loc: List[Any]) -> None:
    """422 for a version name (or tag) with NUL or longer than the ``version_name`` column."""
    reject_nul(value, loc)
    check_length(value, Version, "version_name", loc)


def _version_by_name(ctx: Context, file_id: str, name: str) -> Optional[Version]:
    return ctx.session.execute(
        select(Version).where(Version.file_id == file_id, Version.version_name == name)
    ).scalar_one_or_none()


def _name_taken(f: File, name: str) -> Exception:
    return conflict(f"{kinds.label(f.type)} {f.path!r} already has a version named {name!r}")


def _check_name_free(ctx: Context, f: File, name: str, own_id: Optional[str] = None) -> None:
    other = _version_by_name(ctx, f.id, name)
    if other is not None and other.id != own_id:
        raise _name_taken(f, name)


def _commit_version(v: Version) -> None:
    if v.status != "committed":
        v.status = "committed"
        v.committed_at = now()


def ensure_version(
    ctx: Context,
    f: File,
    kernel: Dict[str, Any],
    commit_message: Optional[str] = None,
    khash: Optional[str] = None,
    *,
    version_name: Optional[str] = None,
    version_description: Optional[str] = None,
) -> "tuple[Version, bool]":
    """The version of ``f`` with this kernel; created when new.

    A commit message (0.8.6), a version name or a version description (0.8.38) commits it; the
    version's description and its commit message are one text (``version_description`` wins when
    both are sent). A name is unique within the File (409); a version that already has another
    name keeps it (409, rename it with PATCH); a description is only added where there is none.
    """
    description = version_description if version_description is not None else commit_message
    labelled = description is not None or version_name is not None
    if version_name is not None:
        check_text(version_name, ["body", "version_name"])
    khash = khash or content_hash(kernel)
    found = _version_by_hash(ctx, f.id, khash)
    created = False
    if found is not None:
        existing = found
    else:
        if version_name is not None:
            _check_name_free(ctx, f, version_name)
        ts = now()
        v = Version(
            id=kinds.kind(f.type).new_version_id(),
            file_id=f.id,
            kernel=kernel,
            kernel_hash=khash,
            status="committed" if labelled else "uncommitted",
            commit_message=description,
            version_name=version_name,
            created_at=ts,
            committed_at=ts if labelled else None,
        )
        try:
            existing, created = insert_or_get(ctx.session, v, lambda: _version_by_hash(ctx, f.id, khash))
        except IntegrityError:  # a concurrent request took the name first
            raise _name_taken(f, version_name or "") from None
        if created:
            f.updated_at = now()
    if not created:
        if existing.status == "deleted":  # the same content again brings a deleted version back
            existing.status = "uncommitted"
            existing.committed_at = None
        if version_name is not None and existing.version_name != version_name:
            if existing.version_name is not None:
                raise conflict(
                    f"This content is already version {existing.version_name!r} of {f.path!r}; "
                    f"rename that version to call it {version_name!r}"
                )
            _check_name_free(ctx, f, version_name, existing.id)
            existing.version_name = version_name
            _commit_version(existing)
        if description is not None and existing.commit_message is None:
            existing.commit_message = description
            _commit_version(existing)
        elif commit_message is not None and existing.status == "uncommitted":
            _commit_version(existing)
    return existing, created


def get_version(ctx: Context, f: File, version_id: str, include_deleted: bool = False) -> Version:
    v = ctx.session.get(Version, version_id)
    if v is None or v.file_id != f.id or (v.status == "deleted" and not include_deleted):
        raise not_found("Version", version_id)
    return v


def deployed_version(ctx: Context, f: File, env: Environment) -> Optional[Version]:
    return ctx.session.execute(
        select(Version)
        .join(Deployment, Deployment.version_id == Version.id)
        .where(Deployment.file_id == f.id, Deployment.environment_id == env.id)
    ).scalar_one_or_none()


def latest_version(ctx: Context, f: File, committed_only: bool = False) -> Optional[Version]:
    stmt = select(Version).where(Version.file_id == f.id, Version.status != "deleted")
    if committed_only:
        stmt = stmt.where(Version.status == "committed")
    return ctx.session.execute(
        stmt.order_by(Version.created_at.desc(), Version.id.desc()).limit(1)
    ).scalar_one_or_none()


#: what the Files of one listing share, read once for the page instead of once per File: the
#: default environment (``"env"``) and the nested bodies of the Evaluators monitoring them
Shared = Dict[Any, Any]


def _default_env(ctx: Context, shared: Optional[Shared]) -> Optional[Environment]:
    if shared is None:
        return environments.default_env(ctx)
    if "env" not in shared:
        shared["env"] = environments.default_env(ctx)
    env: Optional[Environment] = shared["env"]
    return env


def default_version(ctx: Context, f: File, shared: Optional[Shared] = None) -> Optional[Version]:
    """Deployed to the default environment, else the latest committed, else the latest version."""
    env = _default_env(ctx, shared)
    if env is not None:
        v = deployed_version(ctx, f, env)
        if v is not None:
            return v
    return latest_version(ctx, f, committed_only=True) or latest_version(ctx, f)


def resolve_version(
    ctx: Context, f: File, version_id: Optional[str] = None, environment: Optional[str] = None
) -> Version:
    if version_id:
        return get_version(ctx, f, version_id)
    if environment:
        env = environments.by_name(ctx, environment)
        v = deployed_version(ctx, f, env)
        if v is None:
            raise not_found(f"No version of {f.path!r} deployed to environment {environment!r}; version")
        return v
    v = default_version(ctx, f)
    if v is None:
        raise not_found(f"{kinds.label(f.type)} {f.path!r} has no version; version")
    return v


# ---------------------------------------------------------------- serialisation


def _version_environments(ctx: Context, v: Version) -> List[Dict[str, Any]]:
    envs = ctx.session.execute(
        select(Environment)
        .join(Deployment, Deployment.environment_id == Environment.id)
        .where(Deployment.version_id == v.id)
        .order_by(Environment.created_at)
    ).scalars()
    return [environments.serialize(e) for e in envs]


def _log_stats(ctx: Context, f: File, v: Version) -> Dict[str, Any]:
    version_count, total, last = log_counts.stats(ctx.session, f.id, v.id)
    return {
        "version_logs_count": version_count,
        "total_logs_count": total,
        "last_used_at": iso(last or v.created_at),
    }


def _monitor_body(ctx: Context, act: MonitoringActivation, shared: Optional[Shared]) -> Optional[Dict[str, Any]]:
    """The nested body of the Evaluator version a monitoring activation runs (None: none)."""
    ev_file = ctx.session.get(File, act.evaluator_id)
    if ev_file is None:
        return None
    env = ctx.session.get(Environment, act.environment_id) if act.environment_id else None
    if act.evaluator_version_id:
        ev_version = ctx.session.get(Version, act.evaluator_version_id)
    elif env is not None:
        ev_version = deployed_version(ctx, ev_file, env)
    else:
        ev_version = default_version(ctx, ev_file, shared)
    if ev_version is None:
        return None
    return serialize(ctx, ev_file, ev_version, nested=True)


def _monitors(ctx: Context, f: File, shared: Optional[Shared] = None) -> List[Dict[str, Any]]:
    rows = (
        ctx.session.execute(
            select(MonitoringActivation).where(MonitoringActivation.file_id == f.id).order_by(MonitoringActivation.id)
        )
        .scalars()
        .all()
    )
    out: List[Dict[str, Any]] = []
    for act in rows:
        env = ctx.session.get(Environment, act.environment_id) if act.environment_id else None
        if shared is None:
            ev_body = _monitor_body(ctx, act, shared)
        else:  # the Files of a page mostly share their monitors (the seeded rating Evaluator)
            key = ("monitor", act.evaluator_id, act.evaluator_version_id, act.environment_id)
            if key not in shared:
                shared[key] = _monitor_body(ctx, act, shared)
            ev_body = copy.deepcopy(shared[key])
        if ev_body is None:
            continue
        if env is not None:
            ref: Dict[str, Any] = {"type": "environment", "file": ev_body, "environment": environments.serialize(env)}
        else:
            ref = {"type": "version", "version": ev_body}
        out.append(
            {
                "version_reference": ref,
                "version": ev_body,
                "state": act.state,
                "created_at": iso(act.created_at),
                "updated_at": iso(act.updated_at),
            }
        )
    return out


def _linked_tools(ctx: Context, tool_ids: Sequence[str]) -> List[Dict[str, Any]]:
    out = []
    for tid in tool_ids:
        tool = find_owned(ctx, File, tid)
        if tool is None or tool.type != "tool":
            continue
        v = default_version(ctx, tool)
        fn = (v.kernel or {}).get("function") if v else None
        if not isinstance(fn, dict):
            continue
        out.append(
            {
                "name": fn.get("name"),
                "description": fn.get("description"),
                "strict": fn.get("strict", False),
                "parameters": fn.get("parameters"),
                "id": tool.id,
                "version_id": v.id if v else None,
            }
        )
    return out


def serialize(
    ctx: Context,
    f: File,
    v: Version,
    nested: bool = False,
    include_datapoints: bool = False,
    include_raw_file_content: bool = False,
    shared: Optional[Shared] = None,
) -> Dict[str, Any]:
    """The wire form of a File at one version (PromptResponse, ToolResponse, ...); ``shared``: what
    the Files of one listing read once (see :data:`Shared`).

    Prompts and Agents carry ``schema`` (the JSON Schema of their structured output, see
    :func:`kernels.output_schema`) and, with ``include_raw_file_content``, ``raw_file_content``
    (the version's ``.prompt`` / ``.agent`` text)."""
    kernel = dict(v.kernel or {})
    body: Dict[str, Any] = {
        "path": f.path,
        "id": f.id,
        "directory_id": f.directory_id,
        "name": f.name,
        "version_id": v.id,
        "type": f.type,
        "environments": _version_environments(ctx, v),
        "created_at": iso(v.created_at),
        "updated_at": iso(f.updated_at),
        "created_by": None,
        "status": v.status,
        "commit_message": v.commit_message,
        "version_name": v.version_name,
        "version_description": v.commit_message,
        "description": f.description,
        "readme": f.readme,
        "tags": list(f.tags or []),
    }
    if f.type == "dataset":
        body.update(datapoints.version_fields(ctx, v, include_datapoints))
        return body
    body.update(_log_stats(ctx, f, v))
    body["evaluator_aggregates"] = None
    body["evaluators"] = [] if nested else _monitors(ctx, f, shared)
    if f.type != "tool":
        body["schema"] = kernels.output_schema(kernel) if f.type in ("prompt", "agent") else None
    if f.type in ("prompt", "agent"):
        body["raw_file_content"] = file_format.version_text(f.type, kernel) if include_raw_file_content else None
    if f.type == "prompt":
        body.update(kernel)
        body.setdefault("tools", [])
        body["linked_tools"] = _linked_tools(ctx, kernel.get("linked_tools") or [])
        body["inputs"] = kernels.prompt_inputs(kernel)
    elif f.type == "tool":
        body.update(kernel)
        body["inputs"] = kernels.tool_inputs(kernel)
        body["signature"] = kernels.tool_signature(kernel)
    elif f.type == "evaluator":
        body["spec"] = kernel.get("spec")
        body["attributes"] = (kernel.get("spec") or {}).get("attributes")
        body["inputs"] = kernels.evaluator_inputs(kernel)
    elif f.type == "flow":
        body["attributes"] = kernel.get("attributes") or {}
        body.pop("total_logs_count", None)
    elif f.type == "agent":
        body.update(kernel)
        body.pop("commit_message", None)
        body["tools"] = [_agent_tool_body(ctx, t, nested) for t in kernel.get("tools") or []]
        body["inputs"] = kernels.prompt_inputs(kernel)
        body["committed_at"] = iso(v.committed_at)
    return body


# ---------------------------------------------------------------- agents


def linked_version(ctx: Context, link: Dict[str, Any]) -> "tuple[File, Version]":
    """The File and version an Agent's linked tool resolves to (404 when it is gone)."""
    f = get_file(ctx, link.get("file_id"))
    if link.get("version_id"):
        return f, get_version(ctx, f, link["version_id"])
    if link.get("environment_id"):
        env = environments.by_id(ctx, link["environment_id"])
        v = deployed_version(ctx, f, env)
        if v is None:
            raise not_found(f"No version of {f.path!r} deployed to environment {env.name!r}; version")
        return f, v
    v = default_version(ctx, f)
    if v is None:
        raise not_found(f"{kinds.label(f.type)} {f.path!r} has no version; version")
    return f, v


def _agent_tool_body(ctx: Context, tool: Dict[str, Any], nested: bool) -> Dict[str, Any]:
    if tool.get("type") != "file":
        return dict(tool)
    out = dict(tool)
    out["file"] = None
    if not nested:
        try:
            f, v = linked_version(ctx, tool.get("link") or {})
        except NotFound:
            return out  # the linked File was deleted since: the link stays, without its File
        out["file"] = serialize(ctx, f, v, nested=True)
    return out


def serialize_default(ctx: Context, f: File, shared: Optional[Shared] = None) -> Optional[Dict[str, Any]]:
    v = default_version(ctx, f, shared)
    return serialize(ctx, f, v, shared=shared) if v is not None else None


# ---------------------------------------------------------------- operations


def upsert(ctx: Context, file_type: str, data: Dict[str, Any]) -> Dict[str, Any]:
    """Create the File (at ``path``) or add a version; the same kernel gives the same version."""
    kernel = kinds.kind(file_type).kernel(data)
    if file_type == "prompt" and kernel.get("linked_tools"):
        for tid in kernel["linked_tools"]:
            get_file(ctx, tid, "tool")
    f = ensure_file(ctx, file_type, data.get("id"), data.get("path"))
    describe_file(ctx, f, data)
    v, _ = ensure_version(
        ctx,
        f,
        kernel,
        data.get("commit_message"),
        version_name=data.get("version_name"),
        version_description=data.get("version_description"),
    )
    ctx.commit()
    return serialize(ctx, f, v)


def describe_file(ctx: Context, f: File, data: Dict[str, Any]) -> None:
    """Store the File's ``description``, ``readme`` and ``tags`` when the body sends them (no commit)."""
    changed = False
    for field in ("description", "readme"):
        if data.get(field) is not None:
            reject_nul(data[field], ["body", field])
            setattr(f, field, data[field])
            changed = True
    if data.get("tags") is not None:
        tags = list(data["tags"])
        for i, tag in enumerate(tags):
            check_text(tag, ["body", "tags", i])
        f.tags = tags
        changed = True
    if changed:
        f.updated_at = now()


def get(
    ctx: Context,
    file_type: str,
    file_id: str,
    version_id: Optional[str] = None,
    environment: Optional[str] = None,
    **kwargs: Any,
) -> Dict[str, Any]:
    f = get_file(ctx, file_id, file_type)
    v = resolve_version(ctx, f, version_id, environment)
    return serialize(ctx, f, v, **kwargs)


SORTS = {"created_at": File.created_at, "updated_at": File.updated_at, "name": File.name}


def list_files(
    ctx: Context,
    file_types: Optional[Iterable[str]] = None,
    page: Optional[int] = None,
    size: Optional[int] = None,
    name: Optional[str] = None,
    user_filter: Optional[str] = None,
    sort_by: Optional[str] = None,
    order: Optional[str] = None,
    environment: Optional[str] = None,
    directory: Optional[str] = None,
    template: Optional[bool] = None,
    include_raw_file_content: bool = False,
) -> Dict[str, Any]:
    """One page of Files. ``directory``: only Files at or below that directory path; ``template``:
    only template Files, of which this server has none (true gives an empty page)."""
    stmt = select(File).where(File.org_id == ctx.org_id)
    if template:
        stmt = stmt.where(false())
    if directory:
        prefix = normalise_path(directory, ["query", "path"], bounded=False)
        stmt = stmt.where(File.path.startswith(prefix + "/", autoescape=True))
    types = [t for t in (file_types or []) if t]
    if types:
        stmt = stmt.where(File.type.in_(types))
    if name:
        stmt = stmt.where(func.lower(File.name).contains(name.lower(), autoescape=True))
    env = None
    if environment:
        env = environments.by_name(ctx, environment)
        stmt = stmt.where(File.id.in_(select(Deployment.file_id).where(Deployment.environment_id == env.id)))
    # user_filter matches the creator; files made through this server have none, so nothing to narrow.
    col = SORTS.get(sort_by or "created_at")
    if col is None:
        raise unprocessable(f"sort_by must be one of {sorted(SORTS)}", ["query", "sort_by"])
    if (order or "desc") not in ("asc", "desc"):
        raise unprocessable("order must be asc or desc", ["query", "order"])
    stmt = stmt.order_by(col.asc() if order == "asc" else col.desc(), File.id)
    rows, page, size, total = paginate(ctx.session, stmt, page, size)
    records = []
    shared: Shared = {}
    for f in rows:
        v = deployed_version(ctx, f, env) if env is not None else default_version(ctx, f, shared)
        if v is not None:
            records.append(serialize(ctx, f, v, include_raw_file_content=include_raw_file_content, shared=shared))
    return page_body(records, page, size, total)


def retrieve_by_path(
    ctx: Context, path: str, environment: Optional[str] = None, include_raw_file_content: bool = False
) -> Dict[str, Any]:
    """The File at ``path`` (404 when none) at its version deployed to ``environment``, or its default one."""
    f = file_by_path(ctx, normalise_path(path, bounded=False))
    if f is None:
        raise not_found(f"File at path {path!r}")
    v = resolve_version(ctx, f, environment=environment)
    return serialize(ctx, f, v, include_raw_file_content=include_raw_file_content)


def move(
    ctx: Context, file_type: str, file_id: str, path: Optional[str] = None, name: Optional[str] = None
) -> Dict[str, Any]:
    f = get_file(ctx, file_id, file_type)
    if path:
        new_path = normalise_path(path)
    elif name:
        if "/" in name:
            raise unprocessable("name must not contain '/'", ["body", "name"])
        parent, _ = split_path(f.path)
        new_path = f"{parent}/{name.strip()}" if parent else name.strip()
        check_path(new_path, ["body", "name"])
    else:
        new_path = f.path
    if new_path != f.path:
        other = file_by_path(ctx, new_path)
        if other is not None:
            raise conflict(f"A file already exists at path {new_path!r}")
        if ctx.session.execute(
            select(Directory.id).where(Directory.org_id == ctx.org_id, Directory.path == new_path)
        ).first():
            raise conflict(f"A directory already exists at path {new_path!r}")
        parent_path, new_name = split_path(new_path)
        new_parent = directories.ensure_path(ctx, parent_path)
        f.path = new_path
        f.name = new_name
        f.directory_id = new_parent.id if new_parent else None
        f.updated_at = now()
        ctx.commit()
    return serialize(ctx, f, resolve_version(ctx, f))


def delete(ctx: Context, file_type: str, file_id: str) -> None:
    f = get_file(ctx, file_id, file_type)
    s = ctx.session
    # explicit deletes (no reliance on ON DELETE CASCADE, so the order is the same on every database)
    s.execute(
        sa_delete(MonitoringActivation).where(
            (MonitoringActivation.file_id == f.id) | (MonitoringActivation.evaluator_id == f.id)
        )
    )
    s.execute(sa_delete(Deployment).where(Deployment.file_id == f.id))
    # the file's logs with their judgments and trace descendants, as logs.delete does
    remove_logs_of_file(ctx, f.id)
    if f.type == "dataset":
        s.execute(
            sa_delete(DatasetVersionDatapoint).where(
                DatasetVersionDatapoint.version_id.in_(select(Version.id).where(Version.file_id == f.id))
            )
        )
        s.execute(sa_delete(Datapoint).where(Datapoint.file_id == f.id))
    s.execute(sa_delete(Version).where(Version.file_id == f.id))
    s.delete(f)
    ctx.commit()


def list_versions(
    ctx: Context,
    file_type: str,
    file_id: str,
    status: Optional[str] = None,
    include_datapoints: Optional[str] = None,
    **kwargs: Any,
) -> Dict[str, Any]:
    """The File's versions, newest first. ``include_datapoints`` (Datasets): ``latest_committed`` or
    ``latest_saved`` names the one version that comes with its Datapoints."""
    f = get_file(ctx, file_id, file_type)
    stmt = select(Version).where(Version.file_id == f.id)
    # deleted versions are listed only when asked for by status
    stmt = stmt.where(Version.status == status) if status else stmt.where(Version.status != "deleted")
    rows = list(ctx.session.execute(stmt.order_by(Version.created_at.desc(), Version.id.desc())).scalars())
    full: Optional[Version] = None
    if include_datapoints is not None and f.type == "dataset":
        full = latest_version(ctx, f, committed_only=include_datapoints == "latest_committed")
    return {"records": [serialize(ctx, f, v, include_datapoints=full is not None and v.id == full.id) for v in rows]}


def commit(ctx: Context, file_type: str, file_id: str, version_id: str, commit_message: str) -> Dict[str, Any]:
    reject_nul(commit_message, ["body", "commit_message"])
    f = get_file(ctx, file_id, file_type)
    v = get_version(ctx, f, version_id)
    if v.status == "committed":
        raise Refused("version_already_committed", f"Version {v.id} has already been committed.")
    v.status = "committed"
    v.commit_message = commit_message
    v.committed_at = now()
    f.updated_at = now()
    ctx.commit()
    return serialize(ctx, f, v)


def update_version(
    ctx: Context, file_type: str, file_id: str, version_id: str, name: Optional[str], description: Optional[str]
) -> Dict[str, Any]:
    """Name or describe a version (``PATCH .../versions/{version_id}``); either commits it."""
    f = get_file(ctx, file_id, file_type)
    v = get_version(ctx, f, version_id)
    if name is not None:
        check_text(name, ["body", "name"])
        if not name.strip():
            raise unprocessable("A version name must not be empty", ["body", "name"])
        _check_name_free(ctx, f, name, v.id)
        v.version_name = name
    if description is not None:
        reject_nul(description, ["body", "description"])
        v.commit_message = description
    if name is not None or description is not None:
        _commit_version(v)
        f.updated_at = now()
        try:
            with ctx.session.begin_nested():
                ctx.session.flush()
        except IntegrityError:  # a concurrent request took the name first
            raise _name_taken(f, name or "") from None
    ctx.commit()
    return serialize(ctx, f, v)


def delete_version(ctx: Context, file_type: str, file_id: str, version_id: str) -> None:
    """Delete a version (``DELETE .../versions/{version_id}``): 409 while it is deployed.

    The version is marked ``deleted`` (0.8.6's status) rather than removed, so its Logs, judgments
    and Evaluations keep their version; it leaves the version lists and lookups, and its name is
    freed. Upserting the same content again brings it back (uncommitted, unnamed).
    """
    f = get_file(ctx, file_id, file_type)
    v = get_version(ctx, f, version_id)
    envs = [e["name"] for e in _version_environments(ctx, v)]
    if envs:
        raise conflict(
            f"Version {v.id} is deployed to {', '.join(repr(n) for n in envs)}; "
            "deploy another version or remove the deployment first"
        )
    v.status = "deleted"
    v.version_name = None
    f.updated_at = now()
    ctx.commit()


def set_deployment(ctx: Context, file_type: str, file_id: str, environment_id: str, version_id: str) -> Dict[str, Any]:
    f = get_file(ctx, file_id, file_type)
    env = environments.by_id(ctx, environment_id)
    v = get_version(ctx, f, version_id)
    deploy(ctx, f, env, v)
    ctx.commit()
    return serialize(ctx, f, v)


def deploy(ctx: Context, f: File, env: Environment, v: Version) -> None:
    """Make ``v`` the version of ``f`` deployed to ``env`` (no commit)."""
    dep = ctx.session.execute(
        select(Deployment).where(Deployment.file_id == f.id, Deployment.environment_id == env.id)
    ).scalar_one_or_none()
    if dep is None:
        new = Deployment(file_id=f.id, environment_id=env.id, version_id=v.id, created_at=now())
        row, created = insert_or_get(
            ctx.session,
            new,
            lambda: ctx.session.execute(
                select(Deployment).where(Deployment.file_id == f.id, Deployment.environment_id == env.id)
            ).scalar_one_or_none(),
        )
        if not created:
            row.version_id = v.id
    else:
        dep.version_id = v.id
        dep.created_at = now()
    f.updated_at = now()


def remove_deployment(ctx: Context, file_type: str, file_id: str, environment_id: str) -> None:
    f = get_file(ctx, file_id, file_type)
    env = environments.by_id(ctx, environment_id)
    res = ctx.session.execute(
        sa_delete(Deployment).where(Deployment.file_id == f.id, Deployment.environment_id == env.id)
    )
    if not getattr(res, "rowcount", 0):
        raise not_found(f"Deployment of {f.path!r} to environment {env.name!r}")
    ctx.commit()


def list_environments(ctx: Context, file_type: str, file_id: str) -> List[Dict[str, Any]]:
    f = get_file(ctx, file_id, file_type)
    out = []
    for env in environments.list_all(ctx):
        body = environments.serialize(env)
        v = deployed_version(ctx, f, env)
        body["file"] = serialize(ctx, f, v) if v is not None else None
        out.append(body)
    return out


def _activation_target(ctx: Context, item: Dict[str, Any]) -> "tuple[File, Optional[str], Optional[str]]":
    if item.get("evaluator_version_id"):
        v = get_owned(ctx, Version, item["evaluator_version_id"], "Evaluator version")
        ev = ctx.session.get(File, v.file_id)
        if ev is None or ev.type != "evaluator":
            raise not_found("Evaluator version", item["evaluator_version_id"])
        return ev, v.id, None
    if item.get("evaluator_id"):
        ev = get_file(ctx, item["evaluator_id"], "evaluator")
        env = environments.by_id(ctx, item["environment_id"]) if item.get("environment_id") else None
        return ev, None, env.id if env else None
    raise unprocessable(
        "each item needs evaluator_version_id, or evaluator_id and environment_id", ["body", "activate"]
    )


def update_monitoring(
    ctx: Context,
    file_type: str,
    file_id: str,
    activate: Optional[List[Dict[str, Any]]] = None,
    deactivate: Optional[List[Dict[str, Any]]] = None,
) -> Dict[str, Any]:
    f = get_file(ctx, file_id, file_type)
    for item in activate or []:
        ev, ev_version, env_id = _activation_target(ctx, item)
        act = ctx.session.execute(
            select(MonitoringActivation).where(
                MonitoringActivation.file_id == f.id, MonitoringActivation.evaluator_id == ev.id
            )
        ).scalar_one_or_none()
        if act is None:
            act = MonitoringActivation(file_id=f.id, evaluator_id=ev.id, created_at=now())
            ctx.session.add(act)
        act.evaluator_version_id = ev_version
        act.environment_id = env_id
        act.state = "active"
        act.updated_at = now()
    for item in deactivate or []:
        ev, _, _ = _activation_target(ctx, item)
        act = ctx.session.execute(
            select(MonitoringActivation).where(
                MonitoringActivation.file_id == f.id, MonitoringActivation.evaluator_id == ev.id
            )
        ).scalar_one_or_none()
        if act is not None:
            act.state = "inactive"
            act.updated_at = now()
    ctx.commit()
    return serialize(ctx, f, resolve_version(ctx, f))
