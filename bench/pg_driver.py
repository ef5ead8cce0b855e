"""CPU per PostgreSQL transaction through psycopg: threads (what the server does) vs asyncio tasks.

The server runs its database work in a thread pool; under load on PostgreSQL each round trip hands
the GIL between threads, and it was suggested that psycopg's asyncio connections on the event loop
would be cheaper. This measures that alone, without the server: ``--concurrency`` workers, each
with a connection of its own, run the same transaction (BEGIN, two SELECTs, two INSERTs of a
200-character row, COMMIT) for ``--seconds``, first as threads, then as asyncio tasks, and print
transactions per second, CPU microseconds of this process per transaction, context switches per
transaction, and the asyncio / threads CPU ratio. It asserts nothing.

    python bench/pg_driver.py --pg-url postgresql://postgres@127.0.0.1:55433/postgres

It creates and drops a table of its own (``bench_pg_driver``) in that database.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import List

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "scripts"))
import _venv  # noqa: E402  (the project's own virtual environment, made on first use)

if Path(sys.prefix).resolve() != _venv.VENV.resolve():
    _venv.reexec_in_venv("server")

import psycopg  # noqa: E402

TABLE = "bench_pg_driver"
ROW = "x" * 200


@dataclass
class Measured:
    transactions: int
    seconds: float
    cpu: float
    switches: int

    def line(self, name: str) -> str:
        n = max(1, self.transactions)
        return (
            f"{name:>8}: {self.transactions / self.seconds:8.0f} transactions/s  "
            f"CPU {1e6 * self.cpu / n:6.0f} us each  context switches {self.switches / n:5.1f} each"
        )


def _usage() -> tuple[float, int]:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime, r.ru_nvcsw + r.ru_nivcsw


def _conninfo(url: str) -> str:
    # SQLAlchemy's spelling of the driver is not libpq's
    return url.replace("postgresql+psycopg://", "postgresql://")


def with_threads(url: str, workers: int, seconds: float) -> Measured:
    conns = [psycopg.connect(url) for _ in range(workers)]
    stop = threading.Event()
    counts = [0] * workers

    def work(i: int) -> None:
        conn = conns[i]
        while not stop.is_set():
            with conn.transaction():
                conn.execute("SELECT 1")
                conn.execute("SELECT 2")
                conn.execute(f"INSERT INTO {TABLE} (v) VALUES (%s)", (ROW,))
                conn.execute(f"INSERT INTO {TABLE} (v) VALUES (%s)", (ROW,))
            counts[i] += 1

    threads = [threading.Thread(target=work, args=(i,)) for i in range(workers)]
    cpu0, sw0 = _usage()
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    cpu1, sw1 = _usage()
    for conn in conns:
        conn.close()
    return Measured(sum(counts), elapsed, cpu1 - cpu0, sw1 - sw0)


async def with_tasks(url: str, workers: int, seconds: float) -> Measured:
    conns = [await psycopg.AsyncConnection.connect(url) for _ in range(workers)]
    stop = asyncio.Event()
    counts = [0] * workers

    async def work(i: int) -> None:
        conn = conns[i]
        while not stop.is_set():
            async with conn.transaction():
                await conn.execute("SELECT 1")
                await conn.execute("SELECT 2")
                await conn.execute(f"INSERT INTO {TABLE} (v) VALUES (%s)", (ROW,))
                await conn.execute(f"INSERT INTO {TABLE} (v) VALUES (%s)", (ROW,))
            counts[i] += 1

    cpu0, sw0 = _usage()
    t0 = time.perf_counter()
    tasks: List[asyncio.Task[None]] = [asyncio.create_task(work(i)) for i in range(workers)]
    await asyncio.sleep(seconds)
    stop.set()
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - t0
    cpu1, sw1 = _usage()
    for conn in conns:
        await conn.close()
    return Measured(sum(counts), elapsed, cpu1 - cpu0, sw1 - sw0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pg-url", default=os.environ.get("HUMANLOOP_TEST_DATABASE_URL"))
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    if not args.pg_url:
        parser.error("name a PostgreSQL server: --pg-url or HUMANLOOP_TEST_DATABASE_URL")
    url = _conninfo(args.pg_url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {TABLE}")
        conn.execute(f"CREATE TABLE {TABLE} (id bigserial PRIMARY KEY, v text)")
    try:
        print(f"psycopg {psycopg.__version__} ({psycopg.pq.__impl__}), {os.cpu_count()} cores")
        for workers in args.concurrency:
            threads = with_threads(url, workers, args.seconds)
            tasks = asyncio.run(with_tasks(url, workers, args.seconds))
            print(f"{workers} at once:")
            print(threads.line("threads"))
            print(tasks.line("asyncio"))
            ratio = (tasks.cpu / max(1, tasks.transactions)) / (threads.cpu / max(1, threads.transactions))
            print(f"   CPU per transaction, asyncio / threads: {ratio:.2f}x")
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP TABLE IF EXISTS {TABLE}")


if __name__ == "__main__":
    main()
