"""Datasets: versions are sets of datapoints; identical datapoints are stored once per Dataset."""

import csv
import functools
import io
import json
from typing import Any, Dict, List, Optional, Tuple

from sqlalchemy import select

from .. import ids
from ..db.models import Datapoint, DatasetVersionDatapoint, File, Version
from . import files
from .common import (
    canonical_json,
    content_hash,
    drop_none,
    insert_or_get,
    not_found,
    page_body,
    paginate,
    reject_nul,
    unprocessable,
)
from .context import Context
from .datapoints import serialize_datapoint

_CHUNK = 500


def _datapoint_content(dp: Dict[str, Any]) -> Dict[str, Any]:
    return drop_none(
        {
            "inputs": dp.get("inputs") or {},
            "messages": dp.get("messages") or None,
            "target": dp.get("target") or None,
        }
    )


def _kernel(hashes: List[str], attributes: Optional[Dict[str, Any]]) -> Dict[str, Any]:
    kernel: Dict[str, Any] = {
        "datapoints_hash": content_hash(sorted(hashes)),
        "datapoints_count": len(hashes),
    }
    if attributes:
        kernel["attributes"] = attributes
    return kernel


def _version_hashes(ctx: Context, v: Optional[Version]) -> List[Tuple[str, str]]:
    """(content_hash, datapoint_id) of a version, in position order."""
    if v is None:
        return []
    rows = ctx.session.execute(
        select(Datapoint.content_hash, Datapoint.id)
        .join(DatasetVersionDatapoint, DatasetVersionDatapoint.datapoint_id == Datapoint.id)
        .where(DatasetVersionDatapoint.version_id == v.id)
        .order_by(DatasetVersionDatapoint.position)
    ).all()
    return [(h, i) for h, i in rows]


def _datapoint_by_hash(ctx: Context, file_id: str, content: str) -> Optional[Datapoint]:
    return ctx.session.execute(
        select(Datapoint).where(Datapoint.file_id == file_id, Datapoint.content_hash == content)
    ).scalar_one_or_none()


def _ensure_datapoints(ctx: Context, f: File, contents: Dict[str, Dict[str, Any]]) -> Dict[str, str]:
    """content hash -> datapoint id, inserting the new ones."""
    wanted = list(contents)
    found: Dict[str, str] = {}
    for i in range(0, len(wanted), _CHUNK):
        chunk = wanted[i : i + _CHUNK]
        for h, dp_id in ctx.session.execute(
            select(Datapoint.content_hash, Datapoint.id).where(
                Datapoint.file_id == f.id, Datapoint.content_hash.in_(chunk)
            )
        ):
            found[h] = dp_id
    missing = [h for h in wanted if h not in found]
    for h in missing:
        c = contents[h]
        dp = Datapoint(
            id=ids.new_id("dp"),
            file_id=f.id,
            content_hash=h,
            inputs=c.get("inputs") or {},
            messages=c.get("messages"),
            target=c.get("target"),
        )
        row, _ = insert_or_get(
            ctx.session,
            dp,
            functools.partial(_datapoint_by_hash, ctx, f.id, h),
        )
        found[h] = row.id
    return found


def _make_version(
    ctx: Context,
    f: File,
    ordered: List[Tuple[str, Dict[str, Any]]],
    attributes: Optional[Dict[str, Any]],
    commit_message: Optional[str],
) -> Version:
    """``ordered``: unique (hash, content) pairs in datapoint order."""
    hashes = [h for h, _ in ordered]
    kernel = _kernel(hashes, attributes)
    khash = content_hash(kernel)
    existing = ctx.session.execute(
        select(Version).where(Version.file_id == f.id, Version.kernel_hash == khash)
    ).scalar_one_or_none()
    if existing is not None:
        v, _ = files.ensure_version(ctx, f, kernel, commit_message, khash=khash)
        return v
    dp_ids = _ensure_datapoints(ctx, f, {h: c for h, c in ordered})
    v, created = files.ensure_version(ctx, f, kernel, commit_message, khash=khash)
    if created:
        ctx.session.add_all(
            [DatasetVersionDatapoint(version_id=v.id, datapoint_id=dp_ids[h], position=i) for i, h in enumerate(hashes)]
        )
        ctx.session.flush()
    return v


def _base_version(
    ctx: Context, f: Optional[File], version_id: Optional[str], environment: Optional[str]
) -> Optional[Version]:
    if f is None:
        if version_id or environment:
            raise not_found("Dataset")
        return None
    if version_id or environment:
        return files.resolve_version(ctx, f, version_id, environment)
    return files.default_version(ctx, f)


def _unique(datapoints: List[Dict[str, Any]]) -> List[Tuple[str, Dict[str, Any]]]:
    out: List[Tuple[str, Dict[str, Any]]] = []
    seen = set()
    for dp in datapoints:
        c = _datapoint_content(dp)
        h = content_hash(c)
        if h not in seen:
            seen.add(h)
            out.append((h, c))
    return out


