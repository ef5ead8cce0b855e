"""What real programs of the 2024-2025 SDK releases rely on, against the real server."""

from __future__ import annotations

import time
from typing import Any, List

import httpx
import pytest

from humanloop import Humanloop
from humanloop_server.wiring import JOB_HANDLERS
from humanloop_server.workers.pool import run_pending

from .conftest import Server


def test_a_number_logged_as_output_is_stored_as_its_text(server: Server, uid: str) -> None:
    with server.client() as c:
        made = c.post("/tools/log", json={"path": f"{uid}/calculator", "tool": {}, "inputs": {"a": "2"}, "output": 5})
        assert made.status_code == 200, made.text
        assert c.get(f"/logs/{made.json()['id']}").json()["output"] == "5"
        prompt = c.post("/prompts/log", json={"path": f"{uid}/p", "prompt": {"model": "m"}, "output": 2.5})
        assert prompt.status_code == 200 and c.get(f"/logs/{prompt.json()['id']}").json()["output"] == "2.5"
    hl = Humanloop(api_key=server.api_key, base_url=server.base_url)
    log = hl.tools.log(path=f"{uid}/calculator", tool={}, output=7)  # type: ignore[arg-type]
    assert hl.logs.get(id=log.id).output == "7"


def test_datapoints_without_messages_or_target_have_no_such_key(server: Server, uid: str) -> None:
    hl = Humanloop(api_key=server.api_key, base_url=server.base_url)
    ds = hl.datasets.upsert(
        path=f"{uid}/plain",
        datapoints=[{"inputs": {"q": "a"}}, {"inputs": {"q": "b"}, "messages": [{"role": "user", "content": "hi"}]}],
    )
    with server.client() as c:
        listed = c.get(f"/datasets/{ds.id}/datapoints", params={"version_id": ds.version_id}).json()["records"]
        whole = c.get(f"/datasets/{ds.id}", params={"include_datapoints": "true"}).json()["datapoints"]
    for records in (listed, whole):
        plain = next(r for r in records if r["inputs"] == {"q": "a"})
        chat = next(r for r in records if r["inputs"] == {"q": "b"})
        assert "messages" not in plain and "target" not in plain and plain["inputs"] == {"q": "a"}
        assert chat["messages"][0]["content"] == "hi" and "target" not in chat
    # what a 0.8.6 program does with it: `"messages" in datapoint.dict()` decides how to call
    parsed = hl.datasets.get(id=ds.id, include_datapoints=True).datapoints
    assert parsed is not None
    plain_model = next(d for d in parsed if d.inputs == {"q": "a"})
    assert "messages" not in plain_model.model_dump(exclude_unset=True)


def test_unused_body_parameters_send_no_body_and_the_server_accepts_it(server: Server, uid: str) -> None:
    hl = Humanloop(api_key=server.api_key, base_url=server.base_url)
    log = hl.prompts.log(path=f"{uid}/p2", prompt={"model": "m"}, output="x")
    updated = hl.prompts.update_log(id=log.prompt_id, log_id=log.id)  # no body at all, as 0.8.6 sends it
    assert updated.id == log.id and updated.output == "x"
    with httpx.Client(base_url=server.base_url, headers={"X-API-KEY": server.api_key}) as c:
        for method, path in (
            ("PATCH", f"/prompts/{log.prompt_id}/log/{log.id}"),
            ("PATCH", f"/prompts/{log.prompt_id}"),
        ):
            assert c.request(method, path).status_code == 200, (method, path)


def test_a_new_prompt_is_monitored_by_rating_through_its_deployment(server: Server, uid: str) -> None:
    hl = Humanloop(api_key=server.api_key, base_url=server.base_url)
    prompt = hl.prompts.upsert(path=f"{uid}/rated", model="gpt-4o")
    (monitor,) = prompt.evaluators or []
    ref = monitor.version_reference
    assert ref.type == "environment"
    assert ref.file.path == "Example Evaluators/Human/rating" and ref.environment.name == "production"
    assert ref.file.id == monitor.version.id  # as programs of that era read it


class _FakeOpenAI:
    """An OpenAI-compatible chat endpoint on loopback whose verdicts follow the question asked."""

    def __init__(self) -> None:
        import http.server
        import json
        import threading

        self.asked: List[str] = []
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                text = " ".join(str(m.get("content")) for m in body["messages"])
                fake.asked.append(text)
                verdict = "It answers the question.\nTrue" if "True (helpful)" in text else "Same meaning.\n5"
                data = json.dumps(
                    {
                        "id": "c1",
                        "object": "chat.completion",
                        "model": body["model"],
                        "choices": [
                            {"index": 0, "message": {"role": "assistant", "content": verdict}, "finish_reason": "stop"}
                        ],
                        "usage": {"prompt_tokens": 10, "completion_tokens": 5},
                    }
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_the_ai_example_evaluators_judge_with_the_configured_provider(
    server: Server, uid: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = _FakeOpenAI()
    monkeypatch.setenv("OPENAI_BASE_URL", fake.url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-fake")
    try:
        hl = Humanloop(api_key=server.api_key, base_url=server.base_url)
        found = {e.path: e for e in hl.evaluators.list(size=100) if e.path.startswith("Example Evaluators/AI/")}
        similarity = found["Example Evaluators/AI/Semantic similarity"]
        helpfulness = found["Example Evaluators/AI/Helpfulness"]
        ds = hl.datasets.upsert(
            path=f"{uid}/ai-ds", datapoints=[{"inputs": {"q": "capital?"}, "target": {"output": "Paris"}}]
        )
        dp = hl.datasets.get(id=ds.id, include_datapoints=True).datapoints[0]  # type: ignore[index]
        prompt = hl.prompts.upsert(path=f"{uid}/ai-judged", model="gpt-4o")
        hl.prompts.update_monitoring(
            id=prompt.id,
            activate=[
                {"evaluator_version_id": similarity.version_id},
                {"evaluator_version_id": helpfulness.version_id},
            ],
        )
        log = hl.prompts.log(id=prompt.id, inputs={"q": "capital?"}, output="It is Paris.", source_datapoint_id=dp.id)
        deadline = time.monotonic() + 30
        while True:
            run_pending(server.runtime, JOB_HANDLERS, 100)
            judged = {j.evaluator.path: j for j in hl.logs.get(id=log.id).evaluator_logs}
            if len(judged) >= 2 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert judged["Example Evaluators/AI/Semantic similarity"].judgment == 5
        assert judged["Example Evaluators/AI/Helpfulness"].judgment is True
        assert any("It is Paris." in asked and "Paris" in asked for asked in fake.asked)
    finally:
        fake.close()
