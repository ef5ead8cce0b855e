"""Runs (the API of SDK 0.8.9 and later) on the rows of 0.8.6 batches.

A Run is an ``EvaluationEvaluatee`` row: a version evaluated on a Dataset version, with its Logs.
A Run created here gets a fresh ``run_id`` and uses it as its ``batch_id`` too, so its Logs are
stored exactly as a 0.8.6 client stores a batch's (``evaluation_id`` + ``batch_id``); a 0.8.6 batch
gets a ``run_id`` when it begins. Either era therefore reads what the other wrote.
"""

from __future__ import annotations

from typing import Any, Dict, List

from sqlalchemy import select

from ...db.models import Evaluation, EvaluationEvaluatee, EvaluationEvaluator, Log
from ..common import conflict, now, unprocessable
from ..context import Context
from ..errors import NotFound
from ..tenancy import get_owned
from .lookup import (
    CLIENT_STATUSES,
    EVALUATED_TYPES,
    batch_dataset_version,
    dataset_datapoints,
    evaluatees_of,
    evaluator_ref,
    evaluators_of,
    find_run,
    get_evaluation,
    get_run,
    new_run_id,
    resolve_version,
)
from .membership import on_log_created, schedule
from .state import load_state, serialize, serialize_run


def _run_body(ctx: Context, ev: Evaluation, row: EvaluationEvaluatee) -> Dict[str, Any]:
    return serialize_run(ctx, load_state(ctx, ev), row)


def _reopen(ev: Evaluation) -> None:
    """Something was added: completion is decided again."""
    if ev.status == "completed":
        ev.status = "running"
    ev.updated_at = now()


def create_run(ctx: Context, evaluation_id: str, data: Dict[str, Any]) -> Dict[str, Any]:
    ev = get_evaluation(ctx, evaluation_id)
    dataset_version_id = batch_dataset_version(ctx, ev)
    if data.get("dataset") is not None:
        _, ds = resolve_version(ctx, evaluator_ref(data["dataset"]), ["dataset"], ["body", "dataset"])
        dataset_version_id = ds.id
    version_id = None
    if data.get("version") is not None:
        f, v = resolve_version(ctx, evaluator_ref(data["version"]), EVALUATED_TYPES, ["body", "version"])
        if f.id != ev.file_id:
            raise unprocessable(
                f"{f.path!r} is not the File this Evaluation evaluates ({ev.file_id!r})", ["body", "version"]
            )
        version_id = v.id
    ts = now()
    run_id = new_run_id()
    row = EvaluationEvaluatee(
        evaluation_id=ev.id,
        version_id=version_id,
        batch_id=run_id,
        run_id=run_id,
        orchestrated=data.get("orchestrated") is not False,
        pinned=False,
        added_at=ts,
        created_at=ts,
        dataset_version_id=dataset_version_id,
    )
    ctx.session.add(row)
    ctx.session.flush()
    _reopen(ev)
    if data.get("use_existing_logs") and version_id is not None and dataset_version_id is not None:
        _adopt_existing_logs(ctx, ev, row)
    schedule(ctx, ev)
    ctx.commit()
    return _run_body(ctx, ev, row)


