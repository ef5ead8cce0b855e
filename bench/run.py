"""Compare our SDK with raw httpx and with the published ``humanloop`` SDK, in the same run.

    python bench/run.py                 # ours and published 0.8.6
    python bench/run.py --versions 0.8.6 0.8.38 --repeat 50
    python bench/run.py --versions --repeat 3      # ours only, quick

Needs only Python and pip: the project's .venv is created on first use (as by scripts/demo.py).

For each operation it prints seconds (median) and the ratio SDK / raw (raw httpx +
json.loads on the same request and body, measured in the same process). Published
SDKs are installed into bench/.venv-<version> on first use. Not a pass/fail test.
Also prints the cost of ``import humanloop`` for each.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "scripts"))
import _venv  # noqa: E402  (the project's own virtual environment, made on first use like demo.py does)


def published_python(version: str) -> Path:
    env_dir = HERE / f".venv-{version}"
    python = env_dir / "bin" / "python"
    if not python.exists():
        print(f"installing humanloop=={version} into {env_dir}", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(env_dir)
        subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "-q",
                "--disable-pip-version-check",
                f"humanloop=={version}",
                "requests",
            ],
            check=True,
        )
    return python


def run_bench(python: Path, repeat: int) -> dict:
    out = subprocess.run(
        [str(python), str(HERE / "bench_sdk.py"), str(repeat)], check=True, capture_output=True, text=True, cwd="/"
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def import_time(python: Path, runs: int = 7) -> float:
    code = "import time; t=time.perf_counter(); import humanloop; print(time.perf_counter()-t)"
    samples = [
        float(subprocess.run([str(python), "-c", code], check=True, capture_output=True, text=True, cwd="/").stdout)
        for _ in range(runs)
    ]
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--versions", nargs="*", default=["0.8.6"])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    ours_python = _venv.ensure("server")
    subjects = [("ours", ours_python)] + [(f"published {v}", published_python(v)) for v in args.versions]
    results = {name: run_bench(python, args.repeat) for name, python in subjects}
    imports = {name: import_time(python) for name, python in subjects}

    ops = list(results["ours"]["raw"])
    header = f"{'operation':36} " + " ".join(f"{name:>26}" for name, _ in subjects)
    print(header)
    print("-" * len(header))
    for op in ops:
        cells = []
        for name, _ in subjects:
            r = results[name]
            ratio = r["sdk"][op] / r["raw"][op]
            cells.append(f"{r['sdk'][op] * 1000:9.3f} ms {ratio:8.1f}x raw")
        print(f"{op:36} " + " ".join(f"{c:>26}" for c in cells))
    print(f"{'import humanloop':36} " + " ".join(f"{imports[name] * 1000:20.1f} ms     " for name, _ in subjects))


if __name__ == "__main__":
    main()
