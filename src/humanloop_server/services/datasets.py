"""Datasets: versions are sets of datapoints; identical datapoints are stored once per Dataset."""

import csv
import dataclasses
import functools
import io
from typing import Any, BinaryIO, Callable, Dict, Iterable, Iterator, List, Optional, Set, Tuple

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from .. import ids
from ..db.models import Datapoint, DatasetVersionDatapoint, File, Version, table_of
from . import files
from .common import (
    canonical_json,
    conflict,
    content_hash,
    drop_none,
    insert_or_get,
    loads_strict,
    normalise_path,
    not_found,
    now,
    page_body,
    paginate,
    reject_nul,
    unprocessable,
)
from .context import Context
from .datapoints import serialize_datapoint

#: content hashes per ``IN (...)`` lookup
_CHUNK = 500
#: new datapoints stored per write transaction: a large upload commits batch by batch (the last
#: batch with the version), so other writers wait for the write lock at most one batch at a time
BATCH = 2000
#: rows of a version's datapoint list per INSERT (the statement's parameters are held in memory)
_MEMBER_ROWS = 10_000

#: (content hash, content) of a datapoint
Pair = Tuple[str, Dict[str, Any]]

# many rows are inserted as plain rows (Core), which is several times faster than through the ORM
_DATAPOINTS = table_of(Datapoint)
_MEMBERS = table_of(DatasetVersionDatapoint)


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


def _existing_ids(ctx: Context, file_id: str, hashes: Iterable[str]) -> Dict[str, str]:
    """content hash -> id of the datapoints of the Dataset among ``hashes``."""
    wanted = list(hashes)
    found: Dict[str, str] = {}
    for i in range(0, len(wanted), _CHUNK):
        rows = ctx.session.execute(
            select(Datapoint.content_hash, Datapoint.id).where(
                Datapoint.file_id == file_id, Datapoint.content_hash.in_(wanted[i : i + _CHUNK])
            )
        )
        found.update({h: dp_id for h, dp_id in rows})
    return found


def _datapoint_by_hash(ctx: Context, file_id: str, content: str) -> Optional[Datapoint]:
    return ctx.session.execute(
        select(Datapoint).where(Datapoint.file_id == file_id, Datapoint.content_hash == content)
    ).scalar_one_or_none()


def _new_rows(batch: List[Pair]) -> List[Dict[str, Any]]:
    """Rows for new datapoints, made before the write transaction that inserts them (ids included)."""
    return [
        {
            "id": ids.new_id("dp"),
            "content_hash": h,
            "inputs": c.get("inputs") or {},
            "messages": c.get("messages"),
            "target": c.get("target"),
            "created_at": now(),
        }
        for h, c in batch
    ]


def _insert_datapoints(ctx: Context, file_id: str, rows: List[Dict[str, Any]]) -> Dict[str, str]:
    """Store datapoints the Dataset lacked when it was read (no commit); content hash -> id of each.

    All at once; when another request stored some of the same content meanwhile (a unique
    violation), one by one, each taking the stored row where there is one.
    """
    for row in rows:
        row["file_id"] = file_id
    if not rows:
        return {}
    try:
        with ctx.session.begin_nested():
            ctx.session.execute(insert(_DATAPOINTS), rows)
        return {row["content_hash"]: row["id"] for row in rows}
    except IntegrityError:
        stored: Dict[str, str] = {}
        for row in rows:
            h = row["content_hash"]
            dp, _ = insert_or_get(ctx.session, Datapoint(**row), functools.partial(_datapoint_by_hash, ctx, file_id, h))
            stored[h] = dp.id
        return stored


def _batches(pairs: Iterable[Pair], size: int) -> Iterator[List[Pair]]:
    batch: List[Pair] = []
    for pair in pairs:
        batch.append(pair)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _unique(datapoints: Iterable[Dict[str, Any]]) -> List[Pair]:
    out: List[Pair] = []
    seen = set()
    for dp in datapoints:
        c = _datapoint_content(dp)
        h = content_hash(c)
        if h not in seen:
            seen.add(h)
            out.append((h, c))
    return out


@dataclasses.dataclass
class _Change:
    """A new Dataset version to make: which Dataset, from which version, with which datapoints.

    ``hashes`` are the content hashes of the request's datapoints (unique, in order); ``contents``
    gives the content of the wanted ones, in that order, so that a large upload never holds all of
    them at once.
    """

    dataset_id: Optional[str]
    path: Optional[str]
    create: bool
    action: str
    version_id: Optional[str]
    environment: Optional[str]
    hashes: List[str]
    contents: Callable[[Set[str]], Iterable[Pair]]
    attributes: Optional[Dict[str, Any]]
    inherit_attributes: bool
    commit_message: Optional[str]
    version_name: Optional[str] = None
    version_description: Optional[str] = None


