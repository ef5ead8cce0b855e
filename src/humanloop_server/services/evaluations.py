"""Evaluations (0.8.6 era, batch based): setup, statistics, completion and server-side orchestration.

An Evaluation names a Dataset version, the Evaluator versions that judge, and the evaluated versions
("evaluatees"). Logs join an Evaluation through ``evaluation_id`` (+ ``batch_id``, + ``source_datapoint_id``);
a Log with a (version, batch) pair the Evaluation has not seen adds an evaluatee: a new column of the report.

Completion (docs: SEMANTICS Decisions): for every evaluatee and every datapoint of the Dataset version a
Log exists, and every non-human Evaluator has a judgment (or an error) on each such Log. The status is
computed whenever it is read, and stored by the background steps; ``cancelled`` is only set by a client
and nothing changes it afterwards except the client.

Orchestration runs as background jobs (``workers``, kind ``evaluation_step``): for orchestrated Prompt
evaluatees the server calls the Prompt for each missing datapoint, and it runs orchestrated ``python`` /
``llm`` Evaluators on every Log of the Evaluation.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import statistics
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

from sqlalchemy import delete as sa_delete
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import ids
from ..db.models import (
    Datapoint,
    DatasetVersionDatapoint,
    Evaluation,
    EvaluationEvaluatee,
    EvaluationEvaluator,
    File,
    Log,
    Version,
)
from . import datasets, files
from .common import Context, conflict, iso, not_found, now, page_body, unprocessable
from .errors import Conflict, NotFound

logger = logging.getLogger(__name__)

JOB_KIND = "evaluation_step"
CLIENT_STATUSES = ("completed", "cancelled")
SERVER_EVALUATOR_TYPES = ("python", "llm")
EVALUATED_TYPES = ("prompt", "tool", "flow", "evaluator")


# ---------------------------------------------------------------- lookup and resolution


def _get(ctx: Context, evaluation_id: str) -> Evaluation:
    ev = ctx.session.get(Evaluation, evaluation_id)
    if ev is None or ev.org_id != ctx.org_id:
        raise not_found("Evaluation", evaluation_id)
    return ev


def _file_by_ref(ctx: Context, file_id: Optional[str], path: Optional[str]) -> Optional[File]:
    if file_id:
        f = ctx.session.get(File, file_id)
        if f is None or f.org_id != ctx.org_id:
            raise not_found("File", file_id)
        return f
    if path:
        f = files.file_by_path(ctx, files.normalise_path(path))
        if f is None:
            raise not_found("File", path)
        return f
    return None


def _resolve_version(ctx: Context, ref: Dict[str, Any], allowed: Sequence[str], loc: List[Any]) -> Tuple[File, Version]:
    """A version named by ``{version_id | path | file_id [, environment]}`` of a File of an allowed type."""
    label = " or ".join(files.LABELS[t] for t in allowed)
    version_id = ref.get("version_id")
    if version_id:
        v = ctx.session.get(Version, version_id)
        f = ctx.session.get(File, v.file_id) if v is not None else None
        if v is None or f is None or f.org_id != ctx.org_id:
            raise not_found("Version", version_id)
        named = _file_by_ref(ctx, ref.get("file_id"), ref.get("path"))
        if named is not None and named.id != f.id:
            raise unprocessable(f"version {version_id!r} is not a version of {named.path!r}", loc)
    else:
        if not ref.get("file_id") and not ref.get("path"):
            raise unprocessable(f"give the version_id, path or file_id of the {label}", loc)
        f = _file_by_ref(ctx, ref.get("file_id"), ref.get("path"))
        assert f is not None
        v = None
    if f.type not in allowed:
        raise unprocessable(f"{f.path!r} is a {files.LABELS.get(f.type, f.type)}, not a {label}", loc)
    if v is None:
        v = files.resolve_version(ctx, f, None, ref.get("environment"))
    return f, v


def _dataset_datapoints(ctx: Context, dataset_version_id: str) -> List[Datapoint]:
    return list(
        ctx.session.execute(
            select(Datapoint)
            .join(DatasetVersionDatapoint, DatasetVersionDatapoint.datapoint_id == Datapoint.id)
            .where(DatasetVersionDatapoint.version_id == dataset_version_id)
            .order_by(DatasetVersionDatapoint.position)
        ).scalars()
    )


def _evaluators(ctx: Context, ev: Evaluation) -> List[EvaluationEvaluator]:
    return list(
        ctx.session.execute(
            select(EvaluationEvaluator)
            .where(EvaluationEvaluator.evaluation_id == ev.id)
            .order_by(EvaluationEvaluator.added_at, EvaluationEvaluator.id)
        ).scalars()
    )


def _evaluatees(ctx: Context, ev: Evaluation) -> List[EvaluationEvaluatee]:
    return list(
        ctx.session.execute(
            select(EvaluationEvaluatee)
            .where(EvaluationEvaluatee.evaluation_id == ev.id)
            .order_by(EvaluationEvaluatee.added_at, EvaluationEvaluatee.id)
        ).scalars()
    )


def _spec(ctx: Context, version_id: str) -> Dict[str, Any]:
    v = ctx.session.get(Version, version_id)
    return dict(((v.kernel or {}).get("spec") or {}) if v is not None else {})


def _check_name(ctx: Context, file_id: str, name: Optional[str], exclude: Optional[str] = None) -> None:
    if name is None:
        return
    stmt = select(Evaluation.id).where(Evaluation.file_id == file_id, Evaluation.name == name)
    if exclude:
        stmt = stmt.where(Evaluation.id != exclude)
    if ctx.session.execute(stmt).first() is not None:
        raise conflict(f"An Evaluation named {name!r} already exists for this file")


# ---------------------------------------------------------------- setup


def _set_dataset(ctx: Context, ev: Evaluation, ref: Dict[str, Any]) -> None:
    f, v = _resolve_version(ctx, ref, ["dataset"], ["body", "dataset"])
    ev.dataset_file_id = f.id
    ev.dataset_version_id = v.id


def _set_evaluators(ctx: Context, ev: Evaluation, refs: List[Dict[str, Any]]) -> None:
    existing = {e.evaluator_version_id: e for e in _evaluators(ctx, ev)}
    wanted: Dict[str, bool] = {}
    for i, ref in enumerate(refs):
        _, v = _resolve_version(ctx, ref, ["evaluator"], ["body", "evaluators", i])
        wanted[v.id] = ref.get("orchestrated") is not False
    for vid, row in existing.items():
        if vid not in wanted:
            ctx.session.delete(row)
    ts = now()
    for vid, orchestrated in wanted.items():
        if vid in existing:
            existing[vid].orchestrated = orchestrated
        else:
            ctx.session.add(
                EvaluationEvaluator(
                    evaluation_id=ev.id, evaluator_version_id=vid, orchestrated=orchestrated, added_at=ts
                )
            )
    ctx.session.flush()


def _set_evaluatees(ctx: Context, ev: Evaluation, refs: List[Dict[str, Any]]) -> List[File]:
    existing = {(e.version_id, e.batch_id): e for e in _evaluatees(ctx, ev)}
    wanted: Dict[Tuple[str, Optional[str]], Dict[str, Any]] = {}
    evaluated: List[File] = []
    for i, ref in enumerate(refs):
        f, v = _resolve_version(ctx, ref, EVALUATED_TYPES, ["body", "evaluatees", i])
        evaluated.append(f)
        wanted[(v.id, ref.get("batch_id"))] = ref
    for key, row in existing.items():
        if key not in wanted:
            ctx.session.delete(row)
    ts = now()
    for key, ref in wanted.items():
        orchestrated = ref.get("orchestrated") is not False
        if key in existing:
            existing[key].orchestrated = orchestrated
        else:
            ctx.session.add(
                EvaluationEvaluatee(
                    evaluation_id=ev.id,
                    version_id=key[0],
                    batch_id=key[1],
                    orchestrated=orchestrated,
                    pinned=False,
                    added_at=ts,
                )
            )
    ctx.session.flush()
    return evaluated


def create(ctx: Context, data: Dict[str, Any]) -> Dict[str, Any]:
    file_ref = data.get("file") or {}
    evaluated_file = _file_by_ref(ctx, file_ref.get("id"), file_ref.get("path"))
    if evaluated_file is not None and evaluated_file.type == "dataset":
        raise unprocessable(f"{evaluated_file.path!r} is a Dataset: it cannot be evaluated", ["body", "file"])
    ts = now()
    ev = Evaluation(
        id=ids.new_id("evr"),
        org_id=ctx.org_id,
        name=data.get("name"),
        status="pending",
        created_at=ts,
        updated_at=ts,
    )
    _set_dataset(ctx, ev, data.get("dataset") or {})
    # resolve everything before inserting, so a bad reference leaves nothing behind
    evaluator_refs = list(data.get("evaluators") or [])
    for i, ref in enumerate(evaluator_refs):
        _resolve_version(ctx, ref, ["evaluator"], ["body", "evaluators", i])
    evaluatee_refs = list(data.get("evaluatees") or [])
    evaluatee_files = [
        _resolve_version(ctx, ref, EVALUATED_TYPES, ["body", "evaluatees", i])[0]
        for i, ref in enumerate(evaluatee_refs)
    ]
    if evaluated_file is None:
        if not evaluatee_files:
            raise unprocessable("give the file evaluated (id or path) or at least one evaluatee", ["body", "file"])
        evaluated_file = evaluatee_files[0]
    ev.file_id = evaluated_file.id
    _check_name(ctx, ev.file_id, ev.name)
    try:
        with ctx.session.begin_nested():
            ctx.session.add(ev)
            ctx.session.flush()
    except IntegrityError:
        raise conflict(f"An Evaluation named {ev.name!r} already exists for this file") from None
    _set_evaluators(ctx, ev, evaluator_refs)
    _set_evaluatees(ctx, ev, evaluatee_refs)
    _schedule(ctx, ev)
    ctx.commit()
    return serialize(ctx, ev)


def get(ctx: Context, evaluation_id: str) -> Dict[str, Any]:
    return serialize(ctx, _get(ctx, evaluation_id))


def list_evaluations(
    ctx: Context, file_id: str, page: Optional[int] = None, size: Optional[int] = None
) -> Dict[str, Any]:
    from .common import paginate

    f = ctx.session.get(File, file_id)
    if f is None or f.org_id != ctx.org_id:
        raise not_found("File", file_id)
    stmt = (
        select(Evaluation)
        .where(Evaluation.org_id == ctx.org_id, Evaluation.file_id == f.id)
        .order_by(Evaluation.created_at, Evaluation.id)
    )
    rows, page, size, total = paginate(ctx.session, stmt, page, size)
    return page_body([serialize(ctx, ev) for ev in rows], page, size, total)


def delete(ctx: Context, evaluation_id: str) -> None:
    ev = _get(ctx, evaluation_id)
    ctx.session.execute(sa_delete(EvaluationEvaluatee).where(EvaluationEvaluatee.evaluation_id == ev.id))
    ctx.session.execute(sa_delete(EvaluationEvaluator).where(EvaluationEvaluator.evaluation_id == ev.id))
    ctx.session.delete(ev)
    ctx.commit()


def update_setup(ctx: Context, evaluation_id: str, data: Dict[str, Any]) -> Dict[str, Any]:
    ev = _get(ctx, evaluation_id)
    file_id, name = ev.file_id, data["name"] if "name" in data else ev.name
    if data.get("file") is not None:
        f = _file_by_ref(ctx, data["file"].get("id"), data["file"].get("path"))
        if f is None:
            raise unprocessable("give the id or path of the file", ["body", "file"])
        if f.type == "dataset":
            raise unprocessable(f"{f.path!r} is a Dataset: it cannot be evaluated", ["body", "file"])
        file_id = f.id
    _check_name(ctx, file_id, name, exclude=ev.id)
    ev.file_id, ev.name = file_id, name
    if data.get("dataset") is not None:
        _set_dataset(ctx, ev, data["dataset"])
    if data.get("evaluators") is not None:
        _set_evaluators(ctx, ev, data["evaluators"])
    if data.get("evaluatees") is not None:
        _set_evaluatees(ctx, ev, data["evaluatees"])
    if ev.status == "completed":
        ev.status = "running"  # the setup changed: completion is decided again
    ev.updated_at = now()
    try:
        with ctx.session.begin_nested():
            ctx.session.flush()
    except IntegrityError:
        raise conflict(f"An Evaluation named {ev.name!r} already exists for this file") from None
    _schedule(ctx, ev)
    ctx.commit()
    return serialize(ctx, ev)


def update_status(ctx: Context, evaluation_id: str, status: str) -> Dict[str, Any]:
    ev = _get(ctx, evaluation_id)
    if status not in CLIENT_STATUSES:
        raise unprocessable(
            f"status can only be set to 'completed' or 'cancelled' (the server sets {status!r} itself)",
            ["body", "status"],
        )
    ev.status = status
    ev.updated_at = now()
    ctx.commit()
    return serialize(ctx, ev)


def pin_evaluatee(ctx: Context, evaluation_id: str, data: Dict[str, Any]) -> Dict[str, Any]:
    ev = _get(ctx, evaluation_id)
    _, v = _resolve_version(ctx, data, EVALUATED_TYPES, ["body"])
    rows = _evaluatees(ctx, ev)
    batch = data.get("batch_id")
    match = [r for r in rows if r.version_id == v.id and (batch is None or r.batch_id == batch)]
    if not match:
        row = EvaluationEvaluatee(
            evaluation_id=ev.id,
            version_id=v.id,
            batch_id=batch,
            orchestrated=data.get("orchestrated") is not False,
            pinned=True,
            added_at=now(),
        )
        ctx.session.add(row)
        match = [row]
        if ev.status == "completed":
            ev.status = "running"
        _schedule(ctx, ev)
    for r in rows:
        r.pinned = False
    for r in match:
        r.pinned = True
    ev.updated_at = now()
    ctx.commit()
    return serialize(ctx, ev)


# ---------------------------------------------------------------- logs joining an evaluation


def on_log_created(ctx: Context, log: Log) -> None:
    """Called (before the commit) for every new Log that names an ``evaluation_id`` or a ``parent_id``.

    A Log of an Evaluation joins it: a new (version, batch) pair becomes a new evaluatee, a finished
    Evaluation runs again, and the server-side Evaluators are scheduled for the Log. A judgment of
    such a Log schedules a (coalesced) re-check of completion, so the stored status follows.
    """
    if log.parent_id is not None:
        parent = ctx.session.get(Log, log.parent_id)
        if parent is not None and parent.evaluation_id:
            _schedule_recheck(ctx, parent.evaluation_id)
        return
    if not log.evaluation_id:
        return
    ev = ctx.session.get(Evaluation, log.evaluation_id)
    if ev is None or ev.org_id != ctx.org_id:
        raise not_found("Evaluation", log.evaluation_id)
    stmt = select(EvaluationEvaluatee.id).where(
        EvaluationEvaluatee.evaluation_id == ev.id, EvaluationEvaluatee.version_id == log.version_id
    )
    stmt = stmt.where(
        EvaluationEvaluatee.batch_id.is_(None) if log.batch_id is None else EvaluationEvaluatee.batch_id == log.batch_id
    )
    if ctx.session.execute(stmt).first() is None:
        row = EvaluationEvaluatee(
            evaluation_id=ev.id,
            version_id=log.version_id,
            batch_id=log.batch_id,
            orchestrated=False,
            pinned=False,
            added_at=now(),
        )
        try:
            with ctx.session.begin_nested():  # a concurrent Log of the same batch may have added it
                ctx.session.add(row)
                ctx.session.flush()
        except IntegrityError:
            pass
    if ev.status in ("pending", "completed"):
        ev.status = "running"
        ev.updated_at = now()
    _judge_later(ctx, ev, log)


RECHECK_SECONDS = 1


def _schedule_recheck(ctx: Context, evaluation_id: str) -> None:
    """At most one completion re-check per evaluation and second, run at the end of that second."""
    ev = ctx.session.get(Evaluation, evaluation_id)
    if ev is None or ev.org_id != ctx.org_id or ev.status in CLIENT_STATUSES:
        return
    ts = now()
    bucket = int(ts.timestamp()) // RECHECK_SECONDS + 1
    run_after = dt.datetime.fromtimestamp(bucket * RECHECK_SECONDS, tz=dt.timezone.utc)
    _enqueue(
        ctx,
        {"evaluation_id": ev.id, "recheck": True},
        dedupe_key=f"{JOB_KIND}:recheck:{ev.id}:{bucket}",
        run_after=run_after,
    )


def on_trace_completed(ctx: Context, log: Log) -> None:
    """A Flow Log of an Evaluation was completed: its server-side judgments can run now."""
    ev = ctx.session.get(Evaluation, log.evaluation_id)
    if ev is not None and ev.org_id == ctx.org_id and log.parent_id is None:
        _judge_later(ctx, ev, log)


def _judged_now(log: Log) -> bool:
    """Flow Logs are judged once their trace is complete (as monitoring does)."""
    return log.file_type != "flow" or log.trace_status == "complete"


def _judge_later(ctx: Context, ev: Evaluation, log: Log) -> None:
    if ev.status == "cancelled" or not _judged_now(log):
        return
    if any(_runs_on_server(ctx, e) for e in _evaluators(ctx, ev)):
        _enqueue(ctx, {"evaluation_id": ev.id, "log_id": log.id}, dedupe_key=f"{JOB_KIND}:log:{log.id}")


def _runs_on_server(ctx: Context, e: EvaluationEvaluator) -> bool:
    return bool(e.orchestrated) and _spec(ctx, e.evaluator_version_id).get("evaluator_type") in SERVER_EVALUATOR_TYPES


# ---------------------------------------------------------------- state of an evaluation


@dataclass
class _State:
    ev: Evaluation
    datapoints: List[Datapoint]
    evaluators: List[EvaluationEvaluator]
    specs: Dict[str, Dict[str, Any]]
    evaluatees: List[EvaluationEvaluatee]
    # per evaluatee id: all its logs (oldest first), and the current log of each datapoint
    logs: Dict[int, List[Log]]
    current: Dict[int, Dict[str, Log]]
    # (log id, evaluator version id) -> latest judgment log
    judgments: Dict[Tuple[str, str], Log]

    @property
    def required_evaluators(self) -> List[EvaluationEvaluator]:
        return [e for e in self.evaluators if self.specs[e.evaluator_version_id].get("evaluator_type") != "human"]

    def counts(self) -> Tuple[int, int, int, int]:
        """(datapoints logged, datapoints expected, judgments given, judgments expected)."""
        expected = len(self.evaluatees) * len(self.datapoints)
        dp_ids = {d.id for d in self.datapoints}
        logged = judged = 0
        required = self.required_evaluators
        for ee in self.evaluatees:
            for dp_id, log in self.current[ee.id].items():
                if dp_id not in dp_ids:
                    continue
                logged += 1
                judged += sum(1 for e in required if (log.id, e.evaluator_version_id) in self.judgments)
        return logged, expected, judged, expected * len(required)

    def complete(self) -> bool:
        if not self.evaluatees:
            return False
        logged, expected, judged, needed = self.counts()
        return logged == expected and judged == needed

    def status(self) -> str:
        if self.ev.status in CLIENT_STATUSES:
            return self.ev.status
        if self.complete():
            return "completed"
        if any(self.logs.values()) or self.ev.status == "running":
            return "running"
        return "pending"


def _state(ctx: Context, ev: Evaluation) -> _State:
    evaluators = _evaluators(ctx, ev)
    specs = {e.evaluator_version_id: _spec(ctx, e.evaluator_version_id) for e in evaluators}
    evaluatees = []
    seen = set()
    for e in _evaluatees(ctx, ev):  # one column per (version, batch), the first one added
        if (e.version_id, e.batch_id) not in seen:
            seen.add((e.version_id, e.batch_id))
            evaluatees.append(e)
    all_logs = list(
        ctx.session.execute(
            select(Log)
            .where(Log.org_id == ev.org_id, Log.evaluation_id == ev.id, Log.parent_id.is_(None))
            .order_by(Log.received_at, Log.id)
        ).scalars()
    )
    by_key: Dict[Tuple[str, Optional[str]], int] = {(e.version_id, e.batch_id): e.id for e in evaluatees}
    logs: Dict[int, List[Log]] = {e.id: [] for e in evaluatees}
    current: Dict[int, Dict[str, Log]] = {e.id: {} for e in evaluatees}
    for log in all_logs:
        eid = by_key.get((log.version_id, log.batch_id))
        if eid is None:
            continue
        logs[eid].append(log)
        if log.source_datapoint_id:
            current[eid][log.source_datapoint_id] = log  # the newest log of a datapoint counts
    # Judgments count for the Evaluation's Evaluator version; a judgment by another version of the
    # same Evaluator File stands in when that version has none (a local evaluator whose code changed
    # between two runs of one Evaluation is a new version of the same File).
    judgments: Dict[Tuple[str, str], Log] = {}
    exact: set = set()
    log_ids = [log.id for log in all_logs]
    evaluator_versions = {e.evaluator_version_id for e in evaluators}
    version_of_file: Dict[str, str] = {}
    for e in evaluators:
        v = ctx.session.get(Version, e.evaluator_version_id)
        if v is not None:
            version_of_file.setdefault(v.file_id, e.evaluator_version_id)
    for i in range(0, len(log_ids), 500):
        chunk = log_ids[i : i + 500]
        rows = ctx.session.execute(
            select(Log)
            .where(Log.parent_id.in_(chunk), Log.file_id.in_(list(version_of_file)))
            .order_by(Log.received_at, Log.id)
        ).scalars()
        for j in rows:
            if j.version_id in evaluator_versions:
                key = (j.parent_id, j.version_id)
                exact.add(key)
                judgments[key] = j  # type: ignore[index]
            else:
                key = (j.parent_id, version_of_file[j.file_id])
                if key not in exact:
                    judgments[key] = j  # type: ignore[index]
    return _State(
        ev=ev,
        datapoints=_dataset_datapoints(ctx, ev.dataset_version_id),
        evaluators=evaluators,
        specs=specs,
        evaluatees=evaluatees,
        logs=logs,
        current=current,
        judgments=judgments,
    )


# ---------------------------------------------------------------- serialisation


def _version_body(ctx: Context, version_id: str) -> Optional[Dict[str, Any]]:
    v = ctx.session.get(Version, version_id)
    f = ctx.session.get(File, v.file_id) if v is not None else None
    if v is None or f is None:
        return None
    return files.serialize(ctx, f, v, nested=True)


def serialize(ctx: Context, ev: Evaluation, state: Optional[_State] = None) -> Dict[str, Any]:
    state = state or _state(ctx, ev)
    ds_file = ctx.session.get(File, ev.dataset_file_id)
    ds_version = ctx.session.get(Version, ev.dataset_version_id)
    return {
        "id": ev.id,
        "dataset": files.serialize(ctx, ds_file, ds_version) if ds_file and ds_version else None,
        "evaluatees": [
            {
                "version": _version_body(ctx, e.version_id),
                "batch_id": e.batch_id,
                "orchestrated": bool(e.orchestrated),
                "pinned": bool(e.pinned),
                "added_at": iso(e.added_at),
            }
            for e in state.evaluatees
        ],
        "evaluators": [
            {
                "version": _version_body(ctx, e.evaluator_version_id),
                "orchestrated": bool(e.orchestrated),
                "added_at": iso(e.added_at),
            }
            for e in state.evaluators
        ],
        "status": state.status(),
        "name": ev.name,
        "file_id": ev.file_id,
        "created_at": iso(ev.created_at),
        "created_by": None,
        "updated_at": iso(ev.updated_at),
        "url": None,
    }


# ---------------------------------------------------------------- statistics


def _as_bool(value: Any) -> Optional[bool]:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0", "yes", "no"):
        return value.strip().lower() in ("true", "1", "yes")
    return None


def _as_number(value: Any) -> Optional[float]:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(float(value)) else None
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return None


def _percentile(values: List[float], q: float) -> float:
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100.0
    low = math.floor(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def _evaluator_stats(return_type: str, version_id: str, judgments: List[Optional[Log]]) -> Dict[str, Any]:
    """Stats of one evaluator over the logs of one batch (``None``: a log without judgment yet)."""
    total = len(judgments)
    errors = sum(1 for j in judgments if j is not None and j.error)
    given = [j.judgment for j in judgments if j is not None and not j.error and j.judgment is not None]
    body: Dict[str, Any] = {"evaluator_version_id": version_id, "total_logs": total, "num_errors": errors}
    if return_type == "boolean":
        values = [b for b in (_as_bool(v) for v in given) if b is not None]
        body.update(num_true=sum(1 for b in values if b), num_false=sum(1 for b in values if not b))
    elif return_type == "number":
        values_f = [n for n in (_as_number(v) for v in given) if n is not None]
        values = values_f
        body.update(
            mean=statistics.fmean(values_f) if values_f else None,
            std=statistics.pstdev(values_f) if values_f else None,
            percentiles={str(q): _percentile(values_f, q) for q in (0, 25, 50, 75, 100)} if values_f else {},
        )
    elif return_type in ("select", "multi_select"):
        counts: Dict[str, int] = {}
        values = []
        for v in given:
            options = v if isinstance(v, list) else [v]
            values.append(v)
            for option in options:
                counts[str(option)] = counts.get(str(option), 0) + 1
        body["num_judgments_per_option"] = counts
    else:
        values = [v for v in given if not (isinstance(v, str) and v == "")]
    body["num_judgments"] = len(values)
    body["num_nulls"] = total - errors - len(values)
    return body


def _score(stat: Dict[str, Any]) -> str:
    if "num_true" in stat:
        return f"{stat['num_true'] / stat['total_logs']:.2f}" if stat["total_logs"] else "-"
    if "mean" in stat:
        return f"{stat['mean']:.2f}" if stat["mean"] is not None else "-"
    if "num_judgments_per_option" in stat:
        counts = stat["num_judgments_per_option"]
        return max(counts, key=lambda k: counts[k]) if counts else "-"
    return f"{stat['num_judgments']} judged"


def _table(rows: List[List[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in rows)


def stats(ctx: Context, evaluation_id: str) -> Dict[str, Any]:
    ev = _get(ctx, evaluation_id)
    state = _state(ctx, ev)
    version_stats = []
    total_logs = sum(len(v) for v in state.logs.values())
    total_judgments = 0
    for ee in state.evaluatees:
        batch_logs = state.logs[ee.id]
        per_evaluator = []
        for e in state.evaluators:
            vid = e.evaluator_version_id
            judged = [state.judgments.get((log.id, vid)) for log in batch_logs]
            total_judgments += sum(1 for j in judged if j is not None)
            return_type = state.specs[vid].get("return_type") or "boolean"
            per_evaluator.append(_evaluator_stats(return_type, vid, judged))
        version_stats.append(
            {
                "version_id": ee.version_id,
                "batch_id": ee.batch_id,
                "num_logs": len(batch_logs),
                "evaluator_version_stats": per_evaluator,
            }
        )
    logged, expected, judged, needed = state.counts()
    status = state.status()
    progress = f"{logged}/{expected} datapoints logged, {judged}/{needed} judgments"
    if status in ("completed", "cancelled"):
        progress += f" ({status})"
    return {
        "overall_stats": {
            "num_datapoints": len(state.datapoints),
            "total_logs": total_logs,
            "total_evaluator_logs": total_judgments,
        },
        "version_stats": version_stats,
        "progress": progress,
        "report": _report(ctx, state, version_stats),
        "status": status,
    }


def _report(ctx: Context, state: _State, version_stats: List[Dict[str, Any]]) -> str:
    title = f"Evaluation {state.ev.name or state.ev.id}"
    if not version_stats:
        return f"{title}: no Logs yet"
    names = []
    for e in state.evaluators:
        v = ctx.session.get(Version, e.evaluator_version_id)
        f = ctx.session.get(File, v.file_id) if v is not None else None
        names.append(f.path if f is not None else e.evaluator_version_id)
    rows = [["batch", "version", "logs", *names]]
    for entry in version_stats:
        rows.append(
            [
                entry["batch_id"] or "-",
                entry["version_id"],
                str(entry["num_logs"]),
                *[_score(s) for s in entry["evaluator_version_stats"]],
            ]
        )
    return f"{title}\n{_table(rows)}"


# ---------------------------------------------------------------- logs of an evaluation


def get_logs(
    ctx: Context, evaluation_id: str, page: Optional[int] = None, size: Optional[int] = None
) -> Dict[str, Any]:
    from . import logs as logs_service

    ev = _get(ctx, evaluation_id)
    page = page or 1
    size = 10 if size is None else size
    if page < 1:
        raise unprocessable("page must be >= 1", ["query", "page"])
    if size < 0:
        raise unprocessable("size must be >= 0", ["query", "size"])
    state = _state(ctx, ev)
    cells = [(dp, ee) for dp in state.datapoints for ee in state.evaluatees]
    total = len(cells)
    offset = (page - 1) * size
    chosen = cells[offset : offset + size] if offset < total else []
    records = []
    version_bodies: Dict[str, Any] = {}
    for dp, ee in chosen:
        if ee.version_id not in version_bodies:
            version_bodies[ee.version_id] = _version_body(ctx, ee.version_id)
        log = state.current[ee.id].get(dp.id)
        log_body = logs_service.serialize(ctx, log) if log is not None else None
        records.append(
            {
                "evaluated_version": version_bodies[ee.version_id],
                "datapoint": datasets.serialize_datapoint(dp),
                "log": log_body,
                "evaluator_logs": (log_body or {}).get("evaluator_logs") or [],
            }
        )
    return page_body(records, page, size, total)


# ---------------------------------------------------------------- orchestration (background jobs)


def _enqueue(
    ctx: Context, payload: Dict[str, Any], dedupe_key: Optional[str] = None, run_after: Optional[dt.datetime] = None
) -> None:
    """Queue one orchestration step in the caller's transaction."""
    from .. import workers

    workers.enqueue(ctx.session, ctx.org_id, JOB_KIND, payload, dedupe_key=dedupe_key, run_after=run_after)


