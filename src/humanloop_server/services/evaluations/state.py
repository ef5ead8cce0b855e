"""What an Evaluation holds right now: its columns (evaluatees), rows (datapoints), Logs and judgments.

Completion (see docs/SERVER.md), batch by batch: a batch (an evaluated version with its
``batch_id``) is complete when every datapoint of *its* Dataset version has a Log in the batch, and
each such Log has a judgment (or an error) from every Evaluator that judges the batch: the non-human
Evaluators the Evaluation had when the batch began, and the ones the server runs (it judges every
Log, old batches included). An Evaluation is complete when all its batches are. The status is
computed whenever it is read; ``cancelled`` and ``completed`` set by a client are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Set, Tuple, cast

from sqlalchemy import select

from ...db.models import Datapoint, Evaluation, EvaluationEvaluatee, EvaluationEvaluator, File, Log, Version
from .. import files
from ..common import iso
from ..context import Context
from .lookup import CLIENT_STATUSES, dataset_datapoints, evaluatees_of, evaluators_of, runs_on_server, spec_of


@dataclass
class EvaluationState:
    ev: Evaluation
    # the datapoints of the Evaluation's current Dataset version (the rows of its report)
    datapoints: List[Datapoint]
    evaluators: List[EvaluationEvaluator]
    specs: Dict[str, Dict[str, Any]]
    evaluatees: List[EvaluationEvaluatee]
    # per evaluatee id: all its logs (oldest first), and the current log of each datapoint
    logs: Dict[int, List[Log]]
    current: Dict[int, Dict[str, Log]]
    # (log id, evaluator version id) -> latest judgment log
    judgments: Dict[Tuple[str, str], Log]
    # per evaluatee id: the datapoints of its Dataset version, and the Evaluators that must judge it
    batch_datapoints: Dict[int, List[Datapoint]]
    batch_evaluators: Dict[int, List[EvaluationEvaluator]]

    def batch_counts(self, ee: EvaluationEvaluatee) -> Tuple[int, int, int, int]:
        """(datapoints logged, datapoints expected, judgments given, judgments expected) of one batch.

        A Run without a Dataset expects its own Logs (at least one) and their judgments.
        """
        required = self.batch_evaluators[ee.id]
        if ee.dataset_version_id is None and self.ev.dataset_version_id is None:
            own = self.logs[ee.id]
            judged = sum(1 for log in own for e in required if (log.id, e.evaluator_version_id) in self.judgments)
            return len(own), max(len(own), 1), judged, len(own) * len(required)
        datapoints = self.batch_datapoints[ee.id]
        logged = judged = 0
        for dp in datapoints:
            log = self.current[ee.id].get(dp.id)
            if log is None:
                continue
            logged += 1
            judged += sum(1 for e in required if (log.id, e.evaluator_version_id) in self.judgments)
        return logged, len(datapoints), judged, len(datapoints) * len(required)

    def counts(self) -> Tuple[int, int, int, int]:
        """The sums of :meth:`batch_counts` over every batch."""
        totals = [0, 0, 0, 0]
        for ee in self.evaluatees:
            for i, n in enumerate(self.batch_counts(ee)):
                totals[i] += n
        return totals[0], totals[1], totals[2], totals[3]

    def batch_complete(self, ee: EvaluationEvaluatee) -> bool:
        logged, expected, judged, needed = self.batch_counts(ee)
        return logged == expected and judged == needed

    def complete(self) -> bool:
        """Every Run is complete, or was declared completed or cancelled by a client (a cancelled Run
        of a later SDK must not keep a 0.8.6 client waiting on the Evaluation for ever)."""
        return bool(self.evaluatees) and all(
            self.batch_complete(ee) or ee.run_status in CLIENT_STATUSES for ee in self.evaluatees
        )

    def missing(self, limit: int = 3) -> List[str]:
        """What keeps the Evaluation from being complete, in words (at most ``limit`` items)."""
        out: List[str] = []
        for ee in self.evaluatees:
            batch = ee.batch_id or ee.version_id
            unlogged = [dp.id for dp in self.batch_datapoints[ee.id] if dp.id not in self.current[ee.id]]
            if unlogged:
                out.append(f"batch {batch}: no Log yet for datapoint(s) {', '.join(unlogged[:3])}")
            for e in self.batch_evaluators[ee.id]:
                waiting = [
                    log.id
                    for dp in self.batch_datapoints[ee.id]
                    if (log := self.current[ee.id].get(dp.id)) is not None
                    and (log.id, e.evaluator_version_id) not in self.judgments
                ]
                if waiting:
                    out.append(
                        f"batch {batch}: {len(waiting)} Log(s) not yet judged by Evaluator version "
                        f"{e.evaluator_version_id} (e.g. {waiting[0]})"
                    )
            if len(out) >= limit:
                break
        return out[:limit]

    def run_status(self, ee: EvaluationEvaluatee) -> str:
        """Status of one Run: set by a client, or computed like the Evaluation's."""
        if ee.run_status in CLIENT_STATUSES:
            return str(ee.run_status)
        if self.ev.status == "cancelled":
            return "cancelled"
        if self.batch_complete(ee):
            return "completed"
        return "running" if self.logs[ee.id] else "pending"

    def status(self) -> str:
        if self.ev.status in CLIENT_STATUSES:
            return self.ev.status
        if self.complete():
            return "completed"
        if any(self.logs.values()) or self.ev.status == "running":
            return "running"
        return "pending"


