"""The tree of Files, one File (versions, environments, monitoring; a Dataset's datapoints), the
side-by-side diff of two versions, and deploying versions to environments."""

from __future__ import annotations

from typing import Any, Dict, Optional

from fastapi import Request
from fastapi.responses import Response

from ..services import browse, datasets, files
from ..services.errors import Invalid
from . import diff
from .auth import ReadCtx, WriteCtx
from .common import is_htmx, optional, see_other, show, web_router

router = web_router()


@router.get("/files")
def tree(request: Request, ctx: ReadCtx, q: Optional[str] = None) -> Response:
    search = optional(q)
    return show(request, ctx, "files.html", {"tree": browse.tree(ctx, search), "q": search or ""})


def _page_number(raw: Optional[str]) -> int:
    try:
        number = int(raw or "1")
    except ValueError:
        raise Invalid("the page must be a number", ["query", "page"]) from None
    if number < 1:
        raise Invalid("the page must be 1 or more", ["query", "page"])
    return number


@router.get("/files/{file_id}")
def file_page(
    request: Request,
    file_id: str,
    ctx: ReadCtx,
    version: Optional[str] = None,
    page: Optional[str] = None,
) -> Response:
    overview = browse.file_overview(ctx, file_id)
    values: Dict[str, Any] = {"o": overview, "f": overview["file"], "dataset": None}
    if overview["file"]["type"] == "dataset" and overview["versions"]:
        chosen = optional(version) or overview["default_version_id"] or overview["versions"][0]["id"]
        number = _page_number(page)
        listed = datasets.list_datapoints(ctx, file_id, version_id=chosen, page=number, size=25)
        values["dataset"] = {
            "version_id": chosen,
            "version": browse.version_of(ctx, file_id, chosen),
            "datapoints": listed["records"],
            "page": listed["page"],
            "pages": max(1, -(-listed["total"] // 25)),
            "total": listed["total"],
        }
    return show(request, ctx, "file.html", values)


@router.get("/files/{file_id}/diff")
def diff_page(
    request: Request, file_id: str, ctx: ReadCtx, a: Optional[str] = None, b: Optional[str] = None
) -> Response:
    overview = browse.file_overview(ctx, file_id)
    versions = overview["versions"]
    if len(versions) < 2 and not (a and b):
        return show(request, ctx, "diff.html", {"o": overview, "f": overview["file"], "left": None, "right": None})
    left_id = optional(a) or versions[1]["id"]
    right_id = optional(b) or versions[0]["id"]
    left = browse.version_of(ctx, file_id, left_id)
    right = browse.version_of(ctx, file_id, right_id)
    return show(
        request,
        ctx,
        "diff.html",
        {
            "o": overview,
            "f": overview["file"],
            "left": left,
            "right": right,
            "sections": diff.kernel_diff(left["kernel"], right["kernel"]),
        },
    )


def _environments_answer(request: Request, ctx: WriteCtx, file_id: str, message: str) -> Response:
    if is_htmx(request):
        overview = browse.file_overview(ctx, file_id)
        return show(request, ctx, "_deployments.html", {"o": overview, "f": overview["file"], "message": message})
    return see_other(f"/files/{file_id}#deployments")


@router.post("/files/{file_id}/deploy")
def deploy(request: Request, file_id: str, ctx: WriteCtx) -> Response:
    f = files.get_file(ctx, file_id)
    environment_id = ctx.field("environment_id")
    version_id = ctx.field("version_id")
    if not environment_id or not version_id:
        raise Invalid("choose a version and an environment", ["body", "environment_id"])
    files.set_deployment(ctx, f.type, f.id, environment_id, version_id)
    label = browse.version_labels(ctx, f).get(version_id, version_id)
    return _environments_answer(request, ctx, file_id, f"Deployed {label}.")


@router.post("/files/{file_id}/undeploy")
def undeploy(request: Request, file_id: str, ctx: WriteCtx) -> Response:
    f = files.get_file(ctx, file_id)
    environment_id = ctx.field("environment_id")
    if not environment_id:
        raise Invalid("choose an environment", ["body", "environment_id"])
    files.remove_deployment(ctx, f.type, f.id, environment_id)
    return _environments_answer(request, ctx, file_id, "Removed the deployment.")


@router.post("/files/{file_id}/datapoints/csv")
def upload_csv(request: Request, file_id: str, ctx: WriteCtx) -> Response:
    upload = ctx.form.get("file") if ctx.form is not None else None
    if upload is None or isinstance(upload, str) or not upload.size:
        raise Invalid("choose a CSV file to upload", ["body", "file"])
    message = ctx.field("commit_message").strip() or "Uploaded from the web app"
    # the same service as datasets.upload_csv, reading the spooled upload as a stream
    created = datasets.upload_csv(ctx, file_id, upload.file, message, version_id=optional(ctx.field("version_id")))
    return see_other(f"/files/{file_id}?version={created['version_id']}")
