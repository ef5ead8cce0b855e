"""Read models for the web app: what its pages show, in as few queries as a page needs.

The API's wire forms (``files.serialize``, ``logs.serialize``) carry everything a client may ask
for, counts and nested Files included, which is too much for a table of fifty Logs or a tree of
every File. These functions return plain dicts shaped for the pages instead, with the same
tenancy rules: every id comes through ``tenancy.get_owned`` / ``find_owned`` (or a service that
uses them), every query of Logs names the organisation.

Logs are paged by keyset ("older" / "newer" than a cursor of ``created_at`` and ``id``), never by
counting, so a File with millions of Logs pages as fast as one with ten.
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any, Dict, Iterable, List, Optional, Tuple

from sqlalchemy import func, select, tuple_

from ..db.models import (
    Deployment,
    Directory,
    Environment,
    Evaluation,
    File,
    Log,
    MonitoringActivation,
    Organization,
    Version,
)
from . import environments, files, logs
from .common import iso, unprocessable
from .context import Context
from .evaluations import report
from .evaluations.lookup import get_evaluation
from .evaluations.state import load_state
from .tenancy import find_owned, get_owned

#: the columns a row of the Logs table needs (never the provider payloads)
ROW_COLUMNS = (
    Log.id,
    Log.created_at,
    Log.version_id,
    Log.inputs,
    Log.output,
    Log.error,
    Log.prompt_tokens,
    Log.output_tokens,
    Log.prompt_cost,
    Log.output_cost,
    Log.provider_latency,
    Log.start_time,
    Log.end_time,
    Log.trace_id,
    Log.trace_parent_id,
    Log.trace_status,
    Log.environment,
)


def organization_name(ctx: Context) -> str:
    org = ctx.session.get(Organization, ctx.org_id)
    return org.name if org is not None else ctx.org_id


# ---------------------------------------------------------------- the tree of Files


def _counts(ctx: Context, key: Any, ids: List[str], *where: Any) -> Dict[str, int]:
    """Rows per value of ``key`` (``count(*)``, so an index holding ``key`` answers it alone)."""
    out: Dict[str, int] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        rows = ctx.session.execute(select(key, func.count()).where(key.in_(chunk), *where).group_by(key))
        out.update({str(k): int(n) for k, n in rows})
    return out


def tree(ctx: Context, search: Optional[str] = None) -> Dict[str, Any]:
    """Every directory and File of the organisation as a nested tree, with version and Log counts.

    With ``search``, only Files whose path contains it (case-insensitively) and their directories.
    """
    stmt = select(File).where(File.org_id == ctx.org_id)
    if search:
        stmt = stmt.where(func.lower(File.path).contains(search.lower(), autoescape=True))
    file_rows = list(ctx.session.execute(stmt.order_by(File.path)).scalars())
    dirs = list(
        ctx.session.execute(select(Directory).where(Directory.org_id == ctx.org_id).order_by(Directory.path)).scalars()
    )
    ids = [f.id for f in file_rows]
    version_counts = _counts(ctx, Version.file_id, ids, Version.status != "deleted")
    log_counts = _counts(ctx, Log.file_id, ids, Log.org_id == ctx.org_id)
    nodes: Dict[Optional[str], Dict[str, Any]] = {None: {"id": None, "name": "", "path": "", "dirs": [], "files": []}}
    for d in dirs:
        nodes[d.id] = {"id": d.id, "name": d.name, "path": d.path, "dirs": [], "files": [], "parent": d.parent_id}
    for f in file_rows:
        parent = nodes.get(f.directory_id) or nodes[None]
        parent["files"].append(
            {
                "id": f.id,
                "name": f.name,
                "path": f.path,
                "type": f.type,
                "versions": version_counts.get(f.id, 0),
                "logs": log_counts.get(f.id, 0),
                "updated_at": f.updated_at,
            }
        )
    for d in dirs:
        (nodes.get(d.parent_id) or nodes[None])["dirs"].append(nodes[d.id])

    def count(node: Dict[str, Any]) -> int:
        node["total"] = len(node["files"]) + sum(count(child) for child in node["dirs"])
        return int(node["total"])

    count(nodes[None])
    if search:
        _prune(nodes[None])
    return {"root": nodes[None], "matches": len(file_rows)}


def _prune(node: Dict[str, Any]) -> None:
    node["dirs"] = [d for d in node["dirs"] if d["total"]]
    for d in node["dirs"]:
        _prune(d)


# ---------------------------------------------------------------- one File


def version_labels(ctx: Context, f: File) -> Dict[str, str]:
    """Version id -> "v1", "v2", ... in order of creation (what the pages call versions)."""
    rows = ctx.session.execute(
        select(Version.id).where(Version.file_id == f.id).order_by(Version.created_at, Version.id)
    ).scalars()
    return {vid: f"v{i}" for i, vid in enumerate(rows, start=1)}


def file_overview(ctx: Context, file_id: str) -> Dict[str, Any]:
    """A File with its versions (newest first), environments, deployments and monitoring Evaluators.

    Deleted versions are not listed (nor offered for deploying or comparing); their Logs still count
    in the File's total, and their labels stay taken, so Logs keep showing the label they had."""
    f = files.get_file(ctx, file_id)
    every = list(
        ctx.session.execute(
            select(Version).where(Version.file_id == f.id).order_by(Version.created_at.desc(), Version.id.desc())
        ).scalars()
    )
    versions = [v for v in every if v.status != "deleted"]
    labels = version_labels(ctx, f)
    per_version = _counts(ctx, Log.version_id, [v.id for v in every], Log.org_id == ctx.org_id)
    envs = environments.list_all(ctx)
    deployed = {
        env_id: version_id
        for env_id, version_id in ctx.session.execute(
            select(Deployment.environment_id, Deployment.version_id).where(Deployment.file_id == f.id)
        )
    }
    env_rows = [
        {
            "id": e.id,
            "name": e.name,
            "tag": e.tag,
            "version_id": deployed.get(e.id),
            "version_label": labels.get(deployed.get(e.id) or ""),
        }
        for e in envs
    ]
    default = files.default_version(ctx, f)
    return {
        "file": _file_dict(f),
        "versions": [
            {
                "id": v.id,
                "label": labels[v.id],
                "status": v.status,
                "commit_message": v.commit_message,
                "created_at": v.created_at,
                "logs": per_version.get(v.id, 0),
                "environments": [e["name"] for e in env_rows if e["version_id"] == v.id],
                "kernel": v.kernel or {},
            }
            for v in versions
        ],
        "default_version_id": default.id if default is not None else None,
        "environments": env_rows,
        "monitoring": _monitoring(ctx, f),
        "logs": sum(per_version.values()),
        "evaluations": int(
            ctx.session.execute(
                select(func.count(Evaluation.id)).where(Evaluation.org_id == ctx.org_id, Evaluation.file_id == f.id)
            ).scalar_one()
        ),
    }


