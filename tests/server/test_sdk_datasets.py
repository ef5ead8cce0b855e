"""datasets.* through the SDK (sync and async) against the real server."""

import pytest

from humanloop.core.api_error import ApiError

from . import sdk_lifecycle as lc
from .sdk_driver import Driver, driver_fixture

hl = driver_fixture()


def qa(question: str, answer: str) -> dict:
    return {"inputs": {"question": question}, "target": {"output": answer}}


CAPITALS = [qa("Capital of France?", "Paris"), qa("Capital of Japan?", "Tokyo"), qa("Capital of Peru?", "Lima")]
A = {"datapoints": CAPITALS}
B = {"datapoints": CAPITALS + [qa("Capital of Kenya?", "Nairobi")]}


def questions(points: list) -> list:
    return [p.inputs["question"] for p in points]


def test_upsert_identity(hl: Driver, uid: str) -> None:
    lc.check_upsert_identity(hl, "datasets", f"{uid}/data/capitals", A, B)
    # order does not make a new version
    ds = hl.datasets.upsert(path=f"{uid}/data/capitals", **A)
    shuffled = hl.datasets.upsert(path=f"{uid}/data/capitals", datapoints=CAPITALS[::-1])
    assert shuffled.version_id == ds.version_id


def test_commit_and_list_versions(hl: Driver, uid: str) -> None:
    lc.check_commit_and_versions(hl, "datasets", f"{uid}/data/commit", A, B)


def test_deployments_and_default_version(hl: Driver, uid: str) -> None:
    lc.check_deployments(hl, "datasets", f"{uid}/data/deploy", A, B)


def test_move_and_delete(hl: Driver, uid: str) -> None:
    lc.check_move_and_delete(hl, "datasets", uid, A)


def test_list_pages(hl: Driver, uid: str) -> None:
    lc.check_list_pager(hl, "datasets", uid, lambda i: {"datapoints": [qa(f"Question {i}?", str(i))]})


def test_actions_set_add_remove(hl: Driver, uid: str) -> None:
    path = f"{uid}/data/actions"
    base = hl.datasets.upsert(path=path, datapoints=CAPITALS, commit_message="three capitals")
    assert base.datapoints_count == 3 and base.status == "committed"
    added = hl.datasets.upsert(id=base.id, action="add", datapoints=[qa("Capital of Chile?", "Santiago"), CAPITALS[0]])
    assert added.datapoints_count == 4 and added.version_id != base.version_id
    full = hl.datasets.get(id=base.id, version_id=added.version_id, include_datapoints=True)
    assert questions(full.datapoints) == [
        "Capital of France?",
        "Capital of Japan?",
        "Capital of Peru?",
        "Capital of Chile?",
    ]
    # identical datapoints keep their id across versions
    before = {p.inputs["question"]: p.id for p in hl.datasets.get(id=base.id, include_datapoints=True).datapoints}
    after = {p.inputs["question"]: p.id for p in full.datapoints}
    assert all(after[q] == before[q] for q in before)
    assert all(p.id.startswith("dp_") for p in full.datapoints)
    # remove works on the version named in the query
    removed = hl.datasets.upsert(id=base.id, version_id=added.version_id, action="remove", datapoints=[CAPITALS[1]])
    got = hl.datasets.get(id=base.id, version_id=removed.version_id, include_datapoints=True)
    assert questions(got.datapoints) == ["Capital of France?", "Capital of Peru?", "Capital of Chile?"]
    # add without a version query builds on the default version (the committed one)
    default_add = hl.datasets.upsert(id=base.id, action="add", datapoints=[qa("Capital of Chile?", "Santiago")])
    assert default_add.version_id == added.version_id
    # set replaces everything
    replaced = hl.datasets.upsert(id=base.id, action="set", datapoints=[qa("Capital of Italy?", "Rome")])
    assert replaced.datapoints_count == 1
    # get without include_datapoints leaves them out
    assert hl.datasets.get(id=base.id, version_id=replaced.version_id).datapoints is None


def test_dedupe_and_dedupe_id(hl: Driver, uid: str) -> None:
    same = qa("Translate 'hello' to Spanish", "hola")
    ds = hl.datasets.upsert(path=f"{uid}/data/dedupe", datapoints=[same, same, same])
    assert ds.datapoints_count == 1
    kept = [{**same, "inputs": {**same["inputs"], "_dedupe_id": str(i)}} for i in range(3)]
    ds2 = hl.datasets.upsert(id=ds.id, datapoints=kept)
    assert ds2.datapoints_count == 3
    points = hl.datasets.get(id=ds.id, version_id=ds2.version_id, include_datapoints=True).datapoints
    assert sorted(p.inputs["_dedupe_id"] for p in points) == ["0", "1", "2"]
    assert len({p.id for p in points}) == 3


