"""What real programs of the 2024-2025 SDK releases rely on, against the real server."""

from __future__ import annotations

import httpx

from humanloop import Humanloop

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