def _file_dict(f: File) -> Dict[str, Any]:
    return {"id": f.id, "path": f.path, "name": f.name, "type": f.type, "directory_id": f.directory_id}


def _monitoring(ctx: Context, f: File) -> List[Dict[str, Any]]:
    out = []
    for act in ctx.session.execute(
        select(MonitoringActivation).where(MonitoringActivation.file_id == f.id).order_by(MonitoringActivation.id)
    ).scalars():
        evaluator = ctx.session.get(File, act.evaluator_id)
        if evaluator is None:
            continue
        env = ctx.session.get(Environment, act.environment_id) if act.environment_id else None
        if act.evaluator_version_id:
            follows = f"version {act.evaluator_version_id}"
        elif env is not None:
            follows = f"the version deployed to {env.name}"
        else:
            follows = "its default version"
        out.append({"evaluator": _file_dict(evaluator), "state": act.state, "follows": follows})
    return out


def version_of(ctx: Context, file_id: str, version_id: str) -> Dict[str, Any]:
    """One version of a File: its label, status and kernel."""
    f = files.get_file(ctx, file_id)
    v = files.get_version(ctx, f, version_id)
    return {
        "id": v.id,
        "label": version_labels(ctx, f).get(v.id, v.id),
        "status": v.status,
        "commit_message": v.commit_message,
        "created_at": v.created_at,
        "kernel": v.kernel or {},
    }


