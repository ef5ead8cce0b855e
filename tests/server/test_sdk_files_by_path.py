"""`logs.list(id=, sample=, include_trace_children=)`, `files.list_files` next to `files.list` on the
same route, and `files.retrieve_by_path`, through the SDK against the real server."""

import pytest

from humanloop import FlowResponse, PromptResponse, ToolResponse
from humanloop.core.api_error import ApiError

from .conftest import Server
from .sdk_driver import Driver, driver_fixture

hl = driver_fixture()

PROMPT = {"model": "gpt-4o", "provider": "mock", "template": "Answer {{q}}"}


def _status(exc: "pytest.ExceptionInfo[ApiError]") -> int:
    return int(exc.value.status_code or 0)


def _records(pager: object) -> list:
    return list(pager.items)  # type: ignore[attr-defined]


def test_logs_list_by_id_and_sample(hl: Driver, uid: str) -> None:
    path = f"{uid}/logs/p"
    ids = [hl.prompts.log(path=path, prompt=PROMPT, inputs={"q": str(i)}, output=f"o{i}").id for i in range(6)]
    prompt_id = hl.logs.get(id=ids[0]).prompt.id
    picked = hl.logs.list(file_id=prompt_id, id=[ids[1], ids[4], "log_unknown"], size=10)
    assert sorted(log.id for log in _records(picked)) == sorted([ids[1], ids[4]])
    assert picked.response.total == 2  # type: ignore[attr-defined]
    one = hl.logs.list(file_id=prompt_id, id=ids[2])
    assert [log.id for log in _records(one)] == [ids[2]]
    sampled = hl.logs.list(file_id=prompt_id, sample=3, size=10)
    got = [log.id for log in _records(sampled)]
    assert len(got) == 3 and len(set(got)) == 3 and set(got) <= set(ids)
    # the sample is drawn from the filtered Logs
    narrowed = hl.logs.list(file_id=prompt_id, id=[ids[0], ids[5]], sample=5, size=10)
    assert sorted(log.id for log in _records(narrowed)) == sorted([ids[0], ids[5]])
    assert _records(hl.logs.list(file_id=prompt_id, sample=0, size=10)) == []
    with pytest.raises(ApiError) as negative:
        hl.logs.list(file_id=prompt_id, sample=-1)
    assert _status(negative) == 422


def test_logs_list_include_trace_children(hl: Driver, uid: str) -> None:
    flow = hl.flows.log(path=f"{uid}/logs/f", inputs={"q": "x"})
    child = hl.prompts.log(path=f"{uid}/logs/child", prompt=PROMPT, output="c", trace_parent_id=flow.id)
    flow_id = flow.flow_id
    default = _records(hl.logs.list(file_id=flow_id))[0]
    assert [c.id for c in default.trace_children] == [child.id]  # as 0.8.6 clients get them
    nested = _records(hl.logs.list(file_id=flow_id, include_trace_children=True))[0]
    assert [c.id for c in nested.trace_children] == [child.id]
    flat = _records(hl.logs.list(file_id=flow_id, include_trace_children=False))[0]
    assert flat.id == flow.id and not flat.trace_children


def test_list_files_and_list_are_one_route(hl: Driver, uid: str) -> None:
    hl.prompts.upsert(path=f"{uid}/tree/a/p1", **PROMPT)
    hl.tools.upsert(path=f"{uid}/tree/a/b/t1", function={"name": "t1", "description": "d"})
    hl.flows.upsert(path=f"{uid}/tree/c/f1", attributes={"x": 1})
    hl.prompts.upsert(path=f"{uid}/treeish/p2", **PROMPT)  # shares the prefix, not the directory
    new = hl.files.list_files(path=f"{uid}/tree", size=50)
    assert sorted(r.path for r in new.records) == sorted([f"{uid}/tree/a/p1", f"{uid}/tree/a/b/t1", f"{uid}/tree/c/f1"])
    assert {type(r) for r in new.records} == {PromptResponse, ToolResponse, FlowResponse}
    under_a = hl.files.list_files(path=f"{uid}/tree/a", type=["tool"], size=50)
    assert [r.path for r in under_a.records] == [f"{uid}/tree/a/b/t1"]
    old = hl.files.list(name="p1", size=50)  # 0.8.6's method, same route and answer
    assert f"{uid}/tree/a/p1" in [r.path for r in old.records]
    assert hl.files.list(path=f"{uid}/tree", size=50).total == new.total == 3
    assert hl.files.list_files(path=f"{uid}/tree", template=True).records == []
    by_name = hl.files.list_files(path=f"{uid}/tree", sort_by="name", order="asc", size=50)
    assert [r.name for r in by_name.records] == ["f1", "p1", "t1"]


