"""agents.* (and prompts.serialize / deserialize) through the SDK, sync and async, against the real server.

The tool loop runs on the ``mock`` provider: on an Agent turn it calls the first offered tool with
the user's text, and after tool results it answers ``"mock agent answer: <results>"``.
"""

import time

import pytest

from humanloop.core.api_error import ApiError

from . import sdk_lifecycle as lc
from .conftest import Server
from .sdk_driver import Driver, driver_fixture

hl = driver_fixture()

LOOKUP = {
    "type": "inline",
    "json_schema": {
        "name": "lookup",
        "description": "Looks a word up",
        "parameters": {"type": "object", "properties": {"word": {"type": "string"}}, "required": ["word"]},
    },
}
A = {"model": "m1", "provider": "mock", "template": [{"role": "system", "content": "Be brief about {{topic}}."}]}
B = {**A, "model": "m2"}


def _agent(uid: str, name: str, **extra: object) -> dict:
    return {"path": f"{uid}/agents/{name}", **A, **extra}


def test_upsert_identity(hl: Driver, uid: str) -> None:
    first = hl.agents.upsert(path=f"{uid}/agents/id", **A)
    assert hl.agents.upsert(path=f"{uid}/agents/id", **A).version_id == first.version_id
    assert hl.agents.upsert(path=f"{uid}/agents/id", **B).version_id != first.version_id


def test_deployments_and_default_version(hl: Driver, uid: str) -> None:
    v1 = hl.agents.upsert(path=f"{uid}/agents/deploy", **A)
    v2 = hl.agents.upsert(path=f"{uid}/agents/deploy", **B)
    env = next(e for e in hl.agents.list_environments(id=v1.id) if e.tag == "default")
    deployed = hl.agents.set_deployment(id=v1.id, environment_id=env.id, version_id=v1.version_id)
    assert deployed.version_id == v1.version_id
    assert hl.agents.get(id=v1.id).version_id == v1.version_id
    assert hl.agents.get(id=v1.id, environment=env.name).version_id == v1.version_id
    with pytest.raises(ApiError) as exc:  # a deployed version stays
        hl.agents.delete_agent_version(id=v1.id, version_id=v1.version_id)
    assert exc.value.status_code == 409
    hl.agents.remove_deployment(id=v1.id, environment_id=env.id)
    assert hl.agents.get(id=v1.id).version_id == v2.version_id


def test_move_and_delete(hl: Driver, uid: str) -> None:
    lc.check_move_and_delete(hl, "agents", uid, A)


def test_list_pages(hl: Driver, uid: str) -> None:
    lc.check_list_pager(hl, "agents", uid, lambda i: {**A, "model": f"m-{i}"})


def test_monitoring(hl: Driver, uid: str) -> None:
    lc.check_monitoring(hl, "agents", uid, A)


def test_kernel_fields_and_version_names(hl: Driver, uid: str) -> None:
    agent = hl.agents.upsert(
        **_agent(uid, "kernel"),
        tools=[LOOKUP],
        max_iterations=3,
        reasoning_effort="low",
        version_name="first",
        version_description="the first one",
        description="answers",
        tags=["a", "b"],
    )
    assert agent.type == "agent" and agent.max_iterations == 3 and agent.reasoning_effort == "low"
    assert agent.tools[0].json_schema.name == "lookup" and agent.tools[0].type == "inline"
    assert agent.version_name == "first" and agent.tags == ["a", "b"] and agent.description == "answers"
    assert [i.name for i in agent.inputs] == ["topic"]
    with pytest.raises(ApiError) as exc:
        hl.agents.upsert(**{**_agent(uid, "kernel"), "model": "other"}, version_name="first")
    assert exc.value.status_code == 409
    second = hl.agents.upsert(**{**_agent(uid, "kernel"), "model": "other"})
    patched = hl.agents.patch_agent_version(id=agent.id, version_id=second.version_id, name="second")
    assert patched.version_name == "second"
    with pytest.raises(ApiError) as exc:
        hl.agents.patch_agent_version(id=agent.id, version_id=second.version_id, name="first")
    assert exc.value.status_code == 409
    assert len(hl.agents.list_versions(id=agent.id).records) == 2
    hl.agents.delete_agent_version(id=agent.id, version_id=second.version_id)
    assert [v.version_id for v in hl.agents.list_versions(id=agent.id).records] == [agent.version_id]
    with pytest.raises(ApiError) as exc:  # the only version left
        hl.agents.delete_agent_version(id=agent.id, version_id=agent.version_id)
    assert exc.value.status_code == 409


