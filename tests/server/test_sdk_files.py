"""files.list through the SDK (sync and async)."""

import pytest

from humanloop.core.api_error import ApiError

from . import sdk_lifecycle as lc
from .sdk_driver import Driver, driver_fixture

hl = driver_fixture()


def _make_all(hl: Driver, uid: str) -> dict:
    return {
        "prompt": hl.prompts.upsert(path=f"{uid}/kb/{uid}-prompt", model="gpt-4o", template="Q: {{q}}"),
        "tool": hl.tools.upsert(path=f"{uid}/kb/{uid}-tool", function={"name": "lookup", "description": "kb"}),
        "dataset": hl.datasets.upsert(path=f"{uid}/kb/{uid}-dataset", datapoints=[{"inputs": {"q": "why"}}]),
        "evaluator": hl.evaluators.upsert(path=f"{uid}/kb/{uid}-evaluator", spec=lc.PYTHON_SPEC),
        "flow": hl.flows.upsert(path=f"{uid}/kb/{uid}-flow", attributes={"steps": 2}),
    }


def test_list_type_filter(hl: Driver, uid: str) -> None:
    made = _make_all(hl, uid)
    everything = hl.files.list(name=uid, size=100)
    assert everything.total == 5 and {f.id for f in everything.records} == {m.id for m in made.values()}
    for kind, f in made.items():
        only = hl.files.list(name=uid, type=kind)
        assert [(x.id, x.type) for x in only.records] == [(f.id, kind)] and only.total == 1
    two = hl.files.list(name=uid, type=["prompt", "flow"], sort_by="name", order="asc")
    assert [x.type for x in two.records] == ["flow", "prompt"] and two.total == 2
    assert hl.files.list(name=uid.upper()).total == 5
    page = hl.files.list(name=uid, size=2, page=3, sort_by="name", order="asc")
    assert [x.type for x in page.records] == ["tool"] and (page.page, page.size, page.total) == (3, 2, 5)
    assert hl.files.list(name=uid, size=2, page=4).records == []


def test_list_environment_filter(hl: Driver, uid: str) -> None:
    made = _make_all(hl, uid)
    assert hl.files.list(name=uid, environment="production").total == 0
    newer_prompt = hl.prompts.upsert(path=made["prompt"].path, model="gpt-4o", template="Question: {{q}}")
    prod = next(e for e in hl.prompts.list_environments(id=made["prompt"].id) if e.name == "production")
    hl.prompts.set_deployment(id=made["prompt"].id, environment_id=prod.id, version_id=made["prompt"].version_id)
    hl.flows.set_deployment(id=made["flow"].id, environment_id=prod.id, version_id=made["flow"].version_id)
    deployed = hl.files.list(name=uid, environment="production", size=100)
    assert deployed.total == 2
    versions = {x.id: x.version_id for x in deployed.records}
    # the record shows the version deployed there, not the newest one
    assert versions == {made["prompt"].id: made["prompt"].version_id, made["flow"].id: made["flow"].version_id}
    assert newer_prompt.version_id != made["prompt"].version_id
    assert hl.files.list(name=uid, environment="production", type="flow").total == 1
    with pytest.raises(ApiError) as err:
        hl.files.list(name=uid, environment="no-such-environment")
    assert lc.status(err) == 404
