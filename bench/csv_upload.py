"""How a large CSV upload affects other writers: upload time, and the latency another organisation sees.

    python bench/csv_upload.py                   # 7 MB CSV, SQLite in a temporary directory
    python bench/csv_upload.py --mb 50 --database-url postgresql+psycopg://...

Starts the server of this checkout (``python -m humanloop_server serve``) in a subprocess on a free
loopback port, creates a Dataset, then uploads a generated CSV of ``--mb`` megabytes to it while a
second organisation writes Logs (``prompts.log``) in a loop. Prints the upload's time and status,
the other writer's request count, statuses and latencies (median, 95th percentile, maximum), and
the server's peak memory (Linux).
Not a pass/fail test.
"""

from __future__ import annotations

import argparse
import io
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def peak_rss_mib(pid: int) -> str:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return f"{int(line.split()[1]) / 1024:.0f} MiB"
    except OSError:
        pass
    return "unknown"


def make_csv(megabytes: float) -> bytes:
    """Rows of three inputs and a target, all different, until the size is reached."""
    out = io.StringIO()
    out.write("question,context,language,target\n")
    i = 0
    want = int(megabytes * 1024 * 1024)
    while out.tell() < want:
        out.write(f"What is {i} plus {i * 7}?,Arithmetic drill number {i} of many,en-{i % 13},{i + i * 7}\n")
        i += 1
    return out.getvalue().encode()


def run(args: argparse.Namespace) -> None:
    data_dir = tempfile.mkdtemp(prefix="hl-bench-csv-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUMANLOOP_")}
    env.update(
        {
            "PYTHONPATH": str(ROOT / "src"),
            "HUMANLOOP_DATA_DIR": data_dir,
            "HUMANLOOP_API_KEY": "hl_bench_" + uuid.uuid4().hex,
            "HUMANLOOP_WORKERS": "0",
        }
    )
    if args.database_url:
        env["HUMANLOOP_DATABASE_URL"] = args.database_url
    other = subprocess.run(
        [sys.executable, "-m", "humanloop_server", "create-key", "--org", "bench-other-" + uuid.uuid4().hex[:6]],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "humanloop_server", "serve", "--port", str(port), "--log-level", "warning"], env=env
    )
    base = f"http://127.0.0.1:{port}/v5"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/directories", headers={"X-API-KEY": env["HUMANLOOP_API_KEY"]}, timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        measure(base, env["HUMANLOOP_API_KEY"], other, make_csv(args.mb))
        print(f"server peak memory (VmHWM): {peak_rss_mib(server.pid)}")
    finally:
        server.terminate()
        server.wait(timeout=30)


def measure(base: str, key: str, other_key: str, csv: bytes) -> None:
    owner = httpx.Client(base_url=base, headers={"X-API-KEY": key}, timeout=600)
    ds = owner.post("/datasets", json={"path": f"bench/{uuid.uuid4().hex[:8]}", "datapoints": []}).json()
    samples: List[Tuple[float, int]] = []
    stop = threading.Event()

    def writer() -> None:
        with httpx.Client(base_url=base, headers={"X-API-KEY": other_key}, timeout=600) as c:
            n = 0
            while not stop.is_set():
                t = time.perf_counter()
                try:
                    status = c.post(
                        "/prompts/log", json={"path": "bench/other", "prompt": {"model": "gpt-4o"}, "output": str(n)}
                    ).status_code
                except httpx.HTTPError:
                    status = -1
                samples.append((time.perf_counter() - t, status))
                n += 1
                time.sleep(0.02)

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    time.sleep(0.5)  # a baseline for the writer
    started = time.perf_counter()
    r = owner.post(
        f"/datasets/{ds['id']}/datapoints/csv",
        files={"file": ("bench.csv", csv, "text/csv")},
        data={"commit_message": "bench"},
    )
    upload = time.perf_counter() - started
    time.sleep(0.5)
    stop.set()
    thread.join()
    count: Optional[int] = r.json().get("datapoints_count") if r.status_code == 200 else None
    print(f"CSV: {len(csv) / 1024 / 1024:.1f} MiB; upload: {upload:.2f} s, status {r.status_code}, rows {count}")
    latencies = sorted(s for s, _ in samples)
    statuses: Dict[int, int] = dict(Counter(st for _, st in samples))
    q95 = latencies[int(0.95 * (len(latencies) - 1))]
    print(
        f"other writer: {len(samples)} requests, statuses {statuses}; latency median "
        f"{statistics.median(latencies) * 1000:.0f} ms, p95 {q95 * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=7.0, help="size of the CSV in megabytes (default 7)")
    parser.add_argument("--database-url", help="a PostgreSQL URL (default: SQLite in a temporary directory)")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
