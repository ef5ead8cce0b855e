"""Logs, traces, datasets, idempotency and concurrency, over raw HTTP."""

import datetime as dt
import json
import socket
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import List
from urllib.parse import urlparse

import httpx

from .conftest import Server

PROMPT = {"model": "gpt-4o", "template": "Say {{word}}"}


def test_trace_nesting_widening_and_completion(http: httpx.Client, uid: str) -> None:
    t0 = dt.datetime(2024, 5, 1, 12, 0, 0, tzinfo=dt.timezone.utc)
    flow = http.post(
        "/flows/log",
        json={
            "path": f"{uid}/flow",
            "flow": {"attributes": {"v": 1}},
            "inputs": {"q": "hi"},
            "start_time": (t0 + dt.timedelta(seconds=10)).isoformat(),
            "end_time": (t0 + dt.timedelta(seconds=11)).isoformat(),
        },
    )
    assert flow.status_code == 200, flow.text
    flow = flow.json()
    assert flow["trace_status"] == "incomplete" and flow["flow_id"].startswith("fl_")
    prompt_log = http.post(
        "/prompts/log",
        json={
            "path": f"{uid}/prompt",
            "prompt": PROMPT,
            "trace_parent_id": flow["id"],
            "output": "a",
            "start_time": t0.isoformat(),
            "end_time": (t0 + dt.timedelta(seconds=5)).isoformat(),
        },
    ).json()
    tool_log = http.post(
        "/tools/log",
        json={
            "path": f"{uid}/tool",
            "tool": {"function": {"name": "lookup", "description": "d"}},
            "trace_parent_id": prompt_log["id"],
            "output": "b",
            "start_time": (t0 + dt.timedelta(seconds=1)).isoformat(),
            "end_time": (t0 + dt.timedelta(seconds=30)).isoformat(),
        },
    )
    assert tool_log.status_code == 200, tool_log.text
    tool_log = tool_log.json()
    got = http.get(f"/logs/{flow['id']}").json()
    assert got["start_time"].startswith("2024-05-01T12:00:00")
    assert got["end_time"].startswith("2024-05-01T12:00:30")
    assert [c["id"] for c in got["trace_children"]] == [prompt_log["id"]]
    assert [c["id"] for c in got["trace_children"][0]["trace_children"]] == [tool_log["id"]]
    child = http.get(f"/logs/{tool_log['id']}").json()
    assert child["trace_id"] == flow["id"] and child["trace_flow_id"] == flow["flow_id"]
    assert child["tool"]["id"] == tool_log["tool_id"]

    done = http.patch(f"/flows/logs/{flow['id']}", json={"trace_status": "complete", "output": "final"})
    assert done.status_code == 200, done.text
    assert done.json()["trace_status"] == "complete" and done.json()["output"] == "final"
    late = http.post("/prompts/log", json={"path": f"{uid}/prompt", "trace_parent_id": tool_log["id"], "output": "x"})
    assert 400 <= late.status_code < 500
    late = http.post("/flows/log", json={"path": f"{uid}/flow", "trace_parent_id": flow["id"]})
    assert 400 <= late.status_code < 500
    reopen = http.patch(f"/flows/logs/{flow['id']}", json={"trace_status": "incomplete"})
    assert 400 <= reopen.status_code < 500
    # judgments are still welcome on logs of a completed trace
    r = http.post(
        "/evaluators/log",
        json={"path": "Example Evaluators/Human/rating", "parent_id": prompt_log["id"], "judgment": "good"},
    )
    assert r.status_code == 200, r.text
    assert http.post("/prompts/log", json={"path": f"{uid}/prompt", "trace_parent_id": "log_nope"}).status_code == 404


def test_client_supplied_flow_log_id(http: httpx.Client, uid: str) -> None:
    lid = f"mine_{uid}"
    r = http.post("/flows/log", json={"path": f"{uid}/f", "log_id": lid, "trace_status": "complete", "output": "o"})
    assert r.status_code == 200 and r.json()["id"] == lid and r.json()["trace_status"] == "complete"
    assert http.post("/flows/log", json={"path": f"{uid}/f", "log_id": lid}).status_code == 409