def _find(ctx: Context, change: _Change) -> Optional[File]:
    if change.create:
        return files.find_file(ctx, "dataset", change.dataset_id, change.path)
    return files.get_file(ctx, change.dataset_id, "dataset")


def _dataset(ctx: Context, change: _Change, seen: Optional[File]) -> File:
    """The Dataset in this transaction (created when new); it must be the one seen before, if any."""
    if change.create:
        f = files.ensure_file(ctx, "dataset", change.dataset_id, change.path)
    else:
        f = files.get_file(ctx, change.dataset_id, "dataset")
    if seen is not None and f.id != seen.id:
        raise conflict("The Dataset was replaced while the request was processed; send it again")
    return f


def _apply(ctx: Context, change: _Change) -> Dict[str, Any]:
    """Make the version ``change`` describes, holding the write lock only for short transactions.

    The request's own transaction is ended first; what only needs reading (which Dataset, which
    base version, which datapoints exist) is read without the lock. The datapoints the Dataset
    lacks are stored ``BATCH`` at a time, each batch in a write transaction of its own, except the
    last one, which is stored with the version itself: a request of one batch is a single
    transaction, as before. Datapoints are content-addressed (one row per content and Dataset), so
    a batch stored by a request that fails later is reused by the next one and shown by no version.
    """
    ctx.pause()  # nothing written yet: let other writers in while this request works
    seen = _find(ctx, change)
    if change.action != "set":
        _base_version(ctx, seen, change.version_id, change.environment)  # a 404 now rather than later
    known = _existing_ids(ctx, seen.id, change.hashes) if seen is not None else {}
    ctx.pause()  # end the read transaction: no snapshot is held while the batches are written
    missing: Set[str] = set() if change.action == "remove" else {h for h in change.hashes if h not in known}
    batches = (_new_rows(batch) for batch in _batches(change.contents(missing), BATCH))
    last: List[Dict[str, Any]] = next(batches, [])
    for rows in batches:
        with ctx.rt.db.write() as session:
            wctx = ctx.with_session(session)
            f = _dataset(wctx, change, seen)
            known.update(_insert_datapoints(wctx, f.id, last))
            seen = f
        last = rows
    # the last batch and the version: in the request's own transaction when it is held (an
    # Idempotency-Key), so the version commits with the stored answer
    with ctx.write() as wctx:
        f = _dataset(wctx, change, seen)
        known.update(_insert_datapoints(wctx, f.id, last))
        v = _save_version(wctx, f, change, known)
        result = files.serialize(wctx, f, v)
    return result


def _save_version(ctx: Context, f: File, change: _Change, known: Dict[str, str]) -> Version:
    """The version of ``f`` holding the base version's datapoints changed by ``change`` (no commit)."""
    base = None if change.action == "set" else _base_version(ctx, f, change.version_id, change.environment)
    attributes = change.attributes
    if change.inherit_attributes and attributes is None and base is not None:
        attributes = (base.kernel or {}).get("attributes")
    if change.action == "set":
        ordered = [(h, known[h]) for h in change.hashes]
    elif change.action == "add":
        ordered = _version_hashes(ctx, base)
        have = {h for h, _ in ordered}
        ordered += [(h, known[h]) for h in change.hashes if h not in have]
    else:
        drop = set(change.hashes)
        ordered = [(h, i) for h, i in _version_hashes(ctx, base) if h not in drop]
    kernel = _kernel([h for h, _ in ordered], attributes)
    v, created = files.ensure_version(
        ctx,
        f,
        kernel,
        change.commit_message,
        version_name=change.version_name,
        version_description=change.version_description,
    )
    if created:
        for start in range(0, len(ordered), _MEMBER_ROWS):
            chunk = ordered[start : start + _MEMBER_ROWS]
            rows = [{"version_id": v.id, "datapoint_id": i, "position": start + n} for n, (_, i) in enumerate(chunk)]
            ctx.session.execute(insert(_MEMBERS), rows)
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


def upsert(
    ctx: Context, data: Dict[str, Any], version_id: Optional[str] = None, environment: Optional[str] = None
) -> Dict[str, Any]:
    action = data.get("action") or "set"
    if action not in ("set", "add", "remove"):
        raise unprocessable("action must be one of set, add, remove", ["body", "action"])
    if not data.get("id") and not data.get("path"):
        raise unprocessable("Provide the path or id of the Dataset", ["body", "path"])
    if data.get("path"):
        normalise_path(data["path"])  # a bad path is refused before anything is stored
    pairs = _unique(data.get("datapoints") or [])
    change = _Change(
        dataset_id=data.get("id"),
        path=data.get("path"),
        create=True,
        action=action,
        version_id=version_id,
        environment=environment,
        hashes=[h for h, _ in pairs],
        contents=lambda wanted: [(h, c) for h, c in pairs if h in wanted],
        attributes=data.get("attributes"),
        inherit_attributes=action != "set",
        commit_message=data.get("commit_message"),
        version_name=data.get("version_name"),
        version_description=data.get("version_description"),
    )
    return _apply(ctx, change)


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