def _schedule(ctx: Context, ev: Evaluation) -> None:
    """Queue a full step when there is server work (orchestrated Prompts or server-side Evaluators)."""
    ctx.session.flush()
    work = any(_runs_on_server(ctx, e) for e in _evaluators(ctx, ev)) or any(
        e.orchestrated and _is_prompt_version(ctx, e.version_id) for e in _evaluatees(ctx, ev)
    )
    if work and ev.status != "cancelled":
        _enqueue(ctx, {"evaluation_id": ev.id})


def _is_prompt_version(ctx: Context, version_id: str) -> bool:
    v = ctx.session.get(Version, version_id)
    f = ctx.session.get(File, v.file_id) if v is not None else None
    return f is not None and f.type == "prompt"


def _call_prompt(
    ctx: Context, prompt_file: File, version: Version, dp: Datapoint, ev: Evaluation, batch_id: Optional[str]
) -> None:
    """Generate the Log of one datapoint with the Prompt version (``prompts.call`` on the server)."""
    from . import prompt_calls

    body: Dict[str, Any] = {
        "id": prompt_file.id,
        "inputs": dict(dp.inputs or {}),
        "evaluation_id": ev.id,
        "batch_id": batch_id,
        "source_datapoint_id": dp.id,
        "source": "evaluation",
        "stream": False,
    }
    if dp.messages:
        body["messages"] = dp.messages
    prompt_calls.call_prompt(ctx, body, version_id=version.id)


