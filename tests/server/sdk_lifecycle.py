"""File lifecycle checks shared by the per-resource SDK tests (prompts, tools, evaluators, flows, datasets).

Each function takes a ``Driver`` (sync or async SDK), the resource name and two different kernels
(keyword arguments of ``upsert``) and checks the server's semantics through the SDK.
"""

from typing import Any, Dict

import pytest

from humanloop.core.api_error import ApiError

from .sdk_driver import Driver

Kernel = Dict[str, Any]

PYTHON_SPEC = {
    "arguments_type": "target_required",
    "return_type": "boolean",
    "evaluator_type": "python",
    "code": "def exact_match(log, testcase):\n    return log['output'] == testcase['target']['output']\n",
}


def status(exc: "pytest.ExceptionInfo[ApiError]") -> int:
    return int(exc.value.status_code or 0)


def check_upsert_identity(hl: Driver, res: str, path: str, a: Kernel, b: Kernel) -> None:
    r = getattr(hl, res)
    first = r.upsert(path=path, **a)
    assert first.path == path and first.status == "uncommitted"
    again = r.upsert(path=path, **a)
    assert (again.id, again.version_id) == (first.id, first.version_id)
    by_id = r.upsert(id=first.id, **a)
    assert by_id.version_id == first.version_id
    changed = r.upsert(path=path, **b)
    assert changed.id == first.id and changed.version_id != first.version_id
    # a commit message on content matching an uncommitted version commits that version
    committed = r.upsert(path=path, commit_message="first release", **a)
    assert committed.version_id == first.version_id and committed.status == "committed"
    assert committed.commit_message == "first release"
    # ... and on content matching a committed version returns it unchanged
    same = r.upsert(path=path, commit_message="other words", **a)
    assert same.version_id == first.version_id and same.commit_message == "first release"
    versions = r.list_versions(id=first.id).records
    assert sorted(v.version_id for v in versions) == sorted([first.version_id, changed.version_id])


def check_commit_and_versions(hl: Driver, res: str, path: str, a: Kernel, b: Kernel) -> None:
    r = getattr(hl, res)
    va = r.upsert(path=path, **a)
    vb = r.upsert(path=path, **b)
    done = r.commit(id=va.id, version_id=va.version_id, commit_message="reviewed")
    assert done.status == "committed" and done.commit_message == "reviewed" and done.version_id == va.version_id
    with pytest.raises(ApiError) as err:
        r.commit(id=va.id, version_id=va.version_id, commit_message="again")
    assert status(err) == 422
    assert "already been committed" in err.value.body["detail"]["description"]
    with pytest.raises(ApiError) as err:
        r.commit(id=va.id, version_id="no_such_version", commit_message="x")
    assert status(err) == 404
    committed = r.list_versions(id=va.id, status="committed").records
    uncommitted = r.list_versions(id=va.id, status="uncommitted").records
    assert [v.version_id for v in committed] == [va.version_id]
    assert [v.version_id for v in uncommitted] == [vb.version_id]
    assert all(v.status == "committed" for v in committed)
    assert r.list_versions(id=va.id, status="deleted").records == []
    every = r.list_versions(id=va.id).records
    assert [v.version_id for v in every] == [vb.version_id, va.version_id]  # newest first


def check_deployments(hl: Driver, res: str, path: str, a: Kernel, b: Kernel) -> None:
    r = getattr(hl, res)
    v1 = r.upsert(path=path, **a)
    assert r.get(id=v1.id).version_id == v1.version_id  # only version
    v2 = r.upsert(path=path, **b)
    assert r.get(id=v1.id).version_id == v2.version_id  # nothing committed: the latest
    r.commit(id=v1.id, version_id=v1.version_id, commit_message="stable")
    assert r.get(id=v1.id).version_id == v1.version_id  # latest committed beats newer uncommitted
    envs = r.list_environments(id=v1.id)
    prod = next(e for e in envs if e.name == "production")
    assert prod.tag == "default" and prod.file is None
    with pytest.raises(ApiError) as err:
        r.get(id=v1.id, environment="production")
    assert status(err) == 404
    deployed = r.set_deployment(id=v1.id, environment_id=prod.id, version_id=v2.version_id)
    assert deployed.version_id == v2.version_id
    assert [e.name for e in deployed.environments or []] == ["production"]
    prod = next(e for e in r.list_environments(id=v1.id) if e.name == "production")
    assert prod.file is not None and prod.file.version_id == v2.version_id
    assert r.get(id=v1.id).version_id == v2.version_id  # deployed beats latest committed
    assert r.get(id=v1.id, environment="production").version_id == v2.version_id
    assert r.get(id=v1.id, version_id=v1.version_id).version_id == v1.version_id
    # redeploying moves the deployment
    r.set_deployment(id=v1.id, environment_id=prod.id, version_id=v1.version_id)
    assert r.get(id=v1.id, environment="production").version_id == v1.version_id
    r.set_deployment(id=v1.id, environment_id=prod.id, version_id=v2.version_id)
    assert r.remove_deployment(id=v1.id, environment_id=prod.id) is None
    assert r.get(id=v1.id).version_id == v1.version_id
    assert next(e for e in r.list_environments(id=v1.id) if e.name == "production").file is None
    with pytest.raises(ApiError) as err:
        r.remove_deployment(id=v1.id, environment_id=prod.id)
    assert status(err) == 404
    with pytest.raises(ApiError) as err:
        r.set_deployment(id=v1.id, environment_id="env_missing", version_id=v1.version_id)
    assert status(err) == 404
    with pytest.raises(ApiError) as err:
        r.get(id=v1.id, version_id="no_such_version")
    assert status(err) == 404