def _adopt_existing_logs(ctx: Context, ev: Evaluation, row: EvaluationEvaluatee) -> None:
    """The newest Log of the Run's version on each datapoint of its Dataset, if no Evaluation holds it."""
    for dp in dataset_datapoints(ctx, row.dataset_version_id):
        log = ctx.session.execute(
            select(Log)
            .where(
                Log.org_id == ctx.org_id,
                Log.version_id == row.version_id,
                Log.source_datapoint_id == dp.id,
                Log.parent_id.is_(None),
                Log.evaluation_id.is_(None),
            )
            .order_by(Log.received_at.desc(), Log.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        if log is not None:
            log.evaluation_id, log.batch_id = ev.id, row.batch_id
            on_log_created(ctx, log)


def list_runs(ctx: Context, evaluation_id: str) -> Dict[str, Any]:
    ev = get_evaluation(ctx, evaluation_id)
    state = load_state(ctx, ev)
    return {"runs": [serialize_run(ctx, state, ee) for ee in state.evaluatees]}


def add_existing_run(ctx: Context, evaluation_id: str, run_id: str) -> Dict[str, Any]:
    """Add a Run of another Evaluation to this one; its Logs stay where they are and count in both."""
    ev = get_evaluation(ctx, evaluation_id)
    origin = find_run(ctx, run_id, ["path", "run_id"])
    existing = [r for r in evaluatees_of(ctx, ev) if r.run_id == run_id]
    if existing:
        return _run_body(ctx, ev, existing[0])
    ts = now()
    row = EvaluationEvaluatee(
        evaluation_id=ev.id,
        version_id=origin.version_id,
        batch_id=origin.batch_id,
        run_id=origin.run_id,
        orchestrated=False,
        pinned=False,
        added_at=ts,
        created_at=origin.created_at or origin.added_at,
        dataset_version_id=origin.dataset_version_id or _evaluation_dataset(ctx, origin),
        logs_evaluation_id=origin.evaluation_id if origin.evaluation_id != ev.id else None,
    )
    ctx.session.add(row)
    ctx.session.flush()
    _reopen(ev)
    schedule(ctx, ev)
    ctx.commit()
    return _run_body(ctx, ev, row)


def _evaluation_dataset(ctx: Context, row: EvaluationEvaluatee) -> Any:
    home = ctx.session.get(Evaluation, row.evaluation_id)
    return home.dataset_version_id if home is not None else None


def remove_run(ctx: Context, evaluation_id: str, run_id: str) -> None:
    """Take a Run out of an Evaluation; its Logs stay (and keep their ``evaluation_id``/``batch_id``)."""
    ev = get_evaluation(ctx, evaluation_id)
    row = get_run(ctx, ev, run_id)
    ctx.session.delete(row)
    ev.updated_at = now()
    ctx.commit()


def update_run(ctx: Context, evaluation_id: str, run_id: str, data: Dict[str, Any]) -> Dict[str, Any]:
    ev = get_evaluation(ctx, evaluation_id)
    row = get_run(ctx, ev, run_id)
    status = data.get("status")
    if status is not None:
        if status not in CLIENT_STATUSES:
            raise unprocessable(
                f"a Run's status can only be set to 'completed' or 'cancelled' (the server sets {status!r} itself)",
                ["body", "status"],
            )
        row.run_status = status
    control = data.get("control")
    if control is not None:
        if control:
            for other in evaluatees_of(ctx, ev):
                other.pinned = False
        row.pinned = bool(control)
    ev.updated_at = now()
    ctx.commit()
    return _run_body(ctx, ev, row)


def add_logs_to_run(ctx: Context, evaluation_id: str, run_id: str, log_ids: List[str]) -> Dict[str, Any]:
    """Existing Logs join a Run (a Log belongs to one Run at most)."""
    ev = get_evaluation(ctx, evaluation_id)
    row = get_run(ctx, ev, run_id)
    home = row.logs_evaluation_id or ev.id
    version_id = row.version_id
    chosen: List[Log] = []
    for i, log_id in enumerate(log_ids):
        log = get_owned(ctx, Log, log_id, "Log")
        loc: List[Any] = ["body", "log_ids", i]
        if log.parent_id is not None:
            raise unprocessable(f"Log {log_id!r} is a judgment of another Log; it cannot join a Run", loc)
        if log.evaluation_id is not None and (log.evaluation_id, log.batch_id) != (home, row.batch_id):
            raise conflict(f"Log {log_id!r} already belongs to another Run or batch")
        if version_id is None:
            version_id = log.version_id
        if log.version_id != version_id:
            raise unprocessable(
                f"Run {run_id!r} evaluates version {version_id!r}; Log {log_id!r} is of version {log.version_id!r}",
                loc,
            )
        chosen.append(log)
    if row.version_id is None and version_id is not None:
        home_ev = ctx.session.get(Evaluation, home)
        first = chosen[0]
        if home_ev is not None and first.file_id != home_ev.file_id:
            raise unprocessable(
                f"Run {run_id!r} evaluates the File {home_ev.file_id!r}; Log {first.id!r} is of another File",
                ["body", "log_ids", 0],
            )
        row.version_id = version_id
    for log in chosen:
        if log.evaluation_id is None:
            log.evaluation_id, log.batch_id = home, row.batch_id
            ctx.session.flush()
            on_log_created(ctx, log)
    _reopen(ev)
    ctx.commit()
    return _run_body(ctx, ev, row)


def add_evaluators(ctx: Context, evaluation_id: str, refs: List[Dict[str, Any]]) -> Dict[str, Any]:
    ev = get_evaluation(ctx, evaluation_id)
    existing = {e.evaluator_version_id: e for e in evaluators_of(ctx, ev)}
    wanted: Dict[str, bool] = {}
    for i, ref in enumerate(refs):
        _, v = resolve_version(ctx, evaluator_ref(ref), ["evaluator"], ["body", "evaluators", i])
        wanted[v.id] = ref.get("orchestrated") is not False
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
    _reopen(ev)
    schedule(ctx, ev)
    ctx.commit()
    return serialize(ctx, ev)


def remove_evaluator(ctx: Context, evaluation_id: str, evaluator_version_id: str) -> Dict[str, Any]:
    ev = get_evaluation(ctx, evaluation_id)
    row = next((e for e in evaluators_of(ctx, ev) if e.evaluator_version_id == evaluator_version_id), None)
    if row is None:
        raise NotFound(f"Evaluator version {evaluator_version_id!r} is not an Evaluator of Evaluation {ev.id!r}")
    ctx.session.delete(row)
    ev.updated_at = now()
    ctx.commit()
    return serialize(ctx, ev)


def join_run(ctx: Context, data: Dict[str, Any]) -> Dict[str, Any]:
    """A Log body naming a ``run_id`` joins that Run: it is stored with the Run's Evaluation and batch.

    The Log's version is checked against the Run's when the Log is stored (``membership``).
    """
    run_id = data.pop("run_id", None)
    if not run_id:
        return data
    row = find_run(ctx, run_id, ["body", "run_id"])
    if data.get("evaluation_id") not in (None, row.evaluation_id):
        raise unprocessable(
            f"Run {run_id!r} belongs to Evaluation {row.evaluation_id!r}, not {data['evaluation_id']!r}",
            ["body", "evaluation_id"],
        )
    if data.get("batch_id") not in (None, row.batch_id):
        raise unprocessable(f"Run {run_id!r} is the batch {row.batch_id!r}", ["body", "batch_id"])
    return {**data, "evaluation_id": row.evaluation_id, "batch_id": row.batch_id}