def test_evaluator_log_and_logs_listing_filters(http: httpx.Client, uid: str) -> None:
    path = f"{uid}/p"
    v1 = http.post("/prompts", json={"path": path, **PROMPT, "commit_message": "c"}).json()
    early = http.post(
        "/prompts/log",
        json={
            "path": path,
            "inputs": {"word": "apple"},
            "output": "Apple pie",
            "metadata": {"customer": "acme"},
            "created_at": "2024-01-01T00:00:00Z",
        },
    ).json()
    v2 = http.post("/prompts", json={"path": path, **PROMPT, "temperature": 0.5}).json()
    late = http.post(
        "/prompts/log",
        params={"version_id": v2["version_id"]},
        json={"path": path, "inputs": {"word": "pear"}, "output": "Pear", "metadata": {"customer": "globex"}},
    ).json()
    assert early["version_id"] == v1["version_id"] and late["version_id"] == v2["version_id"]
    judged = http.post(
        "/evaluators/log",
        json={
            "path": f"{uid}/ev",
            "parent_id": early["id"],
            "judgment": True,
            "spec": {"evaluator_type": "external", "arguments_type": "target_free", "return_type": "boolean"},
        },
    )
    assert judged.status_code == 200, judged.text
    assert judged.json()["parent_id"] == early["id"] and judged.json()["version_id"].startswith("evv_")
    full = http.get(f"/logs/{early['id']}").json()
    assert full["prompt"]["id"] == v1["id"]
    assert [e["judgment"] for e in full["evaluator_logs"]] == [True]
    ev_log = http.get(f"/logs/{judged.json()['id']}").json()
    assert ev_log["parent_id"] == early["id"] and ev_log["evaluator"]["path"] == f"{uid}/ev"

    def ids(**params: object) -> List[str]:
        body = http.get("/logs", params={"file_id": v1["id"], "size": 50, **params}).json()
        return [r["id"] for r in body["records"]]

    assert ids() == [late["id"], early["id"]]  # newest first
    assert ids(version_id=v2["version_id"]) == [late["id"]]
    assert ids(version_status="committed") == [early["id"]]
    assert ids(search="apple") == [early["id"]]
    assert ids(metadata_search="globex") == [late["id"]]
    assert ids(start_date="2024-06-01T00:00:00Z") == [late["id"]]
    assert ids(end_date="2024-06-01T00:00:00Z") == [early["id"]]
    updated = http.patch(f"/prompts/{v1['id']}/log/{late['id']}", json={"output": "Pear tart"})
    assert updated.status_code == 200 and updated.json()["output"] == "Pear tart"
    assert http.get(f"/prompts/{v1['id']}").json()["total_logs_count"] == 2
    r = http.delete("/logs", params={"id": [early["id"], late["id"]]})
    assert r.status_code == 204
    assert ids() == []
    assert http.get(f"/logs/{judged.json()['id']}").status_code == 404


def test_log_to_new_path_creates_file_and_version(http: httpx.Client, uid: str) -> None:
    r = http.post("/prompts/log", json={"path": f"{uid}/auto/new", "prompt": PROMPT, "output": "o"})
    assert r.status_code == 200, r.text
    p = http.get(f"/prompts/{r.json()['prompt_id']}").json()
    assert p["path"] == f"{uid}/auto/new" and p["version_id"] == r.json()["version_id"]
    assert p["status"] == "uncommitted" and p["version_logs_count"] == 1
    again = http.post("/prompts/log", json={"path": f"{uid}/auto/new", "prompt": PROMPT}).json()
    assert again["version_id"] == r.json()["version_id"]
    # without details a new path cannot become a prompt
    assert http.post("/prompts/log", json={"path": f"{uid}/auto/unknown"}).status_code == 404


def test_log_with_details_finds_its_version_or_falls_back(http: httpx.Client, uid: str) -> None:
    """A Log with Prompt details finds its File and version in one query; every case it does not
    cover still goes the long way: a new kernel, a deleted version, a File of another type."""
    first = http.post("/prompts/log", json={"path": f"{uid}/fast/p", "prompt": PROMPT}).json()
    # the same details at the same path written another way: the same version
    same = http.post("/prompts/log", json={"path": f" {uid}//fast/p/ ", "prompt": PROMPT}).json()
    assert (same["prompt_id"], same["version_id"]) == (first["prompt_id"], first["version_id"])
    other = http.post("/prompts/log", json={"path": f"{uid}/fast/p", "prompt": {**PROMPT, "temperature": 0.3}})
    assert other.json()["prompt_id"] == first["prompt_id"] and other.json()["version_id"] != first["version_id"]
    # a deleted version comes back when its content is logged again
    gone = http.delete(f"/prompts/{first['prompt_id']}/versions/{first['version_id']}")
    assert gone.status_code in (200, 204), gone.text
    back = http.post("/prompts/log", json={"path": f"{uid}/fast/p", "prompt": PROMPT}).json()
    assert back["version_id"] == first["version_id"]
    versions = http.get(f"/prompts/{first['prompt_id']}/versions").json()["records"]
    assert first["version_id"] in [v["version_id"] for v in versions]
    # a Tool at the path: 409, whatever the version lookup found
    tool = http.post(
        "/tools/log", json={"path": f"{uid}/fast/t", "tool": {"function": {"name": "f", "description": "d"}}}
    )
    assert tool.status_code == 200, tool.text
    clash = http.post("/prompts/log", json={"path": f"{uid}/fast/t", "prompt": PROMPT})
    assert clash.status_code == 409 and "is a tool" in clash.json()["detail"]


