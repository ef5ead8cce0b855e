"""Model providers: the OpenAI-compatible and Anthropic clients against small fake provider servers on
127.0.0.1 (started here; no real network), key handling, error mapping, template population parity
with the SDK, and the mock provider's contract.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Iterator, List

import httpx
import pytest
from sqlalchemy import select

from humanloop import prompt_utils
from humanloop.core.api_error import ApiError
from humanloop_server.db.models import Log
from humanloop_server.providers import ProviderRequest, get_provider
from humanloop_server.providers.base import redact
from humanloop_server.services import templates

from . import sdk_lifecycle as lc
from .conftest import Server
from .sdk_driver import Driver, driver_fixture

hl = driver_fixture()

SECRET = "sk-test-" + "7" * 24
TEMPLATE = [
    {"role": "system", "content": "You are {{persona}}."},
    {"role": "user", "content": [{"type": "text", "text": "Tell me about {{ topic }}"}]},
]
INPUTS = {"persona": "a librarian", "topic": "owls"}
POPULATED = [
    {"role": "system", "content": "You are a librarian."},
    {"role": "user", "content": [{"type": "text", "text": "Tell me about owls"}]},
]
FAKE_TEXT = "Owls are birds of prey that hunt at night"


# ---------------------------------------------------------------- the fake providers


class Fake:
    """OpenAI (``/v1/chat/completions``) and Anthropic (``/v1/messages``) stand-ins that record requests.

    Model names steer the answer: ``fake-401`` -> 401 with an OpenAI/Anthropic error body,
    ``fake-500`` -> 500, ``fake-slow`` -> a slow stream of 40 words (0.1 s apart), ``fake-midfail`` -> a
    stream that sends two words and then an error event.
    """

    def __init__(self) -> None:
        self.requests: List[Dict[str, Any]] = []
        self.stream_closed_early = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args: Any) -> None:
                pass

            def _json(self, status: int, body: Dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _sse(self, events: Iterator[str], delay: float = 0.0) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                try:
                    for ev in events:
                        self.wfile.write(ev.encode())
                        self.wfile.flush()
                        if delay:
                            time.sleep(delay)
                except (BrokenPipeError, ConnectionResetError):
                    fake.stream_closed_early.set()

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
                fake.requests.append(
                    {"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}
                )
                model = body.get("model", "")
                anthropic = self.path == "/v1/messages"
                if model == "fake-401":
                    if anthropic:
                        err = {
                            "type": "error",
                            "error": {"type": "authentication_error", "message": "invalid x-api-key"},
                        }
                    else:
                        err = {
                            "error": {
                                "message": "Incorrect API key provided: sk-wr***ng.",
                                "type": "invalid_request_error",
                                "code": "invalid_api_key",
                            }
                        }
                    return self._json(401, err)
                if model == "fake-500":
                    return self._json(500, {"error": {"message": "server exploded", "type": "server_error"}})
                words = (f"w{i} " for i in range(40)) if model == "fake-slow" else None
                if anthropic:
                    return self._anthropic(body)
                if not body.get("stream"):
                    return self._json(
                        200,
                        {
                            "id": "chatcmpl-1",
                            "object": "chat.completion",
                            "model": model,
                            "choices": [
                                {
                                    "index": 0,
                                    "message": {"role": "assistant", "content": FAKE_TEXT},
                                    "finish_reason": "stop",
                                }
                            ],
                            "usage": {"prompt_tokens": 17, "completion_tokens": 9, "total_tokens": 26},
                        },
                    )
                pieces = list(words) if words is not None else [w + " " for w in FAKE_TEXT.split(" ")]
                if words is None:
                    pieces[-1] = pieces[-1].rstrip()

                def events() -> Iterator[str]:
                    base = {"id": "chatcmpl-2", "object": "chat.completion.chunk", "model": model}
                    yield (
                        "data: "
                        + json.dumps({**base, "choices": [{"index": 0, "delta": {"role": "assistant"}}]})
                        + "\n\n"
                    )
                    yield ": keep-alive comment\n\n"
                    for i, p in enumerate(pieces):
                        if model == "fake-midfail" and i == 2:
                            yield (
                                "data: "
                                + json.dumps({"error": {"message": "overloaded", "type": "server_error"}})
                                + "\n\n"
                            )
                            return
                        chunk = {**base, "choices": [{"index": 0, "delta": {"content": p}, "finish_reason": None}]}
                        yield "data: " + json.dumps(chunk) + "\n\n"
                    yield (
                        "data: "
                        + json.dumps({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
                        + "\n\n"
                    )
                    usage = {"prompt_tokens": 17, "completion_tokens": len(pieces), "total_tokens": 17 + len(pieces)}
                    yield "data: " + json.dumps({**base, "choices": [], "usage": usage}) + "\n\n"
                    yield "data: [DONE]\n\n"

                return self._sse(events(), delay=0.1 if words is not None else 0.0)

            def _anthropic(self, body: Dict[str, Any]) -> None:
                if not body.get("stream"):
                    return self._json(
                        200,
                        {
                            "id": "msg_1",
                            "type": "message",
                            "role": "assistant",
                            "content": [{"type": "text", "text": FAKE_TEXT}],
                            "stop_reason": "end_turn",
                            "usage": {"input_tokens": 12, "output_tokens": 9},
                        },
                    )

                def events() -> Iterator[str]:
                    def ev(name: str, data: Dict[str, Any]) -> str:
                        return f"event: {name}\ndata: {json.dumps({'type': name, **data})}\n\n"

                    yield ev("message_start", {"message": {"id": "msg_2", "usage": {"input_tokens": 12}}})
                    yield ev("content_block_start", {"index": 0, "content_block": {"type": "text", "text": ""}})
                    for i, w in enumerate(FAKE_TEXT.split(" ")):
                        text = w if i == 0 else " " + w
                        yield ev("content_block_delta", {"index": 0, "delta": {"type": "text_delta", "text": text}})
                    yield ev("content_block_stop", {"index": 0})
                    yield ev("message_delta", {"delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 9}})
                    yield ev("message_stop", {})

                return self._sse(events())

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def fake_server() -> Iterator[Fake]:
    fake = Fake()
    try:
        yield fake
    finally:
        fake.close()


@pytest.fixture
def fake(fake_server: Fake, monkeypatch: pytest.MonkeyPatch) -> Fake:
    """The fake providers, with the server's base-URL settings pointed at them and no keys in the environment."""
    fake_server.requests.clear()
    fake_server.stream_closed_early.clear()
    monkeypatch.setenv("OPENAI_BASE_URL", fake_server.url + "/v1")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake_server.url)
    monkeypatch.setenv("DEEPSEEK_BASE_URL", fake_server.url)
    for var in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "DEEPSEEK_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    return fake_server


