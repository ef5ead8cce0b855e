"""directories.* through the SDK (sync and async) against the real server."""

import pytest

from humanloop.core.api_error import ApiError

from . import sdk_lifecycle as lc
from .sdk_driver import Driver, driver_fixture

hl = driver_fixture()

PROMPT = {"model": "gpt-4o", "template": "Draft a reply to {{email}}"}


def test_create_get_and_list(hl: Driver, uid: str) -> None:
    team = hl.directories.create(path=f"{uid}/marketing/campaigns")
    assert team.path == f"{uid}/marketing/campaigns" and team.name == "campaigns" and team.id.startswith("dir_")
    by_path = {d.path: d for d in hl.directories.list()}
    assert by_path[f"{uid}/marketing"].id == team.parent_id
    assert by_path[uid].id == by_path[f"{uid}/marketing"].parent_id and by_path[uid].parent_id is None
    child = hl.directories.create(name="spring", parent_id=team.id)
    assert child.path == f"{uid}/marketing/campaigns/spring" and child.parent_id == team.id
    same = hl.directories.create(path=f"{uid}/marketing/campaigns")
    assert same.id == team.id
    p = hl.prompts.upsert(path=f"{uid}/marketing/campaigns/welcome-email", **PROMPT)
    ds = hl.datasets.upsert(path=f"{uid}/marketing/campaigns/examples", datapoints=[{"inputs": {"email": "hi"}}])
    got = hl.directories.get(id=team.id)
    assert [x.path for x in got.parents] == [uid, f"{uid}/marketing"]
    assert [x.id for x in got.subdirectories] == [child.id]
    assert [(f.name, f.id, f.version_id) for f in got.files] == [
        ("examples", ds.id, ds.version_id),
        ("welcome-email", p.id, p.version_id),
    ]
    assert {f.type for f in got.files} == {"prompt", "dataset"}
    with pytest.raises(ApiError) as err:
        hl.directories.get(id="dir_missing")
    assert lc.status(err) == 404
    with pytest.raises(ApiError) as err:
        hl.directories.create(path=f"{uid}/marketing/campaigns/welcome-email")  # a file lives there
    assert lc.status(err) == 409


def test_update_renames_and_moves_subtree(hl: Driver, uid: str) -> None:
    d = hl.directories.create(path=f"{uid}/drafts/q3")
    hl.directories.create(path=f"{uid}/drafts/q3/legal")
    p = hl.prompts.upsert(path=f"{uid}/drafts/q3/legal/nda-review", **PROMPT)
    renamed = hl.directories.update(id=d.id, name="q3-final")
    assert renamed.path == f"{uid}/drafts/q3-final" and renamed.id == d.id
    assert hl.prompts.get(id=p.id).path == f"{uid}/drafts/q3-final/legal/nda-review"
    target = hl.directories.create(path=f"{uid}/archive")
    moved = hl.directories.update(id=d.id, parent_id=target.id)
    assert moved.path == f"{uid}/archive/q3-final" and moved.parent_id == target.id
    assert hl.prompts.get(id=p.id).path == f"{uid}/archive/q3-final/legal/nda-review"
    by_path = hl.directories.update(id=d.id, path=f"{uid}/published/2024/q3")
    assert by_path.path == f"{uid}/published/2024/q3"
    paths = {x.path for x in hl.directories.list()}
    assert f"{uid}/published/2024/q3/legal" in paths and f"{uid}/archive/q3-final/legal" not in paths
    assert hl.prompts.get(id=p.id).path == f"{uid}/published/2024/q3/legal/nda-review"
    legal = next(x for x in hl.directories.list() if x.path == f"{uid}/published/2024/q3/legal")
    with pytest.raises(ApiError) as err:
        hl.directories.update(id=d.id, parent_id=legal.id)  # into itself
    assert lc.status(err) == 409
    with pytest.raises(ApiError) as err:
        hl.directories.update(id=d.id, path=f"{uid}/archive")  # taken
    assert lc.status(err) == 409


def test_rename_does_not_touch_lookalike_paths(hl: Driver, uid: str) -> None:
    """``_`` and ``%`` in a directory's path are literal characters, not LIKE wildcards."""
    d = hl.directories.create(path=f"{uid}/team_a")
    mine = hl.prompts.upsert(path=f"{uid}/team_a/bot", **PROMPT)
    lookalike = hl.prompts.upsert(path=f"{uid}/teamXa/bot", **PROMPT)
    pct = hl.directories.create(path=f"{uid}/100%")
    pct_file = hl.prompts.upsert(path=f"{uid}/100%/bot", **PROMPT)
    pct_lookalike = hl.prompts.upsert(path=f"{uid}/1000/bot", **PROMPT)
    hl.directories.update(id=d.id, name="team_b")
    hl.directories.update(id=pct.id, name="full")
    assert hl.prompts.get(id=mine.id).path == f"{uid}/team_b/bot"
    assert hl.prompts.get(id=lookalike.id).path == f"{uid}/teamXa/bot"
    assert hl.prompts.get(id=pct_file.id).path == f"{uid}/full/bot"
    assert hl.prompts.get(id=pct_lookalike.id).path == f"{uid}/1000/bot"
    paths = {x.path for x in hl.directories.list()}
    assert {f"{uid}/teamXa", f"{uid}/1000", f"{uid}/team_b", f"{uid}/full"} <= paths


def test_delete_only_when_empty(hl: Driver, uid: str) -> None:
    outer = hl.directories.create(path=f"{uid}/tmp")
    inner = hl.directories.create(path=f"{uid}/tmp/scratch")
    f = hl.tools.upsert(path=f"{uid}/tmp/scratch/calc", function={"name": "calc", "description": "adds"})
    for busy in (outer, inner):
        with pytest.raises(ApiError) as err:
            hl.directories.delete(id=busy.id)
        assert lc.status(err) == 409
    hl.tools.delete(id=f.id)
    with pytest.raises(ApiError) as err:
        hl.directories.delete(id=outer.id)  # still has a subdirectory
    assert lc.status(err) == 409
    assert hl.directories.delete(id=inner.id) is None
    assert hl.directories.delete(id=outer.id) is None
    with pytest.raises(ApiError) as err:
        hl.directories.get(id=outer.id)
    assert lc.status(err) == 404
    assert not {f"{uid}/tmp", f"{uid}/tmp/scratch"} & {x.path for x in hl.directories.list()}