def test_list_datapoints_pages(hl: Driver, uid: str) -> None:
    rows = [{"inputs": {"n": str(i)}, "target": {"output": str(i * i)}} for i in range(57)]
    ds = hl.datasets.upsert(path=f"{uid}/data/squares", datapoints=rows)
    before = len(hl.requests)
    pages = list(hl.datasets.list_datapoints(id=ds.id).iter_pages())
    assert [len(p.items) for p in pages] == [50, 7]
    assert [(p.response.page, p.response.size, p.response.total) for p in pages] == [(1, 50, 57), (2, 50, 57)]
    assert len(hl.requests) - before == 2  # no empty page fetched
    small = list(hl.datasets.list_datapoints(id=ds.id, size=20))
    assert [p.inputs["n"] for p in small] == [str(i) for i in range(57)]
    exact = list(hl.datasets.list_datapoints(id=ds.id, size=19).iter_pages())
    assert [len(p.items) for p in exact] == [19, 19, 19]
    other = hl.datasets.upsert(id=ds.id, action="add", datapoints=[{"inputs": {"n": "57"}}])
    assert hl.datasets.list_datapoints(id=ds.id, version_id=ds.version_id).response.total == 57
    assert hl.datasets.list_datapoints(id=ds.id, version_id=other.version_id).response.total == 58
    with pytest.raises(ApiError) as err:
        hl.datasets.list_datapoints(id=ds.id, environment="production")
    assert lc.status(err) == 404


def test_upload_csv(hl: Driver, uid: str) -> None:
    ds = hl.datasets.upsert(path=f"{uid}/data/support", datapoints=[qa("Where is my order?", "Check tracking")])
    csv = (
        b"question,language,target,messages\n"
        b'How do I reset my password?,en,Use the reset link,"[{""role"": ""user"", ""content"": ""hi""}]"\n'
        b'Wie storniere ich?,de,"{""output"": ""Im Konto"", ""label"": ""cancel""}",\n'
        b"Where is my order?,,,\n"
    )
    up = hl.datasets.upload_csv(id=ds.id, file=("faq.csv", csv, "text/csv"), commit_message="FAQ import")
    assert up.status == "committed" and up.commit_message == "FAQ import"
    assert up.version_id != ds.version_id and up.datapoints_count == 4
    points = hl.datasets.get(id=ds.id, version_id=up.version_id, include_datapoints=True).datapoints
    assert points[0].inputs == {"question": "Where is my order?"}  # the base version comes first
    reset, storno, order = points[1:]
    assert reset.inputs == {"question": "How do I reset my password?", "language": "en"}
    assert reset.target == {"output": "Use the reset link"}
    assert [m.content for m in reset.messages] == ["hi"]
    assert storno.target == {"output": "Im Konto", "label": "cancel"}
    assert order.inputs == {"question": "Where is my order?", "language": ""} and order.target is None
    # the committed upload is now the default version
    assert hl.datasets.get(id=ds.id).version_id == up.version_id
    with pytest.raises(ApiError) as err:
        hl.datasets.upload_csv(id=ds.id, file=("bad.csv", b"\xff\xfe\x00bad", "text/csv"), commit_message="x")
    assert lc.status(err) == 422


def test_environment_as_base_version(hl: Driver, uid: str) -> None:
    ds = hl.datasets.upsert(path=f"{uid}/data/env", datapoints=[{"inputs": {"a": "1"}}, {"inputs": {"a": "2"}}])
    prod = next(e for e in hl.datasets.list_environments(id=ds.id) if e.name == "production")
    hl.datasets.set_deployment(id=ds.id, environment_id=prod.id, version_id=ds.version_id)
    newer = hl.datasets.upsert(id=ds.id, datapoints=[{"inputs": {"a": "9"}}])
    removed = hl.datasets.upsert(
        id=ds.id, environment="production", action="remove", datapoints=[{"inputs": {"a": "1"}}]
    )
    got = hl.datasets.get(id=ds.id, version_id=removed.version_id, include_datapoints=True).datapoints
    assert [p.inputs["a"] for p in got] == ["2"]
    assert [p.inputs["a"] for p in hl.datasets.list_datapoints(id=ds.id, environment="production")] == ["1", "2"]
    up = hl.datasets.upload_csv(
        id=ds.id, version_id=newer.version_id, file=("more.csv", b"a\n3\n", "text/csv"), commit_message="more"
    )
    got = hl.datasets.get(id=ds.id, version_id=up.version_id, include_datapoints=True).datapoints
    assert [p.inputs["a"] for p in got] == ["9", "3"]
