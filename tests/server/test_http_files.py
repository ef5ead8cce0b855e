"""Files, versions, commits, deployments, directories, pagination and access, over raw HTTP."""

import httpx

from .conftest import Server


def _prompt(path: str, **kw: object) -> dict:
    body = {"path": path, "model": "gpt-4o", "template": [{"role": "system", "content": "Answer {{question}}"}]}
    body.update(kw)
    return body


def test_missing_and_wrong_api_key_get_401(server: Server) -> None:
    r = httpx.get(server.base_url + "/prompts")
    assert r.status_code == 401
    assert isinstance(r.json()["detail"], str)
    with server.client(key="not-a-key") as c:
        r = c.get("/prompts")
        assert r.status_code == 401
        assert "detail" in r.json()
        r = c.post("/prompts/log", json={"path": "x"}, headers={"Idempotency-Key": "abc"})
        assert r.status_code == 401


def test_identical_upserts_give_one_version(http: httpx.Client, uid: str) -> None:
    a = http.post("/prompts", json=_prompt(f"{uid}/p")).json()
    # defaults given explicitly, keys in another order: still the same version
    b = http.post("/prompts", json={**_prompt(f"{uid}/p"), "temperature": 1, "max_tokens": -1}).json()
    assert a["version_id"] == b["version_id"]
    assert a["id"] == b["id"] and a["id"].startswith("pr_") and a["version_id"].startswith("prv_")
    assert a["inputs"] == [{"name": "question"}]
    c = http.post("/prompts", json=_prompt(f"{uid}/p", temperature=0.2)).json()
    assert c["version_id"] != a["version_id"]
    versions = http.get(f"/prompts/{a['id']}/versions").json()["records"]
    assert sorted(v["version_id"] for v in versions) == sorted({a["version_id"], c["version_id"]})


