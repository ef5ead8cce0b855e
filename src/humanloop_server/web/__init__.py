"""The web app: server-rendered pages (Jinja2) with small htmx updates, served at ``/`` next to the
API (``/v5``) by ``humanloop-server serve``.

It is an HTTP layer like ``api/``: its routes call services with a ``services.context.Context``
and open transactions only through ``rt.db.read()`` / ``rt.db.write()`` (see ``auth.py``). Its
routes are left out of the OpenAPI document. Its URLs (each page has one, so links can be shared):

====================================  =====================================================
``/sign-in``, ``/sign-out``           sign in with an API key, sign out (POST)
``/files?q=``                         the tree of Files, with search
``/files/{id}``                       a File: versions, environments, monitoring; a
                                      Dataset's datapoints (``?version=``, ``?page=``)
``/files/{id}/diff?a=&b=``            two versions side by side
``/files/{id}/deploy``, ``/undeploy``  deployments (POST)
``/files/{id}/logs?...``              the Logs, filtered, ``before=`` / ``after=`` a cursor
``/logs/{id}``                        a Log and its trace; ``/logs/{id}/feedback`` (POST)
``/files/{id}/datapoints/csv``        CSV upload to a Dataset (POST)
``/files/{id}/evaluations``           the Evaluations of a File
``/evaluations/{id}?page=``           an Evaluation's report
``/files/{id}/playground``            the playground of a Prompt; ``/run``, ``/save`` (POST)
``/static/...``                       the CSS, htmx and the playground's script
====================================  =====================================================

A request outside ``/v5`` that looks like an API call (an ``X-API-KEY`` header, or asking for JSON)
is answered by the API's JSON 404 instead of a page (``api/errors.py``).
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from starlette.staticfiles import StaticFiles

from . import account, evaluations, files, logs, playground
from .auth import COOKIE, CsrfRejected, SessionStore, SignInRequired, sessions, sign_in_url
from .common import friendly
from .render import STATIC, page

ROUTERS = (account.router, files.router, logs.router, evaluations.router, playground.router)


def error_page(request: Request, status: int, detail: Any, headers: Optional[Mapping[str, str]] = None) -> Response:
    """A failure shown to a person: the page (or, for an htmx request, a message to swap in)."""
    web = sessions(request).get(request.cookies.get(COOKIE)) if hasattr(request.app.state, "web_sessions") else None
    message = friendly(detail)
    titles = {401: "Not signed in", 403: "Not allowed", 404: "Not found", 409: "Conflict", 422: "Not accepted"}
    extra = {k: v for k, v in (headers or {}).items() if k.lower() not in ("www-authenticate",)}
    if request.headers.get("HX-Request") == "true":
        extra.update({"HX-Retarget": "#flash", "HX-Reswap": "innerHTML"})
        return page(request, "_flash.html", {"message": message, "error": True}, web=web, status=status, headers=extra)
    title = titles.get(status, "Something went wrong")
    return page(
        request,
        "error.html",
        {"title": title, "message": message, "status": status},
        web=web,
        status=status,
        headers=extra,
    )


async def _sign_in_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInRequired)
    target = sign_in_url(exc.next_url)
    if request.headers.get("HX-Request") == "true":
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


async def _csrf_rejected(request: Request, exc: Exception) -> Response:
    return error_page(
        request,
        403,
        "This form was not sent from a page of this app (its security token is missing or stale). "
        "Reload the page and try again.",
    )


def mount(app: FastAPI) -> None:
    """Add the web app's routes, static files and error pages to ``app``."""
    app.state.web_sessions = SessionStore()
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    app.add_exception_handler(SignInRequired, _sign_in_required)
    app.add_exception_handler(CsrfRejected, _csrf_rejected)