#: what :meth:`EvaluationState.counts`, its status and the statistics read of a Log (and of a
#: judgment); ``load_state(counting=True)`` loads no other column of them
COUNTED_COLUMNS = (
    Log.id,
    Log.file_id,
    Log.version_id,
    Log.evaluation_id,
    Log.batch_id,
    Log.source_datapoint_id,
    Log.parent_id,
    Log.received_at,
    Log.judgment,
    Log.error,
    Log.marked_completed,
)


def load_state(ctx: Context, ev: Evaluation, *, counting: bool = False) -> EvaluationState:
    """What an Evaluation holds: its Runs, their Logs, the judgments and the datapoints.

    ``counting``: the caller only counts and reads judgments (the statistics): the Logs are read-only
    rows of :data:`COUNTED_COLUMNS` (same attribute names, not ORM objects) and the datapoints carry
    only their ids (other attributes load on first use). Reading every column of every Log (their
    JSON: messages, inputs, provider bodies) was most of the time of ``evaluations.get_stats``.
    """

    def logs_where(*conditions: Any) -> Any:
        if counting:  # rows, typed as Logs: they answer the attributes the statistics read
            return select(*COUNTED_COLUMNS).where(*conditions).order_by(Log.received_at, Log.id)
        return select(Log).where(*conditions).order_by(Log.received_at, Log.id)

    evaluators = evaluators_of(ctx, ev)
    specs = {e.evaluator_version_id: spec_of(ctx, e.evaluator_version_id) for e in evaluators}
    evaluatees = []
    seen = set()
    for e in evaluatees_of(ctx, ev):  # one column per (version, batch), the first one added
        if (e.version_id, e.batch_id) not in seen:
            seen.add((e.version_id, e.batch_id))
            evaluatees.append(e)
    # a Run added from another Evaluation keeps its Logs there
    homes = sorted({ev.id, *(e.logs_evaluation_id for e in evaluatees if e.logs_evaluation_id)})
    found = ctx.session.execute(
        logs_where(
            Log.org_id == ev.org_id,
            Log.evaluation_id == ev.id if len(homes) == 1 else Log.evaluation_id.in_(homes),
            Log.parent_id.is_(None),
        )
    )
    all_logs = cast(List[Log], list(found.all() if counting else found.scalars()))
    by_key: Dict[Tuple[Optional[str], Optional[str], Optional[str]], int] = {
        (e.logs_evaluation_id or ev.id, e.version_id, e.batch_id): e.id for e in evaluatees
    }
    logs: Dict[int, List[Log]] = {e.id: [] for e in evaluatees}
    current: Dict[int, Dict[str, Log]] = {e.id: {} for e in evaluatees}
    for log in all_logs:
        eid = by_key.get((log.evaluation_id, log.version_id, log.batch_id))
        if eid is None:
            continue
        logs[eid].append(log)
        if log.source_datapoint_id:
            current[eid][log.source_datapoint_id] = log  # the newest log of a datapoint counts
    # Judgments count for the Evaluation's Evaluator version; a judgment by another version of the
    # same Evaluator File stands in when that version has none (a local evaluator whose code changed
    # between two runs of one Evaluation is a new version of the same File).
    judgments: Dict[Tuple[str, str], Log] = {}
    exact: Set[Tuple[str, str]] = set()
    log_ids = [log.id for log in all_logs]
    evaluator_versions = {e.evaluator_version_id for e in evaluators}
    version_of_file: Dict[str, str] = {}
    for evaluator in evaluators:
        v = ctx.session.get(Version, evaluator.evaluator_version_id)
        if v is not None:
            version_of_file.setdefault(v.file_id, evaluator.evaluator_version_id)
    for i in range(0, len(log_ids), 500):
        chunk = log_ids[i : i + 500]
        # by parent only (ix_logs_org_parent): naming the Evaluator Files in SQL too let SQLite's
        # planner (no statistics) read every judgment of those Files instead, for each chunk
        result = ctx.session.execute(logs_where(Log.org_id == ev.org_id, Log.parent_id.in_(chunk)))
        rows = cast(List[Log], list(result.all() if counting else result.scalars()))
        for j in rows:
            if j.file_id not in version_of_file:
                continue
            parent_id = str(j.parent_id)  # selected by parent_id, so never None
            if j.version_id in evaluator_versions:
                key = (parent_id, j.version_id)
                exact.add(key)
                judgments[key] = j
            else:
                key = (parent_id, version_of_file[j.file_id])
                if key not in exact:
                    judgments[key] = j
    by_version: Dict[str, List[Datapoint]] = {}

    def datapoints_of(version_id: Optional[str]) -> List[Datapoint]:
        if version_id is None:
            return []
        if version_id not in by_version:
            by_version[version_id] = dataset_datapoints(ctx, version_id, ids_only=counting)
        return by_version[version_id]

    judging = [e for e in evaluators if specs[e.evaluator_version_id].get("evaluator_type") != "human"]
    return EvaluationState(
        ev=ev,
        datapoints=datapoints_of(ev.dataset_version_id),
        evaluators=evaluators,
        specs=specs,
        evaluatees=evaluatees,
        logs=logs,
        current=current,
        judgments=judgments,
        batch_datapoints={ee.id: datapoints_of(ee.dataset_version_id or ev.dataset_version_id) for ee in evaluatees},
        batch_evaluators={
            ee.id: [e for e in judging if e.added_at <= ee.added_at or runs_on_server(ctx, e)] for ee in evaluatees
        },
    )


