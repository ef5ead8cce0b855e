"""Compare the ingestion of two or more source trees of the server, run in turns on this machine.

On a shared 2-core machine the noise between two runs of the same tree (10-20 %) is as large as
most changes worth measuring, and a comparison of two benchmark runs made minutes apart says
little. This script alternates the trees in one sitting: each repeat runs every tree once, in the
same order, each on a fresh database with a server of its own, so a noisy moment falls on all of
them. It reports each run and the median and spread per tree; it asserts nothing.

    git worktree add /tmp/before HEAD~1
    python bench/ab.py --tree before=/tmp/before/src --tree after=src --backend postgresql --repeats 5
    python bench/ab.py --tree after=src --clients 8 --floor        # the floor route instead

A tree is a ``src`` directory: its server runs as ``python -m humanloop_server`` with that directory
first on ``PYTHONPATH`` (the rest, dependencies and SDK, come from this project's ``.venv``).
PostgreSQL needs ``--pg-url`` or ``HUMANLOOP_TEST_DATABASE_URL``; each run creates a database of its
own there and drops it afterwards. ``machine`` CPU is the busy share of every core (the server,
PostgreSQL and the clients together, and anything else running): when it stays below the number of
cores, something waits.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path
from typing import Dict, List, Tuple

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "scripts"))
import _venv  # noqa: E402  (the project's own virtual environment, made on first use)

if Path(sys.prefix).resolve() != _venv.VENV.resolve():
    _venv.reexec_in_venv("server")

sys.path.insert(0, str(HERE))
from _load import run_load  # noqa: E402
from _servers import fresh_backend, start_server, stop_server  # noqa: E402


def parse_tree(text: str) -> Tuple[str, str]:
    name, sep, path = text.partition("=")
    if not sep or not name or not Path(path, "humanloop_server").is_dir():
        raise argparse.ArgumentTypeError(f"expected NAME=PATH of a src directory holding humanloop_server: {text!r}")
    return name, str(Path(path).resolve())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tree", type=parse_tree, action="append", required=True, help="NAME=PATH (repeatable)")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--pg-url", default=os.environ.get("HUMANLOOP_TEST_DATABASE_URL"))
    parser.add_argument("--op", default="log", help="an operation of bench/_client.py (default: log)")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--duration", type=float, default=4.0, help="seconds measured per run")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--floor", action="store_true", help="send the calls to the floor route")
    parser.add_argument("--no-key", action="store_true", help="send no Idempotency-Key")
    args = parser.parse_args()

    rates: Dict[str, List[float]] = {name: [] for name, _ in args.tree}
    common = dict(processes=1, to_floor=args.floor, strip_key=args.no_key)
    for rep in range(args.repeats):
        for name, src in args.tree:
            with fresh_backend(args.backend, args.pg_url) as backend:
                server = start_server(backend, workers=2, extra_env={"PYTHONPATH": src})
                try:
                    run_load([server], args.op, args.clients, 1.0, warmup=0.5, **common)  # warm caches
                    result = run_load([server], args.op, args.clients, args.duration, warmup=0.5, **common)
                finally:
                    stop_server(server)
            summary = result.summary()
            rates[name].append(result.throughput)
            print(
                f"{name:>12} run {rep + 1}: {result.throughput:7.1f}/s  p50 {summary['p50_ms']:6.1f} ms"
                f"  p99 {summary['p99_ms']:6.1f} ms  CPU server {summary['server_cpu']:.2f}"
                f" client {summary['client_cpu']:.2f}  machine {result.machine_cpu / result.duration:.2f}"
                f"  errors {summary['errors']}",
                flush=True,
            )
    print()
    print(f"{args.op} at {args.clients} clients on {args.backend}, {args.repeats} runs of {args.duration:g} s:")
    first = statistics.median(rates[args.tree[0][0]])
    for name, values in rates.items():
        median = statistics.median(values)
        print(
            f"{name:>12}: median {median:7.1f}/s  [{min(values):.1f}-{max(values):.1f}]"
            f"  {median / first:.2f}x {args.tree[0][0]}"
        )


if __name__ == "__main__":
    main()
