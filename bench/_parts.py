"""The parts of the server benchmark: each returns plain data for the report (``bench/_report.py``)."""

from __future__ import annotations

import datetime as dt
import gc
import json
import statistics
import time
import tracemalloc
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import httpx
from sqlalchemy import text

import _loader
from _load import Repeated, percentile, run_load
from _servers import API_KEY, Backend, Server, fresh_backend, running
from humanloop import Humanloop


@dataclass
class Plan:
    """How much of everything to do: the full run, or ``--quick`` (for CI: every part, briefly)."""

    quick: bool
    duration: float
    repeats: int
    warmup: float
    concurrencies: Sequence[int]
    #: open-loop rates (calls/s over the highest concurrency's threads) for the steady-rate rows
    paced_rates: Sequence[int]
    other_concurrencies: Sequence[int]
    client_processes: int
    sizes: Sequence[int]
    read_repeats: int
    read_budget: float
    drain_jobs: int
    scaleout: Sequence[int]
    scaleout_judged: int
    page_repeats: int
    pager_sizes: Sequence[int]
    pg_url: Optional[str]


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def sdk(server: Server) -> Humanloop:
    return Humanloop(api_key=API_KEY, base_url=server.base_url, timeout=600)


# ---------------------------------------------------------------- 1. ingestion

#: (label, operation, to_floor, strip_key)
INGEST_VARIANTS = [
    ("floor", "log", True, True),
    ("floor + Idempotency-Key", "log", True, False),
    ("prompts.log without Idempotency-Key", "log", False, True),
    ("prompts.log", "log", False, False),
]
#: the variants measured at a steady rate (the same fields)
PACED_VARIANTS = [
    ("floor", "log", True, True),
    ("prompts.log", "log", False, False),
]
OTHER_OPS = [
    ("flow trace (1 flow + 3 prompt + 2 tool Logs, 7 requests)", "trace"),
    ("prompts.call (mock provider)", "call"),
    ("prompts.call_stream (mock provider)", "call_stream"),
]


def _interleaved(
    plan: Plan,
    backend: Backend,
    servers: Sequence[Server],
    variants: Sequence[Tuple[str, str, bool, bool]],
    concurrency: int,
    rate: Optional[int] = None,
) -> List[Dict[str, Any]]:
    """Each variant ``plan.repeats`` times, interleaved so that a noisy moment hits all of them;
    a summary row per variant."""
    reps = {label: Repeated() for label, *_ in variants}
    load = f"{rate}/s from {concurrency} clients" if rate else f"{concurrency} clients"
    for rep in range(plan.repeats):
        for label, op, to_floor, strip_key in variants:
            progress(f"{backend.name}: {label} at {load} ({rep + 1}/{plan.repeats})")
            reps[label].runs.append(
                run_load(
                    servers,
                    op,
                    concurrency,
                    plan.duration,
                    processes=plan.client_processes,
                    warmup=plan.warmup,
                    to_floor=to_floor,
                    strip_key=strip_key,
                    rate=rate,
                )
            )
    return [{"variant": label, **reps[label].summary()} for label, *_ in variants]


def ingestion(plan: Plan, backend: Backend) -> Dict[str, Any]:
    out: Dict[str, Any] = {"rows": [], "other": [], "client_check": []}
    with running(backend, workers=2) as servers:
        server = servers[0]
        out["rss_start_kb"] = server.memory_kb()
        for conc in plan.concurrencies:
            out["rows"] += _interleaved(plan, backend, servers, INGEST_VARIANTS, conc)
        # a steady rate, as an application's users make it: what a call waits when the server is not full
        top = max(plan.concurrencies)
        for rate in plan.paced_rates:
            out.setdefault("paced", []).extend(_interleaved(plan, backend, servers, PACED_VARIANTS, top, rate))
        for label, op in OTHER_OPS:
            for conc in plan.other_concurrencies:
                rep = Repeated()
                for i in range(plan.repeats):
                    progress(f"{backend.name}: {label} at {conc} clients ({i + 1}/{plan.repeats})")
                    rep.runs.append(
                        run_load(servers, op, conc, plan.duration, processes=plan.client_processes, warmup=plan.warmup)
                    )
                out["other"].append({"variant": label, **rep.summary()})
        # is the client side the limit? the floor at the highest concurrency from 1, 2 and 4 processes
        for procs in sorted({1, 2, 4}):
            progress(f"{backend.name}: floor at {top} clients from {procs} client processes")
            r = run_load(
                servers, "log", top, plan.duration, processes=procs, warmup=plan.warmup, to_floor=True, strip_key=True
            )
            out["client_check"].append(r.summary())
        out["rss_end_kb"] = server.memory_kb()
        out["logs_stored"] = _count(backend, "SELECT count(*) FROM logs")
    out["drain"] = monitoring_drain(plan, backend)
    return out


