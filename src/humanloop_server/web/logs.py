"""The Logs of a File (filtered, paged by keyset), one Log with its trace, and human feedback."""

from __future__ import annotations

from typing import Any, Dict, List, Optional
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response

from ..services import browse, logs
from ..services.common import parse_dt
from ..services.errors import Invalid
from .auth import ReadCtx, WriteCtx
from .common import is_htmx, optional, see_other, show, web_router

router = web_router()

PAGE_SIZE = 50
FILTERS = ("search", "metadata_search", "start", "end", "version_id", "version_status", "in_trace")


def _filters(params: Dict[str, Optional[str]]) -> Dict[str, Any]:
    """The page's filter fields -> the keyword arguments of ``services.logs.filtered``."""
    in_trace = params.get("in_trace")
    status = optional(params.get("version_status"))
    if status not in (None, "committed", "uncommitted"):
        raise Invalid("the version status is committed or uncommitted", ["query", "version_status"])
    return {
        "search": optional(params.get("search")),
        "metadata_search": optional(params.get("metadata_search")),
        "start_date": parse_dt(optional(params.get("start"))),
        "end_date": parse_dt(optional(params.get("end"))),
        "version_id": optional(params.get("version_id")),
        "version_status": status,
        "in_trace_filter": [True] if in_trace == "yes" else [False] if in_trace == "no" else None,
    }


@router.get("/files/{file_id}/logs")
def log_table(
    request: Request,
    file_id: str,
    ctx: ReadCtx,
    search: Optional[str] = None,
    metadata_search: Optional[str] = None,
    start: Optional[str] = None,
    end: Optional[str] = None,
    version_id: Optional[str] = None,
    version_status: Optional[str] = None,
    in_trace: Optional[str] = None,
    before: Optional[str] = None,
    after: Optional[str] = None,
) -> Response:
    params = {
        "search": search,
        "metadata_search": metadata_search,
        "start": start,
        "end": end,
        "version_id": version_id,
        "version_status": version_status,
        "in_trace": in_trace,
    }
    listed = browse.log_rows(
        ctx, file_id, before=optional(before), after=optional(after), limit=PAGE_SIZE, **_filters(params)
    )
    kept = {k: v for k, v in params.items() if optional(v)}
    values = {
        "f": listed["file"],
        "listed": listed,
        "params": {k: (v or "") for k, v in params.items()},
        "query": urlencode(kept),
        "filtered": bool(kept),
        "paged": bool(optional(before) or optional(after)),
    }
    template = (
        "_log_table.html" if is_htmx(request) and request.headers.get("HX-Target") == "log-table" else "logs.html"
    )
    return show(request, ctx, template, values)


@router.get("/logs/{log_id}")
def log_page(request: Request, log_id: str, ctx: ReadCtx) -> Response:
    detail = browse.log_detail(ctx, log_id)
    return show(request, ctx, "log.html", {"log": detail, "evaluators": browse.human_evaluators(ctx)})


def _judgment(evaluator: Dict[str, Any], values: List[str]) -> Any:
    """The submitted value(s) as the judgment the Evaluator's return type asks for."""
    kind = evaluator["return_type"]
    given = [v.strip() for v in values if v.strip()]
    if not given:
        raise Invalid(f"choose a judgment for {evaluator['path']}", ["body", "judgment"])
    if kind == "multi_select":
        unknown = [v for v in given if evaluator["options"] and v not in evaluator["options"]]
        if unknown:
            raise Invalid(f"{unknown[0]!r} is not an option of {evaluator['path']}", ["body", "judgment"])
        return given
    value = given[0]
    if kind == "select":
        if evaluator["options"] and value not in evaluator["options"]:
            raise Invalid(f"{value!r} is not an option of {evaluator['path']}", ["body", "judgment"])
        return value
    if kind == "boolean":
        if value not in ("true", "false"):
            raise Invalid("the judgment is true or false", ["body", "judgment"])
        return value == "true"
    if kind == "number":
        try:
            return float(value)
        except ValueError:
            raise Invalid("the judgment is a number", ["body", "judgment"]) from None
    return value


@router.post("/logs/{log_id}/feedback")
def feedback(request: Request, log_id: str, ctx: WriteCtx) -> Response:
    browse.require_log(ctx, log_id)  # another organisation's Log is a 404 before anything else
    evaluator_id = ctx.field("evaluator_id")
    humans = {e["id"]: e for e in browse.human_evaluators(ctx)}
    evaluator = humans.get(evaluator_id)
    if evaluator is None:
        raise Invalid("choose one of the human Evaluators", ["body", "evaluator_id"])
    submitted = [v for v in (ctx.form.getlist("judgment") if ctx.form is not None else []) if isinstance(v, str)]
    judgment = _judgment(evaluator, submitted)
    # stored exactly as `evaluators.log` stores a judgment (the same service call)
    logs.create_log(ctx, "evaluator", {"id": evaluator["id"], "parent_id": log_id, "judgment": judgment})
    if is_htmx(request):
        return show(
            request,
            ctx,
            "_judgments.html",
            {"judgments": browse.judgments_of(ctx, log_id), "message": f"Saved: {evaluator['path']}"},
        )
    return see_other(f"/logs/{log_id}#judgments")