def stream(hl: Driver, **kwargs: Any) -> List[Any]:
    it = hl.client.prompts.call_stream(**kwargs)
    if hl.mode == "sync":
        return list(it)

    async def drain() -> List[Any]:
        return [chunk async for chunk in it]

    return hl.run(drain())


def stored_text(server: Server) -> str:
    """Every stored Log, all columns, as one string (to look for leaked secrets)."""
    with server.runtime.db.read() as session:
        rows = session.execute(select(Log)).scalars().all()
        return json.dumps([{c.name: getattr(r, c.key, None) for c in Log.__table__.columns} for r in rows], default=str)


def body_of(err: "pytest.ExceptionInfo[ApiError]") -> Any:
    value = err.value.body
    return value.model_dump(mode="json") if hasattr(value, "model_dump") else value


# ---------------------------------------------------------------- OpenAI-compatible


def openai_kernel(model: str = "gpt-fake") -> Dict[str, Any]:
    return {"model": model, "provider": "openai", "template": TEMPLATE, "temperature": 0.3, "max_tokens": 50, "seed": 7}


def test_openai_call_sends_populated_request_and_never_stores_the_key(
    hl: Driver, uid: str, fake: Fake, server: Server
) -> None:
    r = hl.prompts.call(
        path=f"{uid}/openai/chat",
        prompt=openai_kernel(),
        inputs=INPUTS,
        messages=[{"role": "user", "content": "And their diet?"}],
        provider_api_keys={"openai": SECRET},
    )
    assert len(fake.requests) == 1
    sent = fake.requests[0]
    assert sent["path"] == "/v1/chat/completions"
    assert sent["headers"]["authorization"] == f"Bearer {SECRET}"
    body = sent["body"]
    assert body["model"] == "gpt-fake" and body["temperature"] == 0.3 and body["max_tokens"] == 50 and body["seed"] == 7
    assert body["messages"] == POPULATED + [{"role": "user", "content": "And their diet?"}]
    assert "stream" not in body and "tools" not in body
    out = r.logs[0]
    assert out.output == FAKE_TEXT and out.finish_reason == "stop"
    assert (out.prompt_tokens, out.output_tokens) == (17, 9)
    log = hl.logs.get(id=r.id)
    assert log.output == FAKE_TEXT and log.provider_request["model"] == "gpt-fake"
    assert log.provider_response["id"] == "chatcmpl-1"
    # the key reached the provider, and nothing else
    assert SECRET not in json.dumps(log.model_dump(mode="json"))
    assert SECRET not in json.dumps(r.model_dump(mode="json"))
    assert SECRET not in stored_text(server)


