"""prompts.* through the SDK (sync and async) against the real server."""

import datetime as dt

import pytest

from humanloop.core.api_error import ApiError

from . import sdk_lifecycle as lc
from .sdk_driver import Driver, driver_fixture

hl = driver_fixture()

SYSTEM = [
    {"role": "system", "content": "You are a support agent for {{product}}. Answer in {{language}}."},
    {"role": "user", "content": "{{question}}"},
]
A = {"model": "gpt-4o", "template": SYSTEM, "temperature": 0.2, "max_tokens": 256}
B = {"model": "gpt-4o", "template": SYSTEM, "temperature": 0.7, "max_tokens": 256}


def test_upsert_identity(hl: Driver, uid: str) -> None:
    lc.check_upsert_identity(hl, "prompts", f"{uid}/support/agent", A, B)


def test_version_identity_ignores_defaults(hl: Driver, uid: str) -> None:
    path = f"{uid}/support/defaults"
    bare = hl.prompts.upsert(path=path, model="gpt-4o-mini", template="Summarise {{ text }}")
    explicit = hl.prompts.upsert(
        path=path,
        model="gpt-4o-mini",
        template="Summarise {{ text }}",
        temperature=1.0,
        top_p=1,
        provider="openai",
        endpoint="chat",
        max_tokens=-1,
        presence_penalty=0,
        frequency_penalty=0,
        tools=[],
    )
    assert explicit.version_id == bare.version_id
    assert [i.name for i in bare.inputs] == ["text"]
    assert bare.temperature == 1 and bare.provider == "openai" and bare.endpoint == "chat"
    other_model = hl.prompts.upsert(path=path, model="gpt-4o", template="Summarise {{ text }}")
    assert other_model.version_id != bare.version_id


def test_commit_and_list_versions(hl: Driver, uid: str) -> None:
    lc.check_commit_and_versions(hl, "prompts", f"{uid}/support/commit", A, B)


def test_deployments_and_default_version(hl: Driver, uid: str) -> None:
    lc.check_deployments(hl, "prompts", f"{uid}/support/deploy", A, B)


def test_move_and_delete(hl: Driver, uid: str) -> None:
    lc.check_move_and_delete(hl, "prompts", uid, A)


def test_list_pages(hl: Driver, uid: str) -> None:
    lc.check_list_pager(hl, "prompts", uid, lambda i: {"model": "gpt-4o", "template": f"Variant {i}: {{{{q}}}}"})


def test_monitoring(hl: Driver, uid: str) -> None:
    lc.check_monitoring(hl, "prompts", uid, A)


def test_new_prompt_is_monitored_by_rating(hl: Driver, uid: str) -> None:
    p = hl.prompts.upsert(path=f"{uid}/support/rated", **A)
    monitors = {m.version.path: m for m in p.evaluators or []}
    assert "Example Evaluators/Human/rating" in monitors
    assert monitors["Example Evaluators/Human/rating"].state == "active"
    rating = monitors["Example Evaluators/Human/rating"].version
    off = hl.prompts.update_monitoring(id=p.id, deactivate=[{"evaluator_version_id": rating.version_id}])
    assert [m.state for m in off.evaluators or [] if m.version.id == rating.id] == ["inactive"]


def test_log_creates_versions_and_targets_them(hl: Driver, uid: str) -> None:
    path = f"{uid}/support/logged"
    first = hl.prompts.log(
        path=path,
        prompt=A,
        inputs={"product": "Acme", "language": "French", "question": "Reset password?"},
        output="Cliquez sur « Mot de passe oublié ».",
        prompt_tokens=42,
        output_tokens=9,
        messages=[{"role": "user", "content": "Reset password?"}],
        metadata={"ticket": "T-1001"},
    )
    assert first.id and first.prompt_id and first.version_id
    same = hl.prompts.log(path=path, prompt=A, inputs={"product": "Acme"}, output="ok")
    assert (same.prompt_id, same.version_id) == (first.prompt_id, first.version_id)
    newer = hl.prompts.log(path=path, prompt=B, output="other")
    assert newer.version_id != first.version_id
    # without details: the default version (nothing committed -> latest), or the one asked for
    plain = hl.prompts.log(id=first.prompt_id, output="plain")
    assert plain.version_id == newer.version_id
    pinned = hl.prompts.log(path=path, version_id=first.version_id, output="pinned")
    assert pinned.version_id == first.version_id
    with pytest.raises(ApiError) as err:
        hl.prompts.log(path=path, environment="production", output="nothing deployed")
    assert lc.status(err) == 404
    got = hl.prompts.get(id=first.prompt_id, version_id=first.version_id)
    assert got.version_logs_count == 3 and got.total_logs_count == 5
    log = hl.logs.get(id=first.id)
    assert log.prompt.id == first.prompt_id and log.prompt.version_id == first.version_id
    assert log.inputs["language"] == "French" and log.prompt_tokens == 42 and log.metadata == {"ticket": "T-1001"}
    assert log.messages[0].content == "Reset password?"


