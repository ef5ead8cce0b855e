"""Errors raised by the SDK.

Every non-2xx answer becomes an :class:`ApiError` (or a subclass of it), so
``except ApiError`` catches everything the server refuses. Subclasses make the
common cases easy to tell apart without comparing status codes.
"""

from __future__ import annotations

import typing


class ApiError(Exception):
    """The server answered with a status code outside 2xx."""

    status_code: typing.Optional[int]
    body: typing.Any
    headers: typing.Optional[typing.Dict[str, str]]

    def __init__(
        self,
        *,
        status_code: typing.Optional[int] = None,
        body: typing.Any = None,
        headers: typing.Optional[typing.Dict[str, str]] = None,
    ) -> None:
        self.status_code = status_code
        self.body = body
        self.headers = headers
        super().__init__(status_code, body)

    def __str__(self) -> str:
        return f"status_code: {self.status_code}, body: {self.body}"


class BadRequestError(ApiError):
    """400: the request was malformed."""


class AuthenticationError(ApiError):
    """401: the API key is missing or not valid."""


class PermissionDeniedError(ApiError):
    """403: the API key may not do this."""


class NotFoundError(ApiError):
    """404: no such object (or it belongs to another organisation)."""


class ConflictError(ApiError):
    """409: the change would leave an illegal state (for example a duplicate name)."""


class RateLimitError(ApiError):
    """429: too many requests; retried automatically before this is raised."""


class InternalServerError(ApiError):
    """5xx: the server failed; retried automatically before this is raised."""


class ResponseParseError(ApiError):
    """A 2xx answer whose body does not fit the documented response type."""


class ApiConnectionError(ApiError):
    """The server could not be reached (after all retries)."""

    def __init__(self, message: str, *, cause: typing.Optional[BaseException] = None) -> None:
        super().__init__(status_code=None, body=message)
        self.message = message
        self.__cause__ = cause

    def __str__(self) -> str:
        return self.message


class ApiTimeoutError(ApiConnectionError):
    """No answer arrived within the timeout (after all retries)."""


_BY_STATUS: typing.Dict[int, typing.Type[ApiError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitError,
}


def error_class_for_status(status_code: int) -> typing.Type[ApiError]:
    """The most specific generic error class for a status code."""
    if status_code >= 500:
        return InternalServerError
    return _BY_STATUS.get(status_code, ApiError)
