"""Parameters that 0.8.38 added to methods 0.8.6 already had, through our SDK against the server."""

import httpx

from humanloop import Humanloop

from .conftest import Server


def test_dataset_upsert_can_answer_with_its_datapoints(server: Server, uid: str) -> None:
    hl = Humanloop(api_key=server.api_key, base_url=server.base_url)
    rows = [{"inputs": {"q": "a"}, "target": {"output": "A"}}, {"inputs": {"q": "b"}}]
    plain = hl.datasets.upsert(path=f"{uid}/rows", datapoints=rows, version_name="v1")
    assert plain.datapoints is None
    both = hl.datasets.upsert(path=f"{uid}/rows", datapoints=rows[:1], action="set", include_datapoints=True)
    assert both.version_id != plain.version_id
    assert [d.inputs for d in both.datapoints or []] == [{"q": "a"}]


def test_flow_log_update_takes_messages_and_output_message(server: Server, http: httpx.Client, uid: str) -> None:
    hl = Humanloop(api_key=server.api_key, base_url=server.base_url)
    trace = hl.flows.log(path=f"{uid}/chat-flow", flow={"attributes": {}}, log_status="incomplete")
    hl.flows.update_log(
        log_id=trace.id,
        messages=[{"role": "user", "content": "hi"}],
        output_message={"role": "assistant", "content": "hello"},
        log_status="complete",
    )
    stored = http.get(f"/logs/{trace.id}").json()
    assert stored["messages"][0]["content"] == "hi" and stored["output_message"]["content"] == "hello"
    assert stored["log_status"] == "complete"


def test_a_prompt_given_as_prompt_file_text(server: Server, uid: str) -> None:
    hl = Humanloop(api_key=server.api_key, base_url=server.base_url)
    made = hl.prompts.upsert(
        path=f"{uid}/source",
        model="mock-1",
        provider="mock",
        temperature=0.3,
        template=[{"role": "user", "content": "Hi {{name}}"}],
    )
    text = hl.prompts.serialize(id=made.id, version_id=made.version_id)
    assert isinstance(text, str) and "mock-1" in text
    logged = hl.prompts.log(path=f"{uid}/from-text", prompt=text, inputs={"name": "Ann"}, output="x")
    version = hl.prompts.get(id=logged.prompt_id, version_id=logged.version_id)
    assert (version.model, version.temperature) == ("mock-1", 0.3)
    called = hl.prompts.call(path=f"{uid}/from-text", prompt=text, inputs={"name": "Bo"})
    assert called.logs[0].output == "mock response to: Hi Bo"
    assert called.prompt.version_id == logged.version_id  # the same settings are the same version
    streamed = list(hl.prompts.call_stream(path=f"{uid}/from-text", prompt=text, inputs={"name": "Cy"}))
    assert "".join(c.output or "" for c in streamed) == "mock response to: Hi Cy"
    try:
        hl.prompts.log(path=f"{uid}/from-text", prompt="not a prompt file", output="x")
    except Exception as error:  # noqa: BLE001 - the SDK's typed 422
        assert getattr(error, "status_code", None) == 422
    else:
        raise AssertionError("unreadable .prompt text was accepted")
