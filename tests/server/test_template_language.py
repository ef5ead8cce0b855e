"""``template_language="jinja"``: templates rendered by Jinja (sandboxed) wherever the server fills
them (prompts.call, prompts.populate, agents.call, orchestrated Evaluations), while ``default``
keeps the ``{{name}}`` substitution; template errors are 422 with Jinja's message.

The ``mock`` provider answers ``"mock response to: <last user message>"``, so its output shows the
rendered text.
"""

from typing import Any, Dict, List

import httpx
import pytest

from humanloop.core.api_error import ApiError

from . import sdk_lifecycle as lc
from .conftest import Server
from .sdk_driver import Driver, driver_fixture
from .test_evaluations import wait_completed

hl = driver_fixture()

JINJA_TEXT = "Hello {{ user.name | upper }}:{% for t in topics %} [{{ loop.index }}. {{ t }}]{% endfor %}"
INPUTS: Dict[str, Any] = {"user": {"name": "ann"}, "topics": ["owls", "bats"]}
RENDERED = "Hello ANN: [1. owls] [2. bats]"


def kernel(text: str = JINJA_TEXT, language: str = "jinja") -> Dict[str, Any]:
    return {
        "model": "mock-1",
        "provider": "mock",
        "template": [{"role": "user", "content": text}],
        "template_language": language,
    }


def test_prompts_call_and_populate_render_jinja(hl: Driver, uid: str) -> None:
    r = hl.prompts.call(path=f"{uid}/jinja/p", prompt=kernel(), inputs=INPUTS)
    assert r.logs[0].output == f"mock response to: {RENDERED}"
    prompt = hl.prompts.get(id=r.prompt.id)
    assert prompt.template_language == "jinja"
    assert sorted(i.name for i in prompt.inputs) == ["topics", "user"]  # the names Jinja reads
    populated = hl.prompts.populate(id=r.prompt.id, request=INPUTS)
    assert populated.populated_template[0].content == RENDERED
    # list content: each text part is rendered, other parts are left alone
    parts = [{"type": "text", "text": "{{ n * 2 }}"}, {"type": "image_url", "image_url": {"url": "{{ n }}"}}]
    listed = hl.prompts.upsert(
        path=f"{uid}/jinja/parts",
        model="mock-1",
        template=[{"role": "user", "content": parts}],
        template_language="jinja",
    )
    filled = hl.prompts.populate(id=listed.id, request={"n": 21}).populated_template[0].content
    assert filled[0].text == "42" and filled[1].image_url.url == "{{ n }}"


def test_default_language_keeps_plain_substitution(hl: Driver, uid: str) -> None:
    text = "Hi {{ name }} {% raw %}"
    r = hl.prompts.call(path=f"{uid}/jinja/default", prompt=kernel(text, "default"), inputs={"name": "Bo"})
    assert r.logs[0].output == "mock response to: Hi Bo {% raw %}"
    # without template_language at all, too
    plain = {k: v for k, v in kernel(text).items() if k != "template_language"}
    r = hl.prompts.call(path=f"{uid}/jinja/none", prompt=plain, inputs={"name": "Bo"})
    assert r.logs[0].output == "mock response to: Hi Bo {% raw %}"


def test_agents_call_renders_jinja(hl: Driver, uid: str) -> None:
    agent = hl.agents.upsert(path=f"{uid}/jinja/agent", **kernel())
    res = hl.agents.call(id=agent.id, inputs=INPUTS)
    assert res.output == f"mock response to: {RENDERED}"


@pytest.mark.parametrize(
    "text, inputs, expected",
    [
        ("{% if %}", {}, "does not parse"),
        ("{{ x.__class__.__mro__ }}", {"x": 1}, "not allowed"),
        ("{{ 1 / n }}", {"n": 0}, "ZeroDivisionError"),
        ("{{ 'a' * 10**9 }}", {}, "longer than"),
        ("{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}", {}, "range()"),
        ("{{ user.missing }}", {"user": {}}, "has no attribute"),
    ],
)
def test_template_errors_are_422(
    http: httpx.Client, uid: str, text: str, inputs: Dict[str, Any], expected: str
) -> None:
    body = {"path": f"{uid}/jinja/bad", "prompt": kernel(text), "inputs": inputs}
    r = http.post("/prompts/call", json=body)
    assert r.status_code == 422, r.text
    (entry,) = r.json()["detail"]
    assert entry["type"] == "template_error" and expected in entry["msg"]
    assert http.get("/files", params={"name": uid}).json()["total"] == 0  # nothing stored


def test_missing_inputs_are_named_as_for_default_templates(hl: Driver, uid: str) -> None:
    with pytest.raises(ApiError) as err:
        hl.prompts.call(path=f"{uid}/jinja/missing", prompt=kernel("{{ b }} {{ a.x }} {% set c = 1 %}{{ c }}"))
    assert lc.status(err) == 422
    body = err.value.body
    detail: List[Dict[str, Any]] = (body.model_dump(mode="json") if hasattr(body, "model_dump") else body)["detail"]
    assert [d["loc"] for d in detail] == [["body", "inputs", "a"], ["body", "inputs", "b"]]


def test_orchestrated_evaluation_renders_jinja(hl: Driver, server: Server, uid: str) -> None:
    prompt = hl.prompts.upsert(
        path=f"{uid}/jinja/eval",
        model="mock-1",
        provider="mock",
        template=[{"role": "user", "content": "Q: {{ q | title }}{% if q | length > 20 %} (long){% endif %}"}],
        template_language="jinja",
    )
    ds = hl.datasets.upsert(
        path=f"{uid}/jinja/data",
        datapoints=[
            {"inputs": {"q": "capital of france"}, "target": {"output": "Paris"}},
            {"inputs": {"q": "the capital city of spain"}, "target": {"output": "Madrid"}},
        ],
    )
    ev = hl.evaluations.create(
        name="jinja",
        file={"id": prompt.id},
        dataset={"file_id": ds.id},
        evaluators=[{"path": "Example Evaluators/Code/Exact match"}],
        evaluatees=[{"version_id": prompt.version_id, "batch_id": "b"}],
    )
    stats = wait_completed(hl, server, ev.id)
    assert stats.status == "completed", stats.progress
    outputs = sorted(r.log.output for r in hl.evaluations.get_logs(id=ev.id).records if r.log is not None)
    assert outputs == [
        "mock response to: Q: Capital Of France",
        "mock response to: Q: The Capital City Of Spain (long)",
    ]