def _evaluate(spec: Dict[str, Any], log: Dict[str, Any], testcase: Optional[Dict[str, Any]], settings: Any) -> Any:
    from . import evaluator_runtime

    return evaluator_runtime.evaluate(spec, log, testcase, settings)


def _judge(ctx: Context, ev_id: str, log_id: str, evaluator_version_id: str, settings: Any) -> bool:
    """Run one server-side Evaluator on one Log and store its judgment; False when there is nothing to do."""
    from . import logs as logs_service
    from . import monitoring

    log = ctx.session.get(Log, log_id)
    v = ctx.session.get(Version, evaluator_version_id)
    if log is None or v is None:
        return False
    if _has_judgment(ctx, log_id, evaluator_version_id):
        return False
    spec = dict((v.kernel or {}).get("spec") or {})
    dp = ctx.session.get(Datapoint, log.source_datapoint_id) if log.source_datapoint_id else None
    testcase = datasets.serialize_datapoint(dp) if dp is not None else None
    if not _judged_now(log):
        return False
    log_dict = monitoring.log_as_dict(ctx, log)
    ctx.session.rollback()  # no transaction is held while the evaluator runs
    start = now()
    stdout = None
    try:
        outcome = _evaluate(spec, log_dict, testcase, settings)
        if outcome is None:  # not an evaluator the server runs
            return False
        judgment, error = getattr(outcome, "judgment", None), getattr(outcome, "error", None)
        stdout = getattr(outcome, "stdout", None)
    except Exception as exc:  # an evaluator failure is that judgment's error, never the job's
        logger.exception("evaluator %s failed on log %s", evaluator_version_id, log_id)
        judgment, error = None, f"{type(exc).__name__}: {exc}"
    end = now()
    ev = ctx.session.get(Evaluation, ev_id)
    if ev is None or ev.status == "cancelled" or _has_judgment(ctx, log_id, evaluator_version_id):
        ctx.session.rollback()
        return False
    data: Dict[str, Any] = {
        "id": v.file_id,
        "parent_id": log_id,
        "judgment": judgment,
        "error": error,
        "start_time": start,
        "end_time": end,
        "stdout": stdout,
        "source": "evaluation",
    }
    try:
        # the same deterministic id as monitoring's: one server judgment per (log, evaluator version)
        logs_service.create_log(
            ctx, "evaluator", data, version_id=v.id, preset_id=monitoring.judgment_log_id(log_id, v.id)
        )
    except (NotFound, Conflict):  # judged meanwhile, or the judged Log is gone
        ctx.session.rollback()
        return False
    return True


