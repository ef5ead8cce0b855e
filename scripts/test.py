"""Run every check the project has: lint, types, generated files, then the tests.

    python scripts/test.py            # everything
    python scripts/test.py -k retry   # extra arguments go to pytest
    python scripts/test.py -n 0       # one test process (by default one per core, see parallel())

Set HUMANLOOP_TEST_DATABASE_URL (postgresql+psycopg://...) to run the end-to-end
suite against PostgreSQL as well as SQLite.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _venv  # noqa: E402

ROOT = _venv.ROOT
SOURCES = ["src", "tests", "codegen", "scripts", "bench", "examples"]


def step(title: str, command: list) -> int:
    print(f"\n== {title}: {' '.join(map(str, command))}", flush=True)
    return subprocess.run(command, cwd=ROOT).returncode


def parallel(args: list) -> list:
    """pytest-xdist options: one test process per core (at least 2, at most 4), unless asked otherwise.

    Much of the suite waits on subprocesses, servers and PostgreSQL, so two processes use two
    cores where one process leaves one idle (the whole suite, same loaded machine: 29.6 min in one
    process, 20.1 min in two). Every worker makes its own databases (see
    tests/server/conftest.py), so the workers never share state. ``-n 0`` runs in one process,
    ``-p no:xdist`` turns the plugin off entirely; ``HUMANLOOP_TEST_WORKERS`` sets the number.
    """
    if any(a == "-n" or a.startswith(("-n", "--numprocesses")) for a in args) or "no:xdist" in args:
        return []
    workers = os.environ.get("HUMANLOOP_TEST_WORKERS") or str(min(4, max(2, os.cpu_count() or 1)))
    # worksteal: an idle worker takes queued tests from a busy one, so one long test at the end
    # (the quick benchmark, the published SDK scenarios) does not leave the other worker idle
    return ["-n", workers, "--dist", "worksteal"]


def main() -> int:
    _venv.reexec_in_venv("server,dev")
    py = sys.executable
    failed = []
    checks = [
        ("ruff", [py, "-m", "ruff", "check", *SOURCES]),
        ("ruff format", [py, "-m", "ruff", "format", "--check", *SOURCES]),
        ("mypy --strict (SDK)", [py, "-m", "mypy", "src/humanloop"]),
        ("mypy --strict (server)", [py, "-m", "mypy", "src/humanloop_server"]),
        ("generated files are current", [py, "-m", "codegen", "check"]),
    ]
    for title, command in checks:
        if step(title, command) != 0:
            failed.append(title)
    code = step("pytest", [py, "-m", "pytest", *parallel(sys.argv[1:]), *sys.argv[1:]])
    if code == 5:
        print("pytest collected no tests", flush=True)
    if code != 0:
        failed.append("pytest")
    if failed:
        print(f"\nFAILED: {', '.join(failed)}", flush=True)
        return 1
    print("\nall checks passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
