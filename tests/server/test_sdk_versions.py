"""Version names and version management of the 0.8.38 API (sync and async SDK, SQLite and PostgreSQL).

Covers `version_name` / `version_description` on upserts next to 0.8.6's `commit_message`, the 409
on a duplicate name, `PATCH` and `DELETE /{kind}s/{id}/versions/{version_id}` for every kind, the
File fields `description` / `readme` / `tags`, and that another organisation gets 404.
"""

from typing import Any, Callable, Dict, Tuple

import pytest
from sqlalchemy import select

from humanloop.core.api_error import ApiError
from humanloop_server.db.models import File, Log, Version

from .conftest import Server
from .sdk_driver import Driver, driver_fixture

hl = driver_fixture()


def _flow(n: int) -> Dict[str, Any]:
    return {"attributes": {"n": n}}


def _prompt(n: int) -> Dict[str, Any]:
    return {"model": "gpt-4o", "provider": "mock", "template": f"Say {n} about {{{{topic}}}}"}


def _tool(n: int) -> Dict[str, Any]:
    return {"function": {"name": f"lookup_{n}", "description": "looks up", "parameters": {"type": "object"}}}


def _evaluator(n: int) -> Dict[str, Any]:
    return {
        "spec": {
            "arguments_type": "target_free",
            "return_type": "boolean",
            "evaluator_type": "python",
            "code": f"def check(log):\n    return len(log['output'] or '') > {n}\n",
        }
    }


def _agent(n: int) -> Dict[str, Any]:
    return {"model": f"m-{n}", "provider": "mock", "template": [{"role": "user", "content": "{{q}}"}]}


def _dataset(n: int) -> Dict[str, Any]:
    return {"datapoints": [{"inputs": {"q": f"question {n}"}, "target": {"a": str(n)}}]}


#: resource, content builder, name of the PATCH method
KINDS: Dict[str, Tuple[Callable[[int], Dict[str, Any]], str]] = {
    "prompts": (_prompt, "patch_prompt_version"),
    "tools": (_tool, "update_tool_version"),
    "flows": (_flow, "update_flow_version"),
    "evaluators": (_evaluator, "update_evaluator_version"),
    "datasets": (_dataset, "update_dataset_version"),
    "agents": (_agent, "patch_agent_version"),
}
DELETE = {
    "prompts": "delete_prompt_version",
    "tools": "delete_tool_version",
    "flows": "delete_flow_version",
    "evaluators": "delete_evaluator_version",
    "datasets": "delete_dataset_version",
}


def _status(exc: pytest.ExceptionInfo[ApiError]) -> int:
    return int(exc.value.status_code or 0)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_version_names_per_kind(hl: Driver, uid: str, kind: str) -> None:
    content, patch = KINDS[kind]
    res = getattr(hl, kind)
    path = f"{uid}/{kind}/named"
    v1 = res.upsert(path=path, version_name="v1", version_description="first", **content(1))
    assert (v1.version_name, v1.version_description) == ("v1", "first")
    # 0.8.6 reads the same data: the description is the commit message, a named version is committed
    assert getattr(v1, "commit_message", "first") == "first" and v1.status == "committed"  # Agents: no field
    # the same content with the same name is the same version
    again = res.upsert(path=path, version_name="v1", **content(1))
    assert again.version_id == v1.version_id and again.version_description == "first"
    # a duplicate name on other content is 409, and no version was made
    with pytest.raises(ApiError) as dup:
        res.upsert(path=path, version_name="v1", **content(2))
    assert _status(dup) == 409 and "v1" in str(dup.value.body)
    assert len(res.list_versions(id=v1.id).records) == 1
    # the same content under another name is 409 too (rename it instead)
    with pytest.raises(ApiError) as renamed:
        res.upsert(path=path, version_name="other", **content(1))
    assert _status(renamed) == 409
    v2 = res.upsert(path=path, **content(2))
    assert v2.version_name is None and v2.status == "uncommitted"
    # PATCH names and describes a version; a name in use is 409
    with pytest.raises(ApiError) as taken:
        getattr(res, patch)(id=v1.id, version_id=v2.version_id, name="v1")
    assert _status(taken) == 409
    named = getattr(res, patch)(id=v1.id, version_id=v2.version_id, name="v2", description="second")
    assert (named.version_id, named.version_name, named.version_description) == (v2.version_id, "v2", "second")
    assert named.status == "committed"
    got = res.get(id=v1.id, version_id=v2.version_id)
    assert (got.version_name, got.version_description) == ("v2", "second")
    assert getattr(got, "commit_message", "second") == "second"
    # only the description changes: the name stays
    described = getattr(res, patch)(id=v1.id, version_id=v2.version_id, description="second, reworded")
    assert (described.version_name, described.version_description) == ("v2", "second, reworded")
    with pytest.raises(ApiError) as missing:
        getattr(res, patch)(id=v1.id, version_id="xx_unknown", name="v9")
    assert _status(missing) == 404


