"""tools.* through the SDK (sync and async) against the real server."""

import pytest

from humanloop.core.api_error import ApiError

from . import sdk_lifecycle as lc
from .sdk_driver import Driver, driver_fixture

hl = driver_fixture()

WEATHER = {
    "name": "get_weather",
    "description": "Current weather for a city",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string"}, "unit": {"type": "string", "enum": ["c", "f"]}},
        "required": ["city"],
    },
}
A = {"function": WEATHER}
B = {"function": {**WEATHER, "description": "Current weather and forecast for a city"}}


def test_upsert_identity(hl: Driver, uid: str) -> None:
    lc.check_upsert_identity(hl, "tools", f"{uid}/tools/weather", A, B)
    t = hl.tools.get(id=hl.tools.upsert(path=f"{uid}/tools/weather", **A).id)
    assert t.function.name == "get_weather" and t.function.parameters["required"] == ["city"]


def test_commit_and_list_versions(hl: Driver, uid: str) -> None:
    lc.check_commit_and_versions(hl, "tools", f"{uid}/tools/commit", A, B)


def test_deployments_and_default_version(hl: Driver, uid: str) -> None:
    lc.check_deployments(hl, "tools", f"{uid}/tools/deploy", A, B)


def test_move_and_delete(hl: Driver, uid: str) -> None:
    lc.check_move_and_delete(hl, "tools", uid, A)


def test_list_pages(hl: Driver, uid: str) -> None:
    lc.check_list_pager(hl, "tools", uid, lambda i: {"function": {"name": f"lookup_{i}", "description": "d"}})


def test_monitoring(hl: Driver, uid: str) -> None:
    lc.check_monitoring(hl, "tools", uid, A)


def test_log_and_update(hl: Driver, uid: str) -> None:
    path = f"{uid}/tools/logged"
    first = hl.tools.log(path=path, tool=A, inputs={"city": "Lisbon"}, output='{"temp_c": 21}')
    assert first.tool_id and first.version_id
    same = hl.tools.log(path=path, tool=A, inputs={"city": "Porto"}, output='{"temp_c": 18}')
    assert (same.tool_id, same.version_id) == (first.tool_id, first.version_id)
    plain = hl.tools.log(id=first.tool_id, inputs={"city": "Faro"}, output='{"temp_c": 25}')
    assert plain.version_id == first.version_id
    # a Tool at an unknown path is created even without details
    bare = hl.tools.log(path=f"{uid}/tools/adhoc", output="ran")
    assert bare.tool_id != first.tool_id
    assert hl.tools.get(id=bare.tool_id).path == f"{uid}/tools/adhoc"
    updated = hl.tools.update(
        id=first.tool_id,
        log_id=first.id,
        output='{"temp_c": 22}',
        error=None,
        metadata={"source": "cache"},
        stdout="fetched",
    )
    assert updated.output == '{"temp_c": 22}'
    got = hl.logs.get(id=first.id)
    assert got.tool.id == first.tool_id and got.output == '{"temp_c": 22}' and got.metadata == {"source": "cache"}
    assert got.stdout == "fetched" and got.inputs == {"city": "Lisbon"}
    with pytest.raises(ApiError) as err:
        hl.tools.update(id=bare.tool_id, log_id=first.id, output="wrong tool")
    assert lc.status(err) == 404
    assert hl.tools.get(id=first.tool_id).total_logs_count == 3