def _has_datapoint_log(ctx: Context, ev_id: str, ee: EvaluationEvaluatee, dp_id: str) -> bool:
    """Whether the datapoint has a Log in this batch already (another step may have made it meanwhile)."""
    stmt = select(Log.id).where(
        Log.evaluation_id == ev_id,
        Log.parent_id.is_(None),
        Log.version_id == ee.version_id,
        Log.source_datapoint_id == dp_id,
    )
    stmt = stmt.where(Log.batch_id.is_(None) if ee.batch_id is None else Log.batch_id == ee.batch_id)
    return ctx.session.execute(stmt.limit(1)).first() is not None


def _has_judgment(ctx: Context, log_id: str, evaluator_version_id: str) -> bool:
    return (
        ctx.session.execute(
            select(Log.id).where(Log.parent_id == log_id, Log.version_id == evaluator_version_id).limit(1)
        ).first()
        is not None
    )


def _finish(ctx: Context, ev_id: str) -> None:
    """Store the computed status (pending/running/completed) unless a client set one."""
    ev = ctx.session.get(Evaluation, ev_id)
    if ev is None or ev.status in CLIENT_STATUSES:
        ctx.session.rollback()
        return
    status = _state(ctx, ev).status()
    if status != ev.status:
        ev.status = status
        ev.updated_at = now()
        ctx.commit()
    else:
        ctx.session.rollback()