@pytest.mark.parametrize(
    "kind", sorted(DELETE)
)  # Agents delete versions their own way (tests/server/test_sdk_agents.py)
def test_delete_version_per_kind(hl: Driver, server: Server, uid: str, kind: str) -> None:
    content, _ = KINDS[kind]
    res = getattr(hl, kind)
    path = f"{uid}/{kind}/deleted"
    v1 = res.upsert(path=path, version_name="keep", **content(1))
    v2 = res.upsert(path=path, version_name="drop", **content(2))
    env = next(e for e in res.list_environments(id=v1.id) if e.name == "production")
    res.set_deployment(id=v1.id, environment_id=env.id, version_id=v1.version_id)
    # a deployed version cannot be deleted
    with pytest.raises(ApiError) as deployed:
        getattr(res, DELETE[kind])(id=v1.id, version_id=v1.version_id)
    assert _status(deployed) == 409 and "production" in str(deployed.value.body)
    getattr(res, DELETE[kind])(id=v1.id, version_id=v2.version_id)
    listed = [v.version_id for v in res.list_versions(id=v1.id).records]
    assert listed == [v1.version_id]
    with pytest.raises(ApiError) as gone:
        res.get(id=v1.id, version_id=v2.version_id)
    assert _status(gone) == 404
    with pytest.raises(ApiError) as twice:
        getattr(res, DELETE[kind])(id=v1.id, version_id=v2.version_id)
    assert _status(twice) == 404
    # the name of a deleted version is free again
    v3 = res.upsert(path=path, version_name="drop", **content(3))
    assert v3.version_name == "drop" and v3.version_id != v2.version_id
    # another organisation sees none of it
    other = Driver(hl.mode, server, api_key=server.other_key)
    try:
        with pytest.raises(ApiError) as foreign:
            getattr(getattr(other, kind), DELETE[kind])(id=v1.id, version_id=v3.version_id)
        assert _status(foreign) == 404
        with pytest.raises(ApiError) as foreign_patch:
            getattr(getattr(other, kind), KINDS[kind][1])(id=v1.id, version_id=v3.version_id, name="x")
        assert _status(foreign_patch) == 404
    finally:
        other.close()
    assert res.get(id=v1.id, version_id=v3.version_id).version_name == "drop"


