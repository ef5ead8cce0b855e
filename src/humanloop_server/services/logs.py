"""Logs and traces for every File type."""

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Dict, List, NamedTuple, Optional, Tuple

from sqlalchemy import String, and_, case, cast, func, insert, or_, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import IntegrityError

from .. import ids
from ..db import search_index
from ..db.hot import HotStatement
from ..db.models import File, Log, Version, table_of
from . import files, kinds, log_counts
from .bounds import check_fields, max_length
from .common import (
    bad_request,
    check_int32,
    conflict,
    content_hash,
    count_rows,
    iso,
    normalise_path,
    not_found,
    now,
    page_body,
    paginate,
    parse_dt,
    unprocessable,
)
from .context import Context
from .log_removal import remove_logs
from .tenancy import find_owned, get_owned

if TYPE_CHECKING:
    from sqlalchemy import Select

COMMON_FIELDS = [
    "inputs",
    "output",
    "error",
    "messages",
    "output_message",
    "tool_choice",
    "judgment",
    "provider_request",
    "provider_response",
    "prompt_tokens",
    "output_tokens",
    "prompt_cost",
    "output_cost",
    "finish_reason",
    "provider_latency",
    "stdout",
    "source",
    "user",
    "environment",
    "source_datapoint_id",
    "batch_id",
    "evaluation_id",
    "reasoning_tokens",
    "marked_completed",
]
PAYLOAD_FIELDS = ["provider_request", "provider_response"]
INT_FIELDS = ["prompt_tokens", "output_tokens", "reasoning_tokens"]  # INTEGER columns (32-bit on PostgreSQL)
#: fields of a Log body stored in bounded text columns (``String(n)`` of ``db.models.Log``)
TEXT_FIELDS = [f for f in [*COMMON_FIELDS, "trace_status"] if max_length(Log, f) is not None]


#: what a client may choose as a Log's id: URL-safe characters, as long as the column allows
CLIENT_LOG_ID = re.compile(r"[A-Za-z0-9_.\-]+")
STATUSES = ("complete", "incomplete")


def check_fields_fit(data: Dict[str, Any], file_type: str) -> None:
    """422 when a value of a Log body does not fit the column that stores it (before anything is stored)."""
    check_int32(data, INT_FIELDS, ["body"])
    check_fields(data, Log, TEXT_FIELDS, ["body"])
    check_client_log_id(data.get("log_id"))
    for field in ("start_time", "end_time", "created_at"):
        parse_dt(data.get(field), ["body", field])


def check_client_log_id(log_id: Any) -> None:
    """422 unless a client-chosen Log id is 1-128 letters, digits, ``_``, ``-`` or ``.``."""
    if log_id is None:
        return
    check_fields({"log_id": log_id}, Log, ["log_id"], ["body"], columns={"log_id": "id"})
    if not isinstance(log_id, str) or not CLIENT_LOG_ID.fullmatch(log_id):
        raise unprocessable(
            "A Log id may only contain letters, digits, '_', '-' and '.' (at most 128 characters)", ["body", "log_id"]
        )


def status_of(log: Log) -> str:
    """A Log's ``log_status``: the stored state, else ``incomplete`` for Flow Logs and ``complete`` for others."""
    return log.trace_status or ("incomplete" if log.file_type == "flow" else "complete")


def requested_status(data: Dict[str, Any]) -> Optional[str]:
    """The status a body asks for: ``log_status`` (0.8.38) or ``trace_status`` (0.8.6), one state."""
    new, old = data.get("log_status"), data.get("trace_status")
    if new is not None and old is not None and new != old:
        raise unprocessable(
            "log_status and trace_status name the same state; send one, or the same value in both",
            ["body", "log_status"],
        )
    status = new if new is not None else old
    if status is not None and status not in STATUSES:
        field = "log_status" if new is not None else "trace_status"
        raise unprocessable(f"{field} must be complete or incomplete", ["body", field])
    return status


def _get_log(ctx: Context, log_id: str) -> Log:
    return get_owned(ctx, Log, log_id, "Log")


def _trace_root(ctx: Context, log: Log) -> Optional[Log]:
    if log.trace_id:
        root = find_owned(ctx, Log, log.trace_id)
        if root is not None:
            return root
    return None