def test_openai_server_key_from_environment(hl: Driver, uid: str, fake: Fake, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    r = hl.prompts.call(path=f"{uid}/openai/envkey", prompt=openai_kernel(), inputs=INPUTS)
    assert r.logs[0].output == FAKE_TEXT
    assert fake.requests[0]["headers"]["authorization"] == "Bearer sk-from-env"
    # a key in the request wins over the environment
    hl.prompts.call(
        path=f"{uid}/openai/envkey", prompt=openai_kernel(), inputs=INPUTS, provider_api_keys={"openai": SECRET}
    )
    assert fake.requests[1]["headers"]["authorization"] == f"Bearer {SECRET}"


def test_openai_stream(hl: Driver, uid: str, fake: Fake, server: Server) -> None:
    chunks = stream(
        hl, path=f"{uid}/openai/stream", prompt=openai_kernel(), inputs=INPUTS, provider_api_keys={"openai": SECRET}
    )
    sent = fake.requests[0]
    assert sent["body"]["stream"] is True and sent["body"]["messages"] == POPULATED
    assert sent["headers"]["authorization"] == f"Bearer {SECRET}"
    assert "".join(c.output for c in chunks) == FAKE_TEXT
    assert len(chunks) == len(FAKE_TEXT.split(" ")) + 1
    assert all(c.id == chunks[0].id and c.prompt_id and c.version_id for c in chunks)
    last = chunks[-1]
    assert last.finish_reason == "stop" and last.prompt_tokens == 17 and last.output_message.content == FAKE_TEXT
    log = hl.logs.get(id=last.id)
    assert log.output == FAKE_TEXT and log.error is None and log.output_tokens == len(FAKE_TEXT.split(" "))
    assert SECRET not in stored_text(server)


def test_openai_401_is_a_clear_4xx_and_nothing_is_stored(hl: Driver, uid: str, fake: Fake) -> None:
    with pytest.raises(ApiError) as err:
        hl.prompts.call(
            path=f"{uid}/openai/bad",
            prompt=openai_kernel("fake-401"),
            inputs=INPUTS,
            provider_api_keys={"openai": "sk-wrong"},
        )
    assert lc.status(err) == 401
    detail = body_of(err)["detail"]
    assert detail["origin"] == "OpenAI" and detail["code"] == "invalid_api_key"
    assert "rejected the API key" in detail["message"] and "Incorrect API key" in detail["message"]
    assert len(fake.requests) == 1  # not retried
    assert hl.files.list(name=uid).total == 0
    with pytest.raises(ApiError) as err2:
        stream(
            hl,
            path=f"{uid}/openai/bad",
            prompt=openai_kernel("fake-401"),
            inputs=INPUTS,
            provider_api_keys={"openai": "x"},
        )
    assert lc.status(err2) == 401


def test_openai_missing_key_is_400_without_calling_the_provider(hl: Driver, uid: str, fake: Fake) -> None:
    with pytest.raises(ApiError) as err:
        hl.prompts.call(path=f"{uid}/openai/nokey", prompt=openai_kernel(), inputs=INPUTS)
    assert lc.status(err) == 400
    assert body_of(err)["detail"]["type"] == "missing_provider_key"
    assert fake.requests == []


def test_provider_5xx_and_unreachable_are_502(
    http: httpx.Client, uid: str, fake: Fake, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = {
        "path": f"{uid}/openai/down",
        "prompt": openai_kernel("fake-500"),
        "inputs": INPUTS,
        "provider_api_keys": {"openai": "k"},
    }
    r = http.post("/prompts/call", json=body)
    assert r.status_code == 502 and r.json()["detail"]["origin"] == "OpenAI" and "server exploded" in r.text
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # nothing listens there
    r = http.post("/prompts/call", json={**body, "prompt": openai_kernel()})
    assert r.status_code == 502 and r.json()["detail"]["type"] == "provider_unreachable"
    assert r.headers["x-should-retry"] == "true"


def test_client_disconnect_midway_still_stores_the_log(server: Server, uid: str, fake: Fake) -> None:
    body = {
        "path": f"{uid}/openai/slow",
        "prompt": openai_kernel("fake-slow"),
        "inputs": INPUTS,
        "stream": True,
        "provider_api_keys": {"openai": SECRET},
    }
    with server.client() as c:
        with c.stream("POST", "/prompts/call", json=body) as resp:
            assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/event-stream")
            lines = resp.iter_lines()
            first = json.loads(next(line for line in lines if line.startswith("data:"))[5:])
        # leaving the block closes the connection midway through a 4 second stream
    log_id = first["id"]
    deadline = time.monotonic() + 20
    log = None
    with server.client() as c:
        while time.monotonic() < deadline:
            r = c.get(f"/logs/{log_id}")
            if r.status_code == 200:
                log = r.json()
                break
            time.sleep(0.1)
    assert log is not None, "the log of an interrupted stream was lost"
    assert log["output"].startswith(first["output"]) and len(log["output"].split()) < 40
    assert "disconnected" in log["error"]
    assert fake.stream_closed_early.wait(10)  # and the provider stream was closed, not left running


def test_error_mid_stream_ends_with_an_error_event_and_keeps_the_partial_log(hl: Driver, uid: str, fake: Fake) -> None:
    chunks = stream(
        hl,
        path=f"{uid}/openai/midfail",
        prompt=openai_kernel("fake-midfail"),
        inputs=INPUTS,
        provider_api_keys={"openai": "k"},
    )
    partial = " ".join(FAKE_TEXT.split(" ")[:2]) + " "
    assert "".join(c.output for c in chunks) == partial
    assert all(c.error is None for c in chunks[:-1])
    assert chunks[-1].error is not None and "overloaded" in chunks[-1].error
    log = hl.logs.get(id=chunks[-1].id)
    assert log.output == partial and "overloaded" in log.error


def test_a_slow_provider_does_not_block_other_writes(server: Server, uid: str, fake: Fake) -> None:
    body = {
        "path": f"{uid}/openai/slow-lock",
        "prompt": openai_kernel("fake-slow"),
        "inputs": INPUTS,
        "stream": True,
        "provider_api_keys": {"openai": "k"},
    }
    with server.client() as c, server.client() as other:
        with c.stream("POST", "/prompts/call", json=body) as resp:
            lines = resp.iter_lines()
            first = json.loads(next(line for line in lines if line.startswith("data:"))[5:])
            # while the provider is still streaming (4 s in all), writes of other requests go through
            started = time.monotonic()
            r = other.post(
                "/prompts/log", json={"path": f"{uid}/openai/other", "prompt": {"model": "m"}, "output": "x"}
            )
            assert r.status_code == 200 and time.monotonic() - started < 2
            rest = [json.loads(line[5:]) for line in lines if line.startswith("data:")]
    text = first["output"] + "".join(c["output"] for c in rest)
    assert text == "".join(f"w{i} " for i in range(40)) and rest[-1]["finish_reason"] == "stop"
    with server.client() as c:
        assert c.get(f"/logs/{first['id']}").json()["output"] == text


# ---------------------------------------------------------------- Anthropic


def anthropic_kernel(model: str = "claude-fake") -> Dict[str, Any]:
    return {"model": model, "provider": "anthropic", "template": TEMPLATE, "temperature": 0.2}


def test_anthropic_call_and_stream(hl: Driver, uid: str, fake: Fake, server: Server) -> None:
    r = hl.prompts.call(
        path=f"{uid}/anthropic/chat", prompt=anthropic_kernel(), inputs=INPUTS, provider_api_keys={"anthropic": SECRET}
    )
    sent = fake.requests[0]
    assert sent["path"] == "/v1/messages" and sent["headers"]["x-api-key"] == SECRET
    assert sent["headers"]["anthropic-version"] == "2023-06-01"
    assert sent["body"]["system"] == "You are a librarian."
    assert sent["body"]["messages"] == [{"role": "user", "content": [{"type": "text", "text": "Tell me about owls"}]}]
    assert sent["body"]["max_tokens"] == 4096 and sent["body"]["temperature"] == 0.2
    assert r.logs[0].output == FAKE_TEXT and r.logs[0].finish_reason == "stop"
    assert (r.logs[0].prompt_tokens, r.logs[0].output_tokens) == (12, 9)

    chunks = stream(
        hl,
        path=f"{uid}/anthropic/chat",
        prompt=anthropic_kernel(),
        inputs=INPUTS,
        provider_api_keys={"anthropic": SECRET},
    )
    assert fake.requests[1]["body"]["stream"] is True
    assert "".join(c.output for c in chunks) == FAKE_TEXT
    assert chunks[-1].finish_reason == "stop" and chunks[-1].output_tokens == 9 and chunks[-1].prompt_tokens == 12
    assert hl.logs.get(id=chunks[-1].id).output == FAKE_TEXT
    assert SECRET not in stored_text(server)


def test_anthropic_401_and_missing_key(hl: Driver, uid: str, fake: Fake) -> None:
    with pytest.raises(ApiError) as err:
        hl.prompts.call(
            path=f"{uid}/anthropic/bad",
            prompt=anthropic_kernel("fake-401"),
            inputs=INPUTS,
            provider_api_keys={"anthropic": "x"},
        )
    assert lc.status(err) == 401
    detail = body_of(err)["detail"]
    assert (
        detail["origin"] == "Anthropic"
        and detail["type"] == "authentication_error"
        and "invalid x-api-key" in detail["message"]
    )
    with pytest.raises(ApiError) as err2:
        hl.prompts.call(path=f"{uid}/anthropic/nokey", prompt=anthropic_kernel(), inputs=INPUTS)
    assert lc.status(err2) == 400 and "ANTHROPIC_API_KEY" in body_of(err2)["detail"]["message"]


# ---------------------------------------------------------------- DeepSeek (OpenAI's protocol, its own key and address)


def deepseek_kernel(model: str = "deepseek-chat") -> Dict[str, Any]:
    return {"model": model, "provider": "deepseek", "template": TEMPLATE, "temperature": 0.5}


def test_deepseek_call_and_stream(hl: Driver, uid: str, fake: Fake, server: Server) -> None:
    r = hl.prompts.call(
        path=f"{uid}/deepseek/chat", prompt=deepseek_kernel(), inputs=INPUTS, provider_api_keys={"deepseek": SECRET}
    )
    sent = fake.requests[0]
    # DEEPSEEK_BASE_URL is the fake's root: the chat completions route sits right under it
    assert sent["path"] == "/chat/completions" and sent["headers"]["authorization"] == f"Bearer {SECRET}"
    assert sent["body"]["model"] == "deepseek-chat" and sent["body"]["temperature"] == 0.5
    assert sent["body"]["messages"] == POPULATED and "stream" not in sent["body"]
    assert r.logs[0].output == FAKE_TEXT and (r.logs[0].prompt_tokens, r.logs[0].output_tokens) == (17, 9)
    assert hl.logs.get(id=r.id).provider_request["model"] == "deepseek-chat"

    chunks = stream(
        hl, path=f"{uid}/deepseek/chat", prompt=deepseek_kernel(), inputs=INPUTS, provider_api_keys={"deepseek": SECRET}
    )
    assert fake.requests[1]["path"] == "/chat/completions" and fake.requests[1]["body"]["stream"] is True
    assert "".join(c.output for c in chunks) == FAKE_TEXT and chunks[-1].finish_reason == "stop"
    assert hl.logs.get(id=chunks[-1].id).output == FAKE_TEXT
    assert SECRET not in stored_text(server)


def test_deepseek_key_from_environment_errors_and_missing_key(
    hl: Driver, uid: str, fake: Fake, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ApiError) as missing:
        hl.prompts.call(path=f"{uid}/deepseek/nokey", prompt=deepseek_kernel(), inputs=INPUTS)
    assert lc.status(missing) == 400 and "DEEPSEEK_API_KEY" in body_of(missing)["detail"]["message"]
    assert fake.requests == []
    # an OpenAI key is not a DeepSeek key
    with pytest.raises(ApiError) as other:
        hl.prompts.call(
            path=f"{uid}/deepseek/nokey", prompt=deepseek_kernel(), inputs=INPUTS, provider_api_keys={"openai": "k"}
        )
    assert lc.status(other) == 400 and fake.requests == []
    monkeypatch.setenv("DEEPSEEK_API_KEY", "sk-deep-env")
    r = hl.prompts.call(path=f"{uid}/deepseek/env", prompt=deepseek_kernel(), inputs=INPUTS)
    assert r.logs[0].output == FAKE_TEXT
    assert fake.requests[0]["headers"]["authorization"] == "Bearer sk-deep-env"
    with pytest.raises(ApiError) as rejected:
        hl.prompts.call(path=f"{uid}/deepseek/bad", prompt=deepseek_kernel("fake-401"), inputs=INPUTS)
    assert lc.status(rejected) == 401 and body_of(rejected)["detail"]["origin"] == "DeepSeek"


def test_agent_call_on_deepseek(hl: Driver, uid: str, fake: Fake) -> None:
    agent = hl.agents.upsert(path=f"{uid}/deepseek/agent", **deepseek_kernel())
    res = hl.agents.call(
        id=agent.id,
        inputs=INPUTS,
        messages=[{"role": "user", "content": "And their diet?"}],
        provider_api_keys={"deepseek": SECRET},
    )
    assert res.output == FAKE_TEXT and res.log_status == "complete"
    sent = fake.requests[0]
    assert sent["path"] == "/chat/completions" and sent["headers"]["authorization"] == f"Bearer {SECRET}"
    assert sent["body"]["messages"] == POPULATED + [{"role": "user", "content": "And their diet?"}]


# ---------------------------------------------------------------- reasoning_effort


def test_reasoning_effort_reaches_the_providers_that_take_it(hl: Driver, uid: str, fake: Fake) -> None:
    keys = {"openai": "k", "anthropic": "k", "deepseek": "k"}
    # OpenAI: a level is sent as reasoning_effort, plain and streamed
    hl.prompts.call(
        path=f"{uid}/reason/openai",
        prompt={**openai_kernel(), "reasoning_effort": "high"},
        inputs=INPUTS,
        provider_api_keys=keys,
    )
    stream(
        hl,
        path=f"{uid}/reason/openai",
        prompt={**openai_kernel(), "reasoning_effort": "low"},
        inputs=INPUTS,
        provider_api_keys=keys,
    )
    assert [r["body"].get("reasoning_effort") for r in fake.requests] == ["high", "low"]
    # ... a token budget is Anthropic's form and is not sent to OpenAI
    hl.prompts.call(
        path=f"{uid}/reason/openai",
        prompt={**openai_kernel(), "reasoning_effort": 2048},
        inputs=INPUTS,
        provider_api_keys=keys,
    )
    assert "reasoning_effort" not in fake.requests[2]["body"]
    # Anthropic: a budget is the thinking budget, with room for the answer when max_tokens is unset
    hl.prompts.call(
        path=f"{uid}/reason/anthropic",
        prompt={**anthropic_kernel(), "reasoning_effort": 2048},
        inputs=INPUTS,
        provider_api_keys=keys,
    )
    sent = fake.requests[3]["body"]
    assert sent["thinking"] == {"type": "enabled", "budget_tokens": 2048} and sent["max_tokens"] == 2048 + 4096
    hl.prompts.call(
        path=f"{uid}/reason/anthropic",
        prompt={**anthropic_kernel(), "reasoning_effort": 1024, "max_tokens": 3000},
        inputs=INPUTS,
        provider_api_keys=keys,
    )
    assert (
        fake.requests[4]["body"]["max_tokens"] == 3000 and fake.requests[4]["body"]["thinking"]["budget_tokens"] == 1024
    )
    hl.prompts.call(
        path=f"{uid}/reason/anthropic",
        prompt={**anthropic_kernel(), "reasoning_effort": "high"},
        inputs=INPUTS,
        provider_api_keys=keys,
    )
    assert "thinking" not in fake.requests[5]["body"] and fake.requests[5]["body"]["max_tokens"] == 4096
    # DeepSeek takes no effort setting
    hl.prompts.call(
        path=f"{uid}/reason/deepseek",
        prompt={**deepseek_kernel(), "reasoning_effort": "high"},
        inputs=INPUTS,
        provider_api_keys=keys,
    )
    assert "reasoning_effort" not in fake.requests[6]["body"]
    # agents pass it on as well
    agent = hl.agents.upsert(path=f"{uid}/reason/agent", **{**openai_kernel(), "reasoning_effort": "medium"})
    hl.agents.call(id=agent.id, inputs=INPUTS, provider_api_keys=keys)
    assert fake.requests[7]["body"]["reasoning_effort"] == "medium"


# ---------------------------------------------------------------- units: templates, mock, redaction


@pytest.mark.parametrize(
    "template, inputs",
    [
        ("Hello {{name}}, {{ name }}! {{  name }} stays", {"name": "Ann"}),
        ("n={{n}} list={{xs}} none={{z}}", {"n": 3, "xs": [1, 2], "z": None}),
        ([{"role": "user", "content": "a {{x}}"}, {"role": "assistant", "content": None}], {"x": 1.5}),
        (
            [
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "t {{a.b}}"},
                        {"type": "image_url", "image_url": {"url": "{{a.b}}"}},
                    ],
                }
            ],
            {"a.b": "dot"},
        ),
    ],
)
def test_template_population_matches_the_sdk(template: Any, inputs: Dict[str, Any]) -> None:
    assert templates.populate_template(template, inputs) == prompt_utils.populate_template(template, inputs)