def test_commit_and_version_name_read_alike(hl: Driver, uid: str) -> None:
    path = f"{uid}/prompts/eras"
    # 0.8.6: upsert with a commit message -> committed, its message is the version's description
    old = hl.prompts.upsert(path=path, commit_message="from 0.8.6", **_prompt(1))
    assert (old.status, old.commit_message, old.version_description) == ("committed", "from 0.8.6", "from 0.8.6")
    assert old.version_name is None
    # 0.8.6 commit of an uncommitted version sets the description too
    fresh = hl.prompts.upsert(path=path, **_prompt(2))
    committed = hl.prompts.commit(id=fresh.id, version_id=fresh.version_id, commit_message="later")
    assert (committed.status, committed.version_description) == ("committed", "later")
    # committing it twice is still 0.8.6's 422
    with pytest.raises(ApiError) as twice:
        hl.prompts.commit(id=fresh.id, version_id=fresh.version_id, commit_message="again")
    assert _status(twice) == 422 and "already been committed" in str(twice.value.body)
    # naming an existing unnamed version through upsert adds the name, keeps the description
    named = hl.prompts.upsert(path=path, version_name="one", version_description="ignored", **_prompt(1))
    assert (named.version_id, named.version_name, named.version_description) == (
        old.version_id,
        "one",
        "from 0.8.6",
    )


def test_file_description_readme_tags(hl: Driver, uid: str) -> None:
    path = f"{uid}/prompts/described"
    p = hl.prompts.upsert(
        path=path, description="Answers questions", readme="# Notes", tags=["qa", "beta"], **_prompt(1)
    )
    assert (p.description, p.readme, p.tags) == ("Answers questions", "# Notes", ["qa", "beta"])
    # a later upsert without them keeps them; they belong to the File, not the version
    p2 = hl.prompts.upsert(path=path, **_prompt(2))
    assert (p2.description, p2.readme, p2.tags) == ("Answers questions", "# Notes", ["qa", "beta"])
    assert hl.prompts.get(id=p.id, version_id=p.version_id).tags == ["qa", "beta"]
    assert p2.schema_ is None and p2.raw_file_content is None
    t = hl.tools.upsert(path=f"{uid}/tools/plain", **_tool(1))
    assert t.tags == [] and t.description is None
    d = hl.directories.get(id=p.directory_id)
    assert d.tags == [] and d.description is None and d.readme is None


def test_agent_notes_are_stored_in_the_columns_of_every_kind(hl: Driver, server: Server, uid: str) -> None:
    path = f"{uid}/agents/described"
    a1 = hl.agents.upsert(
        path=path,
        description="Answers questions",
        readme="# Notes",
        tags=["qa"],
        version_name="v1",
        version_description="first",
        **_agent(1),
    )
    a2 = hl.agents.upsert(path=path, **_agent(2))
    # as for Prompts: description, readme and tags are the File's, kept by an upsert that omits them
    assert (a2.description, a2.readme, a2.tags, a2.version_name, a2.status) == (
        "Answers questions",
        "# Notes",
        ["qa"],
        None,
        "uncommitted",
    )
    again = hl.agents.upsert(path=path, tags=["qa", "v2"], **_agent(2))
    assert hl.agents.get(id=a1.id, version_id=a1.version_id).tags == ["qa", "v2"] and again.version_id == a2.version_id
    log = hl.agents.log(id=a1.id, version_id=a1.version_id, output="x", log_status="incomplete")
    hl.agents.update_log(id=a1.id, log_id=log.id, log_status="complete")
    with server.runtime.db.read() as s:
        v1 = s.get(Version, a1.version_id)
        f = s.get(File, a1.id)
        assert v1 is not None and f is not None
        assert (v1.version_name, v1.commit_message, v1.status) == ("v1", "first", "committed")
        assert (f.description, f.readme, f.tags) == ("Answers questions", "# Notes", ["qa", "v2"])
        # log_status is the trace_status column of every kind
        assert s.execute(select(Log.trace_status).where(Log.id == log.id)).scalar_one() == "complete"
    assert hl.logs.get(id=log.id).log_status == "complete"


def test_bad_version_names(hl: Driver, uid: str) -> None:
    path = f"{uid}/flows/bad"
    with pytest.raises(ApiError) as long_name:
        hl.flows.upsert(path=path, version_name="n" * 256, **_flow(1))
    assert _status(long_name) == 422
    f = hl.flows.upsert(path=path, **_flow(1))
    with pytest.raises(ApiError) as empty:
        hl.flows.update_flow_version(id=f.id, version_id=f.version_id, name="  ")
    assert _status(empty) == 422
    with pytest.raises(ApiError) as nul:
        hl.flows.update_flow_version(id=f.id, version_id=f.version_id, description="a\x00b")
    assert _status(nul) == 422


