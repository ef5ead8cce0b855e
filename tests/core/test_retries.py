from __future__ import annotations

import email.utils
import time

import httpx
import pytest

from humanloop.core import retry
from humanloop.core.api_error import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    RateLimitError,
)

from .helpers import FakeClock, Recorder, async_wrapper, sync_wrapper

OK = httpx.Response(200, json={"ok": True})


def test_default_is_two_retries_with_exponential_backoff() -> None:
    rec = Recorder(httpx.Response(503, json={"detail": "busy"}))
    clock = FakeClock()
    with pytest.raises(InternalServerError) as info:
        sync_wrapper(rec, clock).request("GET", "prompts")
    assert len(rec.requests) == 3
    assert clock.delays == [0.5, 1.0]  # rand() == 0: no jitter
    assert info.value.status_code == 503
    assert info.value.body == {"detail": "busy"}


def test_jitter_shortens_delay_by_at_most_a_quarter() -> None:
    assert retry.backoff_delay(0, lambda: 1.0) == pytest.approx(0.375)
    assert retry.backoff_delay(1, lambda: 0.5) == pytest.approx(0.875)
    assert retry.backoff_delay(10, lambda: 0.0) == retry.MAX_RETRY_DELAY


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_retryable_statuses_then_success(status: int) -> None:
    rec = Recorder(httpx.Response(status), OK)
    assert sync_wrapper(rec).request("GET", "x", response_type=dict) == {"ok": True}
    assert len(rec.requests) == 2


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422])
def test_no_retry_on_client_errors(status: int) -> None:
    rec = Recorder(httpx.Response(status, json={"detail": "no"}), OK)
    with pytest.raises(ApiError) as info:
        sync_wrapper(rec).request("POST", "x", json={})
    assert info.value.status_code == status
    assert len(rec.requests) == 1


def test_409_retried_when_server_says_so() -> None:
    rec = Recorder(httpx.Response(409, headers={"x-should-retry": "true"}), OK)
    assert sync_wrapper(rec).request("POST", "x", json={}, response_type=dict) == {"ok": True}
    assert len(rec.requests) == 2


def test_500_not_retried_when_server_says_not_to() -> None:
    rec = Recorder(httpx.Response(500, headers={"x-should-retry": "false"}), OK)
    with pytest.raises(InternalServerError):
        sync_wrapper(rec).request("GET", "x")
    assert len(rec.requests) == 1


def test_typed_errors_are_api_errors() -> None:
    for status, cls in [(404, NotFoundError), (409, ConflictError), (429, RateLimitError)]:
        rec = Recorder(httpx.Response(status, text="plain text"))
        with pytest.raises(cls) as info:
            sync_wrapper(rec).request("GET", "x", request_options={"max_retries": 0})
        assert isinstance(info.value, ApiError)
        assert info.value.body == "plain text"


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "3"}, 3.0),
        ({"retry-after": "0.25"}, 0.25),
        ({"retry-after-ms": "1500"}, 1.5),
        ({"retry-after-ms": "200", "retry-after": "9"}, 0.2),
    ],
)
def test_retry_after_forms(headers: dict, expected: float) -> None:
    rec = Recorder(httpx.Response(429, headers=headers), OK)
    clock = FakeClock()
    sync_wrapper(rec, clock).request("GET", "x")
    assert clock.delays == [pytest.approx(expected)]


def test_retry_after_http_date() -> None:
    now = time.time()
    when = email.utils.formatdate(now + 5, usegmt=True)
    delay = retry.retry_delay(0, {"retry-after": when}, lambda: 0.0, now=now)
    assert 4.0 <= delay <= 5.0


def test_retry_after_too_long_or_garbage_falls_back_to_backoff() -> None:
    assert retry.retry_delay(1, {"retry-after": "3600"}, lambda: 0.0) == 1.0
    assert retry.retry_delay(0, {"retry-after": "soon"}, lambda: 0.0) == 0.5


def test_max_retries_request_option_is_exact() -> None:
    rec = Recorder(httpx.Response(500))
    with pytest.raises(InternalServerError):
        sync_wrapper(rec).request("GET", "x", request_options={"max_retries": 5})
    assert len(rec.requests) == 6
    rec0 = Recorder(httpx.Response(500))
    with pytest.raises(InternalServerError):
        sync_wrapper(rec0).request("GET", "x", request_options={"max_retries": 0})
    assert len(rec0.requests) == 1


