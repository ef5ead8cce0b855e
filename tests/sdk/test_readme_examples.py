"""Every example of the 0.8.6 README, called exactly as the README calls it, against a mock transport.

The README's clients are built with ``api_key="YOUR_API_KEY"`` only; here they
also get ``base_url`` and an ``httpx_client`` whose transport is a
:class:`~tests.sdk.wire.Recorder`, which is what the README's "Custom Client"
section describes. Where the README writes ``...`` for arguments, the README's
own ``log`` arguments are used.
"""

from __future__ import annotations

import asyncio
import datetime
import json

import httpx
import pytest

from humanloop import (
    AsyncHumanloop,
    CreatePromptLogResponse,
    HttpValidationError,
    Humanloop,
    PromptCallStreamResponse,
    PromptResponse,
)
from humanloop.core.api_error import ApiError

from . import fixtures as fx
from .wire import BASE_URL, Recorder, json_reply, parse_ts, sse_reply

ANSWER = (
    "Nobody outside a few hangars knows for sure. The official story changed twice, the debris went to a "
    "base nobody could visit, and the people who saw it told different tales. My answer: a balloon, "
    "and a very good story built around it."
)

LOG_RESPONSE = {"id": "data_7cQm2Lk9VxR4tNpW0aEjs", "prompt_id": fx.PROMPT_ID, "version_id": fx.PROMPT_VERSION_ID}

# The body of the README's `log` call, except `created_at` (checked as a timestamp: see test_wire_prompts).
LOG_BODY = {
    "path": "persona",
    "prompt": {
        "model": "gpt-4",
        "template": [
            {
                "role": "system",
                "content": "You are {{person}}. Answer questions as this person. Do not break character.",
            }
        ],
    },
    "messages": [{"role": "user", "content": "What really happened at Roswell?"}],
    "inputs": {"person": "Trump"},
    "provider_latency": 6.5931549072265625,
    "output_message": {"content": ANSWER, "role": "assistant"},
    "prompt_tokens": 100,
    "output_tokens": 220,
    "prompt_cost": 1e-05,
    "output_cost": 0.0002,
    "finish_reason": "stop",
}


def sync_client(recorder: Recorder, **kwargs) -> Humanloop:
    return Humanloop(
        api_key="YOUR_API_KEY",
        base_url=BASE_URL,
        httpx_client=httpx.Client(transport=httpx.MockTransport(recorder)),
        **kwargs,
    )


def readme_log(client: Humanloop, **extra):
    """The README's `client.prompts.log(...)` call, word for word (plus request_options where the README adds them)."""
    return client.prompts.log(
        path="persona",
        prompt={
            "model": "gpt-4",
            "template": [
                {
                    "role": "system",
                    "content": "You are {{person}}. Answer questions as this person. Do not break character.",
                }
            ],
        },
        messages=[{"role": "user", "content": "What really happened at Roswell?"}],
        inputs={"person": "Trump"},
        created_at=datetime.datetime.fromisoformat(
            "2024-07-19 00:29:35.178000+00:00",
        ),
        provider_latency=6.5931549072265625,
        output_message={
            "content": ANSWER,
            "role": "assistant",
        },
        prompt_tokens=100,
        output_tokens=220,
        prompt_cost=1e-05,
        output_cost=0.0002,
        finish_reason="stop",
        **extra,
    )


def assert_log_request(request: httpx.Request) -> None:
    sent = json.loads(request.content)
    created_at = sent.pop("created_at")
    assert parse_ts(created_at) == datetime.datetime(2024, 7, 19, 0, 29, 35, 178000, tzinfo=datetime.timezone.utc)
    assert sent == LOG_BODY
    assert request.method == "POST"
    assert request.url == "https://hl.test/v5/prompts/log"
    assert request.headers["x-api-key"] == "YOUR_API_KEY"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["idempotency-key"]


def test_usage_log() -> None:
    rec = Recorder(json_reply(LOG_RESPONSE))
    client = sync_client(rec)
    result = readme_log(client)
    assert_log_request(rec.only)
    assert isinstance(result, CreatePromptLogResponse)
    assert result.id == "data_7cQm2Lk9VxR4tNpW0aEjs"
    assert result.prompt_id == fx.PROMPT_ID


def test_async_client() -> None:
    rec = Recorder(json_reply(LOG_RESPONSE))
    results = []

    client = AsyncHumanloop(
        api_key="YOUR_API_KEY",
        base_url=BASE_URL,
        httpx_client=httpx.AsyncClient(transport=httpx.MockTransport(rec)),
    )

    async def main() -> None:
        results.append(
            await client.prompts.log(
                path="persona",
                prompt={
                    "model": "gpt-4",
                    "template": [
                        {
                            "role": "system",
                            "content": "You are {{person}}. Answer questions as this person. Do not break character.",
                        }
                    ],
                },
                messages=[{"role": "user", "content": "What really happened at Roswell?"}],
                inputs={"person": "Trump"},
                created_at=datetime.datetime.fromisoformat(
                    "2024-07-19 00:29:35.178000+00:00",
                ),
                provider_latency=6.5931549072265625,
                output_message={
                    "content": ANSWER,
                    "role": "assistant",
                },
                prompt_tokens=100,
                output_tokens=220,
                prompt_cost=1e-05,
                output_cost=0.0002,
                finish_reason="stop",
            )
        )

    asyncio.run(main())
    assert_log_request(rec.only)
    assert isinstance(results[0], CreatePromptLogResponse)
    assert results[0].version_id == fx.PROMPT_VERSION_ID