def test_linked_tool_must_exist(hl: Driver, uid: str) -> None:
    with pytest.raises(ApiError) as exc:
        hl.agents.upsert(**_agent(uid, "badlink"), tools=[{"type": "file", "link": {"file_id": "pr_missing"}}])
    assert exc.value.status_code == 404


def test_log_and_update_log(hl: Driver, uid: str) -> None:
    created = hl.agents.log(
        path=f"{uid}/agents/logged", agent=A, inputs={"topic": "x"}, output="hi", log_status="incomplete"
    )
    assert created.agent_id and created.log_status == "incomplete"
    updated = hl.agents.update_log(id=created.agent_id, log_id=created.id, output="done", log_status="complete")
    assert updated.output == "done" and updated.log_status == "complete"
    got = hl.logs.get(id=created.id)
    assert got.agent.id == created.agent_id and got.log_status == "complete"
    with pytest.raises(ApiError) as exc:
        hl.agents.update_log(id=created.agent_id, log_id=created.id, log_status="incomplete")
    assert exc.value.status_code == 409
    listed = hl.logs.list(file_id=created.agent_id)
    assert created.id in [log.id for log in listed]


def test_call_runs_a_linked_prompt_and_keeps_the_trace(hl: Driver, uid: str) -> None:
    helper = hl.prompts.upsert(
        path=f"{uid}/agents/define",
        model="mock-model",
        provider="mock",
        template=[{"role": "user", "content": "define {{word}}"}],
    )
    agent = hl.agents.upsert(**_agent(uid, "runner"), tools=[{"type": "file", "link": {"file_id": helper.id}}])
    assert agent.tools[0].file is not None and agent.tools[0].file.id == helper.id
    res = hl.agents.call(
        id=agent.id,
        inputs={"topic": "words"},
        messages=[{"role": "user", "content": "serendipity"}],
        include_trace_children=True,
    )
    assert res.log_status == "complete"
    assert res.output == "mock agent answer: mock response to: define serendipity"
    kinds = [type(child).__name__ for child in res.trace_children or []]
    assert kinds == ["AgentLogResponse", "PromptLogResponse", "AgentLogResponse"], kinds
    tool_log = res.trace_children[1]
    assert tool_log.inputs == {"word": "serendipity"} and tool_log.prompt.id == helper.id
    roles = [m.role for m in res.messages or []]
    assert roles == ["system", "user", "assistant", "tool", "assistant"]
    stored = hl.logs.get(id=res.id)
    assert stored.log_status == "complete" and len(stored.trace_children) == 3
    assert all(c.trace_parent_id == res.id for c in stored.trace_children)


def test_call_stops_for_an_inline_tool_and_continues(hl: Driver, uid: str) -> None:
    agent = hl.agents.upsert(**_agent(uid, "inline"), tools=[LOOKUP])
    first = hl.agents.call(id=agent.id, inputs={"topic": "t"}, messages=[{"role": "user", "content": "apple"}])
    assert first.log_status == "incomplete"
    calls = first.output_message.tool_calls
    assert len(calls) == 1 and calls[0].function.name == "lookup"
    assert calls[0].function.arguments == '{"word": "apple"}'
    with pytest.raises(ApiError) as exc:  # a result for a call that is not pending
        hl.agents.continue_call(log_id=first.id, messages=[{"role": "tool", "content": "x", "tool_call_id": "nope"}])
    assert exc.value.status_code == 422
    done = hl.agents.continue_call(
        log_id=first.id, messages=[{"role": "tool", "content": "a fruit", "tool_call_id": calls[0].id}]
    )
    assert done.log_status == "complete" and done.output == "mock agent answer: a fruit"
    assert done.previous_agent_message is not None and done.previous_agent_message.tool_calls[0].id == calls[0].id
    with pytest.raises(ApiError) as exc:  # nothing left to continue
        hl.agents.continue_call(
            log_id=first.id, messages=[{"role": "tool", "content": "x", "tool_call_id": calls[0].id}]
        )
    assert exc.value.status_code == 409


