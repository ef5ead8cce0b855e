"""Finding the parts of an Evaluation: the Evaluation itself, the versions it names, its rows."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

from sqlalchemy import select
from sqlalchemy.orm import load_only

from ... import ids
from ...db.models import (
    Datapoint,
    DatasetVersionDatapoint,
    Evaluation,
    EvaluationEvaluatee,
    EvaluationEvaluator,
    File,
    Version,
)
from .. import files, kinds
from ..common import conflict, normalise_path, not_found, unprocessable
from ..context import Context
from ..errors import NotFound
from ..judgments import EXECUTED_TYPES
from ..tenancy import find_owned, get_owned

JOB_KIND = "evaluation_step"
#: statuses only a client sets; the server never changes them
CLIENT_STATUSES = ("completed", "cancelled")
#: kinds of File an Evaluation can evaluate
EVALUATED_TYPES = ("prompt", "tool", "flow", "evaluator", "agent")
#: kinds of File whose Logs the server makes itself for an orchestrated Run (it calls the version)
SERVER_CALLED_TYPES = ("prompt", "agent")


def get_evaluation(ctx: Context, evaluation_id: Optional[str]) -> Evaluation:
    return get_owned(ctx, Evaluation, evaluation_id, "Evaluation")


def new_run_id() -> str:
    return ids.new_id("run")


def get_run(ctx: Context, ev: Evaluation, run_id: str) -> EvaluationEvaluatee:
    """The Run ``run_id`` of the Evaluation ``ev`` (404 when it has no such Run)."""
    row = ctx.session.execute(
        select(EvaluationEvaluatee)
        .where(EvaluationEvaluatee.evaluation_id == ev.id, EvaluationEvaluatee.run_id == run_id)
        .order_by(EvaluationEvaluatee.id)
        .limit(1)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"Run {run_id!r} not found in Evaluation {ev.id!r}")
    return row


def find_run(ctx: Context, run_id: str, loc: List[Any]) -> EvaluationEvaluatee:
    """The Run ``run_id`` where its Logs live (not a copy added to another Evaluation); 422 when unknown."""
    rows = ctx.session.execute(
        select(EvaluationEvaluatee)
        .where(EvaluationEvaluatee.run_id == run_id, EvaluationEvaluatee.logs_evaluation_id.is_(None))
        .order_by(EvaluationEvaluatee.id)
    ).scalars()
    for row in rows:
        if find_owned(ctx, Evaluation, row.evaluation_id) is not None:
            return row
    raise unprocessable(f"Run {run_id!r} does not exist", loc)


def lock_evaluation(ctx: Context, ev: Evaluation) -> None:
    """Serialise with every other writer of this Evaluation's status until the transaction ends.

    A Log joining an Evaluation and the background step that stores its status both take this
    lock first, so the step never stores "completed" from a view that misses a batch that began
    meanwhile (on PostgreSQL, reads are not serialised with concurrent inserts; SQLite serialises
    every writer anyway and ignores the row lock).
    """
    ctx.session.execute(select(Evaluation.id).where(Evaluation.id == ev.id).with_for_update()).first()
    ctx.session.refresh(ev)


def file_by_ref(ctx: Context, file_id: Optional[str], path: Optional[str]) -> Optional[File]:
    if file_id:
        return get_owned(ctx, File, file_id, "File")
    if path:
        f = files.file_by_path(ctx, normalise_path(path, bounded=False))
        if f is None:
            raise not_found("File", path)
        return f
    return None


def resolve_version(ctx: Context, ref: Dict[str, Any], allowed: Sequence[str], loc: List[Any]) -> Tuple[File, Version]:
    """A version named by ``{version_id | path | file_id [, environment]}`` of a File of an allowed type."""
    label = " or ".join(kinds.label(t) for t in allowed)
    version_id = ref.get("version_id")
    if version_id:
        v = get_owned(ctx, Version, version_id, "Version")
        f = get_owned(ctx, File, v.file_id, "Version")
        named = file_by_ref(ctx, ref.get("file_id"), ref.get("path"))
        if named is not None and named.id != f.id:
            raise unprocessable(f"version {version_id!r} is not a version of {named.path!r}", loc)
    else:
        if not ref.get("file_id") and not ref.get("path"):
            raise unprocessable(f"give the version_id, path or file_id of the {label}", loc)
        found = file_by_ref(ctx, ref.get("file_id"), ref.get("path"))
        assert found is not None  # a file_id or a path was given, and file_by_ref raises when unknown
        f = found
        v = None
    if f.type not in allowed:
        raise unprocessable(f"{f.path!r} is a {kinds.label(f.type)}, not a {label}", loc)
    if v is None:
        v = files.resolve_version(ctx, f, None, ref.get("environment"))
    return f, v


def dataset_datapoints(ctx: Context, dataset_version_id: Optional[str], ids_only: bool = False) -> List[Datapoint]:
    """The datapoints of a Dataset version in order; ``ids_only``: their other columns are loaded
    on first use."""
    if dataset_version_id is None:
        return []
    stmt = (
        select(Datapoint)
        .join(DatasetVersionDatapoint, DatasetVersionDatapoint.datapoint_id == Datapoint.id)
        .where(DatasetVersionDatapoint.version_id == dataset_version_id)
        .order_by(DatasetVersionDatapoint.position)
    )
    if ids_only:
        stmt = stmt.options(load_only(Datapoint.id))
    return list(ctx.session.execute(stmt).scalars())


def evaluators_of(ctx: Context, ev: Evaluation) -> List[EvaluationEvaluator]:
    return list(
        ctx.session.execute(
            select(EvaluationEvaluator)
            .where(EvaluationEvaluator.evaluation_id == ev.id)
            .order_by(EvaluationEvaluator.added_at, EvaluationEvaluator.id)
        ).scalars()
    )


def evaluatees_of(ctx: Context, ev: Evaluation) -> List[EvaluationEvaluatee]:
    return list(
        ctx.session.execute(
            select(EvaluationEvaluatee)
            .where(EvaluationEvaluatee.evaluation_id == ev.id)
            .order_by(EvaluationEvaluatee.added_at, EvaluationEvaluatee.id)
        ).scalars()
    )


def evaluator_ref(ref: Dict[str, Any]) -> Dict[str, Any]:
    """An Evaluator (or File) reference in the 0.8.6 shape: the runs era's ``id`` is its ``file_id``."""
    out = dict(ref)
    if out.get("id") and not out.get("file_id"):
        out["file_id"] = out["id"]
    out.pop("id", None)
    return out


