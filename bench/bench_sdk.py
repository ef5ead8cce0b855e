"""Time SDK operations against raw httpx + json.loads on the same bodies, in one process.

Run by ``bench/run.py`` once with our SDK and once with the published SDK (in its own
virtual environment); it prints one JSON object with median seconds per operation.
Everything goes through ``httpx.MockTransport``: no network, only client-side cost.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import sys
import time
import typing
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bodies  # noqa: E402

LOG_PAGE = bodies.log_page(100)
STREAM = bodies.stream_body(1000)
PROMPT = json.dumps(bodies.prompt_response(1)).encode()
CREATED = bodies.create_log_response()


def handler(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if path.endswith("/logs"):
        return httpx.Response(200, content=LOG_PAGE, headers={"content-type": "application/json"})
    if path.endswith("/prompts/call"):
        return httpx.Response(200, content=STREAM, headers={"content-type": "text/event-stream"})
    if path.endswith("/prompts/log"):
        return httpx.Response(200, content=CREATED, headers={"content-type": "application/json"})
    return httpx.Response(200, content=PROMPT, headers={"content-type": "application/json"})


def timed(fn: typing.Callable[[], object], repeat: int) -> float:
    fn()  # warm up caches (type adapters, connection objects)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


README_LOG = dict(
    path="persona",
    prompt={
        "model": "gpt-4",
        "template": [{"role": "system", "content": "You are {{person}}. Answer questions as this person."}],
    },
    messages=[{"role": "user", "content": "What really happened at Roswell?"}],
    inputs={"person": "Trump"},
    created_at=dt.datetime(2024, 7, 19, 0, 29, 35, 178000, tzinfo=dt.timezone.utc),
    provider_latency=6.5931549072265625,
    output_message={"content": "Well, you know...", "role": "assistant"},
    prompt_tokens=100,
    output_tokens=220,
    prompt_cost=1e-05,
    output_cost=0.0002,
    finish_reason="stop",
)


def raw_ops(http: httpx.Client) -> typing.Dict[str, typing.Callable[[], object]]:
    base = "http://bench.invalid/v5"

    def list_logs() -> object:
        return json.loads(http.get(f"{base}/logs", params={"file_id": "pr_1", "size": 100}).content)["records"]

    def stream() -> object:
        out = []
        with http.stream("POST", f"{base}/prompts/call", json={"stream": True}) as response:
            for line in response.iter_lines():
                if line.startswith("data: "):
                    out.append(json.loads(line[6:]))
        return out

    def get_prompt() -> object:
        return json.loads(http.get(f"{base}/prompts/pr_1").content)

    def log() -> object:
        body = dict(README_LOG)
        body["created_at"] = README_LOG["created_at"].isoformat()  # type: ignore[attr-defined]
        return json.loads(http.post(f"{base}/prompts/log", json=body).content)

    return {
        "logs.list (100 prompt logs)": list_logs,
        "prompts.call_stream (1000 events)": stream,
        "prompts.get": get_prompt,
        "prompts.log (README)": log,
    }


def sdk_ops(http: httpx.Client) -> typing.Dict[str, typing.Callable[[], object]]:
    from humanloop import Humanloop

    client = Humanloop(api_key="bench", base_url="http://bench.invalid/v5", httpx_client=http)

    def list_logs() -> object:
        return client.logs.list(file_id="pr_1", size=100).items

    def stream() -> object:
        return list(client.prompts.call_stream(path="p", messages=[{"role": "user", "content": "hi"}]))

    def get_prompt() -> object:
        return client.prompts.get(id="pr_1")

    def log() -> object:
        return client.prompts.log(**README_LOG)  # type: ignore[arg-type]

    return {
        "logs.list (100 prompt logs)": list_logs,
        "prompts.call_stream (1000 events)": stream,
        "prompts.get": get_prompt,
        "prompts.log (README)": log,
    }


def main() -> None:
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    http = httpx.Client(transport=httpx.MockTransport(handler))
    raw = {name: timed(fn, repeat) for name, fn in raw_ops(http).items()}
    sdk = {name: timed(fn, repeat) for name, fn in sdk_ops(http).items()}
    import humanloop

    version = getattr(humanloop, "__version__", None)
    if version is None:
        try:
            from humanloop.version import __version__ as version  # type: ignore[no-redef]
        except ImportError:
            version = "?"
    print(json.dumps({"sdk_file": humanloop.__file__, "version": version, "raw": raw, "sdk": sdk}))


if __name__ == "__main__":
    main()