def test_missing_variables_match_the_sdk() -> None:
    template = [
        {"role": "user", "content": "{{b}} {{a}}"},
        {"role": "user", "content": [{"type": "text", "text": "{{c}}"}]},
    ]
    with pytest.raises(prompt_utils.PromptVariablesNotFoundError) as sdk:
        prompt_utils.populate_template(template, {})
    with pytest.raises(templates.MissingVariables) as ours:
        templates.populate_template(template, {})
    assert ours.value.missing == sdk.value.missing_variables == ["a", "b", "c"]
    err = ours.value.to_error()
    assert err.status == 422 and [d["loc"][-1] for d in err.detail] == ["a", "b", "c"]


def test_mock_provider_contract() -> None:
    mock = get_provider("mock")
    req = ProviderRequest(
        model="m",
        messages=[
            {"role": "user", "content": "first"},
            {"role": "assistant", "content": "ignored words here"},
            {"role": "user", "content": [{"type": "text", "text": "last  one"}, {"type": "text", "text": "two"}]},
        ],
    )
    res = mock.complete(req)
    assert res.output == "mock response to: last  one two"
    assert res.prompt_tokens == 1 + 3 + 3 and res.output_tokens == 6 and res.finish_reason == "stop"
    deltas = list(mock.stream(req))
    assert "".join(d.output for d in deltas) == res.output
    assert [d.output for d in deltas[:3]] == ["mock", " response", " to:"]
    assert deltas[-1].result is not None and deltas[-1].result.output == res.output
    complete = mock.complete(ProviderRequest(model="m", endpoint="complete", prompt="Say hi"))
    assert complete.output == "mock response to: Say hi" and complete.prompt_tokens == 2


def test_redact_drops_credentials_recursively() -> None:
    data = {
        "model": "x",
        "api_key": "s",
        "headers": {"Authorization": "Bearer s", "x-api-key": "s", "ok": 1},
        "l": [{"api_key": "s"}],
    }
    assert redact(data) == {"model": "x", "headers": {"ok": 1}, "l": [{}]}


def test_openai_body_for_tools_and_complete_endpoint() -> None:
    from humanloop_server.providers.openai import build_body

    tools = [{"name": "f", "description": "d", "parameters": {"type": "object"}}]
    body = build_body(
        ProviderRequest(
            model="m",
            messages=[{"role": "user", "content": "q"}],
            tools=tools,
            tool_choice="required",
            max_tokens=-1,
            other={"user": "u"},
        )
    )
    assert body["tools"] == [
        {"type": "function", "function": {"name": "f", "description": "d", "parameters": {"type": "object"}}}
    ]
    assert body["tool_choice"] == "required" and "max_tokens" not in body and body["user"] == "u"
    body = build_body(ProviderRequest(model="m", endpoint="complete", prompt="p", stop=["\n"]))
    assert body == {"model": "m", "prompt": "p", "stop": ["\n"]}