def test_exception_handling_validation_error() -> None:
    rec = Recorder(json_reply(fx.validation_error("path"), status=422))
    client = sync_client(rec)
    caught = []
    try:
        readme_log(client)
    except ApiError as e:
        caught.append(e)
        print(e.status_code)
        print(e.body)
    assert len(caught) == 1
    assert caught[0].status_code == 422
    assert isinstance(caught[0].body, HttpValidationError)
    assert caught[0].body.detail[0].loc == ["body", "path"]
    assert caught[0].body.detail[0].msg == "field required"
    assert len(rec.requests) == 1  # 422 is not retried


def test_exception_handling_other_status() -> None:
    rec = Recorder(json_reply({"detail": "Prompt not found"}, status=404))
    client = sync_client(rec)
    with pytest.raises(ApiError) as info:
        readme_log(client)
    assert info.value.status_code == 404
    assert info.value.body == {"detail": "Prompt not found"}


def test_streaming() -> None:
    rec = Recorder(
        sse_reply(
            [
                fx.stream_chunk(0, "I know"),
                fx.stream_chunk(1, " nothing"),
                fx.stream_chunk(2, " about Roswell.", finish_reason="stop"),
            ]
        )
    )
    client = Humanloop(
        api_key="YOUR_API_KEY",
        base_url=BASE_URL,
        httpx_client=httpx.Client(transport=httpx.MockTransport(rec)),
    )

    def readme_stream():
        response = client.prompts.call_stream(
            version_id="string",
            environment="string",
            path="string",
            id="string",
            messages=[
                {
                    "content": "string",
                    "name": "string",
                    "tool_call_id": "string",
                    "role": "user",
                    "tool_calls": [
                        {
                            "id": "string",
                            "type": "function",
                            "function": {"name": "string"},
                        }
                    ],
                }
            ],
            prompt={"model": "string"},
            inputs={"string": {"key": "value"}},
            source="string",
            metadata={"string": {"key": "value"}},
            start_time=datetime.datetime.fromisoformat(
                "2024-01-15 09:30:00+00:00",
            ),
            end_time=datetime.datetime.fromisoformat(
                "2024-01-15 09:30:00+00:00",
            ),
            source_datapoint_id="string",
            trace_parent_id="string",
            batch_id="string",
            user="string",
            prompts_call_stream_request_environment="string",
            save=True,
            provider_api_keys={
                "openai": "string",
                "ai_21": "string",
                "mock": "string",
                "anthropic": "string",
                "bedrock": "string",
                "cohere": "string",
                "openai_azure": "string",
                "openai_azure_endpoint": "string",
            },
            num_samples=1,
            return_inputs=True,
            logprobs=1,
            suffix="string",
        )
        for chunk in response:  # noqa: UP028 - as the README writes it
            yield chunk

    chunks = list(readme_stream())
    assert [type(c) for c in chunks] == [PromptCallStreamResponse] * 3
    assert "".join(c.output for c in chunks) == "I know nothing about Roswell."
    assert chunks[-1].finish_reason == "stop"

    request = rec.only
    sent = json.loads(request.content)
    for key in ("start_time", "end_time"):
        assert parse_ts(sent.pop(key)) == datetime.datetime(2024, 1, 15, 9, 30, tzinfo=datetime.timezone.utc)
    assert request.method == "POST"
    assert request.url.path == "/v5/prompts/call"
    assert dict(request.url.params) == {"version_id": "string", "environment": "string"}
    assert request.headers["x-api-key"] == "YOUR_API_KEY"
    assert request.headers["content-type"] == "application/json"
    assert sent == {
        "stream": True,
        "path": "string",
        "id": "string",
        "messages": [
            {
                "content": "string",
                "name": "string",
                "tool_call_id": "string",
                "role": "user",
                "tool_calls": [{"id": "string", "type": "function", "function": {"name": "string"}}],
            }
        ],
        "prompt": {"model": "string"},
        "inputs": {"string": {"key": "value"}},
        "source": "string",
        "metadata": {"string": {"key": "value"}},
        "source_datapoint_id": "string",
        "trace_parent_id": "string",
        "batch_id": "string",
        "user": "string",
        "environment": "string",
        "save": True,
        "provider_api_keys": {
            "openai": "string",
            "ai21": "string",
            "mock": "string",
            "anthropic": "string",
            "bedrock": "string",
            "cohere": "string",
            "openai_azure": "string",
            "openai_azure_endpoint": "string",
        },
        "num_samples": 1,
        "return_inputs": True,
        "logprobs": 1,
        "suffix": "string",
    }


