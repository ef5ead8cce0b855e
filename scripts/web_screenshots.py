"""Make the web app screenshots shown in the README (docs/images/*.png).

    python scripts/web_screenshots.py

Starts the server on a free loopback port with a throw-away SQLite database, writes example data
with the SDK (an agent's trace, an Evaluation of two Prompt versions), signs in with headless
Chromium (the OS package, /usr/bin/chromium) and saves the trace page and the evaluation report.
"""

from __future__ import annotations

import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _venv  # noqa: E402

ROOT = _venv.ROOT
IMAGES = ROOT / "docs" / "images"
KEY = "hl_screenshots_key"


def example_data(hl: object) -> dict:
    from humanloop import Humanloop

    assert isinstance(hl, Humanloop)
    template = [
        {"role": "system", "content": "You are a travel assistant. Be concise."},
        {"role": "user", "content": "{{request}}"},
    ]
    planner = hl.prompts.upsert(
        path="travel/planner", model="gpt-4o-mini", provider="mock", template=template, commit_message="first"
    )
    flow = hl.flows.log(
        path="travel/agent",
        flow={"attributes": {"version": "2024-06"}},
        inputs={"request": "A weekend in Lisbon in May, what should I pack?"},
        start_time="2026-05-02T09:00:00Z",
    )
    step = hl.prompts.log(
        id=planner.id,
        inputs={"request": "A weekend in Lisbon in May, what should I pack?"},
        messages=[template[0], {"role": "user", "content": "A weekend in Lisbon in May, what should I pack?"}],
        output="Check the forecast first, then pack light layers and comfortable shoes.",
        prompt_tokens=58,
        output_tokens=17,
        prompt_cost=0.0000087,
        output_cost=0.0000102,
        start_time="2026-05-02T09:00:00.2Z",
        end_time="2026-05-02T09:00:01.1Z",
        trace_parent_id=flow.id,
    )
    hl.tools.log(
        path="travel/weather",
        tool={"function": {"name": "weather", "description": "Forecast for a city", "parameters": {}}},
        inputs={"city": "Lisbon", "month": "May"},
        output='{"high_c": 23, "low_c": 14, "rain_days": 4}',
        start_time="2026-05-02T09:00:01.2Z",
        end_time="2026-05-02T09:00:01.5Z",
        trace_parent_id=step.id,
    )
    hl.prompts.log(
        id=planner.id,
        inputs={"request": "Forecast: 23/14 °C, 4 rain days. Packing list?"},
        output="Light jacket, T-shirts, one sweater, walking shoes, a compact umbrella.",
        prompt_tokens=44,
        output_tokens=15,
        start_time="2026-05-02T09:00:01.6Z",
        end_time="2026-05-02T09:00:02.4Z",
        trace_parent_id=flow.id,
    )
    hl.flows.update_log(
        log_id=flow.id,
        trace_status="complete",
        output="Light jacket, T-shirts, one sweater, walking shoes, a compact umbrella.",
    )
    hl.evaluators.log(parent_id=step.id, path="Example Evaluators/Human/rating", judgment="good")

    v1 = hl.prompts.upsert(
        path="geo/capitals",
        model="gpt-4o-mini",
        provider="mock",
        template=[{"role": "user", "content": "Capital of {{country}}?"}],
        commit_message="terse",
    )
    v2 = hl.prompts.upsert(
        path="geo/capitals",
        model="gpt-4o",
        provider="mock",
        template=[{"role": "user", "content": "Name the capital city of {{country}}. One word."}],
        commit_message="explicit",
    )
    countries = [("France", "Paris"), ("Spain", "Madrid"), ("Australia", "Canberra"), ("Canada", "Ottawa")]
    ds = hl.datasets.upsert(
        path="geo/countries",
        datapoints=[{"inputs": {"country": c}, "target": {"output": t}} for c, t in countries],
    )
    ds = hl.datasets.get(id=ds.id, include_datapoints=True)
    correct = hl.evaluators.upsert(
        path="geo/correct",
        spec={"evaluator_type": "external", "arguments_type": "target_required", "return_type": "boolean"},
    )
    brevity = hl.evaluators.upsert(
        path="geo/brevity",
        spec={"evaluator_type": "external", "arguments_type": "target_free", "return_type": "number"},
    )
    ev = hl.evaluations.create(
        name="Capitals: terse vs explicit",
        file={"id": v1.id},
        dataset={"version_id": ds.version_id},
        evaluators=[{"path": correct.path, "orchestrated": False}, {"path": brevity.path, "orchestrated": False}],
        evaluatees=[
            {"version_id": v1.version_id, "batch_id": "terse", "orchestrated": False},
            {"version_id": v2.version_id, "batch_id": "explicit", "orchestrated": False},
        ],
    )
    answers = {
        "terse": ["Paris.", "Madrid, the capital of Spain.", "Sydney", "Toronto, I think"],
        "explicit": ["Paris", "Madrid", "Canberra", "Ottawa"],
    }
    for version, batch in ((v1, "terse"), (v2, "explicit")):
        for dp, out in zip(ds.datapoints, answers[batch]):
            log = hl.prompts.log(
                id=v1.id,
                version_id=version.version_id,
                evaluation_id=ev.id,
                batch_id=batch,
                source_datapoint_id=dp.id,
                inputs=dp.inputs,
                output=out,
            )
            hl.evaluators.log(
                parent_id=log.id,
                id=correct.id,
                version_id=correct.version_id,
                judgment=dp.target["output"] in out,
            )
            hl.evaluators.log(
                parent_id=log.id, id=brevity.id, version_id=brevity.version_id, judgment=float(10 - len(out.split()))
            )
    return {"log": step.id, "evaluation": ev.id}


def main() -> int:
    _venv.reexec_in_venv("server,dev")
    import uvicorn
    from playwright.sync_api import sync_playwright

    from humanloop import Humanloop
    from humanloop_server.app import create_app
    from humanloop_server.settings import Settings

    with tempfile.TemporaryDirectory() as tmp, socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        app = create_app(Settings(data_dir=Path(tmp), api_key=KEY, workers=0, default_org_name="acme"))
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.05)
        root = f"http://127.0.0.1:{port}"
        try:
            ids = example_data(Humanloop(api_key=KEY, base_url=root + "/v5"))
            IMAGES.mkdir(parents=True, exist_ok=True)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.goto(root + "/sign-in")
                page.get_by_label("API key").fill(KEY)
                page.get_by_role("button", name="Sign in").click()
                page.wait_for_url(root + "/files")
                for name, path in (
                    ("web-trace", f"/logs/{ids['log']}"),
                    ("web-evaluation", f"/evaluations/{ids['evaluation']}"),
                ):
                    page.goto(root + path)
                    page.screenshot(path=str(IMAGES / f"{name}.png"), full_page=True)
                    print(f"saved docs/images/{name}.png")
                browser.close()
        finally:
            server.should_exit = True
            time.sleep(0.3)
    return 0


if __name__ == "__main__":
    sys.exit(main())
