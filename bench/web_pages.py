"""How fast the web app renders its heaviest pages with 100,000 Logs on one Prompt (SQLite).

    python bench/web_pages.py                 # 100,000 Logs, 5 timed requests per page
    python bench/web_pages.py --logs 20000 --repeat 3

Builds a fresh database in a temporary directory: one Prompt with two versions, a Dataset of 50
datapoints, an Evaluation of both versions on it (100 Logs, each judged by a boolean and a number
Evaluator), and then bulk-inserts Logs of a realistic shape (inputs, chat messages, output, tokens,
cost, latency, metadata, created over the last 30 days; every tenth one rated) with one SQLAlchemy
Core insert per 5,000 rows. Then it serves the app with uvicorn, signs in, and times the pages a
person opens: the Logs table (newest, an older page, a text search, a version filter), a Log page
and the Evaluation's report. Prints the median and the worst time per page in milliseconds;
asserts nothing (the aim is under 300 ms each).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Dict, List

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "scripts"))
import _venv  # noqa: E402  (the project's own virtual environment, made on first use)

KEY = "hl_bench_web_pages"
WORDS = "the quick brown fox jumps over a lazy dog while seven wizards quietly judge boxing matches".split()


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def build(data_dir: Path, total: int) -> Dict[str, Any]:
    """Make the data through the services (what the SDK would do), then bulk-insert the Logs."""
    from sqlalchemy import insert

    from humanloop_server.db.models import Log
    from humanloop_server.ids import new_id
    from humanloop_server.services import datasets, evaluations, files, keys, log_counts, logs
    from humanloop_server.services.context import Context
    from humanloop_server.settings import Settings
    from humanloop_server.wiring import build_runtime

    rt = build_runtime(Settings(data_dir=data_dir, workers=0))
    org = keys.register_key(rt, KEY, "bench")
    template = [
        {"role": "system", "content": "You answer questions about geography."},
        {"role": "user", "content": "{{question}}"},
    ]
    with rt.db.write() as session:
        ctx = Context(session=session, org_id=org.id, rt=rt)
        v1 = files.upsert(
            ctx, "prompt", {"path": "bench/geo", "model": "mock-1", "provider": "mock", "template": template}
        )
        v2 = files.upsert(
            ctx,
            "prompt",
            {"path": "bench/geo", "model": "mock-2", "provider": "mock", "template": template, "temperature": 0.2},
        )
        ds = datasets.upsert(
            ctx,
            {
                "path": "bench/questions",
                "datapoints": [
                    {"inputs": {"question": f"capital of country {i}?"}, "target": {"output": f"city {i}"}}
                    for i in range(50)
                ],
            },
        )
        correct = files.upsert(
            ctx,
            "evaluator",
            {
                "path": "bench/correct",
                "spec": {"evaluator_type": "external", "arguments_type": "target_required", "return_type": "boolean"},
            },
        )
        score = files.upsert(
            ctx,
            "evaluator",
            {
                "path": "bench/score",
                "spec": {"evaluator_type": "external", "arguments_type": "target_free", "return_type": "number"},
            },
        )
        ev = evaluations.create(
            ctx,
            {
                "name": "bench",
                "file": {"id": v1["id"]},
                "dataset": {"version_id": ds["version_id"]},
                "evaluators": [
                    {"version_id": correct["version_id"], "orchestrated": False},
                    {"version_id": score["version_id"], "orchestrated": False},
                ],
                "evaluatees": [
                    {"version_id": v1["version_id"], "batch_id": "a", "orchestrated": False},
                    {"version_id": v2["version_id"], "batch_id": "b", "orchestrated": False},
                ],
            },
        )
        points = datasets.list_datapoints(ctx, ds["id"], size=100)["records"]
    rng = random.Random(7)
    for version, batch in ((v1, "a"), (v2, "b")):
        for i, dp in enumerate(points):
            with rt.db.write() as session:
                ctx = Context(session=session, org_id=org.id, rt=rt)
                made = logs.create_log(
                    ctx,
                    "prompt",
                    {
                        "id": v1["id"],
                        "evaluation_id": ev["id"],
                        "batch_id": batch,
                        "source_datapoint_id": dp["id"],
                        "inputs": dp["inputs"],
                        "output": f"city {i}" if rng.random() < 0.7 else "no idea",
                    },
                    version_id=version["version_id"],
                )
                for judge, value in ((correct, rng.random() < 0.7), (score, round(rng.uniform(0, 10), 1))):
                    logs.create_log(
                        ctx,
                        "evaluator",
                        {"id": judge["id"], "parent_id": made["id"], "judgment": value},
                        version_id=judge["version_id"],
                    )
    # the bulk: Logs as prompts.call / prompts.log store them
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    rating = files.RATING_PATH
    with rt.db.read() as session:
        ctx = Context(session=session, org_id=org.id, rt=rt)
        rating_file = files.file_by_path(ctx, rating)
        assert rating_file is not None
        rating_version = files.default_version(ctx, rating_file)
        assert rating_version is not None
        rating_ids = (rating_file.id, rating_version.id)
    started = time.perf_counter()
    batch_rows: List[Dict[str, Any]] = []
    sample_log = None

    def flush() -> None:
        with rt.db.write() as session:
            session.execute(insert(Log), batch_rows)
        batch_rows.clear()

    for n in range(total):
        version = v1 if n % 3 else v2
        question = sentence(rng, 8) + "?"
        output = sentence(rng, 30)
        created = now - dt.timedelta(seconds=(total - n) * 26)
        log_id = new_id("log")
        prompt_tokens, output_tokens = rng.randint(20, 400), rng.randint(10, 300)
        batch_rows.append(
            {
                "org_id": org.id,
                "id": log_id,
                "file_id": v1["id"],
                "file_type": "prompt",
                "version_id": version["version_id"],
                "inputs": {"question": question},
                "messages": [template[0], {"role": "user", "content": question}],
                "output": output,
                "output_message": {"role": "assistant", "content": output},
                "prompt_tokens": prompt_tokens,
                "output_tokens": output_tokens,
                "prompt_cost": prompt_tokens * 1.5e-7,
                "output_cost": output_tokens * 6e-7,
                "finish_reason": "stop",
                "provider_latency": rng.uniform(0.2, 3.0),
                "log_metadata": {"customer": f"c{rng.randint(1, 500)}", "region": rng.choice(["eu", "us"])},
                "source": "bench",
                "environment": "production",
                "save": True,
                "start_time": created - dt.timedelta(seconds=1),
                "end_time": created,
                "created_at": created,
                "received_at": created,
            }
        )
        if n % 10 == 0:
            batch_rows.append(
                {
                    "org_id": org.id,
                    "id": new_id("log"),
                    "file_id": rating_ids[0],
                    "file_type": "evaluator",
                    "version_id": rating_ids[1],
                    "parent_id": log_id,
                    "inputs": {},
                    "judgment": rng.choice(["good", "bad"]),
                    "save": True,
                    "created_at": created,
                    "received_at": created,
                }
            )
        if n == total // 2:
            sample_log = log_id
        if len(batch_rows) >= 5000:
            flush()
    if batch_rows:
        flush()
    with rt.db.write() as session:  # the Logs went around create_log: count them as it would have
        log_counts.rebuild(session)
    print(f"inserted {total:,} Logs (+ ratings) in {time.perf_counter() - started:.1f} s", flush=True)
    rt.db.dispose()
    return {
        "prompt": v1["id"],
        "version": v2["version_id"],
        "log": sample_log,
        "evaluation": ev["id"],
    }


def serve(data_dir: Path) -> Any:
    import uvicorn

    from humanloop_server.app import create_app
    from humanloop_server.settings import Settings

    app = create_app(Settings(data_dir=data_dir, workers=0))
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logs", type=int, default=100_000, help="Logs on the Prompt (default 100,000)")
    parser.add_argument("--repeat", type=int, default=5, help="timed requests per page (default 5)")
    parser.add_argument("--keep", type=Path, help="build the data in this directory and keep it (reused when there)")
    args = parser.parse_args()
    _venv.reexec_in_venv("server,dev")
    import httpx

    with tempfile.TemporaryDirectory() as tmp:
        data_dir = args.keep or Path(tmp)
        marker = data_dir / "bench-ids.json"
        if marker.exists():
            ids = json.loads(marker.read_text())
        else:
            data_dir.mkdir(parents=True, exist_ok=True)
            ids = build(data_dir, args.logs)
            marker.write_text(json.dumps(ids))
        server, root = serve(data_dir)
        try:
            client = httpx.Client(base_url=root, timeout=60)
            form = client.get("/sign-in").text
            token = re.search(r'name="csrf_token" value="([^"]+)"', form)
            assert token is not None
            client.post("/sign-in", data={"csrf_token": token.group(1), "api_key": KEY, "next": "/files"})
            first = client.get(f"/files/{ids['prompt']}/logs")
            older = re.search(r'href="([^"]*before=[^"]+)"', first.text)
            pages = {
                "Logs, newest 50": f"/files/{ids['prompt']}/logs",
                "Logs, next older page": (older.group(1).replace("&amp;", "&") if older else ""),
                "Logs, version filter": f"/files/{ids['prompt']}/logs?version_id={ids['version']}",
                "Logs, text search": f"/files/{ids['prompt']}/logs?search=wizards+quietly+judge",
                "Log page": f"/logs/{ids['log']}",
                "Evaluation report": f"/evaluations/{ids['evaluation']}",
                "File page": f"/files/{ids['prompt']}",
                "Files tree": "/files",
            }
            print(f"\n{'page':<26} {'median ms':>10} {'worst ms':>10}  (SQLite, {args.logs:,} Logs on one Prompt)")
            for name, path in pages.items():
                if not path:
                    continue
                client.get(path)  # warm
                times = []
                for _ in range(args.repeat):
                    t0 = time.perf_counter()
                    response = client.get(path)
                    times.append((time.perf_counter() - t0) * 1000)
                    if response.status_code != 200:
                        print(f"  {name}: HTTP {response.status_code}")
                print(f"{name:<26} {statistics.median(times):>10.0f} {max(times):>10.0f}")
        finally:
            server.should_exit = True
            time.sleep(0.5)


if __name__ == "__main__":
    main()
