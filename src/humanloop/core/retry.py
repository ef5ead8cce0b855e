"""When to retry a request and how long to wait first.

Plain functions, shared by the sync and async HTTP clients, so the policy is
written (and tested) once.
"""

from __future__ import annotations

import email.utils
import random
import time
import typing

#: Retries a client makes by default (on top of the first attempt).
DEFAULT_MAX_RETRIES = 2
#: First back-off delay, doubled on every retry.
INITIAL_RETRY_DELAY = 0.5
#: No back-off delay is longer than this.
MAX_RETRY_DELAY = 8.0
#: A server-requested delay longer than this is not honoured; back-off is used instead.
MAX_RETRY_AFTER = 60.0

RETRYABLE_STATUS_CODES = frozenset({408, 429})


def should_retry_status(status_code: int, headers: typing.Mapping[str, str]) -> bool:
    """Whether an answer with this status is worth another attempt.

    ``x-should-retry`` from the server wins; otherwise 408, 429 and every 5xx
    are retried. 409 is a deterministic conflict in this API and is not.
    """
    hint = headers.get("x-should-retry")
    if hint is not None:
        if hint.strip().lower() == "true":
            return True
        if hint.strip().lower() == "false":
            return False
    return status_code in RETRYABLE_STATUS_CODES or status_code >= 500


def retry_after_seconds(
    headers: typing.Mapping[str, str], now: typing.Optional[float] = None
) -> typing.Optional[float]:
    """The delay the server asked for, in seconds, or ``None`` when it asked for none.

    Understands ``retry-after-ms``, and ``Retry-After`` as (fractional) seconds or
    as an HTTP date.
    """
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            return max(float(millis) / 1000.0, 0.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    parsed = email.utils.parsedate_tz(value)
    if parsed is None:
        return None
    when = email.utils.mktime_tz(parsed)
    return max(when - (time.time() if now is None else now), 0.0)


def backoff_delay(retry_index: int, rand: typing.Callable[[], float] = random.random) -> float:
    """Exponential back-off with jitter for retry number ``retry_index`` (0 for the first retry).

    The delay is ``min(INITIAL * 2**i, MAX)`` reduced by up to a quarter at random,
    so clients that failed together do not come back together.
    """
    base = min(INITIAL_RETRY_DELAY * (2.0**retry_index), MAX_RETRY_DELAY)
    return base * (1.0 - 0.25 * rand())


def retry_delay(
    retry_index: int,
    headers: typing.Optional[typing.Mapping[str, str]] = None,
    rand: typing.Callable[[], float] = random.random,
    now: typing.Optional[float] = None,
) -> float:
    """How long to wait before retry number ``retry_index``."""
    if headers is not None:
        asked = retry_after_seconds(headers, now=now)
        if asked is not None and asked <= MAX_RETRY_AFTER:
            return asked
    return backoff_delay(retry_index, rand)