def test_streamed_call_and_continue(hl: Driver, uid: str) -> None:
    agent = hl.agents.upsert(**_agent(uid, "streamed"), tools=[LOOKUP])
    events = list(
        hl.agents.call_stream(id=agent.id, inputs={"topic": "t"}, messages=[{"role": "user", "content": "pear"}])
    )
    types = [e.type for e in events]
    assert types == ["agent_update", "agent_turn_suspend", "agent_end"], types
    log_id = events[0].log_id
    call_id = events[1].payload.id
    more = list(
        hl.agents.continue_call_stream(
            log_id=log_id, messages=[{"role": "tool", "content": "green", "tool_call_id": call_id}]
        )
    )
    assert [e.type for e in more] == ["agent_turn_continue", "agent_update", "agent_end"]
    assert more[1].payload.output == "mock agent answer: green"
    assert hl.logs.get(id=log_id).log_status == "complete"


def test_max_iterations(hl: Driver, uid: str) -> None:
    helper = hl.prompts.upsert(
        path=f"{uid}/agents/echo", model="m", provider="mock", template=[{"role": "user", "content": "{{x}}"}]
    )
    agent = hl.agents.upsert(
        **_agent(uid, "looping"), tools=[{"type": "file", "link": {"file_id": helper.id}}], max_iterations=1
    )
    res = hl.agents.call(id=agent.id, inputs={"topic": "t"}, messages=[{"role": "user", "content": "go"}])
    assert res.log_status == "complete" and res.finish_reason == "max_iterations"


def test_serialize_round_trip(hl: Driver, uid: str) -> None:
    agent = hl.agents.upsert(**_agent(uid, "text"), tools=[LOOKUP], stop=["END"], other={"k": [1, 2]}, seed=7)
    text = hl.agents.serialize(id=agent.id)
    assert (
        isinstance(text, str) and text.startswith("---\n") and "<system>\nBe brief about {{topic}}.\n</system>" in text
    )
    kernel = hl.agents.deserialize(agent=text)
    again = hl.agents.upsert(path=agent.path, **kernel.model_dump(exclude_none=True))
    assert again.version_id == agent.version_id
    prompt = hl.prompts.upsert(path=f"{uid}/agents/p", model="gpt-4o", template="Hello {{name}}\n<user>\nnot a tag")
    ptext = hl.prompts.serialize(id=prompt.id)
    pkernel = hl.prompts.deserialize(prompt=ptext)
    assert pkernel.template == "Hello {{name}}\n<user>\nnot a tag" and pkernel.model == "gpt-4o"
    with pytest.raises(ApiError) as exc:
        hl.prompts.deserialize(prompt="no front matter")
    assert exc.value.status_code == 422


def test_agents_are_listed_with_files(hl: Driver, uid: str) -> None:
    agent = hl.agents.upsert(**_agent(uid, "listed"))
    assert agent.id in [r.id for r in hl.files.list(name="listed").records]


def test_other_org_sees_nothing(server: Server, uid: str) -> None:
    mine = Driver("sync", server)
    agent = mine.agents.upsert(**_agent(uid, "private"), tools=[LOOKUP])
    first = mine.agents.call(id=agent.id, inputs={"topic": "t"}, messages=[{"role": "user", "content": "x"}])
    other = Driver("sync", server, api_key=server.other_key)
    for call in (
        lambda: other.agents.get(id=agent.id),
        lambda: other.logs.get(id=first.id),
        lambda: other.agents.update_log(id=agent.id, log_id=first.id, output="x"),
        lambda: other.agents.continue_call(
            log_id=first.id,
            messages=[{"role": "tool", "content": "x", "tool_call_id": first.output_message.tool_calls[0].id}],
        ),
        lambda: other.agents.serialize(id=agent.id),
    ):
        with pytest.raises(ApiError) as exc:
            call()
        assert exc.value.status_code == 404