def test_dataset_actions_and_dedupe(http: httpx.Client, uid: str) -> None:
    dp = [
        {"inputs": {"q": "a"}, "target": {"output": "A"}},
        {"inputs": {"q": "b"}},
        {"inputs": {"q": "a"}, "target": {"output": "A"}},
    ]
    d1 = http.post("/datasets", json={"path": f"{uid}/ds", "datapoints": dp}).json()
    assert d1["id"].startswith("ds_") and d1["version_id"].startswith("dsv_")
    assert d1["datapoints_count"] == 2
    same = http.post("/datasets", json={"path": f"{uid}/ds", "datapoints": list(reversed(dp))}).json()
    assert same["version_id"] == d1["version_id"]
    added = http.post(
        "/datasets",
        json={"path": f"{uid}/ds", "action": "add", "datapoints": [{"inputs": {"q": "b"}}, {"inputs": {"q": "c"}}]},
    ).json()
    assert added["datapoints_count"] == 3 and added["version_id"] != d1["version_id"]
    removed = http.post(
        "/datasets",
        json={"path": f"{uid}/ds", "action": "remove", "datapoints": [{"inputs": {"q": "b"}}]},
        params={"version_id": added["version_id"]},
    ).json()
    assert removed["datapoints_count"] == 2
    dupes = http.post(
        "/datasets",
        json={
            "path": f"{uid}/ds",
            "datapoints": [{"inputs": {"q": "z", "_dedupe_id": "1"}}, {"inputs": {"q": "z", "_dedupe_id": "2"}}],
        },
    ).json()
    assert dupes["datapoints_count"] == 2
    with_dp = http.get(
        f"/datasets/{d1['id']}", params={"version_id": added["version_id"], "include_datapoints": True}
    ).json()
    assert [d["inputs"]["q"] for d in with_dp["datapoints"]] == ["a", "b", "c"]
    assert with_dp["datapoints"][0]["target"] == {"output": "A"} and with_dp["datapoints"][0]["id"].startswith("dp_")
    assert (
        "datapoints" not in http.get(f"/datasets/{d1['id']}").json()
        or not http.get(f"/datasets/{d1['id']}").json()["datapoints"]
    )
    committed = http.post("/datasets", json={"path": f"{uid}/ds", "datapoints": dp, "commit_message": "v1"}).json()
    assert committed["version_id"] == d1["version_id"] and committed["status"] == "committed"


def test_datapoint_pagination_and_csv_upload(http: httpx.Client, uid: str) -> None:
    dps = [{"inputs": {"n": str(i)}} for i in range(60)]
    ds = http.post("/datasets", json={"path": f"{uid}/big", "datapoints": dps, "commit_message": "c"}).json()
    p1 = http.get(f"/datasets/{ds['id']}/datapoints").json()
    assert (p1["size"], p1["total"], len(p1["records"])) == (50, 60, 50)
    p2 = http.get(f"/datasets/{ds['id']}/datapoints", params={"page": 2}).json()
    assert len(p2["records"]) == 10
    assert http.get(f"/datasets/{ds['id']}/datapoints", params={"page": 3}).json()["records"] == []
    csv_text = 'question,target\nWhat is 2+2?,4\nCapital?,"{""city"": ""Paris""}"\n'
    r = http.post(
        f"/datasets/{ds['id']}/datapoints/csv",
        data={"commit_message": "from csv"},
        files={"file": ("rows.csv", csv_text.encode(), "text/csv")},
    )
    assert r.status_code == 200, r.text
    up = r.json()
    assert up["status"] == "committed" and up["datapoints_count"] == 62 and up["commit_message"] == "from csv"
    rows = http.get(f"/datasets/{ds['id']}/datapoints", params={"version_id": up["version_id"], "page": 2}).json()
    targets = {d["inputs"]["question"]: d["target"] for d in rows["records"] if "question" in d["inputs"]}
    assert targets == {"What is 2+2?": {"output": "4"}, "Capital?": {"city": "Paris"}}


def test_idempotency_key_acts_once(http: httpx.Client, uid: str) -> None:
    key = str(uuid.uuid4())
    body = {"path": f"{uid}/idem", "prompt": PROMPT, "output": "once"}
    a = http.post("/prompts/log", json=body, headers={"Idempotency-Key": key})
    b = http.post("/prompts/log", json=body, headers={"Idempotency-Key": key})
    assert a.status_code == b.status_code == 200
    assert a.json() == b.json()
    assert b.headers.get("idempotent-replayed") == "true"
    logs = http.get("/logs", params={"file_id": a.json()["prompt_id"]}).json()
    assert logs["total"] == 1
    # the same key for another request is an error, not a replay
    other = http.post("/prompts/log", json={**body, "output": "twice"}, headers={"Idempotency-Key": key})
    assert other.status_code == 422
    # without a key, every request acts
    http.post("/prompts/log", json=body)
    assert http.get("/logs", params={"file_id": a.json()["prompt_id"]}).json()["total"] == 2


