"""Creating, reading and changing Evaluations (the 0.8.6 API: batches of evaluated versions)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from sqlalchemy import delete as sa_delete
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ... import ids
from ...db.models import Evaluation, EvaluationEvaluatee, EvaluationEvaluator, File
from ..bounds import check_length
from ..common import conflict, now, page_body, paginate, unprocessable
from ..context import Context
from ..tenancy import get_owned
from .lookup import (
    CLIENT_STATUSES,
    EVALUATED_TYPES,
    batch_dataset_version,
    check_name,
    evaluatees_of,
    evaluator_ref,
    evaluators_of,
    file_by_ref,
    get_evaluation,
    new_run_id,
    resolve_version,
)
from .membership import schedule
from .state import serialize


def _set_dataset(ctx: Context, ev: Evaluation, ref: Dict[str, Any]) -> None:
    f, v = resolve_version(ctx, ref, ["dataset"], ["body", "dataset"])
    ev.dataset_file_id = f.id
    ev.dataset_version_id = v.id
    ev.dataset_follows_file = not (ref.get("version_id") or ref.get("environment"))


def _set_evaluators(ctx: Context, ev: Evaluation, refs: List[Dict[str, Any]]) -> None:
    existing = {e.evaluator_version_id: e for e in evaluators_of(ctx, ev)}
    wanted: Dict[str, bool] = {}
    for i, ref in enumerate(refs):
        _, v = resolve_version(ctx, evaluator_ref(ref), ["evaluator"], ["body", "evaluators", i])
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
    existing = {(e.version_id, e.batch_id): e for e in evaluatees_of(ctx, ev)}
    wanted: Dict[Tuple[str, Optional[str]], Dict[str, Any]] = {}
    evaluated: List[File] = []
    for i, ref in enumerate(refs):
        check_length(ref.get("batch_id"), EvaluationEvaluatee, "batch_id", ["body", "evaluatees", i, "batch_id"])
        f, v = resolve_version(ctx, ref, EVALUATED_TYPES, ["body", "evaluatees", i])
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
                    created_at=ts,
                    run_id=new_run_id(),
                    dataset_version_id=batch_dataset_version(ctx, ev),
                )
            )
    ctx.session.flush()
    return evaluated


def create(ctx: Context, data: Dict[str, Any]) -> Dict[str, Any]:
    check_length(data.get("name"), Evaluation, "name", ["body", "name"])
    file_ref = data.get("file") or {}
    evaluated_file = file_by_ref(ctx, file_ref.get("id"), file_ref.get("path"))
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
    if data.get("dataset") is not None:  # the 0.8.6 body; a runs-era Evaluation has no Dataset of its own
        _set_dataset(ctx, ev, data["dataset"])
    # resolve everything before inserting, so a bad reference leaves nothing behind
    evaluator_refs = list(data.get("evaluators") or [])
    for i, ref in enumerate(evaluator_refs):
        resolve_version(ctx, evaluator_ref(ref), ["evaluator"], ["body", "evaluators", i])
    evaluatee_refs = list(data.get("evaluatees") or [])
    evaluatee_files = [
        resolve_version(ctx, ref, EVALUATED_TYPES, ["body", "evaluatees", i])[0] for i, ref in enumerate(evaluatee_refs)
    ]
    if evaluated_file is None:
        if not evaluatee_files:
            raise unprocessable("give the file evaluated (id or path) or at least one evaluatee", ["body", "file"])
        evaluated_file = evaluatee_files[0]
    ev.file_id = evaluated_file.id
    check_name(ctx, ev.file_id, ev.name)
    try:
        with ctx.session.begin_nested():
            ctx.session.add(ev)
            ctx.session.flush()
    except IntegrityError:
        raise conflict(f"An Evaluation named {ev.name!r} already exists for this file") from None
    _set_evaluators(ctx, ev, evaluator_refs)
    _set_evaluatees(ctx, ev, evaluatee_refs)
    schedule(ctx, ev)
    ctx.commit()
    return serialize(ctx, ev)


def get(ctx: Context, evaluation_id: str) -> Dict[str, Any]:
    return serialize(ctx, get_evaluation(ctx, evaluation_id))


def list_evaluations(
    ctx: Context, file_id: str, page: Optional[int] = None, size: Optional[int] = None
) -> Dict[str, Any]:
    f = get_owned(ctx, File, file_id, "File")
    stmt = (
        select(Evaluation)
        .where(Evaluation.org_id == ctx.org_id, Evaluation.file_id == f.id)
        .order_by(Evaluation.created_at, Evaluation.id)
    )
    rows, page, size, total = paginate(ctx.session, stmt, page, size)
    return page_body([serialize(ctx, ev) for ev in rows], page, size, total)


def delete(ctx: Context, evaluation_id: str) -> None:
    ev = get_evaluation(ctx, evaluation_id)
    ctx.session.execute(sa_delete(EvaluationEvaluatee).where(EvaluationEvaluatee.evaluation_id == ev.id))
    ctx.session.execute(sa_delete(EvaluationEvaluator).where(EvaluationEvaluator.evaluation_id == ev.id))
    ctx.session.delete(ev)
    ctx.commit()


def update_setup(ctx: Context, evaluation_id: str, data: Dict[str, Any]) -> Dict[str, Any]:
    ev = get_evaluation(ctx, evaluation_id)
    check_length(data.get("name"), Evaluation, "name", ["body", "name"])
    file_id, name = ev.file_id, data["name"] if "name" in data else ev.name
    if data.get("file") is not None:
        f = file_by_ref(ctx, data["file"].get("id"), data["file"].get("path"))
        if f is None:
            raise unprocessable("give the id or path of the file", ["body", "file"])
        if f.type == "dataset":
            raise unprocessable(f"{f.path!r} is a Dataset: it cannot be evaluated", ["body", "file"])
        file_id = f.id
    check_name(ctx, file_id, name, exclude=ev.id)
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
    schedule(ctx, ev)
    ctx.commit()
    return serialize(ctx, ev)


def update_status(ctx: Context, evaluation_id: str, status: str) -> Dict[str, Any]:
    ev = get_evaluation(ctx, evaluation_id)
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
    ev = get_evaluation(ctx, evaluation_id)
    _, v = resolve_version(ctx, data, EVALUATED_TYPES, ["body"])
    rows = evaluatees_of(ctx, ev)
    batch = data.get("batch_id")
    check_length(batch, EvaluationEvaluatee, "batch_id", ["body", "batch_id"])
    match = [r for r in rows if r.version_id == v.id and (batch is None or r.batch_id == batch)]
    if not match:
        ts = now()
        row = EvaluationEvaluatee(
            evaluation_id=ev.id,
            version_id=v.id,
            batch_id=batch,
            orchestrated=data.get("orchestrated") is not False,
            pinned=True,
            added_at=ts,
            created_at=ts,
            run_id=new_run_id(),
            dataset_version_id=batch_dataset_version(ctx, ev),
        )
        ctx.session.add(row)
        match = [row]
        if ev.status == "completed":
            ev.status = "running"
        schedule(ctx, ev)
    for r in rows:
        r.pinned = False
    for r in match:
        r.pinned = True
    ev.updated_at = now()
    ctx.commit()
    return serialize(ctx, ev)
