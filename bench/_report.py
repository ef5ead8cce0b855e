"""Machine facts and the Markdown report (``bench/RESULTS.md``) of the server benchmark."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from sqlalchemy import create_engine

from humanloop_server.services.logs import EXACT_SEARCH_TOTAL_UP_TO

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["fastapi", "starlette", "uvicorn", "pydantic", "pydantic-core", "sqlalchemy", "alembic", "psycopg", "httpx"]

#: the section headings every report has (tests/bench/test_bench_runs.py checks them)
SECTIONS = [
    "## Machine",
    "## 1. Ingestion",
    "## 2. Reads at scale",
    "## 3. Scale-out",
    "## 4. Memory",
    "## 5. SDK side",
    "## Targets",
]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def _mem_total_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return float("nan")


def _git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def machine(pg_url: Optional[str]) -> Dict[str, Any]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "-"
    pg = "-"
    if pg_url:
        engine = create_engine(pg_url)
        try:
            with engine.connect() as conn:
                pg = str(conn.exec_driver_sql("SHOW server_version").scalar())
                settings = {
                    k: str(conn.exec_driver_sql(f"SHOW {k}").scalar())
                    for k in ("fsync", "synchronous_commit", "shared_buffers")
                }
                pg += " (" + ", ".join(f"{k}={v}" for k, v in settings.items()) + ")"
        finally:
            engine.dispose()
    return {
        "cores": os.cpu_count(),
        "memory_gib": _mem_total_gib(),
        "cpu": _cpu_model(),
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "postgresql": pg,
        "packages": versions,
        "commit": _git_commit(),
        "load": os.getloadavg(),
    }


def _f(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        if value != value:
            return "-"
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _table(header: Sequence[str], rows: List[Sequence[Any]]) -> List[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(_f(c) if not isinstance(c, str) else c for c in row) + " |")
    return lines


def _mib(kb: Optional[int]) -> str:
    return "-" if not kb else f"{kb / 1024:,.0f} MiB"


def render(results: Dict[str, Any]) -> str:
    m = results["machine"]
    plan = results["plan"]
    lines: List[str] = [
        "# Server benchmark results",
        "",
        "Written by `python bench/server.py"
        + (" --quick" if plan["quick"] else "")
        + "` (see the docstring of `bench/server.py` for what each part does). A benchmark reports; it asserts "
        "nothing about time.",
        "",
        "**Noise.** Other engineers run test suites on this 2-core machine at the same time, so absolute numbers "
        "move from run to run (load average below). What matters is the ratio to the *floor* measured in the same "
        "run, and each table gives medians with the spread of the repeats.",
        "",
        "## Machine",
        "",
        f"- {m['cores']} cores, {m['memory_gib']:.1f} GiB memory, CPU: {m['cpu']}; {m['os']}",
        f"- load average at the start: {', '.join(f'{x:.2f}' for x in m['load'])}; at the end: "
        + ", ".join(f"{x:.2f}" for x in results.get("load_end", m["load"])),
        f"- Python {m['python']}, SQLite {m['sqlite']}, PostgreSQL {m['postgresql']}",
        "- " + ", ".join(f"{k} {v}" for k, v in m["packages"].items()),
        f"- commit {m['commit']}; run took {results.get('seconds', 0) / 60:.1f} min"
        + (
            f" (parts {', '.join(results['merged'])} are from an earlier run, `--merge`)"
            if results.get("merged")
            else ""
        ),
        f"- plan: {plan['repeats']} repeats of {plan['duration']} s per load measurement (after {plan['warmup']} s "
        f"warm-up), client threads in {plan['client_processes']} client process(es); reads: up to "
        f"{plan['read_repeats']} requests each after one warm-up request (at least 3, at most {plan['read_budget']} s; "
        "1 when the warm-up took more than half that: then min = max = p50)",
        "",
    ]
    lines += _ingestion(results)
    lines += _reads(results)
    lines += _scaleout(results)
    lines += _memory(results)
    lines += _sdk(results)
    lines += ["## Targets", ""]
    lines += _table(["target", "measured", "met"], [(t["target"], t["measured"], t["met"]) for t in results["targets"]])
    lines.append("")
    return "\n".join(lines)


def _ingestion(results: Dict[str, Any]) -> List[str]:
    lines = [
        "## 1. Ingestion",
        "",
        "`prompts.log` with the README's body through our SDK (`humanloop.Humanloop`, one client per process shared "
        "by its threads; it sends an `Idempotency-Key` with every call). The *floor* is the same SDK call sent to "
        "`POST /v5/bench/floor` (a route added only when the app is built with `benchmark_routes`): same uvicorn, "
        "middleware, API key check and request/response models, but it stores nothing (its only database access "
        "is the API key check every route makes, looked up at most once a second per key). `floor + Idempotency-Key` adds the key layer (the body read whole "
        "and hashed, then one write transaction that looks the key up and stores the answer); `prompts.log without "
        "Idempotency-Key` is the route alone. Throughput is calls completed "
        "in the window per second (median, [min-max] of the repeats); latencies are medians over the repeats; CPU "
        "is the share of one core used by all client / all server processes during the window.",
        "",
    ]
    for backend, data in results.get("ingest", {}).items():
        lines += [f"### {backend}", ""]
        floor = {r["concurrency"]: r["throughput"] for r in data["rows"] if r["variant"] == "floor"}
        rows = []
        for r in data["rows"]:
            ratio = r["throughput"] / floor[r["concurrency"]] if floor.get(r["concurrency"]) else float("nan")
            rows.append(
                (
                    r["variant"],
                    r["concurrency"],
                    f"{r['throughput']:,.0f} [{r['throughput_min']:,.0f}-{r['throughput_max']:,.0f}]",
                    f"{ratio:.2f}",
                    r["p50_ms"],
                    r["p99_ms"],
                    r["p99_ms_max"],
                    f"{r['client_cpu']:.2f} / {r['server_cpu']:.2f}",
                    r["errors"],
                )
            )
        lines += _table(
            [
                "variant",
                "clients",
                "calls/s",
                "x floor",
                "p50 ms",
                "p99 ms",
                "worst p99 ms",
                "CPU client / server",
                "errors",
            ],
            rows,
        )
        lines.append("")
        if data.get("paced"):
            lines += _paced(data)
        rows = [
            (
                r["variant"],
                r["concurrency"],
                f"{r['throughput']:,.1f} [{r['throughput_min']:,.1f}-{r['throughput_max']:,.1f}]",
                r["p50_ms"],
                r["p99_ms"],
                f"{r['client_cpu']:.2f} / {r['server_cpu']:.2f}",
                r["errors"],
            )
            for r in data["other"]
        ]
        lines += _table(
            ["operation", "clients", "per second", "p50 ms", "p99 ms", "CPU client / server", "errors"], rows
        )
        lines.append("")
        lines.append(
            "Client side check (the floor at the highest concurrency, its threads in 1, 2 or 4 client processes):"
        )
        lines.append("")
        rows = [
            (
                r["processes"],
                f"{r['throughput']:,.0f}",
                r["p50_ms"],
                r["p99_ms"],
                f"{r['client_cpu']:.2f}",
                f"{r['server_cpu']:.2f}",
            )
            for r in data["client_check"]
        ]
        lines += _table(["client processes", "calls/s", "p50 ms", "p99 ms", "client CPU", "server CPU"], rows)
        lines.append("")
        d = data["drain"]
        lines.append(
            f"Monitoring backlog: {d['jobs']} `monitor_log` jobs of a Python code evaluator (each judgment starts "
            f"`python -I evaluator_runner.py`), made while no worker ran, then drained by one server with 2 worker "
            f"threads: **{d['per_second']:.1f} judgments/s** (first to last stored judgment, {d['seconds']:.1f} s); {d['judgments']} judgments stored, {d['failed']} jobs failed."
        )
        errs = [e for r in data["rows"] + data["other"] for e in r.get("error_sample", [])]
        if errs:
            lines += ["", "Errors seen (sample): " + "; ".join(f"`{e[:160]}`" for e in errs[:3])]
        lines.append("")
    return lines


def _paced(data: Dict[str, Any]) -> List[str]:
    """The steady-rate rows: latency when the server is not full."""
    rows = data["paced"]
    lines = [
        f"At a steady rate (an open loop): {rows[0]['concurrency']} client threads start calls at the times of a "
        "Poisson process of the rate, whether or not earlier calls are answered, as the users of an application "
        "do; a call's latency counts from the time it was due, so a call that waits for its thread counts the "
        "wait. The floor uses no Idempotency-Key here, `prompts.log` does.",
        "",
    ]
    table = [
        (
            r["variant"],
            f"{r['rate']:,.0f}",
            f"{r['throughput']:,.0f} [{r['throughput_min']:,.0f}-{r['throughput_max']:,.0f}]",
            r["p50_ms"],
            r["p99_ms"],
            r["p99_ms_max"],
            f"{r['client_cpu']:.2f} / {r['server_cpu']:.2f}",
            r["errors"],
        )
        for r in rows
    ]
    lines += _table(
        ["variant", "due/s", "calls/s", "p50 ms", "p99 ms", "worst p99 ms", "CPU client / server", "errors"], table
    )
    lines.append("")
    return lines


def _reads(results: Dict[str, Any]) -> List[str]:
    lines = [
        "## 2. Reads at scale",
        "",
        "A fresh database per backend grown to each size by the bulk loader (`bench/_loader.py`: Files and the "
        "Evaluation made through the API, the Logs written with Core executemany on SQLite and `COPY` on "
        "PostgreSQL, then `ANALYZE` on PostgreSQL; SQLite gets no `ANALYZE`, as the server never runs it). Shape: "
        "5 Prompts x 3 versions (the one read takes 40 % of the Prompt Logs), traces flow -> 2 prompts -> tool "
        "(12 % of units), judgments on 30 % of plain Prompt Logs, an Evaluation over 1,000 datapoints. One server "
        "process, no worker threads; requests with raw httpx (server latency, not SDK cost), `size=10` per page; "
        "p50 [min-max] in ms. `(10 of ~54,000)`: the server estimated `total` (header `X-Total-Is-Estimate`), "
        f"as it does for a search expected to match more than {EXACT_SEARCH_TOTAL_UP_TO:,} Logs (docs/SERVER.md).",
        "",
    ]
    for backend, data in results.get("reads", {}).items():
        sizes = data["sizes"]
        lines += [f"### {backend}", ""]
        lines.append(
            "Loading: "
            + "; ".join(
                f"{s['rows']:,} Logs (+{s['load']['added']:,} in {s['load']['seconds']:.0f} s, "
                f"{s['load']['added'] / max(s['load']['seconds'], 1e-9):,.0f} rows/s)"
                for s in sizes
            )
            + f"; database size {data.get('db_bytes', 0) / 2**20:,.0f} MiB at the end."
        )
        lines.append("")
        header = ["read"] + [f"{s['rows']:,} Logs" for s in sizes]
        if len(sizes) > 1:
            header.append("largest / smallest")
        names = [r["name"] for r in sizes[0]["reads"]]
        rows = []
        for i, name in enumerate(names):
            cells: List[Any] = [name]
            for s in sizes:
                r = s["reads"][i]
                about = "~" if r.get("total_estimated") else ""  # the server estimated `total`
                extra = f" ({r['records']} of {about}{r['total']:,})" if "records" in r else ""
                cells.append(f"{r['p50_ms']:,.1f} [{r['min_ms']:,.1f}-{r['max_ms']:,.1f}]{extra}")
            if len(sizes) > 1:
                cells.append(f"{sizes[-1]['reads'][i]['p50_ms'] / sizes[0]['reads'][i]['p50_ms']:,.1f}x")
            rows.append(cells)
        lines += _table(header, rows)
        lines.append("")
    return lines


def _scaleout(results: Dict[str, Any]) -> List[str]:
    lines = ["## 3. Scale-out", ""]
    data = results.get("scaleout")
    if not data:
        return lines + ["Not run (needs PostgreSQL: `--pg-url` or `HUMANLOOP_TEST_DATABASE_URL`).", ""]
    lines += [
        "N server processes (each on its own port, 2 worker threads each) on one fresh PostgreSQL database; "
        "`prompts.log` from the highest client concurrency, client threads spread round-robin over the servers. "
        "Then Logs of a Prompt with an active Python monitoring evaluator, spread over the servers: each must be "
        "judged exactly once.",
        "",
    ]
    base = data["rows"][0]["throughput"]
    rows = [
        (
            r["servers"],
            f"{r['throughput']:,.0f} [{r['throughput_min']:,.0f}-{r['throughput_max']:,.0f}]",
            f"{r['throughput'] / base:.2f}x",
            r["p50_ms"],
            r["p99_ms"],
            f"{r['client_cpu']:.2f} / {r['server_cpu']:.2f}",
            r["errors"],
            f"{r['judged_once']}/{r['judged_expected']} once, {r['judged_twice_or_more']} twice+, {r['not_judged']} none",
            f"{r['jobs_done']}/{r['jobs']} done, {r['jobs_retried']} retried, ran in {r['processes_that_ran_jobs']} processes",
        )
        for r in data["rows"]
    ]
    lines += _table(
        [
            "server processes",
            "logs/s",
            "vs 1",
            "p50 ms",
            "p99 ms",
            "CPU client / server",
            "errors",
            "judgments",
            "monitor_log jobs",
        ],
        rows,
    )
    lines.append("")
    return lines


def _memory(results: Dict[str, Any]) -> List[str]:
    lines = ["## 4. Memory", "", "Server process RSS (VmRSS; VmHWM is the peak since it started):", ""]
    rows = []
    for backend, data in results.get("ingest", {}).items():
        rows.append(
            (
                f"{backend}: ingestion server, after {data['logs_stored']:,} Logs through the API",
                _mib(data["rss_start_kb"].get("VmRSS")) + " at start",
                _mib(data["rss_end_kb"].get("VmRSS")),
                _mib(data["rss_end_kb"].get("VmHWM")),
            )
        )
    for backend, data in results.get("reads", {}).items():
        for s in data["sizes"]:
            rows.append(
                (
                    f"{backend}: reads server at {s['rows']:,} Logs (bulk-loaded beside it)",
                    _mib(s["rss_loaded_kb"].get("VmRSS")) + " before the reads",
                    _mib(s["rss_reads_kb"].get("VmRSS")) + " after",
                    _mib(s["rss_reads_kb"].get("VmHWM")),
                )
            )
    lines += _table(["server", "RSS", "RSS after", "peak (VmHWM)"], rows)
    lines.append("")
    pager = results.get("pager")
    if pager:
        lines += [
            "SDK pager (`for log in client.logs.list(file_id=..., size=100)`) over the captured page of 100 full "
            "Prompt Logs served repeatedly (in memory, so only the client is measured); tracemalloc peak:",
            "",
        ]
        rows = [(f"{r['logs']:,}", f"{r['peak_bytes'] / 2**20:,.2f} MiB", f"{r['seconds']:.1f}") for r in pager["rows"]]
        lines += _table(["Logs iterated", "peak traced memory", "seconds"], rows)
        lines += [
            "",
            f"Peak at {pager['rows'][-1]['logs']:,} / peak at {pager['rows'][0]['logs']:,}: **{pager['ratio']:.2f}x**",
            "",
        ]
    return lines


def _sdk(results: Dict[str, Any]) -> List[str]:
    lines = ["## 5. SDK side", ""]
    page = results.get("sdk_page")
    if not page:
        return lines + ["Not run.", ""]
    lines += [
        f"A page of {page['records']} full Prompt Logs captured from our server in this run ({page['bytes']:,} bytes: "
        "each with its Prompt version, messages, inputs, output, tokens and costs), served from memory: "
        "`client.logs.list(file_id=..., size=100).items` vs raw httpx + `json.loads` of the same bytes "
        f"(median of {results['plan']['page_repeats']}).",
        "",
    ]
    lines += _table(
        ["raw httpx + json.loads", "our SDK", "ratio"],
        [(f"{page['raw_ms']:.2f} ms", f"{page['sdk_ms']:.2f} ms", f"**{page['ratio']:.2f}x**")],
    )
    lines.append("")
    return lines