def test_idempotency_when_first_response_is_lost(server: Server, http: httpx.Client, uid: str) -> None:
    key = str(uuid.uuid4())
    body = json.dumps({"path": f"{uid}/lost", "prompt": PROMPT, "output": "o"}).encode()
    url = urlparse(server.base_url)
    raw = (
        f"POST {url.path}/prompts/log HTTP/1.1\r\nHost: {url.hostname}\r\nX-API-KEY: {server.api_key}\r\n"
        f"Idempotency-Key: {key}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    with socket.create_connection((url.hostname, url.port)) as sock:
        sock.sendall(raw)
        time.sleep(0.3)  # the server acts and answers; we hang up without reading the answer
    retry = http.post(
        "/prompts/log", content=body, headers={"Idempotency-Key": key, "Content-Type": "application/json"}
    )
    assert retry.status_code == 200, retry.text
    pid = retry.json()["prompt_id"]
    assert http.get("/logs", params={"file_id": pid}).json()["total"] == 1


def test_concurrent_logs_each_stored_once(server: Server, uid: str) -> None:
    path = f"{uid}/busy"
    with server.client() as c:
        c.post("/prompts", json={"path": path, **PROMPT})
    n_threads, per_thread = 12, 15

    def worker(t: int) -> List[str]:
        out = []
        with server.client() as c:
            for i in range(per_thread):
                r = c.post(
                    "/prompts/log",
                    json={"path": path, "inputs": {"word": f"{t}-{i}"}, "output": "o"},
                    headers={"Idempotency-Key": f"{uid}-{t}-{i}"},
                )
                assert r.status_code == 200, r.text
                out.append(r.json()["id"])
        return out

    with ThreadPoolExecutor(n_threads) as pool:
        acked = [i for ids in pool.map(worker, range(n_threads)) for i in ids]
    assert len(set(acked)) == n_threads * per_thread
    with server.client() as c:
        pid = c.post("/prompts", json={"path": path, **PROMPT}).json()["id"]
        stored: List[str] = []
        page = 1
        while True:
            body = c.get("/logs", params={"file_id": pid, "size": 100, "page": page}).json()
            if not body["records"]:
                break
            stored += [r["id"] for r in body["records"]]
            page += 1
    assert body["total"] == n_threads * per_thread
    assert sorted(stored) == sorted(acked)


def test_racing_identical_upserts_make_one_version(server: Server, uid: str) -> None:
    n = 16
    barrier = threading.Barrier(n)

    def worker(_: int) -> str:
        with server.client() as c:
            barrier.wait()
            r = c.post("/prompts", json={"path": f"{uid}/race/p", **PROMPT, "temperature": 0.3})
            assert r.status_code == 200, r.text
            return str(r.json()["version_id"])

    with ThreadPoolExecutor(n) as pool:
        versions = set(pool.map(worker, range(n)))
    assert len(versions) == 1
    with server.client() as c:
        pid = c.post("/prompts", json={"path": f"{uid}/race/p", **PROMPT, "temperature": 0.3}).json()["id"]
        assert len(c.get(f"/prompts/{pid}/versions").json()["records"]) == 1
        dirs = [d for d in c.get("/directories").json() if d["path"].startswith(uid)]
        assert sorted(d["path"] for d in dirs) == [uid, f"{uid}/race"]


def test_csv_upload_whose_content_type_lost_its_boundary(http: httpx.Client, uid: str) -> None:
    # the published 0.8.38 SDK overwrites httpx's content type with a bare "multipart/form-data"
    ds = http.post("/datasets", json={"path": f"{uid}/bare", "datapoints": [], "commit_message": "c"}).json()
    built = httpx.Request(
        "POST",
        "http://x/",
        data={"commit_message": "bare header"},
        files={"file": ("rows.csv", b"question,target\nWhat is 3+3?,6\n", "text/csv")},
    )
    body = built.read()
    r = http.post(f"/datasets/{ds['id']}/datapoints/csv", content=body, headers={"content-type": "multipart/form-data"})
    assert r.status_code == 200, r.text
    assert r.json()["datapoints_count"] == 1 and r.json()["commit_message"] == "bare header"
    # a body that is not multipart at all is still a 4xx with a message, never a 5xx
    bad = http.post(
        f"/datasets/{ds['id']}/datapoints/csv", content=b"just text", headers={"content-type": "multipart/form-data"}
    )
    assert 400 <= bad.status_code < 500 and bad.json()["detail"]
