"""Small helpers every page module uses: friendly error text, answers to POSTs, form values."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ..services import browse
from .auth import WebContext
from .render import page

#: every web route is left out of the OpenAPI document
router_options: Dict[str, Any] = {"include_in_schema": False}


def web_router() -> APIRouter:
    return APIRouter(include_in_schema=False)


def friendly(detail: Any) -> str:
    """A service error's detail as one sentence for a person."""
    if isinstance(detail, str):
        return detail
    if isinstance(detail, list):
        parts: List[str] = []
        for entry in detail:
            if isinstance(entry, Mapping):
                loc = [str(x) for x in entry.get("loc") or [] if x not in ("body", "query", "path")]
                msg = str(entry.get("msg") or "")
                parts.append(f"{'.'.join(loc)}: {msg}" if loc else msg)
            else:
                parts.append(str(entry))
        return "; ".join(parts) or "The request was not accepted."
    if isinstance(detail, Mapping):
        for key in ("message", "description", "msg"):
            if detail.get(key):
                return str(detail[key])
    return str(detail)


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def see_other(url: str) -> Response:
    """The answer to a plain (non-htmx) form POST: go and look at the result."""
    return RedirectResponse(url, status_code=303)


def show(request: Request, ctx: WebContext, name: str, values: Mapping[str, Any], status: int = 200) -> Response:
    """A page for the signed-in organisation."""
    return page(request, name, values, web=ctx.web, org_name=browse.organization_name(ctx), status=status)


def optional(value: Optional[str]) -> Optional[str]:
    """A query or form value, None when empty."""
    if value is None:
        return None
    value = value.strip()
    return value or None