def _json_cell(cell: str) -> Any:
    """The JSON value of a cell; None when it is not JSON a database can store (then it is text)."""
    try:
        return loads_strict(cell)
    except ValueError:
        return None


def _parse_target(cell: Optional[str]) -> Optional[Dict[str, Any]]:
    if cell is None or cell == "":
        return None
    parsed = _json_cell(cell)
    if isinstance(parsed, dict):
        reject_nul(parsed, ["body", "file"])
        return parsed
    return {"output": cell}


def _csv_datapoint(row: Dict[Optional[str], Any]) -> Dict[str, Any]:
    inputs: Dict[str, Any] = {}
    dp: Dict[str, Any] = {}
    for col, cell in row.items():
        if col is None:
            raise unprocessable("a CSV row has more cells than the header", ["body", "file"])
        if cell is not None and "\x00" in cell:
            raise unprocessable("text must not contain NUL (U+0000) characters", ["body", "file"])
        if col == "target":
            dp["target"] = _parse_target(cell)
        elif col == "messages":
            msgs = _json_cell(cell) if cell else None
            if isinstance(msgs, list):
                reject_nul(msgs, ["body", "file"])
                dp["messages"] = msgs
            elif cell:
                inputs[col] = cell
        else:
            inputs[col] = "" if cell is None else cell
    dp["inputs"] = inputs
    return dp


def csv_datapoints(stream: BinaryIO) -> Iterator[Dict[str, Any]]:
    """The datapoints of a CSV file, one per row, read from ``stream`` as they are needed.

    The file is read from its start; each column becomes an input, except ``target`` (a JSON
    object, or ``{"output": cell}``) and ``messages`` (a JSON list). A file that is not UTF-8, has
    no header, has a row longer than its header or contains NUL is refused (422).
    """
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        reader = csv.DictReader(text)
        if not reader.fieldnames:
            raise unprocessable("the CSV file has no header row", ["body", "file"])
        reject_nul(list(reader.fieldnames), ["body", "file"])
        for row in reader:
            yield _csv_datapoint(row)
    except UnicodeDecodeError as exc:
        raise unprocessable("the CSV file must be UTF-8 encoded", ["body", "file"]) from exc
    except csv.Error as exc:
        raise unprocessable(f"invalid CSV: {exc}", ["body", "file"]) from exc
    finally:
        text.detach()  # the caller's stream stays open


def _csv_hashes(stream: BinaryIO) -> List[str]:
    """The content hashes of the rows of a CSV file, unique, in order (the whole file is checked)."""
    hashes: List[str] = []
    seen: Set[str] = set()
    for dp in csv_datapoints(stream):
        h = content_hash(_datapoint_content(dp))
        if h not in seen:
            seen.add(h)
            hashes.append(h)
    return hashes


def _csv_contents(stream: BinaryIO, wanted: Set[str]) -> Iterator[Pair]:
    """(hash, content) of the rows whose hash is ``wanted``, each once, reading the file again."""
    left = set(wanted)
    if not left:
        return
    for dp in csv_datapoints(stream):
        c = _datapoint_content(dp)
        h = content_hash(c)
        if h in left:
            left.discard(h)
            yield h, c
            if not left:
                return


def upload_csv(
    ctx: Context,
    dataset_id: str,
    stream: BinaryIO,
    commit_message: Optional[str],
    version_id: Optional[str] = None,
    environment: Optional[str] = None,
    version_name: Optional[str] = None,
    version_description: Optional[str] = None,
) -> Dict[str, Any]:
    """A new version of the Dataset: its current (or given) version plus the rows of a CSV file.

    The file is read twice from ``stream`` (a seekable binary file, e.g. the spooled upload): once
    to check every row and hash it, then for the content of the rows the Dataset lacks. Neither
    pass holds the write lock; see ``_apply`` for how the rows are stored.
    """
    reject_nul(commit_message, ["body", "commit_message"])
    reject_nul(version_description, ["body", "version_description"])
    if version_name is not None:
        files.check_text(version_name, ["body", "version_name"])
    ctx.pause()  # parsing and hashing need no lock
    hashes = _csv_hashes(stream)
    change = _Change(
        dataset_id=dataset_id,
        path=None,
        create=False,
        action="add",
        version_id=version_id,
        environment=environment,
        hashes=hashes,
        contents=functools.partial(_csv_contents, stream),
        attributes=None,
        inherit_attributes=True,
        commit_message=commit_message,
        version_name=version_name,
        version_description=version_description,
    )
    return _apply(ctx, change)


__all__ = ["upsert", "list_datapoints", "upload_csv", "csv_datapoints", "canonical_json"]
