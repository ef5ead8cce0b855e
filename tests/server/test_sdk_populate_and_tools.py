"""`prompts.populate`, `tools.call` and the environment variables of Tools, through the SDK against the
real server (SQLite and PostgreSQL; Tools run in the evaluator sandbox)."""

import pytest

from humanloop import PopulateTemplateResponse, ToolCallResponse
from humanloop.core.api_error import ApiError

from .conftest import Server
from .sdk_driver import Driver, driver_fixture

hl = driver_fixture()


def _status(exc: "pytest.ExceptionInfo[ApiError]") -> int:
    return int(exc.value.status_code or 0)


ADD = {
    "function": {
        "name": "add",
        "description": "Adds two numbers",
        "parameters": {"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "number"}}},
    },
    "source_code": (
        "import os\n\n"
        "def add(a, b):\n"
        "    print('adding', a, b)\n"
        "    return {'sum': a + b, 'unit': os.environ.get('UNIT', 'none')}\n\n"
        "def helper():\n"
        "    return 0\n"
    ),
}


def test_populate(hl: Driver, uid: str) -> None:
    chat = hl.prompts.upsert(
        path=f"{uid}/pop/chat",
        model="gpt-4o",
        template=[
            {"role": "system", "content": "You answer as {{persona}}."},
            {"role": "user", "content": "{{ question }}"},
        ],
    )
    got = hl.prompts.populate(chat.id, request={"persona": "a pirate", "question": "Where is the gold?"})
    assert isinstance(got, PopulateTemplateResponse) and got.version_id == chat.version_id
    assert [m.content for m in got.populated_template] == ["You answer as a pirate.", "Where is the gold?"]
    assert got.template[0].content == "You answer as {{persona}}."  # the stored template is unchanged
    text = hl.prompts.upsert(path=f"{uid}/pop/text", model="gpt-4o", template="Say {{n}} twice")
    other = hl.prompts.upsert(path=f"{uid}/pop/text", model="gpt-4o", template="Say {{n}} thrice")
    assert hl.prompts.populate(text.id, request={"n": 3}, version_id=text.version_id).populated_template == (
        "Say 3 twice"
    )
    assert hl.prompts.populate(text.id, request={"n": 3}).populated_template == "Say 3 thrice"
    assert other.version_id != text.version_id
    with pytest.raises(ApiError) as missing:
        hl.prompts.populate(text.id, request={})
    assert _status(missing) == 422 and "n" in str(missing.value.body)
    with pytest.raises(ApiError) as unknown:
        hl.prompts.populate("pr_unknown", request={"n": 1})
    assert _status(unknown) == 404


def test_tool_call_runs_python_source(hl: Driver, uid: str) -> None:
    path = f"{uid}/tools/add"
    tool = hl.tools.upsert(path=path, **ADD)
    hl.tools.add_environment_variable(tool.id, request=[{"name": "UNIT", "value": "apples"}])
    out = hl.tools.call(path=path, inputs={"a": 2, "b": 3}, log_id=f"{uid}_run", source="test")
    assert isinstance(out, ToolCallResponse)
    assert out.id == f"{uid}_run" and out.error is None
    assert out.output == '{"sum": 5, "unit": "apples"}' and "adding 2 3" in (out.stdout or "")
    assert out.tool.id == tool.id and out.tool.version_id == tool.version_id and out.log_status == "complete"
    stored = hl.logs.get(id=out.id)
    assert stored.output == out.output and stored.inputs == {"a": 2, "b": 3} and stored.source == "test"
    # an exception in the tool is the Log's error
    failed = hl.tools.call(id=tool.id, inputs={"a": 2})
    assert failed.output is None and "b" in (failed.error or "")
    # inline details make (or find) the version, as tools.log does
    inline = hl.tools.call(
        path=f"{uid}/tools/echo",
        tool={
            "function": {"name": "echo", "description": "d"},
            "source_code": "def echo(text):\n    return text.upper()\n",
        },
        inputs={"text": "hi"},
    )
    assert inline.output == "HI"
    # a Tool without source code cannot be run here
    schema_only = hl.tools.upsert(path=f"{uid}/tools/schema-only", function={"name": "lookup", "description": "d"})
    with pytest.raises(ApiError) as no_code:
        hl.tools.call(id=schema_only.id, inputs={})
    assert _status(no_code) == 422 and "source_code" in str(no_code.value.body)
    with pytest.raises(ApiError) as taken:
        hl.tools.call(id=tool.id, inputs={"a": 1, "b": 1}, log_id=f"{uid}_run")
    assert _status(taken) == 409


def test_environment_variables(hl: Driver, server: Server, uid: str) -> None:
    tool = hl.tools.upsert(path=f"{uid}/tools/env", **ADD)
    assert hl.tools.get_environment_variables(tool.id) == []
    listed = hl.tools.add_environment_variable(
        tool.id, request=[{"name": "API_KEY", "value": "sk-live-0123456789abcd"}, {"name": "UNIT", "value": "kg"}]
    )
    # values are never answered in full
    assert [(v.name, v.value) for v in listed] == [("API_KEY", "********abcd"), ("UNIT", "********")]
    again = hl.tools.add_environment_variable(tool.id, request=[{"name": "UNIT", "value": "grams-per-litre"}])
    assert [(v.name, v.value) for v in again] == [("API_KEY", "********abcd"), ("UNIT", "********itre")]
    assert "grams" not in str([v.value for v in hl.tools.get_environment_variables(tool.id)])
    left = hl.tools.delete_environment_variable(tool.id, "API_KEY")
    assert [v.name for v in left] == ["UNIT"]
    with pytest.raises(ApiError) as gone:
        hl.tools.delete_environment_variable(tool.id, "API_KEY")
    assert _status(gone) == 404
    with pytest.raises(ApiError) as nameless:
        hl.tools.add_environment_variable(tool.id, request=[{"name": "", "value": "x"}])
    assert _status(nameless) == 422
    prompt = hl.prompts.upsert(path=f"{uid}/tools/not-a-tool", model="gpt-4o")
    with pytest.raises(ApiError) as wrong_kind:
        hl.tools.get_environment_variables(prompt.id)
    assert _status(wrong_kind) == 404
    # another organisation sees nothing and changes nothing
    other = Driver(hl.mode, server, api_key=server.other_key)
    try:
        for call in (
            lambda: other.tools.get_environment_variables(tool.id),
            lambda: other.tools.add_environment_variable(tool.id, request=[{"name": "X", "value": "y"}]),
            lambda: other.tools.delete_environment_variable(tool.id, "UNIT"),
            lambda: other.tools.call(id=tool.id, inputs={"a": 1, "b": 2}),
            lambda: other.prompts.populate(prompt.id, request={}),
        ):
            with pytest.raises(ApiError) as foreign:
                call()
            assert _status(foreign) == 404
    finally:
        other.close()
    assert [v.name for v in hl.tools.get_environment_variables(tool.id)] == ["UNIT"]