def _count(backend: Backend, sql: str, **params: Any) -> int:
    engine = _loader.bulk_engine(backend.url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(sql), params).scalar_one())
    finally:
        engine.dispose()


def _monitored_prompt(client: Humanloop, path: str) -> str:
    ev = client.evaluators.upsert(
        path=f"{path}-judge",
        spec={
            "evaluator_type": "python",
            "arguments_type": "target_free",
            "return_type": "boolean",
            "code": _loader.POLITE,
        },
    )
    p = client.prompts.upsert(path=path, model="gpt-4o", template=[{"role": "system", "content": "Be kind."}])
    client.prompts.update_monitoring(id=p.id, activate=[{"evaluator_version_id": ev.version_id}])
    return p.id


def _wait_jobs(backend: Backend, timeout: float) -> float:
    """Seconds until no monitor_log job is pending or running (or the timeout)."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        busy = _count(backend, "SELECT count(*) FROM jobs WHERE status IN ('pending', 'running')")
        if busy == 0:
            break
        time.sleep(0.1)
    return time.perf_counter() - t0


def monitoring_drain(plan: Plan, backend: Backend) -> Dict[str, Any]:
    """A backlog of monitor_log jobs (a Python evaluator), made with no worker running, then drained."""
    n = plan.drain_jobs
    with running(backend, workers=0) as servers:
        client = sdk(servers[0])
        prompt_id = _monitored_prompt(client, "bench/drain")
        ids = [client.prompts.log(id=prompt_id, inputs={"n": str(i)}, output=f"answer {i}").id for i in range(n)]
    progress(f"{backend.name}: draining {n} monitoring jobs (Python evaluator, 2 worker threads)")
    with running(backend, workers=2):
        _wait_jobs(backend, timeout=600)
    in_ids = ", ".join(f"'{i}'" for i in ids)
    engine = _loader.bulk_engine(backend.url)
    try:
        with engine.connect() as conn:
            stamps = sorted(
                row[0]
                for row in conn.execute(
                    text(
                        "SELECT received_at FROM logs WHERE file_type = 'evaluator' AND source = 'monitoring' "
                        f"AND parent_id IN ({in_ids})"
                    )
                )
            )
            failed = conn.execute(
                text("SELECT count(*) FROM jobs WHERE kind = 'monitor_log' AND status = 'failed'")
            ).scalar_one()
    finally:
        engine.dispose()
    # from the first stored judgment to the last: the steady rate, without the server's start-up
    seconds = _seconds_between(stamps[0], stamps[-1]) if len(stamps) > 1 else float("nan")
    return {
        "jobs": n,
        "seconds": seconds,
        "per_second": (len(stamps) - 1) / seconds if seconds > 0 else float("nan"),
        "judgments": len(stamps),
        "failed": int(failed),
    }


def _seconds_between(a: Any, b: Any) -> float:
    if isinstance(a, str):  # SQLite hands the raw text to a textual query
        a, b = dt.datetime.fromisoformat(a), dt.datetime.fromisoformat(b)
    return float((b - a).total_seconds())


# ---------------------------------------------------------------- 2. reads at scale


def _reads(shape: _loader.Shape) -> List[Dict[str, Any]]:
    p0, versions = shape.prompts[0]
    now = dt.datetime.now(dt.timezone.utc)
    week = {
        "start_date": (now - dt.timedelta(days=14)).isoformat(),
        "end_date": (now - dt.timedelta(days=7)).isoformat(),
    }
    reads: List[Dict[str, Any]] = []
    for label, params in [
        ("", {}),
        (" version", {"version_id": versions[1]}),
        (" search", {"search": _loader.SEARCH_WORD}),
        (" date", week),
    ]:
        # page 100 is read one Log per page (offset 99): at 10k Logs the date filter keeps some 120
        # Logs of the File, so pages of 10 would end before page 100 and measure an empty page
        for page, size in ((1, 10), (100, 1)):
            reads.append(
                {
                    "name": f"logs.list{label or ''} page {page}" + ("" if size == 10 else f" ({size} per page)"),
                    "path": "/logs",
                    "params": {"file_id": p0, "size": size, "page": page, **params},
                }
            )
    reads += [
        {"name": "logs.get of a trace (flow, 2 prompts, tool)", "path": f"/logs/{shape.trace_ids[0]}", "params": {}},
        {"name": "prompts.get (with its counts)", "path": f"/prompts/{p0}", "params": {}},
        {"name": "files.list (10 per page)", "path": "/files", "params": {"size": 10}},
        {"name": "directories.get", "path": f"/directories/{shape.directory_id}", "params": {}},
        {
            "name": f"evaluations.get_stats ({len(shape.datapoint_ids):,} datapoints)",
            "path": f"/evaluations/{shape.evaluation_id}/stats",
            "params": {},
        },
    ]
    return reads


def measure_reads(plan: Plan, server: Server, shape: _loader.Shape) -> List[Dict[str, Any]]:
    out = []
    with httpx.Client(base_url=server.base_url, headers={"X-API-KEY": API_KEY}, timeout=600) as http:
        for read in _reads(shape):
            t0 = time.perf_counter()
            first = http.get(read["path"], params=read["params"])  # warm (and what it returns)
            warm = time.perf_counter() - t0
            first.raise_for_status()
            body = first.json()
            samples: List[float] = []
            # at least 3 samples, or 1 when a single request takes more than half the budget
            least = 1 if warm > plan.read_budget / 2 else 3
            started = time.perf_counter()
            while len(samples) < plan.read_repeats and (
                len(samples) < least or time.perf_counter() - started < plan.read_budget
            ):
                t0 = time.perf_counter()
                r = http.get(read["path"], params=read["params"])
                samples.append(time.perf_counter() - t0)
                r.raise_for_status()
            row = {
                "name": read["name"],
                "n": len(samples),
                "p50_ms": statistics.median(samples) * 1000,
                "p99_ms": percentile(samples, 99) * 1000,
                "min_ms": min(samples) * 1000,
                "max_ms": max(samples) * 1000,
                "bytes": len(first.content),
            }
            if isinstance(body, dict) and "records" in body:
                row["records"] = len(body["records"])
                row["total"] = body.get("total")
                row["total_estimated"] = first.headers.get("x-total-is-estimate") == "true"
            out.append(row)
        server.peak_rss_kb = max(server.peak_rss_kb, server.memory_kb().get("VmRSS", 0))
    return out


def reads_at_scale(plan: Plan, backend_name: str) -> Dict[str, Any]:
    out: Dict[str, Any] = {"sizes": []}
    with fresh_backend(backend_name, plan.pg_url) as backend, running(backend, workers=0) as servers:
        server = servers[0]
        client = sdk(server)
        engine = _loader.bulk_engine(backend.url)
        try:
            progress(f"{backend_name}: setting up Files, the Dataset and the Evaluation")
            shape = _loader.setup(client, engine)
            for size in plan.sizes:
                progress(f"{backend_name}: loading Logs up to {size:,}")
                load = _loader.grow(engine, shape, size)
                rows = _loader.count_rows(engine)
                mem_loaded = server.memory_kb()
                progress(f"{backend_name}: {rows:,} Logs (+{load['added']:,} in {load['seconds']:.1f} s); reads")
                server.peak_rss_kb = 0
                reads = measure_reads(plan, server, shape)
                out["sizes"].append(
                    {
                        "size": size,
                        "rows": rows,
                        "load": load,
                        "rss_loaded_kb": mem_loaded,
                        "rss_reads_kb": server.memory_kb(),
                        "rss_peak_during_reads_kb": server.peak_rss_kb,
                        "reads": reads,
                    }
                )
            if backend_name == "sqlite":
                out["db_bytes"] = _sqlite_size(backend)
            else:
                with engine.connect() as conn:
                    out["db_bytes"] = int(conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar())
        finally:
            engine.dispose()
    return out


def _sqlite_size(backend: Backend) -> int:
    assert backend.data_dir is not None
    return sum(p.stat().st_size for p in backend.data_dir.glob("humanloop.db*"))


# ---------------------------------------------------------------- 3. scale-out


def scale_out(plan: Plan) -> Dict[str, Any]:
    """1, 2, 4 server processes on one PostgreSQL database: ingestion, and jobs done once each."""
    out: Dict[str, Any] = {"rows": []}
    top = max(plan.concurrencies)
    for count in plan.scaleout:
        with fresh_backend("postgresql", plan.pg_url) as backend, running(backend, count, workers=2) as servers:
            rep = Repeated()
            for i in range(plan.repeats):
                progress(f"scale-out: prompts.log at {top} clients over {count} server processes ({i + 1})")
                rep.runs.append(
                    run_load(servers, "log", top, plan.duration, processes=plan.client_processes, warmup=plan.warmup)
                )
            clients = [sdk(s) for s in servers]
            prompt_id = _monitored_prompt(clients[0], "bench/scale-monitored")
            ids = [
                clients[i % count].prompts.log(id=prompt_id, inputs={"n": str(i)}, output=f"answer {i}").id
                for i in range(plan.scaleout_judged)
            ]
            seconds = _wait_jobs(backend, timeout=600)
            in_ids = ", ".join(f"'{i}'" for i in ids)
            engine = _loader.bulk_engine(backend.url)
            try:
                with engine.connect() as conn:
                    per_log = dict(
                        conn.exec_driver_sql(
                            "SELECT parent_id, count(*) FROM logs WHERE file_type = 'evaluator' "
                            f"AND source = 'monitoring' AND parent_id IN ({in_ids}) GROUP BY parent_id"
                        ).all()
                    )
                    jobs = conn.exec_driver_sql(
                        "SELECT status, attempts, claimed_by FROM jobs WHERE kind = 'monitor_log'"
                    ).all()
            finally:
                engine.dispose()
            pids = {str(j[2]).split(":")[1] for j in jobs if j[2]}
            out["rows"].append(
                {
                    **rep.summary(),
                    "servers": count,
                    "judged_expected": len(ids),
                    "judged_once": sum(1 for i in ids if per_log.get(i) == 1),
                    "judged_twice_or_more": sum(1 for i in ids if per_log.get(i, 0) > 1),
                    "not_judged": sum(1 for i in ids if i not in per_log),
                    "jobs": len(jobs),
                    "jobs_done": sum(1 for j in jobs if j[0] == "done"),
                    "jobs_retried": sum(1 for j in jobs if (j[1] or 0) > 1),
                    "processes_that_ran_jobs": len(pids),
                    "drain_seconds": seconds,
                }
            )
    return out


# ---------------------------------------------------------------- 5. SDK side


def capture_page(plan: Plan, backend: Backend) -> bytes:
    """A page of 100 full Prompt Logs as our server returns it, made through the SDK."""
    with running(backend, workers=0) as servers:
        client = sdk(servers[0])
        prompt = {
            "model": "gpt-4o",
            "temperature": 0.7,
            "max_tokens": 512,
            "template": [
                {"role": "system", "content": _loader.SYSTEM},
                {"role": "user", "content": "{{question}}"},
            ],
            "tools": [
                {
                    "name": "lookup_order",
                    "description": "Find an order by its number",
                    "parameters": {"type": "object", "properties": {"order": {"type": "string"}}},
                }
            ],
        }
        created = None
        for i in range(100):
            question = _loader.QUESTIONS[i % 10].format(n=4521 + i)
            answer = _loader.ANSWERS[i % 6].format(n=4521 + i)
            created = client.prompts.log(
                path="bench/page/answer-bot",
                prompt=prompt,  # type: ignore[arg-type]
                inputs={"company": "Acme", "customer": _loader.NAMES[i % 10], "question": question},
                messages=[
                    {"role": "system", "content": _loader.SYSTEM.replace("{{company}}", "Acme")},
                    {"role": "user", "content": question},
                ],
                output=answer,
                output_message={"role": "assistant", "content": answer},
                prompt_tokens=180 + i,
                output_tokens=60 + i,
                prompt_cost=0.00091,
                output_cost=0.00096,
                finish_reason="stop",
                provider_latency=1.87,
                metadata={"region": "eu-west", "tier": "gold"},
                user=f"customer-{i}",
                environment="production",
                source="sdk",
            )
        assert created is not None
        with httpx.Client(headers={"X-API-KEY": API_KEY}, timeout=60) as http:
            r = http.get(f"{servers[0].base_url}/logs", params={"file_id": created.prompt_id, "size": 100})
            r.raise_for_status()
            return r.content


def _median_time(fn: Callable[[], object], repeat: int) -> float:
    fn()
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def sdk_page(plan: Plan, page: bytes) -> Dict[str, Any]:
    """Our SDK's logs.list of the captured page vs raw httpx + json.loads of the same bytes."""

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=page, headers={"content-type": "application/json"})

    http = httpx.Client(transport=httpx.MockTransport(handler))
    client = Humanloop(api_key="bench", base_url="http://bench.invalid/v5", httpx_client=http)

    def raw() -> object:
        return json.loads(http.get("http://bench.invalid/v5/logs", params={"file_id": "pr_1", "size": 100}).content)[
            "records"
        ]

    def ours() -> object:
        return client.logs.list(file_id="pr_1", size=100).items

    records = len(json.loads(page)["records"])
    raw_s = _median_time(raw, plan.page_repeats)
    ours_s = _median_time(ours, plan.page_repeats)
    return {
        "records": records,
        "bytes": len(page),
        "raw_ms": raw_s * 1000,
        "sdk_ms": ours_s * 1000,
        "ratio": ours_s / raw_s,
    }