def _resolve_file_version(
    ctx: Context, file_type: str, data: Dict[str, Any], version_id: Optional[str], environment: Optional[str]
) -> "tuple[str, str]":
    """(File id, version id) of the Log described by ``data`` (the File and version are created
    when the details are new)."""
    kind = kinds.kind(file_type)
    details = kind.details_in_log(data) if kind.details_in_log is not None else None
    if details is not None:
        kernel = kind.kernel(details)
        khash = content_hash(kernel)
        path = data.get("path")
        if path and not data.get("id"):
            # the usual case, a known File and version: one query (the write lock is held meanwhile)
            found = files.file_and_version_at(ctx, normalise_path(path), khash)
            if found is not None:
                file_id, found_type, known_id, known_status = found
                if found_type == file_type and known_id is not None and known_status != "deleted":
                    return file_id, known_id
        f = files.ensure_file(ctx, file_type, data.get("id"), path)
        v, _ = files.ensure_version(ctx, f, kernel, khash=khash)
        return f.id, v.id
    f_or_none = files.find_file(ctx, file_type, data.get("id"), data.get("path"))
    if f_or_none is None:
        if kind.created_by_log and data.get("path"):
            f = files.ensure_file(ctx, file_type, None, data.get("path"))
            v, _ = files.ensure_version(ctx, f, kind.kernel({}))
            return f.id, v.id
        label = kind.label
        if not data.get("path"):
            raise unprocessable(f"Provide the path or id of the {label}", ["body", "path"])
        raise not_found(f"{label} at path {data.get('path')!r} (send its details to create it);")
    return f_or_none.id, files.resolve_version(ctx, f_or_none, version_id, environment).id


def _widen_flows(ctx: Context, parent: Log, start: Any, end: Any) -> None:
    """Flow logs span their children: widen start/end of the flow ancestors."""
    cur: Optional[Log] = parent
    depth = 0
    while cur is not None and depth < 100:
        if cur.file_type == "flow":
            if start is not None and (cur.start_time is None or start < cur.start_time):
                cur.start_time = start
            if end is not None and (cur.end_time is None or end > cur.end_time):
                cur.end_time = end
        cur = find_owned(ctx, Log, cur.trace_parent_id)
        depth += 1


#: The Log is inserted with a Core statement, not added to the session and flushed: the ORM's
#: unit of work cost more than the INSERT itself on the path of every ``prompts.log``. The object
#: built by ``create_log`` stays outside the session (the hooks only read it); a later read of
#: the Log in the same transaction loads it from the database.
_INSERT_LOG = insert(table_of(Log))
#: (attribute, column) of every column of ``logs``
_LOG_COLUMNS = [(attr.key, attr.columns[0].key) for attr in sa_inspect(Log).column_attrs]
#: the INSERT of a Log with a fresh id, sent to the driver (``db/hot.py``): every column is set
_INSERT_LOG_HOT = HotStatement(_INSERT_LOG, [column for _attr, column in _LOG_COLUMNS])


def _insert_values(log: Log) -> Dict[str, Any]:
    """The INSERT parameters of ``log``: every column, NULL where ``create_log`` set nothing."""
    return {column: getattr(log, attr) for attr, column in _LOG_COLUMNS}