# ---------------------------------------------------------------- serialisation


def version_body(ctx: Context, version_id: Optional[str]) -> Optional[Dict[str, Any]]:
    v = ctx.session.get(Version, version_id) if version_id else None
    f = ctx.session.get(File, v.file_id) if v is not None else None
    if v is None or f is None:
        return None
    return files.serialize(ctx, f, v, nested=True)


def serialize(ctx: Context, ev: Evaluation, state: Optional[EvaluationState] = None) -> Dict[str, Any]:
    state = state or load_state(ctx, ev)
    return {
        "id": ev.id,
        "runs_count": len(state.evaluatees),
        "dataset": dataset_body(ctx, ev.dataset_version_id),
        "evaluatees": [
            {
                "version": version_body(ctx, e.version_id),
                "batch_id": e.batch_id,
                "orchestrated": bool(e.orchestrated),
                "pinned": bool(e.pinned),
                "added_at": iso(e.added_at),
            }
            for e in state.evaluatees
            if e.version_id is not None  # a Run that has no version yet is not a 0.8.6 evaluatee
        ],
        "evaluators": [
            {
                "version": version_body(ctx, e.evaluator_version_id),
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


def dataset_body(ctx: Context, dataset_version_id: Optional[str]) -> Optional[Dict[str, Any]]:
    v = ctx.session.get(Version, dataset_version_id) if dataset_version_id else None
    f = ctx.session.get(File, v.file_id) if v is not None else None
    return files.serialize(ctx, f, v) if v is not None and f is not None else None


def serialize_run(ctx: Context, state: EvaluationState, ee: EvaluationEvaluatee) -> Dict[str, Any]:
    """A Run (one evaluatee row) in the runs-era wire form."""
    return {
        "id": ee.run_id,
        "dataset": dataset_body(ctx, ee.dataset_version_id or state.ev.dataset_version_id),
        "version": version_body(ctx, ee.version_id),
        "orchestrated": bool(ee.orchestrated),
        "added_at": iso(ee.added_at),
        "created_at": iso(ee.created_at or ee.added_at),
        "created_by": None,
        "status": state.run_status(ee),
        "control": bool(ee.pinned),
    }