def test_log_to_unknown_path_without_details_is_404(hl: Driver, uid: str) -> None:
    with pytest.raises(ApiError) as err:
        hl.prompts.log(path=f"{uid}/support/never-created", output="x")
    assert lc.status(err) == 404
    assert hl.files.list(name=uid).records == []


def test_log_without_save_drops_payloads(hl: Driver, uid: str) -> None:
    log = hl.prompts.log(
        path=f"{uid}/support/private",
        prompt=A,
        save=False,
        output="secret answer",
        provider_request={"messages": ["pii"]},
        provider_response={"choices": ["pii"]},
    )
    got = hl.logs.get(id=log.id)
    assert got.provider_request is None and got.provider_response is None


def test_update_log(hl: Driver, uid: str) -> None:
    created = hl.prompts.log(path=f"{uid}/support/patched", prompt=A, inputs={"question": "Refund?"})
    start = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.timezone.utc)
    updated = hl.prompts.update_log(
        id=created.prompt_id,
        log_id=created.id,
        output="Refunds take 5 days.",
        output_tokens=5,
        metadata={"reviewed": True},
        start_time=start,
        end_time=start + dt.timedelta(seconds=2),
        finish_reason="stop",
        output_message={"role": "assistant", "content": "Refunds take 5 days."},
    )
    assert updated.id == created.id and updated.output == "Refunds take 5 days."
    got = hl.logs.get(id=created.id)
    assert got.output == "Refunds take 5 days." and got.output_tokens == 5 and got.metadata == {"reviewed": True}
    assert got.inputs == {"question": "Refund?"}  # untouched fields stay
    assert got.finish_reason == "stop" and got.output_message.content == "Refunds take 5 days."
    assert got.end_time - got.start_time == dt.timedelta(seconds=2)
    other = hl.prompts.upsert(path=f"{uid}/support/other", **B)
    with pytest.raises(ApiError) as err:
        hl.prompts.update_log(id=other.id, log_id=created.id, output="wrong file")
    assert lc.status(err) == 404
    with pytest.raises(ApiError) as err:
        hl.prompts.update_log(id=created.prompt_id, log_id="log_missing", output="x")
    assert lc.status(err) == 404


def test_log_targets_the_deployed_version(hl: Driver, uid: str) -> None:
    path = f"{uid}/support/deployed-log"
    a = hl.prompts.upsert(path=path, **A)
    b = hl.prompts.upsert(path=path, **B)
    prod = next(e for e in hl.prompts.list_environments(id=a.id) if e.name == "production")
    hl.prompts.set_deployment(id=a.id, environment_id=prod.id, version_id=a.version_id)
    assert hl.prompts.log(path=path, environment="production", output="x").version_id == a.version_id
    assert hl.prompts.log(path=path, output="x").version_id == a.version_id  # default: deployed
    assert hl.prompts.log(path=path, version_id=b.version_id, output="x").version_id == b.version_id
    tool = hl.tools.upsert(path=f"{uid}/support/lookup", function={"name": "lookup", "description": "d"})
    with pytest.raises(ApiError) as err:  # another file's version
        hl.tools.log(id=tool.id, version_id=b.version_id, output="x")
    assert lc.status(err) == 404


def test_path_conflicts(hl: Driver, uid: str) -> None:
    p = hl.prompts.upsert(path=f"{uid}/support/taken", **A)
    with pytest.raises(ApiError) as err:  # a file of another type lives there
        hl.tools.upsert(path=p.path, function={"name": "f", "description": "d"})
    assert lc.status(err) == 409
    with pytest.raises(ApiError) as err:  # a directory lives there
        hl.prompts.upsert(path=f"{uid}/support", **A)
    assert lc.status(err) == 409
