"""HTTP plumbing shared by the providers that talk to a remote API: client, errors, SSE lines."""

from __future__ import annotations

import contextlib
import json
from typing import Any, Dict, Iterator, List, Optional, Tuple
from urllib.parse import urlsplit

import httpx

from .base import ProviderError

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def client(base_url: str, timeout: float) -> httpx.Client:
    host = urlsplit(base_url).hostname or ""
    # a local model server is reached directly, never through a proxy from the environment
    return httpx.Client(timeout=httpx.Timeout(timeout, connect=10.0), trust_env=host not in LOOPBACK)


def _error_fields(body: Any) -> Tuple[Optional[str], Optional[str], Any]:
    """(message, type, code) from an OpenAI- or Anthropic-style error body."""
    err = body.get("error") if isinstance(body, dict) else None
    if isinstance(err, dict):
        return err.get("message"), err.get("type"), err.get("code")
    if isinstance(err, str):
        return err, None, None
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return body["message"], body.get("type"), body.get("code")
    return None, None, None


def status_error(response: httpx.Response, label: str) -> ProviderError:
    """The error answered for a provider's non-2xx response.

    4xx keep their status (401/403 bad key, 404 unknown model, 429 rate limit ...), 5xx become 502.
    """
    try:
        response.read()
        body: Any = response.json()
    except Exception:
        body = None
    message, etype, code = _error_fields(body)
    if not message:
        text = ""
        with contextlib.suppress(Exception):
            text = response.text[:500]
        message = text or response.reason_phrase or "no details"
    status = response.status_code
    what = {401: "rejected the API key", 403: "refused the request", 429: "is rate limiting the requests"}.get(
        status, "answered an error"
    )
    out_status = status if 400 <= status < 500 else 502
    return ProviderError(
        out_status,
        f"{label} {what} (HTTP {status}): {message}",
        type=etype or "provider_error",
        code=code if code is not None else status,
        origin=label,
        retry=out_status in (429, 502),
    )


def transport_error(exc: Exception, label: str, url: str) -> ProviderError:
    if isinstance(exc, httpx.TimeoutException):
        msg = f"{label} did not answer in time ({url})"
    elif isinstance(exc, (httpx.LocalProtocolError, httpx.UnsupportedProtocol, httpx.InvalidURL)):
        return ProviderError(400, f"Cannot send the request to {label}: {exc}", type="invalid_provider_request")
    else:
        msg = f"Cannot reach {label} at {url}: {exc}"
    return ProviderError(502, msg, type="provider_unreachable", origin="Humanloop", retry=True)


def parse_json(response: httpx.Response, label: str) -> Dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        raise ProviderError(
            502, f"{label} answered something that is not JSON", type="invalid_provider_response"
        ) from None
    if not isinstance(body, dict):
        raise ProviderError(502, f"{label} answered unexpected JSON", type="invalid_provider_response")
    return body


def sse_events(response: httpx.Response) -> Iterator[Tuple[Optional[str], str]]:
    """(event name, data) of each server-sent event; comments and keep-alives are skipped."""
    event: Optional[str] = None
    data: List[str] = []
    for line in response.iter_lines():
        if line == "":
            if data:
                yield event, "\n".join(data)
            event, data = None, []
            continue
        if line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if field == "event":
            event = value
        elif field == "data":
            data.append(value)
    if data:
        yield event, "\n".join(data)


def loads(data: str, label: str) -> Dict[str, Any]:
    try:
        value = json.loads(data)
    except ValueError:
        raise ProviderError(
            502, f"{label} streamed an event that is not JSON", type="invalid_provider_response"
        ) from None
    if not isinstance(value, dict):
        raise ProviderError(502, f"{label} streamed unexpected JSON", type="invalid_provider_response")
    return value
