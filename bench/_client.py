"""One load-generating client process of the server benchmark (started by ``bench/_load.py``).

Takes its task as JSON (the first argument), says ``ready`` and reads the start of the measured
window (a time.time() value) from stdin; then runs ``threads`` threads that call the SDK (``humanloop.Humanloop``,
one client per server shared by the threads, as an application would), and prints one JSON line:
the latencies (seconds) of the calls that ended inside the measured window, the errors,
and the CPU seconds this process used during the window.

Each thread calls until ``start_at`` (warm-up: connections, caches), then for ``duration`` seconds,
and never more than ``max_calls`` calls: the run stops by itself. Servers are on 127.0.0.1 only.

With a ``rate`` (calls per second over all client threads of the run) the load is an *open loop*,
as an application's own users make it: each thread starts its calls at the times of a Poisson
process of its share of the rate, whether or not its previous call was quick, and a call's latency
counts from the time it was due. A thread still busy when its next call is due starts it late, and
the wait is part of that call's latency (otherwise a slow server would be measured only at the
pace it allows, the error called coordinated omission).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
import threading
import time
import typing

import httpx

from humanloop import Humanloop

#: the body of README.md "Using the SDK"
README_LOG: typing.Dict[str, typing.Any] = {
    "path": "support/answer-bot",
    "prompt": {"model": "gpt-4o", "template": [{"role": "system", "content": "You help {{customer}}."}]},
    "inputs": {"customer": "Ada"},
    "output": "Happy to help!",
}

MOCK_PROMPT = {
    "provider": "mock",
    "model": "mock-1",
    "endpoint": "chat",
    "template": [{"role": "system", "content": "You answer questions about {{topic}}."}],
}


def _hooks(to_floor: bool, strip_key: bool) -> typing.Dict[str, typing.Any]:
    """httpx request hooks: send `prompts.log` to the floor route, or without its Idempotency-Key.

    The SDK builds the request exactly as for a real call (same body bytes, same headers), so the
    client-side work of the floor and of `prompts.log` is the same.
    """

    def hook(request: httpx.Request) -> None:
        if to_floor and request.url.path.endswith("/prompts/log"):
            request.url = request.url.copy_with(path=request.url.path[: -len("prompts/log")] + "bench/floor")
        if strip_key and "Idempotency-Key" in request.headers:
            del request.headers["Idempotency-Key"]

    return {"request": [hook]} if (to_floor or strip_key) else {}


def make_op(client: Humanloop, op: str, thread_index: int) -> typing.Callable[[], object]:
    if op in ("log", "floor"):
        return lambda: client.prompts.log(**README_LOG)
    if op == "trace":
        return lambda: _trace(client, thread_index)
    if op == "call":
        return lambda: client.prompts.call(
            path="bench/mock-call",
            prompt=MOCK_PROMPT,  # type: ignore[arg-type]
            inputs={"topic": "shipping"},
            messages=[{"role": "user", "content": "Where is my order 4521? It was due on Friday."}],
        )
    if op == "call_stream":
        return lambda: list(
            client.prompts.call_stream(
                path="bench/mock-call",
                prompt=MOCK_PROMPT,  # type: ignore[arg-type]
                inputs={"topic": "shipping"},
                messages=[{"role": "user", "content": "Where is my order 4521? It was due on Friday."}],
            )
        )
    if op == "monitored_log":
        return lambda: client.prompts.log(
            path="bench/monitored", inputs={"customer": "Ada"}, output="all ok", messages=[]
        )
    raise ValueError(f"unknown operation {op!r}")


def _trace(client: Humanloop, thread_index: int) -> None:
    """One agent run: a Flow Log, three Prompt Logs under it, two Tool Logs under the second, completed."""
    start = dt.datetime.now(dt.timezone.utc)
    flow = client.flows.log(
        path="bench/agent",
        flow={"attributes": {"framework": "bench", "version": 1}},
        inputs={"question": "Where is my order 4521?"},
        trace_status="incomplete",
        start_time=start,
    )
    prompts = []
    for step in range(3):
        prompts.append(
            client.prompts.log(
                path="bench/agent-step",
                prompt={"model": "gpt-4o", "template": [{"role": "system", "content": "Step {{n}} of an agent."}]},
                inputs={"n": str(step)},
                messages=[{"role": "user", "content": "Where is my order 4521?"}],
                output_message={"role": "assistant", "content": f"step {step} done"},
                trace_parent_id=flow.id,
                prompt_tokens=120,
                output_tokens=30,
            )
        )
    for call in range(2):
        client.tools.log(
            path="bench/agent-lookup-order",
            tool={
                "function": {
                    "name": "lookup_order",
                    "description": "Find an order by its number",
                    "parameters": {"type": "object", "properties": {"order": {"type": "string"}}},
                }
            },
            inputs={"order": "4521", "call": str(call)},
            output='{"status": "shipped"}',
            trace_parent_id=prompts[1].id,
        )
    client.flows.update_log(log_id=flow.id, trace_status="complete", output="It ships on Friday.")


def main() -> None:
    task = json.loads(sys.argv[1])
    urls: typing.List[str] = task["base_urls"]
    clients = [
        Humanloop(
            api_key=task["api_key"],
            base_url=url,
            httpx_client=httpx.Client(
                timeout=120,
                limits=httpx.Limits(max_connections=256, max_keepalive_connections=256),
                event_hooks=_hooks(bool(task.get("to_floor")), bool(task.get("strip_key"))),
            ),
        )
        for url in urls
    ]
    # one call first: the SDK's lazily built parts (models, type adapters) and the server's caches
    for client in clients:
        make_op(client, task["op"], task["first_thread"])()
    # ready: the parent answers with the start of the window
    print("ready", flush=True)
    start_at = float(sys.stdin.readline())
    end_at = start_at + task["duration"]
    max_calls: int = task["max_calls"]
    rate: typing.Optional[float] = task.get("rate")
    latencies: typing.List[float] = []
    errors: typing.List[str] = []
    lock = threading.Lock()

    def worker(index: int) -> None:
        global_index = task["first_thread"] + index
        client = clients[global_index % len(clients)]
        fn = make_op(client, task["op"], global_index)
        mine: typing.List[float] = []
        failed: typing.List[str] = []
        calls = 0
        # open loop: this thread's share of the rate, its calls due at Poisson times (seeded per thread)
        per_thread = rate / task["total_threads"] if rate else None
        arrivals = random.Random(global_index)
        due = time.time() + arrivals.expovariate(per_thread) if per_thread else 0.0
        while calls < max_calls:
            if per_thread:
                if due >= end_at:
                    break
                time.sleep(max(0.0, due - time.time()))
                t0 = due  # a late start is the server's delay too
                due += arrivals.expovariate(per_thread)
            else:
                t0 = time.time()
                if t0 >= end_at:
                    break
            try:
                fn()
            except Exception as exc:  # noqa: BLE001 - counted and reported, the run goes on
                failed.append(f"{type(exc).__name__}: {str(exc)[:200]}")
                if len(failed) > 50:
                    break
            t1 = time.time()
            calls += 1
            if per_thread:
                if start_at <= t0:  # due inside the window (the last ones may end after it)
                    mine.append(t1 - t0)
            elif start_at <= t1 <= end_at:  # completed inside the window: counts for throughput and latency
                mine.append(t1 - t0)
        with lock:
            latencies.extend(mine)
            errors.extend(failed)

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(task["threads"])]
    for t in threads:
        t.start()
    time.sleep(max(0.0, start_at - time.time()))
    cpu0 = time.process_time()
    time.sleep(max(0.0, end_at - time.time()))
    cpu1 = time.process_time()
    for t in threads:
        t.join(timeout=task["duration"] + 180)
    print(json.dumps({"latencies": latencies, "errors": errors, "cpu": cpu1 - cpu0}))


if __name__ == "__main__":
    main()