def test_commit_semantics(http: httpx.Client, uid: str) -> None:
    v1 = http.post("/tools", json={"path": f"{uid}/t", "function": {"name": "f", "description": "d"}}).json()
    assert v1["status"] == "uncommitted"
    assert v1["id"].startswith("tl_") and v1["version_id"].startswith("tv_")
    r = http.post(f"/tools/{v1['id']}/versions/{v1['version_id']}/commit", json={"commit_message": "first"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "committed" and r.json()["commit_message"] == "first"
    r = http.post(f"/tools/{v1['id']}/versions/{v1['version_id']}/commit", json={"commit_message": "again"})
    assert r.status_code == 422
    assert "already been committed" in r.json()["detail"]["description"]
    v2 = http.post(
        "/tools", json={"path": f"{uid}/t", "function": {"name": "g", "description": "d"}, "commit_message": "m2"}
    ).json()
    assert v2["status"] == "committed"
    v3 = http.post("/tools", json={"path": f"{uid}/t", "function": {"name": "h", "description": "d"}}).json()
    committed = http.get(f"/tools/{v1['id']}/versions", params={"status": "committed"}).json()["records"]
    assert {v["version_id"] for v in committed} == {v1["version_id"], v2["version_id"]}
    uncommitted = http.get(f"/tools/{v1['id']}/versions", params={"status": "uncommitted"}).json()["records"]
    assert [v["version_id"] for v in uncommitted] == [v3["version_id"]]


def test_deployment_and_fallback_resolution(http: httpx.Client, uid: str) -> None:
    path = f"{uid}/deploy"
    v1 = http.post("/prompts", json=_prompt(path, temperature=0.1)).json()
    pid = v1["id"]
    # only uncommitted versions: the latest one
    v2 = http.post("/prompts", json=_prompt(path, temperature=0.2)).json()
    assert http.get(f"/prompts/{pid}").json()["version_id"] == v2["version_id"]
    # a committed version wins over a newer uncommitted one
    http.post(f"/prompts/{pid}/versions/{v1['version_id']}/commit", json={"commit_message": "c1"})
    v3 = http.post("/prompts", json=_prompt(path, temperature=0.3)).json()
    assert http.get(f"/prompts/{pid}").json()["version_id"] == v1["version_id"]
    # a deployment to the default environment wins over everything
    envs = http.get(f"/prompts/{pid}/environments").json()
    prod = next(e for e in envs if e["name"] == "production")
    assert prod["tag"] == "default" and prod["file"] is None
    r = http.post(f"/prompts/{pid}/environments/{prod['id']}", params={"version_id": v3["version_id"]})
    assert r.status_code == 200, r.text
    got = http.get(f"/prompts/{pid}").json()
    assert got["version_id"] == v3["version_id"]
    assert [e["name"] for e in got["environments"]] == ["production"]
    assert http.get(f"/prompts/{pid}", params={"environment": "production"}).json()["version_id"] == v3["version_id"]
    assert http.get(f"/prompts/{pid}", params={"version_id": v2["version_id"]}).json()["version_id"] == v2["version_id"]
    envs = http.get(f"/prompts/{pid}/environments").json()
    assert next(e for e in envs if e["name"] == "production")["file"]["version_id"] == v3["version_id"]
    # a log without version goes to the resolved version
    log = http.post("/prompts/log", json={"path": path, "output": "o"}).json()
    assert log["version_id"] == v3["version_id"]
    assert http.get(f"/prompts/{pid}", params={"environment": "nope"}).status_code == 404
    r = http.delete(f"/prompts/{pid}/environments/{prod['id']}")
    assert r.status_code == 204
    assert http.get(f"/prompts/{pid}").json()["version_id"] == v1["version_id"]
    assert http.get(f"/prompts/{pid}", params={"environment": "production"}).status_code == 404


def test_move_and_delete(http: httpx.Client, uid: str) -> None:
    f = http.post("/flows", json={"path": f"{uid}/a/flow", "attributes": {"k": 1}}).json()
    assert f["id"].startswith("fl_")
    moved = http.patch(f"/flows/{f['id']}", json={"path": f"{uid}/b/renamed"}).json()
    assert moved["path"] == f"{uid}/b/renamed" and moved["name"] == "renamed"
    renamed = http.patch(f"/flows/{f['id']}", json={"name": "again"}).json()
    assert renamed["path"] == f"{uid}/b/again"
    other = http.post("/flows", json={"path": f"{uid}/b/other", "attributes": {}}).json()
    assert http.patch(f"/flows/{other['id']}", json={"name": "again"}).status_code == 409
    assert http.delete(f"/flows/{f['id']}").status_code == 204
    assert http.get(f"/flows/{f['id']}").status_code == 404


def test_directories_are_created_from_paths(http: httpx.Client, uid: str) -> None:
    p = http.post("/prompts", json=_prompt(f"{uid}/team/sub/p")).json()
    dirs = {d["path"]: d for d in http.get("/directories").json()}
    assert {uid, f"{uid}/team", f"{uid}/team/sub"} <= set(dirs)
    sub = dirs[f"{uid}/team/sub"]
    assert p["directory_id"] == sub["id"]
    assert sub["parent_id"] == dirs[f"{uid}/team"]["id"]
    got = http.get(f"/directories/{sub['id']}").json()
    assert [x["path"] for x in got["parents"]] == [uid, f"{uid}/team"]
    assert [f["id"] for f in got["files"]] == [p["id"]]
    assert got["files"][0]["version_id"] == p["version_id"]
    team = http.get(f"/directories/{dirs[f'{uid}/team']['id']}").json()
    assert [d["path"] for d in team["subdirectories"]] == [f"{uid}/team/sub"]
    # not empty -> refused
    assert http.delete(f"/directories/{sub['id']}").status_code == 409
    created = http.post("/directories", json={"path": f"{uid}/empty/leaf"})
    assert created.status_code == 201 and created.json()["id"].startswith("dir_")
    assert http.delete(f"/directories/{created.json()['id']}").status_code == 204
    assert http.get(f"/directories/{created.json()['id']}").status_code == 404
    # rename a directory: the files below move with it
    r = http.patch(f"/directories/{dirs[f'{uid}/team']['id']}", json={"name": "crew"})
    assert r.status_code == 200 and r.json()["path"] == f"{uid}/crew"
    assert http.get(f"/prompts/{p['id']}").json()["path"] == f"{uid}/crew/sub/p"


def test_pagination_totals_and_filters(http: httpx.Client, uid: str) -> None:
    for i in range(12):
        http.post("/prompts", json=_prompt(f"{uid}/pg/Item{i:02d}"))
    http.post("/tools", json={"path": f"{uid}/pg/ItemTool", "function": {"name": "f", "description": "d"}})
    name = "item"  # case-insensitive, and only this test's files contain uid in their path, so filter by name + dir
    pages = []
    for page in (1, 2, 3, 4):
        body = http.get(
            "/prompts", params={"name": name, "size": 5, "page": page, "sort_by": "name", "order": "asc"}
        ).json()
        pages.append(body)
    mine = [r for p in pages for r in p["records"] if r["path"].startswith(f"{uid}/")]
    assert len(mine) == 12
    assert pages[0]["total"] >= 12 and pages[0]["size"] == 5 and pages[0]["page"] == 1
    total = pages[0]["total"]
    far = http.get("/prompts", params={"name": name, "size": 5, "page": total // 5 + 2}).json()
    assert far["records"] == [] and far["total"] == total
    files = http.get("/files", params={"name": "ItemTool", "type": ["tool"], "size": 100}).json()
    assert any(r["path"] == f"{uid}/pg/ItemTool" for r in files["records"])
    assert all(r["type"] == "tool" for r in files["records"])
    both = http.get("/files", params={"name": "item", "type": ["tool", "prompt"], "size": 100}).json()
    assert {r["type"] for r in both["records"] if r["path"].startswith(f"{uid}/")} == {"tool", "prompt"}


def test_files_environment_filter(http: httpx.Client, uid: str) -> None:
    a = http.post("/prompts", json=_prompt(f"{uid}/envf/deployed")).json()
    http.post("/prompts", json=_prompt(f"{uid}/envf/not-deployed"))
    envs = http.get(f"/prompts/{a['id']}/environments").json()
    prod = next(e for e in envs if e["name"] == "production")
    http.post(f"/prompts/{a['id']}/environments/{prod['id']}", params={"version_id": a["version_id"]})
    got = http.get("/files", params={"environment": "production", "size": 100, "name": "deployed"}).json()
    paths = {r["path"] for r in got["records"]}
    assert f"{uid}/envf/deployed" in paths and f"{uid}/envf/not-deployed" not in paths


def test_other_organisation_sees_404(server: Server, http: httpx.Client, uid: str) -> None:
    p = http.post("/prompts", json=_prompt(f"{uid}/private")).json()
    log = http.post("/prompts/log", json={"path": f"{uid}/private", "output": "x"}).json()
    ds = http.post("/datasets", json={"path": f"{uid}/ds", "datapoints": [{"inputs": {"a": "1"}}]}).json()
    with server.client(key=server.other_key) as other:
        assert other.get(f"/prompts/{p['id']}").status_code == 404
        assert other.get(f"/logs/{log['id']}").status_code == 404
        assert other.get("/logs", params={"file_id": p["id"]}).status_code == 404
        assert other.get(f"/datasets/{ds['id']}/datapoints").status_code == 404
        assert other.delete(f"/prompts/{p['id']}").status_code == 404
        assert other.delete("/logs", params={"id": [log["id"]]}).status_code == 404
        assert other.patch(f"/prompts/{p['id']}", json={"name": "stolen"}).status_code == 404
        assert all(r["id"] != p["id"] for r in other.get("/prompts", params={"size": 100}).json()["records"])
        # same path in another organisation is another file
        mine = other.post("/prompts", json=_prompt(f"{uid}/private")).json()
        assert mine["id"] != p["id"]
    assert http.get(f"/prompts/{p['id']}").json()["name"] == "private"


def test_bad_bodies_get_422_with_loc(http: httpx.Client) -> None:
    r = http.post("/prompts", json={"path": "x/y"})
    assert r.status_code == 422
    assert any(d["loc"][-1] == "model" for d in r.json()["detail"])
    r = http.post("/evaluators/log", json={"path": "Example Evaluators/Human/rating", "judgment": "good"})
    assert r.status_code == 422
    assert any(d["loc"] == ["body", "parent_id"] for d in r.json()["detail"])
    r = http.get("/prompts", params={"page": 0})
    assert r.status_code == 422


def test_seeded_example_evaluators(http: httpx.Client) -> None:
    got = http.get("/evaluators", params={"size": 100}).json()["records"]
    by_path = {e["path"]: e for e in got}
    for rel in ("Code/Exact match", "Code/Levenshtein distance", "Code/Latency"):
        spec = by_path[f"Example Evaluators/{rel}"]["spec"]
        assert spec["evaluator_type"] == "python" and "def " in spec["code"]
    rating = by_path["Example Evaluators/Human/rating"]["spec"]
    assert rating["evaluator_type"] == "human"
    assert [(o["name"], o["valence"]) for o in rating["options"]] == [("good", "positive"), ("bad", "negative")]
    envs = http.get(f"/evaluators/{by_path['Example Evaluators/Code/Latency']['id']}/environments").json()
    assert [(e["name"], e["tag"]) for e in envs] == [("production", "default")]


def test_seeded_code_evaluators_work() -> None:
    from humanloop_server.services.seed import EXAMPLE_EVALUATORS

    def run(code: str, *args: object) -> object:
        ns: dict = {}
        exec(compile(code, "<evaluator>", "exec"), ns)  # noqa: S102 - our own seed code
        fns = [
            v for k, v in ns.items() if callable(v) and not k.startswith("_") and getattr(v, "__module__", None) is None
        ]
        return fns[-1](*args)

    specs = dict(EXAMPLE_EVALUATORS)
    assert run(specs["Code/Exact match"]["code"], {"output": " Paris "}, {"target": {"output": "Paris"}}) is True
    assert run(specs["Code/Exact match"]["code"], {"output": "Rome"}, {"target": {"output": "Paris"}}) is False
    assert run(specs["Code/Levenshtein distance"]["code"], {"output": "kitten"}, {"target": {"output": "sitting"}}) == 3
    assert (
        run(specs["Code/Latency"]["code"], {"start_time": "2024-01-01T00:00:00Z", "end_time": "2024-01-01T00:00:02.5Z"})
        == 2.5
    )
    assert run(specs["Code/Latency"]["code"], {"provider_latency": 0.7}) == 0.7


def test_monitoring_activation_is_stored(http: httpx.Client, uid: str) -> None:
    p = http.post("/prompts", json=_prompt(f"{uid}/monitored")).json()
    # the seeded human rating evaluator is attached to every new prompt
    attached = {m["version"]["path"]: m["state"] for m in p["evaluators"]}
    assert attached == {"Example Evaluators/Human/rating": "active"}
    ev = http.post(
        "/evaluators",
        json={
            "path": f"{uid}/judge",
            "spec": {"evaluator_type": "external", "arguments_type": "target_free", "return_type": "boolean"},
        },
    ).json()
    r = http.post(f"/prompts/{p['id']}/evaluators", json={"activate": [{"evaluator_version_id": ev["version_id"]}]})
    assert r.status_code == 200, r.text
    states = {
        m["version_reference"]["version"]["id"]: m["state"]
        for m in r.json()["evaluators"]
        if m["version_reference"]["type"] == "version"
    }
    assert states[ev["id"]] == "active"
    r = http.post(f"/prompts/{p['id']}/evaluators", json={"deactivate": [{"evaluator_version_id": ev["version_id"]}]})
    got = http.get(f"/prompts/{p['id']}").json()
    assert {m["version"]["id"]: m["state"] for m in got["evaluators"]}[ev["id"]] == "inactive"
    r = http.post(f"/prompts/{p['id']}/evaluators", json={"activate": [{"evaluator_version_id": "evv_missing"}]})
    assert r.status_code == 404


def test_listings_show_each_files_own_monitors(http: httpx.Client, uid: str) -> None:
    """files.list and directories.get read a monitor shared by the Files of a page once; each File
    still lists exactly its own monitors, with their own states."""
    a = http.post("/prompts", json=_prompt(f"{uid}/listed/a")).json()
    b = http.post("/prompts", json=_prompt(f"{uid}/listed/b")).json()
    ev = http.post(
        "/evaluators",
        json={
            "path": f"{uid}/listed-judge",
            "spec": {"evaluator_type": "external", "arguments_type": "target_free", "return_type": "boolean"},
        },
    ).json()
    r = http.post(f"/prompts/{a['id']}/evaluators", json={"activate": [{"evaluator_version_id": ev["version_id"]}]})
    assert r.status_code == 200, r.text
    r = http.post(f"/prompts/{b['id']}/evaluators", json={"deactivate": [{"evaluator_version_id": ev["version_id"]}]})
    expected = {
        a["id"]: {"Example Evaluators/Human/rating": "active", f"{uid}/listed-judge": "active"},
        b["id"]: {"Example Evaluators/Human/rating": "active"},
    }
    listed = http.get("/files", params={"path": f"{uid}/listed", "size": 10}).json()["records"]
    directory = http.get(f"/directories/{a['directory_id']}").json()["files"]
    for records in (listed, directory):
        got = {f["id"]: {m["version"]["path"]: m["state"] for m in f["evaluators"]} for f in records}
        assert got == expected
        # the shared rating Evaluator's body is whole in each File's entry
        bodies = [m["version"] for f in records for m in f["evaluators"] if m["version"]["name"] == "rating"]
        assert len(bodies) == 2 and bodies[0] == bodies[1] and bodies[0]["path"] == "Example Evaluators/Human/rating"
