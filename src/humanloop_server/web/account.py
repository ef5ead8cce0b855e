"""Signing in and out, and the home page."""

from __future__ import annotations

import hmac
import secrets
from typing import Optional

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from . import auth
from .common import web_router
from .render import page

router = web_router()


@router.get("/")
def home(session: auth.SessionDep) -> Response:
    return RedirectResponse("/files", status_code=303)


def _sign_in_form(request: Request, next_url: str, error: Optional[str] = None, status: int = 200) -> Response:
    token = secrets.token_urlsafe(24)
    response = page(
        request,
        "sign_in.html",
        {"next": auth.safe_next(next_url), "sign_in_token": token, "error": error},
        status=status,
    )
    response.set_cookie(
        auth.SIGN_IN_COOKIE,
        token,
        max_age=auth.SIGN_IN_SECONDS,
        httponly=True,
        samesite="strict",
        secure=auth.is_https(request),
        path="/sign-in",
    )
    return response


@router.get("/sign-in")
def sign_in_page(request: Request, next: Optional[str] = None) -> Response:
    return _sign_in_form(request, next or "/")


@router.post("/sign-in")
async def sign_in(request: Request) -> Response:
    form = await request.form()
    api_key = form.get("api_key")
    token = form.get(auth.CSRF_FIELD)
    next_url = form.get("next")
    next_str = next_url if isinstance(next_url, str) else "/"
    cookie = request.cookies.get(auth.SIGN_IN_COOKIE)
    if not isinstance(token, str) or not cookie or not hmac.compare_digest(token, cookie):
        return _sign_in_form(request, next_str, "The sign-in form expired; please sign in again.", status=403)
    if not isinstance(api_key, str) or not api_key.strip():
        return _sign_in_form(request, next_str, "Enter your API key.", status=422)
    session = auth.sign_in(request, api_key)
    if session is None:
        return _sign_in_form(request, next_str, "This API key is not valid on this server.", status=401)
    response = RedirectResponse(auth.safe_next(next_str), status_code=303)
    response.set_cookie(
        auth.COOKIE,
        session.id,
        max_age=auth.SESSION_SECONDS,
        httponly=True,
        samesite="strict",
        secure=auth.is_https(request),
        path="/",
    )
    response.delete_cookie(auth.SIGN_IN_COOKIE, path="/sign-in")
    return response


@router.post("/sign-out")
async def sign_out(request: Request, session: auth.SessionDep) -> Response:
    form = await request.form()
    field = form.get(auth.CSRF_FIELD)
    auth.check_csrf(session, field if isinstance(field, str) else None)
    auth.sessions(request).drop(session.id)
    response = RedirectResponse("/sign-in", status_code=303)
    response.delete_cookie(auth.COOKIE, path="/")
    return response
