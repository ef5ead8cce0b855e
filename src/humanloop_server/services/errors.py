"""The errors services raise. They know nothing of HTTP.

Each carries what a client needs to understand the failure: a ``status`` (the HTTP layer answers
with it), a ``detail`` (a message, or the list of ``{loc, msg, type}`` entries of a validation
error, or a structured object), and ``headers`` to add to the answer. ``api/errors.py`` turns
every :class:`ServiceError` into ``{"detail": ...}`` with that status, the body FastAPI uses for
its own errors, so a client sees one shape whatever failed.

Background work tests the class (``except (NotFound, Conflict)``), never a status number.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

#: A location in the request: ``["body", "path"]``, ``["query", "page"]``, ``["body", "evaluators", 0]``.
Loc = Sequence[Union[str, int]]


class ServiceError(Exception):
    """A failure the caller caused or must know about; never a bug of ours."""

    status = 500

    def __init__(self, detail: Any, *, headers: Optional[Mapping[str, str]] = None) -> None:
        super().__init__(detail if isinstance(detail, str) else repr(detail))
        self.detail = detail
        self.headers: Dict[str, str] = dict(headers or {})


class BadRequest(ServiceError):
    """The request is well formed but cannot be done in the current state (400)."""

    status = 400


class Unauthorized(ServiceError):
    """No API key, or one this server does not know (401)."""

    status = 401

    def __init__(self, detail: str) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "APIKey"})


class NotFound(ServiceError):
    """Something named by the request does not exist for the caller's organisation (404)."""

    status = 404

    @classmethod
    def of(cls, what: str, ident: Optional[str] = None) -> NotFound:
        return cls(f"{what} not found" if ident is None else f"{what} with id or path {ident!r} not found")


class Conflict(ServiceError):
    """The request clashes with what is stored: a taken path or name, an existing id (409)."""

    status = 409


class Invalid(ServiceError):
    """A value of the request is unacceptable (422), with where it is.

    The detail is FastAPI's validation list, ``[{"loc": [...], "msg": ..., "type": ...}]``, so a
    client reads our checks and the schema's checks the same way.
    """

    status = 422

    def __init__(self, msg: str, loc: Optional[Loc] = None, type: str = "value_error") -> None:
        super().__init__([{"loc": list(loc or ["body"]), "msg": msg, "type": type}])

    @classmethod
    def many(cls, entries: List[Dict[str, Any]]) -> Invalid:
        """One error listing several problems (each ``{loc, msg, type}``)."""
        err = cls("")
        err.detail = entries
        return err


class Refused(ServiceError):
    """A 422 whose detail is an object with a machine-readable ``code`` (e.g. committing twice)."""

    status = 422

    def __init__(self, code: str, description: str) -> None:
        super().__init__({"code": code, "description": description, "msg": description})


class ProviderFailed(ServiceError):
    """A model provider could not be used or answered with an error.

    ``status`` is chosen per failure (400 missing key, 422 unsupported provider, the provider's 4xx,
    502 for its 5xx or when it cannot be reached); ``retry`` tells clients whether another attempt
    may succeed (the ``x-should-retry`` header).
    """

    def __init__(self, status: int, detail: Dict[str, Any], *, retry: bool = False) -> None:
        super().__init__(detail, headers={"x-should-retry": "true" if retry else "false"})
        self.status = status