def test_pagination() -> None:
    first = fx.paginated([fx.prompt()], page=1, size=1, total=2)
    second = fx.paginated([fx.prompt(id="pr_Zy0xWvUtSrQpOnMlKjIh", path="Support/Triage")], page=2, size=1, total=2)
    # `for item in response` fetches page 2; `iter_pages()` starts again at page 1 (kept) and fetches page 2 again
    rec = Recorder(json_reply(first), json_reply(second), json_reply(second))
    client = Humanloop(
        api_key="YOUR_API_KEY",
        base_url=BASE_URL,
        httpx_client=httpx.Client(transport=httpx.MockTransport(rec)),
    )

    def readme_items():
        response = client.prompts.list(
            size=1,
        )
        for item in response:  # noqa: UP028 - as the README writes it
            yield item
        # alternatively, you can paginate page-by-page
        for page in response.iter_pages():  # noqa: UP028 - as the README writes it
            yield page

    produced = list(readme_items())
    items, pages = produced[:2], produced[2:]
    assert [type(i) for i in items] == [PromptResponse, PromptResponse]
    assert [i.id for i in items] == [fx.PROMPT_ID, "pr_Zy0xWvUtSrQpOnMlKjIh"]
    assert [[p.id for p in page.items] for page in pages] == [[fx.PROMPT_ID], ["pr_Zy0xWvUtSrQpOnMlKjIh"]]
    assert [r.url.params["page"] for r in rec.requests] == ["1", "2", "2"]  # never an empty page 3
    for request in rec.requests:
        assert request.url.path == "/v5/prompts"
        assert request.url.params["size"] == "1"


def test_retries_max_retries_1() -> None:
    rec = Recorder(
        json_reply({"detail": "Internal Server Error"}, status=500, headers={"retry-after-ms": "0"}),
        json_reply(LOG_RESPONSE),
    )
    client = sync_client(rec)
    result = readme_log(client, request_options={"max_retries": 1})
    assert isinstance(result, CreatePromptLogResponse)
    assert len(rec.requests) == 2  # the 500 was retried once
    assert_log_request(rec.requests[1])
    assert rec.requests[0].content == rec.requests[1].content
    assert rec.requests[0].headers["idempotency-key"] == rec.requests[1].headers["idempotency-key"]


def test_retries_max_retries_1_gives_up_after_one_retry() -> None:
    error = json_reply({"detail": "Service Unavailable"}, status=503, headers={"retry-after-ms": "0"})
    rec = Recorder(error, error)
    client = sync_client(rec)
    with pytest.raises(ApiError) as info:
        readme_log(client, request_options={"max_retries": 1})
    assert info.value.status_code == 503
    assert len(rec.requests) == 2


def test_timeouts() -> None:
    rec = Recorder(json_reply(LOG_RESPONSE), json_reply(LOG_RESPONSE))
    client = Humanloop(
        api_key="YOUR_API_KEY",
        base_url=BASE_URL,
        httpx_client=httpx.Client(transport=httpx.MockTransport(rec)),
        timeout=20.0,
    )
    readme_log(client)
    # Override timeout for a specific method
    readme_log(client, request_options={"timeout_in_seconds": 1})
    first, second = rec.requests
    assert first.extensions["timeout"] == {"connect": 20.0, "read": 20.0, "write": 20.0, "pool": 20.0}
    assert second.extensions["timeout"] == {"connect": 1.0, "read": 1.0, "write": 1.0, "pool": 1.0}


def test_timeouts_default_client() -> None:
    """Without a custom httpx client: 60 s by default, ``timeout=20.0`` when given."""
    default = Humanloop(api_key="YOUR_API_KEY")
    configured = Humanloop(api_key="YOUR_API_KEY", timeout=20.0)
    try:
        assert default._client_wrapper.httpx_client.httpx_client.timeout == httpx.Timeout(60.0)
        assert configured._client_wrapper.httpx_client.httpx_client.timeout == httpx.Timeout(20.0)
    finally:
        default.close()
        configured.close()


def test_custom_client() -> None:
    """The README passes ``httpx.Client(proxies=..., transport=httpx.HTTPTransport(local_address="0.0.0.0"))``.

    ``proxies=`` no longer exists in httpx 0.28, and a real transport would go to the network, so the same
    intent (the SDK sends through the caller's own, preconfigured ``httpx.Client``) is checked with a
    custom transport and client-level settings instead.
    """
    rec = Recorder(json_reply(LOG_RESPONSE))
    client = Humanloop(
        api_key="YOUR_API_KEY",
        base_url=BASE_URL,
        httpx_client=httpx.Client(
            transport=httpx.MockTransport(rec),
            headers={"X-Corporate-Proxy-Tenant": "acme"},
        ),
    )
    result = readme_log(client)
    assert isinstance(result, CreatePromptLogResponse)
    request = rec.only
    assert request.headers["x-corporate-proxy-tenant"] == "acme"  # the caller's client configuration applies
    assert_log_request(request)