def step(ctx: Context, payload: Dict[str, Any], settings: Any = None) -> None:
    """One orchestration job: generate missing Prompt Logs, run server-side Evaluators, re-check completion.

    ``payload``: ``{"evaluation_id"}`` (everything outstanding) or ``{"evaluation_id", "log_id"}``
    (the server-side Evaluators of one new Log).
    """
    ev_id = payload["evaluation_id"]
    ev = ctx.session.get(Evaluation, ev_id)
    if ev is None or ev.status == "cancelled":
        return
    if payload.get("recheck"):
        _finish(ctx, ev_id)
        return
    server_evaluators = [e.evaluator_version_id for e in _evaluators(ctx, ev) if _runs_on_server(ctx, e)]
    if payload.get("log_id"):
        for vid in server_evaluators:
            _judge(ctx, ev_id, payload["log_id"], vid, settings)
        _finish(ctx, ev_id)
        return
    # generate the Logs of orchestrated Prompt evaluatees
    state = _state(ctx, ev)
    todo: List[Tuple[int, str]] = []
    for ee in state.evaluatees:
        if ee.orchestrated and _is_prompt_version(ctx, ee.version_id):
            todo.extend((ee.id, dp.id) for dp in state.datapoints if dp.id not in state.current[ee.id])
    for ee_id, dp_id in todo:
        ev = ctx.session.get(Evaluation, ev_id)
        ee = ctx.session.get(EvaluationEvaluatee, ee_id)
        dp = ctx.session.get(Datapoint, dp_id)
        if ev is None or ev.status == "cancelled" or ee is None or dp is None:
            ctx.session.rollback()
            return
        v = ctx.session.get(Version, ee.version_id)
        f = ctx.session.get(File, v.file_id) if v is not None else None
        if v is None or f is None or _has_datapoint_log(ctx, ev_id, ee, dp_id):
            ctx.session.rollback()
            continue
        try:
            _call_prompt(ctx, f, v, dp, ev, ee.batch_id)
        except Exception as exc:
            # a failed call is still the datapoint's Log (with its error), so completion is reachable
            ctx.session.rollback()
            logger.warning("evaluation %s: prompt call failed for datapoint %s: %s", ev_id, dp_id, exc)
            _log_failed_call(ctx, f, v, dp, ev_id, ee.batch_id, exc)
    # judge every Log still lacking a server-side judgment
    ev = ctx.session.get(Evaluation, ev_id)
    if ev is None or ev.status == "cancelled":
        return
    state = _state(ctx, ev)
    pending = [
        (log.id, vid)
        for logs_ in state.logs.values()
        for log in logs_
        for vid in server_evaluators
        if (log.id, vid) not in state.judgments and _judged_now(log)
    ]
    ctx.session.rollback()
    for log_id, vid in pending:
        ev = ctx.session.get(Evaluation, ev_id)
        if ev is None or ev.status == "cancelled":
            return
        _judge(ctx, ev_id, log_id, vid, settings)
    _finish(ctx, ev_id)