def create_log(
    ctx: Context,
    file_type: str,
    data: Dict[str, Any],
    version_id: Optional[str] = None,
    environment: Optional[str] = None,
    *,
    preset_id: Optional[str] = None,
) -> Dict[str, Any]:
    """Store one Log. ``preset_id``: an id generated by the server beforehand (streamed calls announce it)."""
    check_fields_fit(data, file_type)
    file_id, log_version_id = _resolve_file_version(ctx, file_type, data, version_id, environment)
    ts = now()
    status = requested_status(data)
    log_id = preset_id or data.get("log_id")
    generated = not log_id
    if log_id:
        if find_owned(ctx, Log, log_id) is not None:
            raise conflict(f"A log with id {log_id!r} already exists")
    else:
        log_id = ids.new_id("log")
    log = Log(
        id=log_id, org_id=ctx.org_id, file_id=file_id, file_type=file_type, version_id=log_version_id, received_at=ts
    )
    for field in COMMON_FIELDS:
        if field in data and data[field] is not None:
            setattr(log, field, data[field])
    if data.get("metadata") is not None:
        log.log_metadata = data["metadata"]
    if log.inputs is None:
        log.inputs = {}
    log.save = data.get("save", True) is not False
    if not log.save:
        for field in PAYLOAD_FIELDS:
            setattr(log, field, None)
    log.start_time = parse_dt(data.get("start_time"), ["body", "start_time"])
    log.end_time = parse_dt(data.get("end_time"), ["body", "end_time"])
    log.created_at = parse_dt(data.get("created_at"), ["body", "created_at"]) or ts
    if file_type == "evaluator":
        parent = _get_log(ctx, data["parent_id"]) if data.get("parent_id") else None
        if parent is None:
            raise unprocessable("field required", ["body", "parent_id"])
        log.parent_id = parent.id
    trace_parent_id = data.get("trace_parent_id")
    if trace_parent_id:
        tparent = get_owned(ctx, Log, trace_parent_id, "Trace parent log")
        root = _trace_root(ctx, tparent) or tparent
        if root.file_type == "flow" and root.trace_status == "complete":
            raise bad_request(f"Trace {root.id} is complete; no more logs can be added to it")
        if tparent.file_type == "flow" and tparent.trace_status == "complete":
            raise bad_request(f"Log {tparent.id} is complete; no more logs can be added under it")
        log.trace_parent_id = tparent.id
        log.trace_id = tparent.trace_id or tparent.id
        _widen_flows(ctx, tparent, log.start_time, log.end_time)
    if file_type == "flow":
        log.trace_status = status or "incomplete"
        if log.trace_id is None:
            log.trace_id = log.id
    elif file_type == "agent":
        # an Agent Log heads its own trace; agents.log stores a complete Log unless told otherwise
        log.trace_status = status or "complete"
        if log.trace_id is None:
            log.trace_id = log.id
    elif status is not None:
        log.trace_status = status
    row = _insert_values(log)
    if generated:  # a fresh random id: no savepoint (two round trips on PostgreSQL) for a clash
        _INSERT_LOG_HOT.run(ctx.session, row)
    else:
        try:
            with ctx.session.begin_nested():
                ctx.session.execute(_INSERT_LOG, row)
        except IntegrityError:
            raise conflict(f"A log with id {log_id!r} already exists") from None
    # the INSERT counted the Log in version_log_counts too (a trigger, see services/log_counts.py)
    for hook in ctx.rt.hooks.created:  # evaluations, monitoring: their jobs join this transaction
        hook(ctx, log)
    ctx.commit()
    if file_type == "evaluator":  # a judgment names the judged Log rather than its File
        return {"id": log.id, "parent_id": log.parent_id, "version_id": log_version_id, "session_id": None}
    created: Dict[str, Any] = {"id": log.id, f"{file_type}_id": file_id, "version_id": log_version_id}
    if file_type == "flow":
        created["trace_status"] = log.trace_status
        created["log_status"] = log.trace_status
    elif file_type == "agent":
        created["log_status"] = log.trace_status
    else:
        created["session_id"] = None
    return created


UPDATABLE = COMMON_FIELDS + ["metadata", "start_time", "end_time", "created_at"]


def update_log(ctx: Context, file_type: str, file_id: str, log_id: str, data: Dict[str, Any]) -> Dict[str, Any]:
    f = files.get_file(ctx, file_id, file_type)
    log = _get_log(ctx, log_id)
    if log.file_id != f.id:
        raise not_found("Log", log_id)
    _apply(log, data)
    set_status(ctx, log, requested_status(data))
    ctx.commit()
    return serialize(ctx, log)


def set_status(
    ctx: Context, log: Log, status: Optional[str], reopened: Callable[[str], Exception] = bad_request
) -> None:
    """Complete a Log (or keep it incomplete), in the one column that holds every kind's ``log_status``
    (``trace_status``). A complete Log cannot be reopened: ``reopened(message)`` is raised (400;
    ``agents.update_log`` answers 409).

    Completing runs the hooks that wait for complete Logs (monitoring, evaluations); a Flow or Agent
    Log without an end time ends now.
    """
    if status is None:
        return
    current = status_of(log)
    if current == "complete" and status != "complete":
        what = "Trace of log" if log.file_type == "flow" else "Log"
        raise reopened(f"{what} {log.id} is complete and cannot be reopened")
    log.trace_status = status
    if status == "complete" and current != "complete":
        if log.file_type in ("flow", "agent") and log.end_time is None:
            log.end_time = now()
        for hook in ctx.rt.hooks.trace_completed:
            hook(ctx, log)