def pager_memory(plan: Plan, page: bytes) -> Dict[str, Any]:
    """tracemalloc peak while the SDK pager iterates N Logs (pages of 100 served from memory)."""
    template = json.loads(page)
    records = template["records"]

    def run(total: int) -> Dict[str, Any]:
        def handler(request: httpx.Request) -> httpx.Response:
            n = int(request.url.params.get("page", "1"))
            size = int(request.url.params.get("size", "100"))
            start = (n - 1) * size
            count = max(0, min(size, total - start))
            body = {"records": records[:count], "page": n, "size": size, "total": total}
            return httpx.Response(200, content=json.dumps(body).encode(), headers={"content-type": "application/json"})

        client = Humanloop(
            api_key="bench",
            base_url="http://bench.invalid/v5",
            httpx_client=httpx.Client(transport=httpx.MockTransport(handler)),
        )
        gc.collect()
        tracemalloc.start()
        t0 = time.perf_counter()
        seen = 0
        for _item in client.logs.list(file_id="pr_1", size=100):
            seen += 1
        seconds = time.perf_counter() - t0
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return {"logs": seen, "peak_bytes": peak, "seconds": seconds}

    rows = []
    for total in plan.pager_sizes:
        progress(f"SDK pager over {total:,} Logs")
        rows.append(run(total))
    return {"rows": rows, "ratio": rows[-1]["peak_bytes"] / rows[0]["peak_bytes"]}
