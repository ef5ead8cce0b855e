"""The playground: edit a Prompt version, run it with inputs (streamed), save the edit as a version.

A run goes through ``services.prompt_calls.call_prompt(..., stream=True)`` with the edited kernel
inline, exactly like ``prompts.call_stream(id=..., prompt={...})``: the answer streams back as
server-sent events (``api/sse.py``) and is stored as a Log of the Prompt. Saving goes through
``services.files.upsert`` (``prompts.upsert``): the same kernel is the same version.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Union

from fastapi import Request
from fastapi.responses import PlainTextResponse, Response
from starlette.datastructures import FormData

from ..api.sse import EventStreamResponse
from ..services import browse, files, kernels, prompt_calls
from ..services.errors import Invalid, ServiceError
from .auth import ReadCtx, StreamCtx, WriteCtx
from .common import friendly, optional, see_other, show, web_router

router = web_router()

PROVIDERS = ["mock", "openai", "anthropic", "deepseek"]
ROLES = ["system", "user", "assistant"]
#: kernel fields the form edits one by one; the rest is edited as JSON ("more settings")
NUMBERS = ("temperature", "max_tokens", "top_p", "presence_penalty", "frequency_penalty", "seed")
WHOLE = ("max_tokens", "seed")
EDITED = {"model", "provider", "endpoint", "template", "stop", *NUMBERS}


def _text(form: Optional[FormData], name: str) -> str:
    value = form.get(name) if form is not None else None
    return value if isinstance(value, str) else ""


def _number(name: str, raw: str) -> Union[int, float]:
    """A number as typed: ``1`` stays an integer (so an unchanged version keeps its kernel), ``0.5`` a float."""
    try:
        return int(raw)
    except ValueError:
        pass
    if name in WHOLE:
        raise Invalid(f"{name} must be a whole number", ["body", name])
    try:
        return float(raw)
    except ValueError:
        raise Invalid(f"{name} must be a number", ["body", name]) from None


def kernel_from_form(form: Optional[FormData]) -> Dict[str, Any]:
    """The Prompt details of the playground form (what ``prompts.upsert`` takes)."""
    endpoint = _text(form, "endpoint") or "chat"
    details: Dict[str, Any] = {
        "model": _text(form, "model").strip(),
        "provider": _text(form, "provider").strip() or "mock",
        "endpoint": endpoint,
    }
    if not details["model"]:
        raise Invalid("enter a model name (any name works with the mock provider)", ["body", "model"])
    if endpoint == "complete":
        details["template"] = _text(form, "template_text")
    else:
        messages: List[Dict[str, Any]] = []
        for i in range(int(_text(form, "message_count") or "0")):
            role = _text(form, f"role_{i}")
            content = _text(form, f"content_{i}")
            if role in ROLES and content.strip():
                messages.append({"role": role, "content": content.replace("\r\n", "\n")})
        details["template"] = messages
    for name in NUMBERS:
        raw = _text(form, name).strip()
        if raw:
            details[name] = _number(name, raw)
    stop = _text(form, "stop").strip()
    if stop:
        details["stop"] = stop
    more = _text(form, "more").strip()
    if more:
        try:
            extra = json.loads(more)
        except ValueError as exc:
            raise Invalid(f"the more-settings box is not valid JSON: {exc}", ["body", "more"]) from None
        if not isinstance(extra, dict):
            raise Invalid("the more-settings box must hold a JSON object", ["body", "more"])
        details.update({k: v for k, v in extra.items() if k not in EDITED})
    return details


@router.get("/files/{file_id}/playground")
def playground(request: Request, file_id: str, ctx: ReadCtx, version_id: Optional[str] = None) -> Response:
    overview = browse.file_overview(ctx, file_id)
    f = overview["file"]
    if f["type"] != "prompt":
        raise Invalid(f"{f['path']} is not a Prompt: only Prompts open in the playground", ["path", "file_id"])
    chosen = optional(version_id) or overview["default_version_id"]
    version = browse.version_of(ctx, file_id, chosen) if chosen else None
    kernel: Dict[str, Any] = dict(version["kernel"]) if version else {"model": "", "provider": "mock", "template": []}
    template = kernel.get("template")
    messages = template if isinstance(template, list) else []
    more = {k: v for k, v in kernel.items() if k not in EDITED and v not in (None, {}, [])}
    return show(
        request,
        ctx,
        "playground.html",
        {
            "o": overview,
            "f": f,
            "version": version,
            "kernel": kernel,
            "messages": [m for m in messages if isinstance(m, dict)],
            "template_text": template if isinstance(template, str) else "",
            "variables": kernels.template_variables(template),
            "more": json.dumps(more, indent=2) if more else "",
            "providers": PROVIDERS if kernel.get("provider") in PROVIDERS else [*PROVIDERS, kernel.get("provider")],
            "roles": ROLES,
        },
    )


@router.post("/files/{file_id}/playground/run")
def run(request: Request, file_id: str, ctx: StreamCtx) -> Response:
    try:
        f = files.get_file(ctx, file_id, "prompt")
        form = ctx.form
        inputs = {
            key[len("input.") :]: value
            for key, value in (form.multi_items() if form is not None else [])
            if key.startswith("input.") and isinstance(value, str)
        }
        body = {
            "id": f.id,
            "prompt": kernel_from_form(form),
            "inputs": inputs,
            "stream": True,
            "source": "playground",
        }
        result = prompt_calls.call_prompt(ctx, body)
    except ServiceError as exc:  # the page shows the text where the answer would go
        return PlainTextResponse(friendly(exc.detail), status_code=exc.status)
    if not isinstance(result, prompt_calls.CallStream):  # call_prompt streams when asked to
        return PlainTextResponse("The call did not stream.", status_code=500)
    return EventStreamResponse(result.events)


@router.post("/files/{file_id}/playground/save")
def save(request: Request, file_id: str, ctx: WriteCtx) -> Response:
    f = files.get_file(ctx, file_id, "prompt")
    details = kernel_from_form(ctx.form)
    message = ctx.field("commit_message").strip()
    saved = files.upsert(ctx, "prompt", {**details, "id": f.id, "commit_message": message or None})
    return see_other(f"/files/{file_id}/playground?version_id={saved['version_id']}&saved=1")