def test_monitoring_judges_the_agent_log_once_complete(server: Server, uid: str) -> None:
    from humanloop_server.wiring import JOB_HANDLERS
    from humanloop_server.workers.pool import run_pending

    hl = Driver("sync", server)
    spec = {
        "arguments_type": "target_free",
        "return_type": "boolean",
        "evaluator_type": "python",
        "code": "def answered(log):\n    return bool(log['output'])\n",
    }
    judge = hl.evaluators.upsert(path=f"{uid}/agents/answered", spec=spec, commit_message="v1")
    agent = hl.agents.upsert(**_agent(uid, "monitored"), tools=[LOOKUP])
    hl.agents.update_monitoring(id=agent.id, activate=[{"evaluator_version_id": judge.version_id}])
    first = hl.agents.call(id=agent.id, inputs={"topic": "t"}, messages=[{"role": "user", "content": "kiwi"}])
    run_pending(server.runtime, JOB_HANDLERS)
    assert hl.logs.get(id=first.id).evaluator_logs == []  # incomplete: not judged yet
    call_id = first.output_message.tool_calls[0].id
    hl.agents.continue_call(log_id=first.id, messages=[{"role": "tool", "content": "a fruit", "tool_call_id": call_id}])
    deadline = time.monotonic() + 30
    while True:  # the server's own workers may be the ones that judge
        run_pending(server.runtime, JOB_HANDLERS)
        done = hl.logs.get(id=first.id)
        if done.evaluator_logs or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert [e.judgment for e in done.evaluator_logs] == [True]
    turns = [c for c in done.trace_children if c.trace_parent_id == first.id]
    assert len(turns) == 2 and all(c.evaluator_logs == [] for c in turns)  # the turns are not judged


def test_log_with_agent_text_and_call_with_inline_settings(hl: Driver, uid: str) -> None:
    text = '---\nmodel: "m"\nprovider: "mock"\n---\n<user>\n{{q}}\n</user>\n'
    created = hl.agents.log(path=f"{uid}/agents/from-text", agent=text, inputs={"q": "x"}, output="y")
    agent = hl.agents.get(id=created.agent_id)
    assert agent.template[0].content == "{{q}}" and agent.provider == "mock"
    assert created.log_status == "complete"
    # a call with inline settings creates the Agent at a new path, and reuses the version after
    res = hl.agents.call(path=f"{uid}/agents/inline-call", agent={**A, "tools": [LOOKUP]}, inputs={"topic": "t"})
    again = hl.agents.call(path=f"{uid}/agents/inline-call", agent={**A, "tools": [LOOKUP]}, inputs={"topic": "t"})
    assert res.agent.version_id == again.agent.version_id
    # no user message: the mock answers in text at once
    assert res.log_status == "complete" and res.output == "mock response to: "
    with pytest.raises(ApiError) as exc:
        hl.agents.call(path=f"{uid}/agents/never-made", inputs={})
    assert exc.value.status_code == 404


def test_agent_call_nested_in_a_flow_trace(hl: Driver, uid: str) -> None:
    flow = hl.flows.log(path=f"{uid}/agents/flow", flow={"attributes": {"a": 1}}, inputs={"q": "x"})
    agent = hl.agents.upsert(**_agent(uid, "nested"), tools=[LOOKUP])
    res = hl.agents.call(
        id=agent.id, inputs={"topic": "t"}, messages=[{"role": "user", "content": "fig"}], trace_parent_id=flow.id
    )
    assert res.trace_parent_id == flow.id and res.trace_id == flow.id
    tree = hl.logs.get(id=flow.id)
    assert [c.id for c in tree.trace_children] == [res.id]
    assert len(tree.trace_children[0].trace_children) == 1  # the model turn, under the Agent Log


def test_a_linked_file_of_another_org_is_404(server: Server, uid: str) -> None:
    mine = Driver("sync", server)
    other = Driver("sync", server, api_key=server.other_key)
    theirs = other.prompts.upsert(path=f"{uid}/theirs", model="m", provider="mock", template="x")
    with pytest.raises(ApiError) as exc:
        mine.agents.upsert(**_agent(uid, "stealer"), tools=[{"type": "file", "link": {"file_id": theirs.id}}])
    assert exc.value.status_code == 404