# ---------------------------------------------------------------- Logs of a File


def encode_cursor(created_at: dt.datetime, log_id: str) -> str:
    raw = f"{iso(created_at)}|{log_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> Tuple[dt.datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        when, log_id = raw.split("|", 1)
        parsed = dt.datetime.fromisoformat(when)
    except (ValueError, UnicodeDecodeError):
        raise unprocessable(
            "this page link is damaged; start again from the newest Logs", ["query", "cursor"]
        ) from None
    return parsed, log_id


def log_rows(
    ctx: Context,
    file_id: str,
    *,
    before: Optional[str] = None,
    after: Optional[str] = None,
    limit: int = 50,
    **filters: Any,
) -> Dict[str, Any]:
    """One page of a File's Logs, newest first, with the filters of ``logs.list``.

    ``before``: the page of Logs older than that cursor; ``after``: the page newer than it. The
    answer names the cursors of the neighbouring pages (``older`` / ``newer``, None at an end).
    """
    f = files.get_file(ctx, file_id)
    stmt = logs.filtered(ctx, f, **filters).with_only_columns(*ROW_COLUMNS)
    newest_first = True
    if before:
        when, ident = decode_cursor(before)
        stmt = stmt.where(tuple_(Log.created_at, Log.id) < tuple_(when, ident))
    elif after:
        when, ident = decode_cursor(after)
        stmt = stmt.where(tuple_(Log.created_at, Log.id) > tuple_(when, ident))
        newest_first = False
    order = (Log.created_at.desc(), Log.id.desc()) if newest_first else (Log.created_at.asc(), Log.id.asc())
    rows = list(ctx.session.execute(stmt.order_by(*order).limit(limit + 1)).mappings())
    more = len(rows) > limit
    rows = rows[:limit]
    if not newest_first:
        rows.reverse()
    labels = version_labels(ctx, f)
    judged = _latest_judgments(ctx, [r["id"] for r in rows])
    records = [_row(r, labels, judged.get(r["id"], [])) for r in rows]
    older = newer = None
    if records:
        first, last = rows[0], rows[-1]
        if (newest_first and more) or (not newest_first and (after is not None)):
            older = encode_cursor(last["created_at"], last["id"])
        if (not newest_first and more) or (newest_first and before is not None):
            newer = encode_cursor(first["created_at"], first["id"])
    # the version filter offers the versions that are not deleted; Logs of deleted ones keep their label
    live = set(
        ctx.session.execute(select(Version.id).where(Version.file_id == f.id, Version.status != "deleted")).scalars()
    )
    choices = {vid: label for vid, label in labels.items() if vid in live}
    return {"file": _file_dict(f), "records": records, "older": older, "newer": newer, "versions": choices}


def _latency(start: Optional[dt.datetime], end: Optional[dt.datetime], provider: Optional[float]) -> Optional[float]:
    if provider is not None:
        return float(provider)
    if start is not None and end is not None:
        return (end - start).total_seconds()
    return None


def _cost(prompt: Optional[float], output: Optional[float]) -> Optional[float]:
    if prompt is None and output is None:
        return None
    return (prompt or 0.0) + (output or 0.0)