def upsert(
    ctx: Context, data: Dict[str, Any], version_id: Optional[str] = None, environment: Optional[str] = None
) -> Dict[str, Any]:
    action = data.get("action") or "set"
    if action not in ("set", "add", "remove"):
        raise unprocessable("action must be one of set, add, remove", ["body", "action"])
    existing = files.find_file(ctx, "dataset", data.get("id"), data.get("path"))
    incoming = _unique(list(data.get("datapoints") or []))
    attributes = data.get("attributes")
    base = None if action == "set" else _base_version(ctx, existing, version_id, environment)
    if base is not None and attributes is None:
        attributes = (base.kernel or {}).get("attributes")
    if action == "set":
        ordered = incoming
    else:
        base_pairs = _version_hashes(ctx, base)
        base_hashes = [h for h, _ in base_pairs]
        if action == "add":
            have = set(base_hashes)
            base_contents = _contents(ctx, [i for _, i in base_pairs])
            ordered = [(h, base_contents[h]) for h in base_hashes]
            ordered += [(h, c) for h, c in incoming if h not in have]
        else:
            drop = {h for h, _ in incoming}
            keep = [(h, i) for h, i in base_pairs if h not in drop]
            base_contents = _contents(ctx, [i for _, i in keep])
            ordered = [(h, base_contents[h]) for h, _ in keep]
    f = existing or files.ensure_file(ctx, "dataset", data.get("id"), data.get("path"))
    v = _make_version(ctx, f, ordered, attributes, data.get("commit_message"))
    ctx.commit()
    return files.serialize(ctx, f, v)


def _contents(ctx: Context, dp_ids: List[str]) -> Dict[str, Dict[str, Any]]:
    out: Dict[str, Dict[str, Any]] = {}
    for i in range(0, len(dp_ids), _CHUNK):
        for dp in ctx.session.execute(select(Datapoint).where(Datapoint.id.in_(dp_ids[i : i + _CHUNK]))).scalars():
            out[dp.content_hash] = drop_none({"inputs": dp.inputs or {}, "messages": dp.messages, "target": dp.target})
    return out


def list_datapoints(
    ctx: Context,
    dataset_id: str,
    version_id: Optional[str] = None,
    environment: Optional[str] = None,
    page: Optional[int] = None,
    size: Optional[int] = None,
) -> Dict[str, Any]:
    f = files.get_file(ctx, dataset_id, "dataset")
    v = files.resolve_version(ctx, f, version_id, environment)
    stmt = (
        select(Datapoint)
        .join(DatasetVersionDatapoint, DatasetVersionDatapoint.datapoint_id == Datapoint.id)
        .where(DatasetVersionDatapoint.version_id == v.id)
        .order_by(DatasetVersionDatapoint.position)
    )
    rows, page, size, total = paginate(ctx.session, stmt, page, 50 if size is None else size)
    return page_body([serialize_datapoint(d) for d in rows], page, size, total)


def _parse_target(cell: str) -> Optional[Dict[str, Any]]:
    if cell is None or cell == "":
        return None
    try:
        parsed = json.loads(cell)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        return parsed
    return {"output": cell}


def parse_csv(raw: bytes) -> List[Dict[str, Any]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise unprocessable("the CSV file must be UTF-8 encoded", ["body", "file"]) from exc
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise unprocessable("the CSV file has no header row", ["body", "file"])
    out = []
    try:
        for row in reader:
            inputs: Dict[str, Any] = {}
            dp: Dict[str, Any] = {}
            for col, cell in row.items():
                if col is None:
                    raise unprocessable("a CSV row has more cells than the header", ["body", "file"])
                if col == "target":
                    dp["target"] = _parse_target(cell)
                elif col == "messages":
                    try:
                        msgs = json.loads(cell) if cell else None
                    except ValueError:
                        msgs = None
                    if isinstance(msgs, list):
                        dp["messages"] = msgs
                    elif cell:
                        inputs[col] = cell
                else:
                    inputs[col] = "" if cell is None else cell
            dp["inputs"] = inputs
            out.append(dp)
    except csv.Error as exc:
        raise unprocessable(f"invalid CSV: {exc}", ["body", "file"]) from exc
    return out


def upload_csv(
    ctx: Context,
    dataset_id: str,
    raw: bytes,
    commit_message: str,
    version_id: Optional[str] = None,
    environment: Optional[str] = None,
) -> Dict[str, Any]:
    reject_nul(commit_message, ["body", "commit_message"])
    rows = parse_csv(raw)
    reject_nul(rows, ["body", "file"])
    f = files.get_file(ctx, dataset_id, "dataset")
    base = _base_version(ctx, f, version_id, environment)
    base_pairs = _version_hashes(ctx, base)
    have = {h for h, _ in base_pairs}
    base_contents = _contents(ctx, [i for _, i in base_pairs])
    ordered = [(h, base_contents[h]) for h, _ in base_pairs]
    for h, c in _unique(rows):
        if h not in have:
            ordered.append((h, c))
            have.add(h)
    attributes = (base.kernel or {}).get("attributes") if base is not None else None
    v = _make_version(ctx, f, ordered, attributes, commit_message)
    ctx.commit()
    return files.serialize(ctx, f, v)


__all__ = ["upsert", "list_datapoints", "upload_csv", "parse_csv", "canonical_json"]
