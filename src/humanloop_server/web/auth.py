"""Who is signed in to the web app, and the checks every request goes through.

- **Sign-in** takes an API key. The server keeps the session (a random id -> the organisation,
  the SHA-256 hash of the key, a CSRF token, an expiry) in memory; the browser gets only the random
  id, in an ``HttpOnly``, ``SameSite=Strict`` cookie (``Secure`` over HTTPS). The key itself is
  never stored, neither in the cookie nor on the server. Every request checks the key's hash is
  still valid, so revoking the key (``humanloop-server keys revoke``) signs its sessions out.
  Sessions end after :data:`SESSION_SECONDS`, on sign-out, and when the server restarts.
- **CSRF**: every POST carries the session's token in the ``csrf_token`` form field (or the
  ``X-CSRF-Token`` header, for the playground's streamed run); a missing or wrong token is a 403.
  The sign-in form itself is protected by a double-submit token (a short-lived cookie that must
  match the hidden field).
- **Transactions**: like ``api/deps.py``, a read transaction for GET and a write transaction for
  POST (``rt.db.read()`` / ``rt.db.write()``), handed to services in a ``Context``.
"""

from __future__ import annotations

import dataclasses
import hmac
import secrets
import threading
import time
from typing import Dict, Iterator, Optional
from urllib.parse import quote, urlsplit

from fastapi import Depends, Request
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from typing_extensions import Annotated

from ..api.errors import looks_like_api_call
from ..services.context import Context, Runtime
from ..services.keys import hash_key, org_for_key, org_for_key_hash

COOKIE = "hl_web_session"
SIGN_IN_COOKIE = "hl_web_sign_in"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
#: how long a session lasts after sign-in
SESSION_SECONDS = 12 * 3600
#: how long the sign-in form stays valid
SIGN_IN_SECONDS = 3600


@dataclasses.dataclass
class WebSession:
    id: str
    org_id: str
    key_hash: str
    csrf: str
    expires: float


class SessionStore:
    """The signed-in sessions of this server process (lost when it restarts)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sessions: Dict[str, WebSession] = {}

    def create(self, org_id: str, key_hash: str) -> WebSession:
        session = WebSession(
            id=secrets.token_urlsafe(32),
            org_id=org_id,
            key_hash=key_hash,
            csrf=secrets.token_urlsafe(32),
            expires=time.time() + SESSION_SECONDS,
        )
        with self._lock:
            now = time.time()
            for sid in [sid for sid, s in self._sessions.items() if s.expires < now]:
                del self._sessions[sid]
            self._sessions[session.id] = session
        return session

    def get(self, session_id: Optional[str]) -> Optional[WebSession]:
        if not session_id:
            return None
        with self._lock:
            session = self._sessions.get(session_id)
            if session is not None and session.expires < time.time():
                del self._sessions[session_id]
                return None
            return session

    def drop(self, session_id: Optional[str]) -> None:
        with self._lock:
            self._sessions.pop(session_id or "", None)


class SignInRequired(Exception):
    """Raised by the dependencies below: the web app answers with a redirect to the sign-in page."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class CsrfRejected(Exception):
    """A POST without the session's CSRF token (answered 403)."""


def runtime(request: Request) -> Runtime:
    rt: Runtime = request.app.state.runtime
    return rt


def sessions(request: Request) -> SessionStore:
    store: SessionStore = request.app.state.web_sessions
    return store


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def sign_in_url(next_url: str) -> str:
    return "/sign-in?next=" + quote(next_url, safe="/")


def safe_next(value: Optional[str]) -> str:
    """A local path to go back to after signing in (never another site)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


def current_session(request: Request) -> WebSession:
    """The signed-in session of the request; SignInRequired when there is none or its key was revoked."""
    if looks_like_api_call(request):  # an API client that forgot /v5: the API's JSON 404
        raise HTTPException(404)
    store = sessions(request)
    session = store.get(request.cookies.get(COOKIE))
    back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET":  # after sign-in, go back to the page the form was on
        current = urlsplit(request.headers.get("HX-Current-URL") or request.headers.get("Referer") or "/")
        back = current.path + (f"?{current.query}" if current.query else "")
    if session is None:
        raise SignInRequired(back)
    if org_for_key_hash(runtime(request).db, session.key_hash) is None:  # revoked since: signed out
        store.drop(session.id)
        raise SignInRequired(back)
    return session


SessionDep = Annotated[WebSession, Depends(current_session)]


def check_csrf(session: WebSession, supplied: Optional[str]) -> None:
    if not supplied or not hmac.compare_digest(supplied, session.csrf):
        raise CsrfRejected()


async def posted_form(request: Request, session: SessionDep) -> FormData:
    """The form of a POST, after its CSRF token was checked."""
    form = await request.form()
    field = form.get(CSRF_FIELD)
    check_csrf(session, request.headers.get(CSRF_HEADER) or (field if isinstance(field, str) else None))
    return form


@dataclasses.dataclass
class WebContext(Context):
    """A service Context plus the web session and, for a POST, its checked form."""

    web: Optional[WebSession] = None
    form: Optional[FormData] = None

    def field(self, name: str, default: str = "") -> str:
        value = self.form.get(name) if self.form is not None else None
        return value if isinstance(value, str) else default


def read_context(request: Request, session: SessionDep) -> Iterator[WebContext]:
    rt = runtime(request)
    with rt.db.read() as db_session:
        yield WebContext(session=db_session, org_id=session.org_id, rt=rt, web=session)


def write_context(
    request: Request, session: SessionDep, form: Annotated[FormData, Depends(posted_form)]
) -> Iterator[WebContext]:
    rt = runtime(request)
    with rt.db.write() as db_session:
        yield WebContext(session=db_session, org_id=session.org_id, rt=rt, web=session, form=form)


def stream_context(
    request: Request, session: SessionDep, form: Annotated[FormData, Depends(posted_form)]
) -> Iterator[WebContext]:
    """For a streamed call: a read transaction (the service opens its own writes for the Logs)."""
    rt = runtime(request)
    with rt.db.read() as db_session:
        yield WebContext(session=db_session, org_id=session.org_id, rt=rt, web=session, form=form)


#: what a page declares to get the caller's context (the transaction ends when the route returns)
ReadCtx = Annotated[WebContext, Depends(read_context, scope="function")]
WriteCtx = Annotated[WebContext, Depends(write_context, scope="function")]
StreamCtx = Annotated[WebContext, Depends(stream_context, scope="function")]


def sign_in(request: Request, api_key: str) -> Optional[WebSession]:
    """A new session for a valid key, else None."""
    org_id = org_for_key(runtime(request).db, api_key.strip())
    if org_id is None:
        return None
    return sessions(request).create(org_id, hash_key(api_key.strip()))