def _log_failed_call(
    ctx: Context, f: File, v: Version, dp: Datapoint, ev_id: str, batch_id: Optional[str], exc: Exception
) -> None:
    from . import logs as logs_service

    detail = getattr(exc, "detail", None)
    data = {
        "id": f.id,
        "inputs": dp.inputs or {},
        "messages": dp.messages,
        "error": str(detail if detail is not None else f"{type(exc).__name__}: {exc}"),
        "evaluation_id": ev_id,
        "batch_id": batch_id,
        "source_datapoint_id": dp.id,
        "source": "evaluation",
    }
    logs_service.create_log(ctx, "prompt", data, version_id=v.id)


def _run_job(job: Any, runtime: Any) -> None:
    """Handler of ``evaluation_step`` jobs (``workers`` calls it with a JobInfo and a Runtime)."""
    session = runtime.write_session()
    try:
        step(Context(session=session, org_id=job.org_id), dict(job.payload or {}), runtime.settings)
    finally:
        session.close()


def _register() -> None:
    from .. import workers

    workers.register(JOB_KIND, _run_job)


_register()


__all__ = [
    "JOB_KIND",
    "create",
    "get",
    "list_evaluations",
    "delete",
    "update_setup",
    "update_status",
    "pin_evaluatee",
    "stats",
    "get_logs",
    "on_log_created",
    "on_trace_completed",
    "step",
]
