"""What an Evaluation found: statistics per evaluated version and Evaluator, a text report, and the
Logs of each datapoint side by side."""

from __future__ import annotations

import math
import statistics
from typing import Any, Dict, List, Optional, Tuple

from ...db.models import Datapoint, EvaluationEvaluatee, File, Log, Version
from .. import logs
from ..common import not_found, page_body, unprocessable
from ..context import Context
from ..datapoints import serialize_datapoint
from .lookup import get_evaluation
from .state import EvaluationState, load_state, version_body


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
        flags = [b for b in (_as_bool(v) for v in given) if b is not None]
        values: List[Any] = list(flags)
        body.update(num_true=sum(1 for b in flags if b), num_false=sum(1 for b in flags if not b))
    elif return_type == "number":
        values_f = [n for n in (_as_number(v) for v in given) if n is not None]
        values = list(values_f)
        body.update(
            mean=statistics.fmean(values_f) if values_f else None,
            sum=math.fsum(values_f) if values_f else None,
            std=statistics.pstdev(values_f) if values_f else None,
            percentiles={str(q): _percentile(values_f, q) for q in (0, 25, 50, 75, 100)} if values_f else {},
        )
    elif return_type in ("select", "multi_select"):
        counts: Dict[str, int] = {}
        values = []  # every judgment given, one per log
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


def stats(ctx: Context, evaluation_id: str, state: Optional[EvaluationState] = None) -> Dict[str, Any]:
    """``state``: what :func:`load_state` read for this Evaluation, when the caller has it already."""
    ev = get_evaluation(ctx, evaluation_id)
    if state is None or state.ev.id != ev.id:
        state = load_state(ctx, ev, counting=True)
    version_stats = []
    run_stats = []
    total_logs = sum(len(v) for v in state.logs.values())
    total_judgments = 0
    human_judgments = 0
    human_completed = 0
    for ee in state.evaluatees:
        batch_logs = state.logs[ee.id]
        per_evaluator = []
        for e in state.evaluators:
            vid = e.evaluator_version_id
            found = [state.judgments.get((log.id, vid)) for log in batch_logs]
            total_judgments += sum(1 for j in found if j is not None)
            if state.specs[vid].get("evaluator_type") == "human":
                # a human judgment counts as completed once it holds a judgment or is marked so
                human_judgments += sum(1 for j in found if j is not None)
                human_completed += sum(
                    1 for j in found if j is not None and (j.judgment is not None or bool(j.marked_completed))
                )
            return_type = state.specs[vid].get("return_type") or "boolean"
            per_evaluator.append(_evaluator_stats(return_type, vid, found))
        run_stats.append(
            {
                "run_id": ee.run_id,
                "version_id": ee.version_id,
                "batch_id": ee.batch_id,
                "num_logs": len(batch_logs),
                "evaluator_stats": per_evaluator,
                "status": state.run_status(ee),
            }
        )
        if ee.version_id is not None:  # a Run without a version yet is no 0.8.6 column
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
    else:
        waiting = state.missing()
        if waiting:
            progress += "; waiting for: " + "; ".join(waiting)
    return {
        "run_stats": run_stats[::-1],  # the runs era lists the latest Run first
        "overall_stats": {
            "num_datapoints": len(state.datapoints),
            "total_logs": total_logs,
            "total_evaluator_logs": total_judgments,
            "total_human_evaluator_logs": human_judgments,
            "total_completed_human_evaluator_logs": human_completed,
        },
        "version_stats": version_stats,
        "progress": progress,
        "report": _report(ctx, state, run_stats),
        "status": status,
    }


def _report(ctx: Context, state: EvaluationState, run_stats: List[Dict[str, Any]]) -> str:
    title = f"Evaluation {state.ev.name or state.ev.id}"
    if not run_stats:
        return f"{title}: no Logs yet"
    names = []
    for e in state.evaluators:
        v = ctx.session.get(Version, e.evaluator_version_id)
        f = ctx.session.get(File, v.file_id) if v is not None else None
        names.append(f.path if f is not None else e.evaluator_version_id)
    rows = [["run", "batch", "version", "logs", *names]]
    for entry in run_stats:
        rows.append(
            [
                entry.get("run_id") or "-",
                entry["batch_id"] or "-",
                entry["version_id"] or "-",
                str(entry["num_logs"]),
                *[_score(s) for s in entry["evaluator_stats"]],
            ]
        )
    return f"{title}\n{_table(rows)}"


# ---------------------------------------------------------------- logs of an evaluation


def get_logs(
    ctx: Context,
    evaluation_id: str,
    page: Optional[int] = None,
    size: Optional[int] = None,
    run_ids: Optional[List[str]] = None,
) -> Dict[str, Any]:
    """One page of an Evaluation's Logs.

    Without ``run_ids``, an Evaluation that has a Dataset answers as 0.8.6 did: one record per
    (datapoint, evaluated version), the Log null where there is none yet; one without a Dataset
    lists the Logs of its Runs. With ``run_ids``, only the Logs of those Runs, Run by Run.
    """
    ev = get_evaluation(ctx, evaluation_id)
    page = page or 1
    size = 10 if size is None else size
    if page < 1:
        raise unprocessable("page must be >= 1", ["query", "page"])
    if size < 0:
        raise unprocessable("size must be >= 0", ["query", "size"])
    state = load_state(ctx, ev)
    cells: List[Tuple[EvaluationEvaluatee, Optional[Datapoint], Optional[Log]]]
    if run_ids or ev.dataset_version_id is None:
        wanted = set(run_ids or [])
        unknown = sorted(wanted - {ee.run_id for ee in state.evaluatees})
        if unknown:
            raise not_found(f"Run {unknown[0]!r} of Evaluation {ev.id!r}")
        chosen_runs = [ee for ee in state.evaluatees if not wanted or ee.run_id in wanted]
        datapoints = {dp.id: dp for ee in chosen_runs for dp in state.batch_datapoints[ee.id]}
        cells = [
            (ee, datapoints.get(log.source_datapoint_id or ""), log) for ee in chosen_runs for log in state.logs[ee.id]
        ]
    else:
        cells = [(ee, dp, state.current[ee.id].get(dp.id)) for dp in state.datapoints for ee in state.evaluatees]
    total = len(cells)
    offset = (page - 1) * size
    chosen = cells[offset : offset + size] if offset < total else []
    records = []
    version_bodies: Dict[Optional[str], Any] = {}
    for ee, dp, log in chosen:
        if ee.version_id not in version_bodies:
            version_bodies[ee.version_id] = version_body(ctx, ee.version_id)
        log_body = logs.serialize(ctx, log) if log is not None else None
        records.append(
            {
                "run_id": ee.run_id,
                "evaluated_version": version_bodies[ee.version_id],
                "datapoint": serialize_datapoint(dp) if dp is not None else None,
                "log": log_body,
                "evaluator_logs": (log_body or {}).get("evaluator_logs") or [],
            }
        )
    return page_body(records, page, size, total)