def test_new_kernel_and_request_fields_are_stored(hl: Driver, uid: str) -> None:
    path = f"{uid}/prompts/reasoning"
    plain = hl.prompts.upsert(path=path, **_prompt(1))
    assert plain.reasoning_effort is None and plain.template_language is None
    low = hl.prompts.upsert(path=path, reasoning_effort="low", template_language="default", **_prompt(1))
    assert low.version_id != plain.version_id  # they are settings of the version
    assert (low.reasoning_effort, low.template_language) == ("low", "default")
    budget = hl.prompts.upsert(path=path, reasoning_effort=1024, **_prompt(1))
    assert hl.prompts.get(id=plain.id, version_id=budget.version_id).reasoning_effort == 1024
    assert hl.prompts.upsert(path=path, **_prompt(1)).version_id == plain.version_id
    # thinking blocks on chat messages are kept as sent
    thinking = [
        {"type": "thinking", "thinking": "Two plus two.", "signature": "sig"},
        {"type": "redacted_thinking", "data": "xyz"},
    ]
    log = hl.prompts.log(
        path=path,
        output="4",
        messages=[{"role": "user", "content": "2+2?"}],
        output_message={"role": "assistant", "content": "4", "thinking": thinking},
    )
    stored = hl.logs.get(id=log.id).output_message
    assert [t.type for t in stored.thinking] == ["thinking", "redacted_thinking"]
    assert stored.thinking[0].signature == "sig"
    # evaluator specs of every kind take options, number limits and valence
    ev = hl.evaluators.upsert(
        path=f"{uid}/evaluators/graded",
        spec={
            "evaluator_type": "python",
            "arguments_type": "target_free",
            "return_type": "number",
            "code": "def score(log):\n    return 3\n",
            "number_limits": {"min": 0, "max": 5, "step": 1},
            "number_valence": "positive",
            "options": [{"name": "good", "valence": "positive"}],
        },
    )
    assert ev.spec.number_limits.max == 5 and ev.spec.number_valence == "positive"
    assert ev.spec.options[0].name == "good"
    # a provider this server cannot call is 422, before anything is stored
    with pytest.raises(ApiError) as unsupported:
        hl.prompts.call(
            path=f"{uid}/prompts/deep",
            prompt={"model": "command-r", "provider": "cohere"},
            provider_api_keys={"cohere": "sk-x"},
        )
    assert _status(unsupported) == 422


def test_dataset_list_versions_include_datapoints(hl: Driver, uid: str) -> None:
    path = f"{uid}/datasets/listed"
    committed = hl.datasets.upsert(path=path, version_name="one", **_dataset(1))
    saved = hl.datasets.upsert(path=path, **_dataset(2))
    plain = hl.datasets.list_versions(id=committed.id)
    assert [v.datapoints for v in plain.records] == [None, None]
    latest = {
        v.version_id: v for v in hl.datasets.list_versions(id=committed.id, include_datapoints="latest_saved").records
    }
    assert [d.inputs for d in latest[saved.version_id].datapoints] == [{"q": "question 2"}]
    assert latest[committed.version_id].datapoints is None
    by_commit = {
        v.version_id: v
        for v in hl.datasets.list_versions(id=committed.id, include_datapoints="latest_committed").records
    }
    assert [d.inputs for d in by_commit[committed.version_id].datapoints] == [{"q": "question 1"}]
    assert by_commit[saved.version_id].datapoints is None
    with pytest.raises(ApiError) as bad:
        hl.datasets.list_versions(id=committed.id, include_datapoints="everything")
    assert _status(bad) == 422
