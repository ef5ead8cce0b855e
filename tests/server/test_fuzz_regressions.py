"""Regressions for server errors found by the schemathesis run (test_fuzz.py), over raw HTTP."""

import httpx
import pytest

HUGE = 2**63  # one past the largest 64-bit integer a SQLite/PostgreSQL LIMIT or OFFSET takes


@pytest.mark.parametrize("what", ["prompts", "tools", "flows", "evaluators", "datasets", "files", "logs", "datapoints"])
def test_huge_page_and_size_are_a_page_not_a_500(http: httpx.Client, uid: str, what: str) -> None:
    prompt = http.post("/prompts", json={"path": f"{uid}/p", "model": "gpt-4o", "template": "t"}).json()
    http.post("/prompts/log", json={"path": f"{uid}/p", "output": "o"}).raise_for_status()
    ds = http.post("/datasets", json={"path": f"{uid}/d", "datapoints": [{"inputs": {"a": "1"}}]}).json()
    path, extra = f"/{what}", {}
    if what == "logs":
        extra = {"file_id": prompt["id"]}
    elif what == "datapoints":
        path = f"/datasets/{ds['id']}/datapoints"
    for params in ({"page": HUGE}, {"size": HUGE}, {"page": HUGE, "size": HUGE}, {"page": 2, "size": HUGE}):
        r = http.get(path, params={**params, **extra})
        assert r.status_code == 200, (params, r.text)
        body = r.json()
        assert body["page"] == params.get("page", 1)
        if "size" in params:
            assert body["size"] == params["size"]
        if params.get("page", 1) > 1:
            assert body["records"] == []
    everything = http.get(path, params={"size": HUGE, **extra}).json()
    assert len(everything["records"]) == everything["total"]
    if what in ("prompts", "files", "logs", "datasets", "datapoints"):
        assert everything["total"] >= 1


def _is_422_at(r: httpx.Response, loc: list) -> bool:
    return r.status_code == 422 and any(e.get("loc") == loc for e in r.json()["detail"])


def test_nul_characters_are_422_not_a_database_error(http: httpx.Client, uid: str) -> None:
    # PostgreSQL text cannot hold U+0000; every backend answers 422 with the offending location
    r = http.post("/prompts/log", json={"path": f"{uid}/p", "prompt": {"model": "gpt-4o"}, "output": "a\x00b"})
    assert _is_422_at(r, ["body", "output"]), r.text
    r = http.post(
        "/prompts", json={"path": f"{uid}/p", "model": "gpt-4o", "template": "t", "attributes": {"k\x00": "v"}}
    )
    assert r.status_code == 422, r.text
    p = http.post("/prompts", json={"path": f"{uid}/p", "model": "gpt-4o", "template": "t"}).json()
    r = http.post(f"/prompts/{p['id']}/versions/{p['version_id']}/commit", json={"commit_message": "m\x00"})
    assert _is_422_at(r, ["body", "commit_message"]), r.text
    assert _is_422_at(http.get("/prompts/pr_%00x"), ["path", "id"])
    assert _is_422_at(http.get("/prompts", params={"name": "\x00"}), ["query", "name"])
    ds = http.post("/datasets", json={"path": f"{uid}/d", "datapoints": [{"inputs": {"a": "1"}}]}).json()
    r = http.post(
        f"/datasets/{ds['id']}/datapoints/csv",
        files={"file": ("d.csv", b"a\nx\x00y\n", "text/csv")},
        data={"commit_message": "c"},
    )
    assert r.status_code == 422, r.text
    r = http.post(
        f"/datasets/{ds['id']}/datapoints/csv",
        files={"file": ("d.csv", b"a\nxy\n", "text/csv")},
        data={"commit_message": "c\x00"},
    )
    assert _is_422_at(r, ["body", "commit_message"]), r.text
    # nothing was stored on the way
    assert http.get(f"/prompts/{p['id']}").json()["version_id"] == p["version_id"]


def test_token_counts_beyond_the_integer_column_are_422(http: httpx.Client, uid: str) -> None:
    body = {"path": f"{uid}/p", "prompt": {"model": "gpt-4o"}, "output": "o"}
    for field in ("prompt_tokens", "output_tokens"):
        for value in (2**31, -(2**31) - 1, 2**70):
            r = http.post("/prompts/log", json={**body, field: value})
            assert _is_422_at(r, ["body", field]), (field, value, r.text)
    ok = http.post("/prompts/log", json={**body, "prompt_tokens": 2**31 - 1, "output_tokens": 0})
    assert ok.status_code == 200, ok.text
    log = ok.json()
    r = http.patch(f"/prompts/{log['prompt_id']}/log/{log['id']}", json={"output_tokens": 2**40})
    assert _is_422_at(r, ["body", "output_tokens"]), r.text
    assert http.get(f"/logs/{log['id']}").json()["prompt_tokens"] == 2**31 - 1