def _apply(log: Log, data: Dict[str, Any]) -> None:
    check_fields_fit({k: v for k, v in data.items() if k in UPDATABLE}, log.file_type)
    for field, value in data.items():
        if field not in UPDATABLE:
            continue
        if field in ("start_time", "end_time", "created_at"):
            value = parse_dt(value, ["body", field])
            if value is None and field == "created_at":
                continue
        if field == "metadata":
            log.log_metadata = value
        elif field == "inputs" and value is None:
            continue
        else:
            setattr(log, field, value)


#: the field setter of ``update_log``, for other services' log updates
apply_fields = _apply


def update_trace(ctx: Context, log_id: str, data: Dict[str, Any]) -> Dict[str, Any]:
    log = _get_log(ctx, log_id)
    if log.file_type != "flow":
        raise not_found("Flow log", log_id)
    status = requested_status(data)
    if status_of(log) == "complete" and status is not None and status != "complete":
        raise bad_request(f"Trace of log {log.id} is complete and cannot be reopened")
    _apply(log, {k: v for k, v in data.items() if k in ("inputs", "output", "error", "messages", "output_message")})
    if status == "complete" and log.end_time is None:
        log.end_time = now()
    set_status(ctx, log, status)
    ctx.commit()
    return serialize(ctx, log)


# ---------------------------------------------------------------- reading