def _row(r: Any, labels: Dict[str, str], judgments: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {
        "id": r["id"],
        "created_at": r["created_at"],
        "version_id": r["version_id"],
        "version_label": labels.get(r["version_id"], r["version_id"]),
        "inputs": r["inputs"] or {},
        "output": r["output"],
        "error": r["error"],
        "tokens": (r["prompt_tokens"] or 0) + (r["output_tokens"] or 0)
        if r["prompt_tokens"] is not None or r["output_tokens"] is not None
        else None,
        "cost": _cost(r["prompt_cost"], r["output_cost"]),
        "latency": _latency(r["start_time"], r["end_time"], r["provider_latency"]),
        "in_trace": r["trace_parent_id"] is not None,
        "trace_status": r["trace_status"],
        "environment": r["environment"],
        "judgments": judgments,
    }


def _evaluator_names(ctx: Context, file_ids: Iterable[str]) -> Dict[str, str]:
    wanted = sorted(set(file_ids))
    if not wanted:
        return {}
    rows = ctx.session.execute(select(File.id, File.path).where(File.org_id == ctx.org_id, File.id.in_(wanted)))
    return {str(i): str(p) for i, p in rows}


def _latest_judgments(ctx: Context, log_ids: List[str]) -> Dict[str, List[Dict[str, Any]]]:
    """Per judged Log: the latest judgment of each Evaluator (name, value, error)."""
    if not log_ids:
        return {}
    rows = list(
        ctx.session.execute(
            select(Log.parent_id, Log.file_id, Log.judgment, Log.error, Log.received_at)
            .where(Log.org_id == ctx.org_id, Log.parent_id.in_(log_ids))
            .order_by(Log.received_at, Log.id)
        )
    )
    names = _evaluator_names(ctx, (r[1] for r in rows))
    latest: Dict[str, Dict[str, Dict[str, Any]]] = {}
    for parent_id, evaluator_id, judgment, error, _when in rows:
        latest.setdefault(str(parent_id), {})[str(evaluator_id)] = {
            "evaluator": names.get(str(evaluator_id), str(evaluator_id)).rsplit("/", 1)[-1],
            "evaluator_path": names.get(str(evaluator_id), str(evaluator_id)),
            "judgment": judgment,
            "error": error,
        }
    return {k: list(v.values()) for k, v in latest.items()}


# ---------------------------------------------------------------- one Log and its trace

#: a trace shown on one page holds at most this many Logs
TRACE_LIMIT = 500


def _node(log: Log, names: Dict[str, Tuple[str, str]], labels: Dict[str, str]) -> Dict[str, Any]:
    path, file_type = names.get(log.file_id, (log.file_id, log.file_type))
    return {
        "id": log.id,
        "file_id": log.file_id,
        "path": path,
        "type": file_type,
        "version_id": log.version_id,
        "version_label": labels.get(log.version_id, ""),
        "created_at": log.created_at,
        "start_time": log.start_time,
        "end_time": log.end_time,
        "inputs": log.inputs or {},
        "output": log.output,
        "error": log.error,
        "messages": log.messages,
        "output_message": log.output_message,
        "latency": _latency(log.start_time, log.end_time, log.provider_latency),
        "trace_status": log.trace_status,
        "children": [],
    }


def log_detail(ctx: Context, log_id: str) -> Dict[str, Any]:
    """A Log with its File and version, its judgments, and the whole trace it belongs to."""
    log = get_owned(ctx, Log, log_id, "Log")
    f = files.get_file(ctx, log.file_id)
    v = files.get_version(ctx, f, log.version_id)
    labels = version_labels(ctx, f)
    body: Dict[str, Any] = {
        "id": log.id,
        "file": _file_dict(f),
        "version": {"id": v.id, "label": labels.get(v.id, v.id), "status": v.status, "kernel": v.kernel or {}},
        "created_at": log.created_at,
        "start_time": log.start_time,
        "end_time": log.end_time,
        "inputs": log.inputs or {},
        "messages": log.messages,
        "output": log.output,
        "output_message": log.output_message,
        "error": log.error,
        "metadata": log.log_metadata,
        "judgment": log.judgment,
        "prompt_tokens": log.prompt_tokens,
        "output_tokens": log.output_tokens,
        "cost": _cost(log.prompt_cost, log.output_cost),
        "prompt_cost": log.prompt_cost,
        "output_cost": log.output_cost,
        "latency": _latency(log.start_time, log.end_time, log.provider_latency),
        "provider_latency": log.provider_latency,
        "finish_reason": log.finish_reason,
        "environment": log.environment,
        "source": log.source,
        "user": log.user,
        "trace_status": log.trace_status,
        "source_datapoint_id": log.source_datapoint_id,
        "evaluation_id": log.evaluation_id if find_owned(ctx, Evaluation, log.evaluation_id) else None,
        "batch_id": log.batch_id,
        "judged_log_id": log.parent_id if log.parent_id and find_owned(ctx, Log, log.parent_id) else None,
        "judgments": judgments_of(ctx, log.id),
    }
    body["trace"] = _trace(ctx, log)
    return body


def require_log(ctx: Context, log_id: str) -> str:
    """The id of the caller's Log ``log_id``; NotFound for another organisation's or an unknown one."""
    return get_owned(ctx, Log, log_id, "Log").id


def judgments_of(ctx: Context, log_id: str) -> List[Dict[str, Any]]:
    """Every judgment given on a Log, oldest first (an Evaluator may judge a Log more than once)."""
    log = get_owned(ctx, Log, log_id, "Log")
    rows = list(
        ctx.session.execute(
            select(Log).where(Log.org_id == ctx.org_id, Log.parent_id == log.id).order_by(Log.received_at, Log.id)
        ).scalars()
    )
    names = _evaluator_names(ctx, (j.file_id for j in rows))
    return [
        {
            "id": j.id,
            "evaluator_id": j.file_id,
            "evaluator_path": names.get(j.file_id, j.file_id),
            "version_id": j.version_id,
            "judgment": j.judgment,
            "error": j.error,
            "created_at": j.created_at,
            "source": j.source,
        }
        for j in rows
    ]


def _trace(ctx: Context, log: Log) -> Optional[Dict[str, Any]]:
    """The trace of ``log`` as a tree from its root, or None for a Log outside any trace."""
    root = find_owned(ctx, Log, log.trace_id) if log.trace_id else None
    if root is None:
        has_children = ctx.session.execute(
            select(Log.id).where(Log.org_id == ctx.org_id, Log.trace_parent_id == log.id).limit(1)
        ).first()
        if not has_children:
            return None
        root = log
    members = list(
        ctx.session.execute(
            select(Log)
            .where(Log.org_id == ctx.org_id, Log.trace_id == root.id, Log.id != root.id)
            .order_by(Log.created_at, Log.received_at, Log.id)
            .limit(TRACE_LIMIT)
        ).scalars()
    )
    everyone = [root, *members]
    file_ids = sorted({m.file_id for m in everyone})
    names = {
        str(i): (str(p), str(t))
        for i, p, t in ctx.session.execute(
            select(File.id, File.path, File.type).where(File.org_id == ctx.org_id, File.id.in_(file_ids))
        )
    }
    labels: Dict[str, str] = {}
    for fid in file_ids:
        rows = ctx.session.execute(
            select(Version.id).where(Version.file_id == fid).order_by(Version.created_at, Version.id)
        ).scalars()
        labels.update({vid: f"v{i}" for i, vid in enumerate(rows, start=1)})
    nodes = {m.id: _node(m, names, labels) for m in everyone}
    for m in members:
        parent = nodes.get(m.trace_parent_id or "") or nodes[root.id]
        parent["children"].append(nodes[m.id])
    return {"root": nodes[root.id], "size": len(everyone), "truncated": len(members) >= TRACE_LIMIT}


# ---------------------------------------------------------------- human feedback


def human_evaluators(ctx: Context) -> List[Dict[str, Any]]:
    """The organisation's human Evaluators (their default versions), the seeded ``rating`` first."""
    out = []
    for f in ctx.session.execute(
        select(File).where(File.org_id == ctx.org_id, File.type == "evaluator").order_by(File.path)
    ).scalars():
        v = files.default_version(ctx, f)
        spec = (v.kernel or {}).get("spec") or {} if v is not None else {}
        if v is None or spec.get("evaluator_type") != "human":
            continue
        out.append(
            {
                "id": f.id,
                "path": f.path,
                "version_id": v.id,
                "return_type": spec.get("return_type") or "select",
                "options": [o.get("name") for o in spec.get("options") or [] if isinstance(o, dict)],
                "instructions": spec.get("instructions"),
            }
        )
    out.sort(key=lambda e: (e["path"] != files.RATING_PATH, e["path"]))
    return out


# ---------------------------------------------------------------- Evaluations


def evaluations_of(ctx: Context, file_id: str) -> List[Dict[str, Any]]:
    """The Evaluations of a File, newest first, with their status and Dataset."""
    f = files.get_file(ctx, file_id)
    out = []
    for ev in ctx.session.execute(
        select(Evaluation)
        .where(Evaluation.org_id == ctx.org_id, Evaluation.file_id == f.id)
        .order_by(Evaluation.created_at.desc(), Evaluation.id)
    ).scalars():
        state = load_state(ctx, ev)
        dataset = ctx.session.get(File, ev.dataset_file_id) if ev.dataset_file_id else None
        out.append(
            {
                "id": ev.id,
                "name": ev.name,
                "status": state.status(),
                "created_at": ev.created_at,
                "dataset": dataset.path if dataset is not None else None,
                "columns": len(state.evaluatees),
                "evaluators": len(state.evaluators),
                "datapoints": len(state.datapoints),
            }
        )
    return out


def evaluation_grid(ctx: Context, evaluation_id: str, page: int = 1, size: int = 20) -> Dict[str, Any]:
    """An Evaluation's columns (evaluated versions and batches), Evaluators, and one page of rows:
    each datapoint with the Log of every column and that Log's judgments; with its statistics
    (``stats``, from ``services.evaluations.stats``)."""
    if page < 1 or size < 1:
        raise unprocessable("page and size must be at least 1", ["query", "page"])
    ev = get_evaluation(ctx, evaluation_id)
    state = load_state(ctx, ev)
    evaluated = ctx.session.get(File, ev.file_id)
    dataset = ctx.session.get(File, ev.dataset_file_id) if ev.dataset_file_id else None
    label_cache: Dict[str, Dict[str, str]] = {}

    def describe(version_id: Optional[str]) -> Dict[str, Any]:
        v = ctx.session.get(Version, version_id) if version_id else None
        f = ctx.session.get(File, v.file_id) if v is not None else None
        if v is None or f is None:
            return {"version_id": version_id, "path": "?", "label": version_id or "no version yet", "file_id": None}
        if f.id not in label_cache:
            label_cache[f.id] = version_labels(ctx, f)
        return {
            "version_id": v.id,
            "file_id": f.id,
            "path": f.path,
            "label": label_cache[f.id].get(v.id, v.id),
            "commit_message": v.commit_message,
            "spec": (v.kernel or {}).get("spec") or {},
        }

    columns = []
    for ee in state.evaluatees:
        d = describe(ee.version_id)
        d.update({"batch_id": ee.batch_id, "key": ee.id})
        columns.append(d)
    evaluators = [describe(e.evaluator_version_id) for e in state.evaluators]
    chosen = state.datapoints[(page - 1) * size : page * size]
    rows = []
    for dp in chosen:
        cells = []
        for ee in state.evaluatees:
            log = state.current[ee.id].get(dp.id)
            judged = []
            for e in state.evaluators:
                j = state.judgments.get((log.id, e.evaluator_version_id)) if log is not None else None
                judged.append({"judgment": j.judgment if j is not None else None, "error": j.error if j else None})
            cells.append(
                {
                    "log_id": log.id if log is not None else None,
                    "output": log.output if log is not None else None,
                    "error": log.error if log is not None else None,
                    "judgments": judged,
                }
            )
        rows.append(
            {"id": dp.id, "inputs": dp.inputs or {}, "messages": dp.messages, "target": dp.target, "cells": cells}
        )
    return {
        "id": ev.id,
        "name": ev.name,
        "status": state.status(),
        "created_at": ev.created_at,
        "file": _file_dict(evaluated) if evaluated is not None else None,
        "dataset": _file_dict(dataset) if dataset is not None else None,
        "columns": columns,
        "evaluators": evaluators,
        "rows": rows,
        "page": page,
        "size": size,
        "total_rows": len(state.datapoints),
        "stats": report.stats(ctx, ev.id, state=state),
    }
