"""What an Evaluation holds right now: its columns (evaluatees), rows (datapoints), Logs and judgments.

Completion (see docs/SERVER.md): for every evaluatee and every datapoint of the Dataset version a
Log exists, and every non-human Evaluator has a judgment (or an error) on each such Log. The status
is computed whenever it is read; ``cancelled`` and ``completed`` set by a client are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Set, Tuple

from sqlalchemy import select

from ...db.models import Datapoint, Evaluation, EvaluationEvaluatee, EvaluationEvaluator, File, Log, Version
from .. import files
from ..common import iso
from ..context import Context
from .lookup import CLIENT_STATUSES, dataset_datapoints, evaluatees_of, evaluators_of, spec_of


@dataclass
class EvaluationState:
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


def load_state(ctx: Context, ev: Evaluation) -> EvaluationState:
    evaluators = evaluators_of(ctx, ev)
    specs = {e.evaluator_version_id: spec_of(ctx, e.evaluator_version_id) for e in evaluators}
    evaluatees = []
    seen = set()
    for e in evaluatees_of(ctx, ev):  # one column per (version, batch), the first one added
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
        rows = ctx.session.execute(
            select(Log)
            .where(Log.org_id == ev.org_id, Log.parent_id.in_(chunk), Log.file_id.in_(list(version_of_file)))
            .order_by(Log.received_at, Log.id)
        ).scalars()
        for j in rows:
            parent_id = str(j.parent_id)  # selected by parent_id, so never None
            if j.version_id in evaluator_versions:
                key = (parent_id, j.version_id)
                exact.add(key)
                judgments[key] = j
            else:
                key = (parent_id, version_of_file[j.file_id])
                if key not in exact:
                    judgments[key] = j
    return EvaluationState(
        ev=ev,
        datapoints=dataset_datapoints(ctx, ev.dataset_version_id),
        evaluators=evaluators,
        specs=specs,
        evaluatees=evaluatees,
        logs=logs,
        current=current,
        judgments=judgments,
    )


# ---------------------------------------------------------------- serialisation


def version_body(ctx: Context, version_id: str) -> Optional[Dict[str, Any]]:
    v = ctx.session.get(Version, version_id)
    f = ctx.session.get(File, v.file_id) if v is not None else None
    if v is None or f is None:
        return None
    return files.serialize(ctx, f, v, nested=True)


def serialize(ctx: Context, ev: Evaluation, state: Optional[EvaluationState] = None) -> Dict[str, Any]:
    state = state or load_state(ctx, ev)
    ds_file = ctx.session.get(File, ev.dataset_file_id)
    ds_version = ctx.session.get(Version, ev.dataset_version_id)
    return {
        "id": ev.id,
        "dataset": files.serialize(ctx, ds_file, ds_version) if ds_file and ds_version else None,
        "evaluatees": [
            {
                "version": version_body(ctx, e.version_id),
                "batch_id": e.batch_id,
                "orchestrated": bool(e.orchestrated),
                "pinned": bool(e.pinned),
                "added_at": iso(e.added_at),
            }
            for e in state.evaluatees
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