def test_connection_errors_are_retried_then_wrapped() -> None:
    rec = Recorder(httpx.ConnectError("refused"), OK)
    assert sync_wrapper(rec).request("GET", "x", response_type=dict) == {"ok": True}
    assert len(rec.requests) == 2

    always = Recorder(httpx.ConnectError("refused"))
    with pytest.raises(ApiConnectionError) as info:
        sync_wrapper(always).request("GET", "x")
    assert len(always.requests) == 3
    assert "after 3 attempts" in str(info.value)
    assert isinstance(info.value.__cause__, httpx.ConnectError)


def test_timeouts_are_retried_then_wrapped() -> None:
    always = Recorder(httpx.ReadTimeout("slow"))
    with pytest.raises(ApiTimeoutError):
        sync_wrapper(always).request("GET", "x", request_options={"max_retries": 1})
    assert len(always.requests) == 2


def test_same_idempotency_key_and_body_on_every_attempt() -> None:
    rec = Recorder(httpx.Response(502), httpx.Response(503), OK)
    sync_wrapper(rec).request("POST", "prompts/log", json={"path": "a", "inputs": {"x": 1}})
    keys = {r.headers["idempotency-key"] for r in rec.requests}
    bodies = {r.content for r in rec.requests}
    assert len(rec.requests) == 3 and len(keys) == 1 and len(bodies) == 1
    assert bodies == {b'{"path":"a","inputs":{"x":1}}'}


def test_each_call_gets_a_new_idempotency_key_and_get_has_none() -> None:
    rec = Recorder(OK)
    w = sync_wrapper(rec)
    w.request("POST", "x", json={})
    w.request("POST", "x", json={})
    w.request("GET", "x")
    assert rec.requests[0].headers["idempotency-key"] != rec.requests[1].headers["idempotency-key"]
    assert "idempotency-key" not in rec.requests[2].headers


def test_multipart_body_identical_on_every_attempt() -> None:
    import io

    rec = Recorder(httpx.Response(500), OK)
    sync_wrapper(rec).request(
        "POST",
        "datasets/ds_1/datapoints/csv",
        data={"commit_message": "m"},
        files={"file": ("a.csv", io.BytesIO(b"q,target\n1,2\n"))},
    )
    assert len(rec.requests) == 2
    assert rec.requests[0].content == rec.requests[1].content
    assert b"q,target\n1,2\n" in rec.requests[1].content
    assert b'name="commit_message"' in rec.requests[1].content


async def test_async_retries_and_idempotency() -> None:
    rec = Recorder(httpx.Response(503), httpx.ConnectError("x"), OK)
    clock = FakeClock()
    result = await async_wrapper(rec, clock).request("POST", "x", json={"a": 1}, response_type=dict)
    assert result == {"ok": True}
    assert len(rec.requests) == 3
    assert clock.delays == [0.5, 1.0]
    assert len({r.headers["idempotency-key"] for r in rec.requests}) == 1


async def test_async_no_retry_on_404() -> None:
    rec = Recorder(httpx.Response(404, json={"detail": "gone"}))
    with pytest.raises(NotFoundError):
        await async_wrapper(rec).request("GET", "x")
    assert len(rec.requests) == 1


def test_errors_no_retry_can_fix_are_raised_at_once() -> None:
    rec = Recorder(httpx.UnsupportedProtocol("ftp is not supported"), OK)
    with pytest.raises(ApiConnectionError):
        sync_wrapper(rec).request("GET", "x")
    assert len(rec.requests) == 1


def test_body_that_breaks_mid_read_is_retried() -> None:
    class Broken(httpx.SyncByteStream):
        def __iter__(self):  # type: ignore[no-untyped-def]
            yield b'{"ok":'
            raise httpx.ReadError("connection reset")

    rec = Recorder(lambda request: httpx.Response(200, stream=Broken()), OK)
    assert sync_wrapper(rec).request("GET", "x", response_type=dict) == {"ok": True}
    assert len(rec.requests) == 2