def spec_of(ctx: Context, version_id: str) -> Dict[str, Any]:
    v = ctx.session.get(Version, version_id)
    return dict(((v.kernel or {}).get("spec") or {}) if v is not None else {})


def check_name(ctx: Context, file_id: str, name: Optional[str], exclude: Optional[str] = None) -> None:
    if name is None:
        return
    stmt = select(Evaluation.id).where(Evaluation.file_id == file_id, Evaluation.name == name)
    if exclude:
        stmt = stmt.where(Evaluation.id != exclude)
    if ctx.session.execute(stmt).first() is not None:
        raise conflict(f"An Evaluation named {name!r} already exists for this file")


def runs_on_server(ctx: Context, e: EvaluationEvaluator) -> bool:
    return bool(e.orchestrated) and spec_of(ctx, e.evaluator_version_id).get("evaluator_type") in EXECUTED_TYPES


def server_calls(ctx: Context, version_id: Optional[str]) -> bool:
    """Whether the server can produce the Logs of this version itself (a Prompt or an Agent version)."""
    v = ctx.session.get(Version, version_id) if version_id else None
    f = ctx.session.get(File, v.file_id) if v is not None else None
    return f is not None and f.type in SERVER_CALLED_TYPES


def batch_dataset_version(ctx: Context, ev: Evaluation) -> Optional[str]:
    """The Dataset version that a batch beginning now is judged against.

    An Evaluation set up with a version keeps that version until its setup changes. One set up with
    a Dataset follows it: a new batch takes the version the Dataset resolves to now (what a client
    that names no version, such as the published 0.8.6 ``evaluations.run``, has just read), and the
    Evaluation's current version moves with it.
    """
    if ev.dataset_follows_file and ev.dataset_file_id:
        dataset = ctx.session.get(File, ev.dataset_file_id)
        version = files.default_version(ctx, dataset) if dataset is not None else None
        if version is not None and version.id != ev.dataset_version_id:
            ev.dataset_version_id = version.id
    return ev.dataset_version_id