def test_retrieve_by_path(hl: Driver, server: Server, uid: str) -> None:
    v1 = hl.prompts.upsert(path=f"{uid}/byp/answer", **PROMPT)
    v2 = hl.prompts.upsert(path=f"{uid}/byp/answer", **{**PROMPT, "template": "Reply {{q}}"})
    got = hl.files.retrieve_by_path(path=f"{uid}/byp/answer")
    assert isinstance(got, PromptResponse) and got.id == v1.id and got.version_id == v2.version_id
    # the path is normalised as upserts normalise it
    assert hl.files.retrieve_by_path(path=f" {uid}//byp/answer/ ").id == v1.id
    env = next(e for e in hl.prompts.list_environments(id=v1.id) if e.name == "production")
    hl.prompts.set_deployment(id=v1.id, environment_id=env.id, version_id=v1.version_id)
    assert hl.files.retrieve_by_path(path=f"{uid}/byp/answer").version_id == v1.version_id
    assert hl.files.retrieve_by_path(path=f"{uid}/byp/answer", environment="production").version_id == (v1.version_id)
    tool = hl.tools.upsert(path=f"{uid}/byp/tool", function={"name": "t", "description": "d"})
    assert isinstance(hl.files.retrieve_by_path(path=f"{uid}/byp/tool"), ToolResponse)
    with pytest.raises(ApiError) as missing:
        hl.files.retrieve_by_path(path=f"{uid}/byp/nothing")
    assert _status(missing) == 404
    with pytest.raises(ApiError) as no_env:
        hl.files.retrieve_by_path(path=f"{uid}/byp/tool", environment="no-such-environment")
    assert _status(no_env) == 404
    with pytest.raises(ApiError) as undeployed:
        hl.files.retrieve_by_path(path=f"{uid}/byp/tool", environment="production")
    assert _status(undeployed) == 404
    # another organisation finds nothing at the same path
    other = Driver(hl.mode, server, api_key=server.other_key)
    try:
        with pytest.raises(ApiError) as foreign:
            other.files.retrieve_by_path(path=f"{uid}/byp/answer")
        assert _status(foreign) == 404
        with pytest.raises(ApiError) as foreign_logs:
            other.logs.list(file_id=tool.id, id=["x"])
        assert _status(foreign_logs) == 404
        assert other.files.list_files(path=f"{uid}/byp").records == []
    finally:
        other.close()


def test_raw_file_content_and_schema(hl: Driver, uid: str) -> None:
    answer = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
    structured = {
        **PROMPT,
        "template": [{"role": "system", "content": "Name a city in {{country}}."}],
        "response_format": {"type": "json_schema", "json_schema": {"name": "city", "schema": answer, "strict": True}},
    }
    p = hl.prompts.upsert(path=f"{uid}/raw/city", **structured)
    agent = hl.agents.upsert(path=f"{uid}/raw/bot", model="m", provider="mock", template="Help with {{topic}}")
    hl.tools.upsert(path=f"{uid}/raw/tool", function={"name": "t", "description": "d"})
    # schema: the JSON Schema the answers follow, unwrapped from the response format; else null
    assert p.schema_ == answer and hl.prompts.get(id=p.id).schema_ == answer
    assert agent.schema_ is None
    # raw_file_content only when asked for, and then the version's .prompt / .agent text
    assert hl.files.retrieve_by_path(path=f"{uid}/raw/city").raw_file_content is None  # type: ignore[union-attr]
    got = hl.files.retrieve_by_path(path=f"{uid}/raw/city", include_raw_file_content=True)
    assert isinstance(got, PromptResponse) and got.schema_ == answer
    assert got.raw_file_content == hl.prompts.serialize(id=p.id)
    assert "<system>\nName a city in {{country}}.\n</system>" in got.raw_file_content
    assert hl.prompts.deserialize(prompt=got.raw_file_content).response_format.json_schema["schema"] == answer
    listed = hl.files.list_files(path=f"{uid}/raw", include_raw_file_content=True, size=10).records
    by_name = {r.name: r for r in listed}
    assert by_name["city"].raw_file_content == got.raw_file_content
    assert by_name["bot"].raw_file_content == hl.agents.serialize(id=agent.id)
    assert "Help with {{topic}}" in by_name["bot"].raw_file_content
    assert not hasattr(by_name["tool"], "raw_file_content") or by_name["tool"].raw_file_content is None
    plain = hl.files.list_files(path=f"{uid}/raw", size=10).records
    assert [r.raw_file_content for r in plain if r.name in ("city", "bot")] == [None, None]
