"""Concurrent load through the SDK: ``concurrency`` threads spread over client processes.

On a 2-core machine a single Python client process with 32 threads competes with itself for the
GIL; several processes share the threads out. Each run reports the CPU seconds the client
processes and the server processes used during the window, so the report can say which side
was saturated.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from _servers import API_KEY, CLOCK_TICKS, Server

HERE = Path(__file__).resolve().parent


def machine_busy_seconds() -> float:
    """CPU seconds every core of the machine spent neither idle nor waiting for I/O, so far (Linux)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / CLOCK_TICKS


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of ``values``; NaN for none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(round(q / 100 * len(ordered) + 0.5))))
    return ordered[rank - 1]


@dataclass
class LoadResult:
    op: str
    concurrency: int
    processes: int
    duration: float
    calls: int
    errors: List[str]
    latencies: List[float]
    client_cpu: float
    server_cpu: float
    #: CPU seconds all cores of the machine were busy during the window (everything running)
    machine_cpu: float = 0.0
    #: calls per second due over all threads (an open loop, see ``_client.py``); None: each thread
    #: calls again as soon as its call returns
    rate: Optional[float] = None

    @property
    def throughput(self) -> float:
        return self.calls / self.duration

    def summary(self) -> Dict[str, Any]:
        return {
            "op": self.op,
            "concurrency": self.concurrency,
            "processes": self.processes,
            "rate": self.rate,
            "duration": self.duration,
            "calls": self.calls,
            "throughput": self.throughput,
            "p50_ms": percentile(self.latencies, 50) * 1000,
            "p99_ms": percentile(self.latencies, 99) * 1000,
            "errors": len(self.errors),
            "error_sample": self.errors[:3],
            # share of one core used during the window, all client / all server processes together
            "client_cpu": self.client_cpu / self.duration,
            "server_cpu": self.server_cpu / self.duration,
        }


def run_load(
    servers: Sequence[Server],
    op: str,
    concurrency: int,
    duration: float,
    *,
    processes: int,
    warmup: float = 1.0,
    max_calls: int = 100_000,
    to_floor: bool = False,
    strip_key: bool = False,
    rate: Optional[float] = None,
) -> LoadResult:
    """Run ``op`` from ``concurrency`` threads for ``duration`` seconds against ``servers`` (threads
    are spread over the servers round-robin, and over ``processes`` client processes); with a
    ``rate``, calls are due at that many per second in all (an open loop), else back to back."""
    processes = max(1, min(processes, concurrency))
    per = [concurrency // processes + (1 if i < concurrency % processes else 0) for i in range(processes)]
    tasks = []
    first = 0
    for threads in per:
        tasks.append(
            {
                "base_urls": [s.base_url for s in servers],
                "api_key": API_KEY,
                "op": op,
                "threads": threads,
                "first_thread": first,
                "duration": duration,
                "max_calls": max_calls,
                "to_floor": to_floor,
                "strip_key": strip_key,
                "rate": rate,
                "total_threads": concurrency,
            }
        )
        first += threads
    procs = [
        subprocess.Popen(
            [sys.executable, str(HERE / "_client.py"), json.dumps(task)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for task in tasks
    ]
    for proc in procs:  # every client process has started and imported the SDK
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if line.strip() != "ready":
            for other in procs:
                other.kill()
            raise RuntimeError(f"a client process did not start: {line!r} {proc.stderr.read() if proc.stderr else ''}")
    start_at = time.time() + warmup  # the threads warm up (connections, caches) until then
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write(f"{start_at!r}\n")
        proc.stdin.close()
        proc.stdin = None  # communicate() below must not touch it again
    time.sleep(max(0.0, start_at - time.time()))
    cpu0 = sum(s.cpu_seconds() for s in servers)
    busy0 = machine_busy_seconds()
    time.sleep(max(0.0, start_at + duration - time.time()))
    cpu1 = sum(s.cpu_seconds() for s in servers)
    busy1 = machine_busy_seconds()
    for s in servers:
        mem = s.memory_kb()
        s.peak_rss_kb = max(s.peak_rss_kb, mem.get("VmRSS", 0))
    latencies: List[float] = []
    errors: List[str] = []
    client_cpu = 0.0
    for proc in procs:
        out, err = proc.communicate(timeout=duration + 300)
        if proc.returncode != 0:
            raise RuntimeError(f"a client process failed ({proc.returncode}): {err[-3000:]}")
        result = json.loads(out.strip().splitlines()[-1])
        latencies.extend(result["latencies"])
        errors.extend(result["errors"])
        client_cpu += result["cpu"]
    return LoadResult(
        op=op,
        concurrency=concurrency,
        processes=processes,
        duration=duration,
        calls=len(latencies),
        errors=errors,
        latencies=latencies,
        client_cpu=client_cpu,
        server_cpu=cpu1 - cpu0,
        machine_cpu=busy1 - busy0,
        rate=rate,
    )


@dataclass
class Repeated:
    """The same load run several times: medians and spread over the repeats."""

    runs: List[LoadResult] = field(default_factory=list)

    def summary(self) -> Dict[str, Any]:
        tps = [r.throughput for r in self.runs]
        p50s = [percentile(r.latencies, 50) * 1000 for r in self.runs]
        p99s = [percentile(r.latencies, 99) * 1000 for r in self.runs]
        first = self.runs[0]
        return {
            "op": first.op,
            "concurrency": first.concurrency,
            "processes": first.processes,
            "rate": first.rate,
            "repeats": len(self.runs),
            "duration": first.duration,
            "throughput": statistics.median(tps),
            "throughput_min": min(tps),
            "throughput_max": max(tps),
            "p50_ms": statistics.median(p50s),
            "p99_ms": statistics.median(p99s),
            "p99_ms_max": max(p99s),
            "calls": sum(r.calls for r in self.runs),
            "errors": sum(len(r.errors) for r in self.runs),
            "error_sample": [e for r in self.runs for e in r.errors][:3],
            "client_cpu": statistics.median(r.client_cpu / r.duration for r in self.runs),
            "server_cpu": statistics.median(r.server_cpu / r.duration for r in self.runs),
        }