def _file_body(ctx: Context, log: Log, bodies: Optional[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    """The nested File body of ``log``'s version; ``bodies`` keeps those made for one answer (a page
    of Logs mostly shares a few versions), so each is made once."""
    if bodies is not None and log.version_id in bodies:
        return bodies[log.version_id]  # type: ignore[no-any-return]
    f = ctx.session.get(File, log.file_id)
    v = ctx.session.get(Version, log.version_id)
    body = files.serialize(ctx, f, v, nested=True) if f is not None and v is not None else None
    if bodies is not None:
        bodies[log.version_id] = body
    return body


def serialize(
    ctx: Context,
    log: Log,
    depth: int = 0,
    include_parent: bool = True,
    include_children: bool = True,
    bodies: Optional[Dict[str, Any]] = None,
) -> Dict[str, Any]:
    """The wire form of a Log with its judgments and trace children. ``bodies``: a dict shared by the
    Logs of one answer, in which their File bodies are made once (see :func:`_file_body`)."""
    if bodies is None:
        bodies = {}
    body: Dict[str, Any] = {
        "id": log.id,
        "inputs": log.inputs or {},
        "output": log.output,
        "error": log.error,
        "metadata": log.log_metadata,
        "start_time": iso(log.start_time),
        "end_time": iso(log.end_time),
        "created_at": iso(log.created_at),
        "provider_latency": log.provider_latency,
        "stdout": log.stdout,
        "provider_request": log.provider_request,
        "provider_response": log.provider_response,
        "source": log.source,
        "source_datapoint_id": log.source_datapoint_id,
        "trace_parent_id": log.trace_parent_id,
        "batches": [log.batch_id] if log.batch_id else None,
        "user": log.user,
        "environment": log.environment,
        "save": log.save,
        "trace_id": log.trace_id,
        "trace_flow_id": None,
        "log_status": status_of(log),
        "log_id": log.id,
    }
    root = _trace_root(ctx, log)
    if root is not None and root.file_type == "flow":
        body["trace_flow_id"] = root.file_id
    file_body = _file_body(ctx, log, bodies)
    if log.file_type == "prompt":
        body.update(
            {
                "prompt": file_body,
                "messages": log.messages,
                "output_message": log.output_message,
                "tool_choice": log.tool_choice,
                "prompt_tokens": log.prompt_tokens,
                "output_tokens": log.output_tokens,
                "prompt_cost": log.prompt_cost,
                "output_cost": log.output_cost,
                "finish_reason": log.finish_reason,
                "reasoning_tokens": log.reasoning_tokens,
            }
        )
    elif log.file_type == "tool":
        body["tool"] = file_body
        body["output_message"] = log.output_message
    elif log.file_type == "flow":
        body["flow"] = file_body
        body["trace_status"] = log.trace_status
        body["messages"] = log.messages
        body["output_message"] = log.output_message
    elif log.file_type == "agent":
        body.update(
            {
                "agent": file_body,
                "messages": log.messages,
                "output_message": log.output_message,
                "tool_choice": log.tool_choice,
                "prompt_tokens": log.prompt_tokens,
                "output_tokens": log.output_tokens,
                "prompt_cost": log.prompt_cost,
                "output_cost": log.output_cost,
                "finish_reason": log.finish_reason,
                "log_status": log.trace_status,
                "log_id": log.id,
            }
        )
    elif log.file_type == "evaluator":
        body["evaluator"] = file_body
        body["judgment"] = log.judgment
        body["parent_id"] = log.parent_id
        body["output_message"] = log.output_message
        body["marked_completed"] = log.marked_completed
        parent = find_owned(ctx, Log, log.parent_id) if include_parent and depth < 2 else None
        body["parent"] = (
            serialize(ctx, parent, depth + 1, include_parent=False, bodies=bodies) if parent is not None else None
        )
    if depth < 5:
        evals = (
            ctx.session.execute(
                select(Log).where(Log.org_id == log.org_id, Log.parent_id == log.id).order_by(Log.received_at, Log.id)
            )
            .scalars()
            .all()
        )
        body["evaluator_logs"] = [serialize(ctx, e, depth + 1, include_parent=False, bodies=bodies) for e in evals]
        children = (
            ctx.session.execute(
                select(Log)
                .where(Log.org_id == log.org_id, Log.trace_parent_id == log.id)
                .order_by(Log.received_at, Log.id)
            )
            .scalars()
            .all()
        )
        body["trace_children"] = (
            [serialize(ctx, c, depth + 1, bodies=bodies) for c in children] if include_children else []
        )
    else:
        body["evaluator_logs"] = []
        body["trace_children"] = []
    return body


def get(ctx: Context, log_id: str) -> Dict[str, Any]:
    return serialize(ctx, _get_log(ctx, log_id))


def _text(col: Any) -> Any:
    return cast(col, String)


def _like_escape(value: str) -> str:
    """``value`` for a LIKE pattern with ``/`` as the escape character."""
    return value.replace("/", "//").replace("%", "/%").replace("_", "/_")


#: how many of the newest Logs that pass the other filters a text search tests first (see _text_search)
SEARCH_SAMPLE = 2_000
#: the share of the sample a text must match to count as common: then the Logs are read newest first
#: and tested one by one, which finds a page sooner than collecting every match from the index
COMMON_SHARE = 0.01
#: the most Logs a search reads newest first to reach the end of the page asked for; a page deeper
#: than that is found through the index
SCAN_UP_TO = 20_000
#: a search expected to match more Logs than this reports an estimated ``total`` (see list_logs): counting
#: the matches of a common word exactly costs time in proportion to them, through the index or not
EXACT_SEARCH_TOTAL_UP_TO = 1_000


@dataclass
class SearchSample:
    """What the newest Logs said of a text search: ``matched`` of ``tested`` contain the text."""

    matched: int
    tested: int

    @property
    def whole(self) -> bool:
        """Whether the sample held every Log that passes the other filters (so ``matched`` is exact)."""
        return self.tested < SEARCH_SAMPLE

    def worth_scanning(self, reach: int) -> bool:
        """Whether reading the Logs newest first and testing each is the way to find the first
        ``reach`` matches: the text is common, and they are expected within :data:`SCAN_UP_TO` Logs."""
        if self.whole:
            return True
        if self.matched < COMMON_SHARE * self.tested:
            return False
        return reach * self.tested <= SCAN_UP_TO * self.matched


@dataclass
class LogQuery:
    """The Logs of a File that pass the filters of ``logs.list``, unordered.

    ``base`` passes every filter but the text search, ``stmt`` all of them, and ``counted`` is
    ``stmt`` written for counting (through the search index where there is one); ``sample`` is set
    when there is a text search."""

    stmt: "Select[Any]"
    base: "Select[Any]"
    counted: "Select[Any]"
    sample: Optional[SearchSample] = None


def _contains(output: Any, inputs: Any, pattern: str) -> Any:
    """``lower(column) LIKE pattern`` exactly as the PostgreSQL trigram indexes are written (a NULL
    output is no match); the pattern is one parameter."""
    return or_(func.lower(output).like(pattern, escape="/"), func.lower(_text(inputs)).like(pattern, escape="/"))


def _text_search(ctx: Context, base: "Select[Any]", search: str, reach: int) -> "Tuple[Any, Any, SearchSample]":
    """The condition of the ``search`` filter on top of ``base`` for reading a page and for counting
    the matches, and what the sample said.

    Collecting every match from the search index costs time in proportion to the matches, which at
    a million Logs is most of a second for a common word, while reading the File's Logs newest
    first and testing each finds a page of a common word's matches at once. So the newest
    :data:`SEARCH_SAMPLE` Logs of ``base`` are tested first, in one statement: a text found in at
    least :data:`COMMON_SHARE` of them is searched by reading the Logs in order, unless the page
    (whose last match is the ``reach``-th) lies too deep for that; a rarer one through the index
    (SQLite's FTS5 table; on PostgreSQL the planner picks the trigram indexes itself). Counting all
    the matches goes through the index either way.
    """
    needle = search.lower()
    pattern = "%" + _like_escape(needle) + "%"
    newest = (
        base.with_only_columns(Log.output, Log.inputs)
        .order_by(Log.created_at.desc(), Log.id.desc())
        .limit(SEARCH_SAMPLE)
        .subquery()
    )
    hit = case((_contains(newest.c.output, newest.c.inputs, pattern), 1), else_=0)
    tested, matched = ctx.session.execute(select(func.count(), func.coalesce(func.sum(hit), 0))).one()
    sample = SearchSample(matched=int(matched), tested=int(tested))
    plain = _contains(Log.output, Log.inputs, pattern)
    index = search_index.search_condition(ctx.session, needle)
    if index is None:
        return plain, plain, sample
    # the FTS5 table answers by itself, or narrows the Logs for the text test to decide
    indexed = index if search_index.index_alone_suffices(needle) else and_(index, plain)
    return (plain if sample.worth_scanning(reach) else indexed), indexed, sample


def log_query(
    ctx: Context,
    f: File,
    version_id: Optional[str] = None,
    version_status: Optional[str] = None,
    search: Optional[str] = None,
    metadata_search: Optional[str] = None,
    start_date: Any = None,
    end_date: Any = None,
    in_trace_filter: Optional[List[bool]] = None,
    reach: int = 100,
) -> LogQuery:
    """The Logs of File ``f`` that pass the filters of ``logs.list``; ``reach``: how many of them,
    newest first, the caller means to read at most (the end of its page)."""
    stmt = select(Log).where(Log.org_id == ctx.org_id, Log.file_id == f.id)
    if version_id:
        stmt = stmt.where(Log.version_id == version_id)
    if version_status:
        stmt = stmt.where(
            Log.version_id.in_(select(Version.id).where(Version.file_id == f.id, Version.status == version_status))
        )
    if metadata_search:
        stmt = stmt.where(func.lower(_text(Log.log_metadata)).contains(metadata_search.lower(), autoescape=True))
    start = parse_dt(start_date, ["query", "start_date"])
    end = parse_dt(end_date, ["query", "end_date"])
    if start is not None:
        stmt = stmt.where(Log.created_at >= start)
    if end is not None:
        stmt = stmt.where(Log.created_at <= end)
    if in_trace_filter:
        wanted = set(bool(x) for x in in_trace_filter)
        if wanted == {True}:
            stmt = stmt.where(Log.trace_parent_id.is_not(None))
        elif wanted == {False}:
            stmt = stmt.where(Log.trace_parent_id.is_(None))
    if not search:
        return LogQuery(stmt=stmt, base=stmt, counted=stmt)
    reading, counting, sample = _text_search(ctx, stmt, search, reach)
    return LogQuery(stmt=stmt.where(reading), base=stmt, counted=stmt.where(counting), sample=sample)


def filtered(ctx: Context, f: File, **filters: Any) -> "Select[Any]":
    """The Logs of File ``f`` that pass the filters of ``logs.list`` (unordered); the web app pages them too."""
    return log_query(ctx, f, **filters).stmt


class LogPage(NamedTuple):
    """A page of ``logs.list``: the body, and whether its ``total`` is an estimate."""

    body: Dict[str, Any]
    total_estimated: bool = False


def list_logs(
    ctx: Context,
    file_id: str,
    page: Optional[int] = None,
    size: Optional[int] = None,
    version_id: Optional[str] = None,
    version_status: Optional[str] = None,
    search: Optional[str] = None,
    metadata_search: Optional[str] = None,
    start_date: Any = None,
    end_date: Any = None,
    include_parent: Optional[bool] = None,
    in_trace_filter: Optional[List[bool]] = None,
    log_ids: Optional[List[str]] = None,
    sample: Optional[int] = None,
    include_trace_children: Optional[bool] = None,
) -> LogPage:
    """One page of a File's Logs, newest first.

    ``log_ids`` keeps only those Logs; ``sample`` draws that many of the matching Logs at random
    (afresh on every request) and pages through them; ``include_trace_children=False`` leaves out
    the nested Logs, which are included when it is not given (as 0.8.6 clients expect).

    ``total`` is exact, but for a ``search`` expected to match more than
    :data:`EXACT_SEARCH_TOTAL_UP_TO` Logs: counting those would read every match, so the total is
    the share of the sampled Logs that match times the Logs that pass the other filters
    (``total_estimated``; the route says so in a header). Such a page is not cut at the estimate:
    pages are read until the Logs run out, so a client that pages to the end sees every match.
    """
    f = files.get_file(ctx, file_id)
    reach = max(page or 1, 1) * (10 if size is None else max(size, 0))  # the end of the page asked for
    query = log_query(
        ctx, f, version_id, version_status, search, metadata_search, start_date, end_date, in_trace_filter, reach
    )
    stmt = query.stmt
    wanted = [i for i in (log_ids or []) if i]
    if wanted:
        stmt = stmt.where(Log.id.in_(wanted))
    if sample is not None:
        if sample < 0:
            raise unprocessable("sample must be at least 0", ["query", "sample"])
        drawn = stmt.with_only_columns(Log.id).order_by(func.random()).limit(sample)
        stmt = select(Log).where(Log.org_id == ctx.org_id, Log.id.in_(drawn.scalar_subquery()))
    stmt = stmt.order_by(Log.created_at.desc(), Log.id.desc())
    others = (version_status, metadata_search, start_date, end_date, in_trace_filter)
    plain = sample is None and not wanted
    if version_id:
        kept: Callable[[], int] = functools.partial(log_counts.of_version, ctx.session, f.id, version_id)
    else:
        kept = functools.partial(log_counts.of_file, ctx.session, f.id)
    total: Optional[Callable[[], int]] = None
    estimated = False
    if plain and query.sample is None and not any(others):
        total = kept  # no filter but the version: the kept counts say how many
    elif plain and query.sample is not None:
        found = query.sample
        if found.whole:
            total = functools.partial(int, found.matched)  # the sample was every Log the other filters keep
        else:
            candidates = kept() if not any(others) else count_rows(ctx.session, query.base)
            expected = round(candidates * found.matched / found.tested)
            if expected > EXACT_SEARCH_TOTAL_UP_TO:
                total, estimated = functools.partial(int, expected), True
            else:
                total = functools.partial(count_rows, ctx.session, query.counted)
    rows, page, size, count = paginate(ctx.session, stmt, page, size, total=total, total_is_estimate=estimated)
    bodies: Dict[str, Any] = {}
    children = include_trace_children is not False
    records = [
        serialize(ctx, log, include_parent=bool(include_parent), include_children=children, bodies=bodies)
        for log in rows
    ]
    return LogPage(page_body(records, page, size, count), estimated)


def delete_logs(ctx: Context, log_ids: Optional[List[str]]) -> None:
    ids_ = [i for i in (log_ids or []) if i]
    if not ids_:
        raise unprocessable("give at least one log id", ["query", "id"])
    own = list(ctx.session.execute(select(Log.id).where(Log.org_id == ctx.org_id, Log.id.in_(ids_))).scalars())
    if not own:
        raise not_found("Log", ids_[0])
    remove_logs(ctx, own)  # with their judgments and trace descendants
    ctx.commit()


__all__ = [
    "create_log",
    "update_log",
    "update_trace",
    "get",
    "list_logs",
    "log_query",
    "filtered",
    "LogPage",
    "LogQuery",
    "SearchSample",
    "delete_logs",
    "serialize",
]
