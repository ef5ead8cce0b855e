"""Run every check the project has: lint, types, generated files, then the tests.

    python scripts/test.py            # everything
    python scripts/test.py -k retry   # extra arguments go to pytest

Set HUMANLOOP_TEST_DATABASE_URL (postgresql+psycopg://...) to run the end-to-end
suite against PostgreSQL as well as SQLite.
"""

from __future__ import annotations

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
    code = step("pytest", [py, "-m", "pytest", *sys.argv[1:]])
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