def check_move_and_delete(hl: Driver, res: str, uid: str, a: Kernel) -> None:
    r = getattr(hl, res)
    f = r.upsert(path=f"{uid}/drafts/original", **a)
    moved = r.move(id=f.id, path=f"{uid}/released/v1/final")
    assert moved.path == f"{uid}/released/v1/final" and moved.name == "final"
    assert moved.version_id == f.version_id
    dirs = {d.path: d for d in hl.directories.list()}
    assert f"{uid}/released/v1" in dirs and f"{uid}/released" in dirs
    assert moved.directory_id == dirs[f"{uid}/released/v1"].id
    listing = hl.directories.get(id=dirs[f"{uid}/released/v1"].id)
    assert [x.id for x in listing.files] == [f.id]
    assert r.get(id=f.id).path == f"{uid}/released/v1/final"
    renamed = r.move(id=f.id, name="renamed")
    assert renamed.path == f"{uid}/released/v1/renamed"
    # the old path is free again; the new one is taken
    other = r.upsert(path=f"{uid}/drafts/original", **a)
    assert other.id != f.id
    with pytest.raises(ApiError) as err:
        r.move(id=other.id, path=f"{uid}/released/v1/renamed")
    assert status(err) == 409
    assert r.delete(id=f.id) is None
    with pytest.raises(ApiError) as err:
        r.get(id=f.id)
    assert status(err) == 404
    with pytest.raises(ApiError) as err:
        r.delete(id=f.id)
    assert status(err) == 404
    with pytest.raises(ApiError) as err:
        r.list_versions(id=f.id)
    assert status(err) == 404
    # the path can be used again, by a brand-new file
    reborn = r.upsert(path=f"{uid}/released/v1/renamed", **a)
    assert reborn.id != f.id and reborn.status == "uncommitted"


def check_list_pager(hl: Driver, res: str, uid: str, make: Any) -> None:
    """``make(i)`` gives the upsert kwargs of the i-th file; 7 files, pages of 3."""
    r = getattr(hl, res)
    created = [r.upsert(path=f"{uid}/listing/{uid}-item-{i}", **make(i)) for i in range(7)]
    before = len(hl.requests)
    pager = r.list(size=3, name=uid.upper(), sort_by="name", order="asc")
    pages = list(pager.iter_pages())
    assert [len(p.items) for p in pages] == [3, 3, 1]
    assert all(p.response.total == 7 for p in pages)
    assert [p.response.page for p in pages] == [1, 2, 3]
    assert len(hl.requests) - before == 3  # no request for an empty page past the end
    names = [x.name for p in pages for x in p.items]
    assert names == [f"{uid}-item-{i}" for i in range(7)]
    assert [x.name for x in r.list(size=3, name=uid, sort_by="name", order="desc")] == names[::-1]
    default = r.list(name=uid)
    assert default.response.size == 10 and len(default.items) == 7
    assert {x.id for x in default} == {c.id for c in created}
    assert r.list(name=uid, page=4, size=3).items == []  # past the end: empty page, not an error


def check_monitoring(hl: Driver, res: str, uid: str, a: Kernel) -> None:
    r = getattr(hl, res)
    f = r.upsert(path=f"{uid}/monitored/file", **a)
    judge = hl.evaluators.upsert(path=f"{uid}/monitored/exact", spec=PYTHON_SPEC, commit_message="v1")
    start = [m.version.id for m in (f.evaluators or [])]
    assert judge.id not in start
    on = r.update_monitoring(id=f.id, activate=[{"evaluator_version_id": judge.version_id}])
    mine = [m for m in on.evaluators or [] if m.version.id == judge.id]
    assert len(mine) == 1 and mine[0].state == "active"
    assert mine[0].version.version_id == judge.version_id
    assert mine[0].version_reference.type == "version"
    again = r.get(id=f.id)
    assert [m.state for m in again.evaluators or [] if m.version.id == judge.id] == ["active"]
    off = r.update_monitoring(id=f.id, deactivate=[{"evaluator_version_id": judge.version_id}])
    assert [m.state for m in off.evaluators or [] if m.version.id == judge.id] == ["inactive"]
    # activation through an environment follows the evaluator's deployed version
    prod = next(e for e in hl.evaluators.list_environments(id=judge.id) if e.name == "production")
    hl.evaluators.set_deployment(id=judge.id, environment_id=prod.id, version_id=judge.version_id)
    env_on = r.update_monitoring(id=f.id, activate=[{"evaluator_id": judge.id, "environment_id": prod.id}])
    mine = [m for m in env_on.evaluators or [] if m.version.id == judge.id]
    assert len(mine) == 1 and mine[0].state == "active" and mine[0].version_reference.type == "environment"
    with pytest.raises(ApiError) as err:
        r.update_monitoring(id=f.id, activate=[{"evaluator_version_id": "evv_missing"}])
    assert status(err) == 404
