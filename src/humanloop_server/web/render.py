"""Rendering pages: one Jinja2 environment with autoescaping on for every template.

Nothing here marks user data as safe: templates print values as text (Jinja2 escapes them), and the
filters below return plain strings, which are escaped in turn.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, Dict, Mapping, Optional

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

from .auth import CSRF_FIELD, WebSession

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"


def _json(value: Any, indent: Optional[int] = 2) -> str:
    """Pretty JSON of a value (strings as they are), for ``<pre>`` blocks."""
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=indent, ensure_ascii=False, sort_keys=False, default=str)


def _short(value: Any, limit: int = 120) -> str:
    """One line of at most ``limit`` characters: the start of a text, or compact JSON."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _when(value: Optional[dt.datetime]) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def _iso(value: Optional[dt.datetime]) -> str:
    return value.isoformat() if value is not None else ""


def _seconds(value: Optional[float]) -> str:
    if value is None:
        return ""
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def _money(value: Optional[float]) -> str:
    if value is None:
        return ""
    return f"${value:.6f}".rstrip("0").rstrip(".") if value else "$0"


def _judgment(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


def _short_id(value: Optional[str]) -> str:
    if not value:
        return ""
    return value if len(value) <= 14 else value[:6] + "…" + value[-6:]


ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(TEMPLATES)),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
ENV.filters.update(
    json=_json,
    short=_short,
    when=_when,
    iso=_iso,
    seconds=_seconds,
    money=_money,
    judgment=_judgment,
    short_id=_short_id,
)
ENV.globals["CSRF_FIELD"] = CSRF_FIELD


#: sent with every page: scripts only from this server (no inline script can run, whatever a page
#: shows), no framing by other sites, no referrer to other sites
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def render_text(name: str, values: Mapping[str, Any]) -> str:
    return ENV.get_template(name).render(**values)


def page(
    request: Request,
    name: str,
    values: Mapping[str, Any],
    *,
    web: Optional[WebSession] = None,
    org_name: Optional[str] = None,
    status: int = 200,
    headers: Optional[Dict[str, str]] = None,
) -> HTMLResponse:
    """Render template ``name`` with the page furniture (who is signed in, the CSRF token, the URL)."""
    body = render_text(
        name,
        {
            "request_path": request.url.path,
            "request_url": str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""),
            "csrf_token": web.csrf if web is not None else "",
            "signed_in": web is not None,
            "org_name": org_name or "",
            "htmx": request.headers.get("HX-Request") == "true",
            **values,
        },
    )
    return HTMLResponse(body, status_code=status, headers={**SECURITY_HEADERS, **(headers or {})})
