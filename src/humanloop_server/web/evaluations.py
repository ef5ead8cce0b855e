"""The Evaluations of a File and an Evaluation's report (scores, charts, Logs side by side)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from fastapi import Request
from fastapi.responses import Response

from ..services import browse
from ..services.errors import Invalid
from . import charts
from .auth import ReadCtx
from .common import show, web_router

router = web_router()

ROWS_PER_PAGE = 20


@router.get("/files/{file_id}/evaluations")
def evaluation_list(request: Request, file_id: str, ctx: ReadCtx) -> Response:
    overview = browse.file_overview(ctx, file_id)
    return show(
        request,
        ctx,
        "evaluations.html",
        {"o": overview, "f": overview["file"], "evaluations": browse.evaluations_of(ctx, file_id)},
    )


def _score(return_type: str, stat: Optional[Dict[str, Any]]) -> str:
    if stat is None:
        return "—"
    if return_type == "boolean":
        judged = int(stat.get("num_true", 0)) + int(stat.get("num_false", 0))
        return f"{stat['num_true'] / judged:.0%} true ({stat['num_true']}/{judged})" if judged else "—"
    if return_type == "number":
        return f"{stat['mean']:.3g} ± {stat.get('std') or 0:.2g}" if stat.get("mean") is not None else "—"
    if return_type in ("select", "multi_select"):
        counts = stat.get("num_judgments_per_option") or {}
        return ", ".join(f"{k}: {n}" for k, n in sorted(counts.items(), key=lambda kv: -kv[1])) or "—"
    return f"{stat.get('num_judgments', 0)} judged"


@router.get("/evaluations/{evaluation_id}")
def report(request: Request, evaluation_id: str, ctx: ReadCtx, page: Optional[str] = None) -> Response:
    try:
        number = int(page or "1")
    except ValueError:
        raise Invalid("the page must be a number", ["query", "page"]) from None
    grid = browse.evaluation_grid(ctx, evaluation_id, page=number, size=ROWS_PER_PAGE)
    stats = grid["stats"]  # services.evaluations.stats, on the state the grid read
    by_column = {(s["version_id"], s["batch_id"]): s for s in stats["version_stats"]}
    table: List[Dict[str, Any]] = []
    chart_list = []
    labels = [f"{c['label']}" + (f" · {c['batch_id']}" if c["batch_id"] else "") for c in grid["columns"]]
    for i, evaluator in enumerate(grid["evaluators"]):
        spec = evaluator.get("spec") or {}
        return_type = spec.get("return_type") or "boolean"
        per_column = []
        for column in grid["columns"]:
            entry = by_column.get((column["version_id"], column["batch_id"]))
            stat = entry["evaluator_version_stats"][i] if entry and i < len(entry["evaluator_version_stats"]) else None
            per_column.append(stat)
        options = [str(o.get("name")) for o in spec.get("options") or [] if isinstance(o, dict)]
        table.append(
            {
                "evaluator": evaluator,
                "return_type": return_type,
                "scores": [_score(return_type, s) for s in per_column],
                "errors": [int(s.get("num_errors") or 0) if s else 0 for s in per_column],
            }
        )
        chart_list.append(charts.evaluator_chart(evaluator["path"], return_type, options, per_column, labels))
    logs_per_column = [
        (by_column.get((c["version_id"], c["batch_id"])) or {}).get("num_logs", 0) for c in grid["columns"]
    ]
    pages = max(1, -(-grid["total_rows"] // ROWS_PER_PAGE))
    return show(
        request,
        ctx,
        "evaluation.html",
        {
            "g": grid,
            "stats": stats,
            "table": table,
            "charts": chart_list,
            "labels": labels,
            "logs_per_column": logs_per_column,
            "pages": pages,
        },
    )
