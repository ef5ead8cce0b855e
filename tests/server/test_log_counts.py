"""The Log counts of File bodies (``version_logs_count``, ``total_logs_count``, ``last_used_at``)
come from ``version_log_counts``, kept as Logs are created and removed (``services/log_counts.py``).
They must always equal what counting the Logs gives: after creation (also from many threads at
once, which spreads over several rows per version on PostgreSQL), after deleting Logs (with their
judgments and trace children), after deleting a version or a whole File, and in the File bodies
that ``logs.list`` nests in each Log."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, List

import httpx
import pytest
from sqlalchemy import func, select

from humanloop_server.db.database import Database
from humanloop_server.db.models import Log, VersionLogCount
from humanloop_server.services import log_counts

from .conftest import Server, _backends, add_prompt, migrate, migration_database

PROMPT = {"model": "gpt-4o", "template": "Say {{word}}"}


def _ok(r: httpx.Response) -> Dict[str, Any]:
    assert r.status_code == 200, r.text
    out: Dict[str, Any] = r.json()
    return out


def _counted(server: Server, file_id: str) -> Dict[str, int]:
    """What counting the Logs gives, per version."""
    with server.runtime.db.read() as s:
        rows = s.execute(select(Log.version_id, func.count()).where(Log.file_id == file_id).group_by(Log.version_id))
        return {str(v): int(n) for v, n in rows}


def _body_counts(http: httpx.Client, file_id: str, version_id: str) -> Dict[str, int]:
    body = _ok(http.get(f"/prompts/{file_id}", params={"version_id": version_id}))
    return {"version": body["version_logs_count"], "total": body["total_logs_count"]}


def test_counts_follow_creation_deletion_and_versions(server: Server, http: httpx.Client, uid: str) -> None:
    v1 = _ok(http.post("/prompts", json={"path": f"{uid}/counted", **PROMPT}))
    v2 = _ok(http.post("/prompts", json={"path": f"{uid}/counted", "model": "gpt-4o", "template": "Other {{w}}"}))
    pid = v1["id"]
    assert _body_counts(http, pid, v1["version_id"]) == {"version": 0, "total": 0}
    assert v1["last_used_at"] == v1["created_at"]

    def log(i: int) -> str:
        version = v1 if i % 3 else v2
        return str(
            _ok(http.post(f"/prompts/log?version_id={version['version_id']}", json={"id": pid, "output": str(i)}))["id"]
        )

    ids = [log(i) for i in range(9)]
    counted = _counted(server, pid)
    assert counted == {v1["version_id"]: 6, v2["version_id"]: 3}
    assert _body_counts(http, pid, v1["version_id"]) == {"version": 6, "total": 9}
    assert _body_counts(http, pid, v2["version_id"]) == {"version": 3, "total": 9}
    body = _ok(http.get(f"/prompts/{pid}", params={"version_id": v1["version_id"]}))
    assert body["last_used_at"] > v1["created_at"]

    # a judgment counts for the Evaluator, and goes with its Log
    judge = _ok(
        http.post(
            "/evaluators",
            json={
                "path": f"{uid}/judge",
                "spec": {"evaluator_type": "external", "arguments_type": "target_free", "return_type": "boolean"},
            },
        )
    )
    _ok(http.post("/evaluators/log", json={"id": judge["id"], "parent_id": ids[1], "judgment": True}))
    assert _ok(http.get(f"/evaluators/{judge['id']}"))["total_logs_count"] == 1

    # a trace child of another File goes with its parent
    tool_log = _ok(http.post("/tools/log", json={"path": f"{uid}/tool", "trace_parent_id": ids[2], "output": "{}"}))
    tool_id = tool_log["tool_id"]
    assert _ok(http.get(f"/tools/{tool_id}"))["total_logs_count"] == 1

    r = http.delete("/logs", params={"id": [ids[1], ids[2], ids[3]]})
    assert r.status_code == 204, r.text
    assert _counted(server, pid) == {v1["version_id"]: 4, v2["version_id"]: 2}
    assert _body_counts(http, pid, v1["version_id"]) == {"version": 4, "total": 6}
    assert _ok(http.get(f"/evaluators/{judge['id']}"))["total_logs_count"] == 0
    assert _ok(http.get(f"/tools/{tool_id}"))["total_logs_count"] == 0

    # the File bodies nested in logs.list carry the same counts
    page = _ok(http.get("/logs", params={"file_id": pid, "size": 10}))
    assert page["total"] == 6
    for record in page["records"]:
        nested = record["prompt"]
        assert nested["total_logs_count"] == 6
        assert nested["version_logs_count"] == _counted(server, pid)[nested["version_id"]]
        assert nested["last_used_at"] >= record["created_at"][:19]

    # logs.list without filters, or with only a version, takes its total from the kept counts
    for version in (v1, v2):
        page = _ok(http.get("/logs", params={"file_id": pid, "version_id": version["version_id"], "size": 1}))
        assert page["total"] == _counted(server, pid)[version["version_id"]]
        assert [r["prompt"]["version_id"] for r in page["records"]] == [version["version_id"]]
    other = _ok(http.post("/prompts", json={"path": f"{uid}/elsewhere", **PROMPT}))
    _ok(http.post("/prompts/log", json={"id": other["id"], "output": "elsewhere"}))
    foreign = _ok(http.get("/logs", params={"file_id": pid, "version_id": other["version_id"]}))
    assert (foreign["total"], foreign["records"]) == (0, [])
    searched = _ok(http.get("/logs", params={"file_id": pid, "search": "5", "size": 1}))
    assert searched["total"] == 1

    # a File deleted takes its Logs and their counts
    judged = log(10)
    _ok(http.post("/evaluators/log", json={"id": judge["id"], "parent_id": judged, "judgment": False}))
    assert _ok(http.get(f"/evaluators/{judge['id']}"))["total_logs_count"] == 1
    assert http.delete(f"/prompts/{pid}").status_code in (200, 204)
    assert _ok(http.get(f"/evaluators/{judge['id']}"))["total_logs_count"] == 0
    with server.runtime.db.read() as s:
        assert s.execute(select(VersionLogCount).where(VersionLogCount.file_id == pid)).all() == []


def test_concurrent_logs_are_all_counted(server: Server, http: httpx.Client, uid: str) -> None:
    created = _ok(http.post("/prompts", json={"path": f"{uid}/busy", **PROMPT}))

    def write(i: int) -> None:
        with server.client() as c:
            for k in range(5):
                _ok(c.post("/prompts/log", json={"id": created["id"], "output": f"{i}-{k}"}))

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(write, range(8)))
    assert _body_counts(http, created["id"], created["version_id"]) == {"version": 40, "total": 40}
    with server.runtime.db.read() as s:
        rows: List[Any] = list(
            s.execute(select(VersionLogCount).where(VersionLogCount.version_id == created["version_id"])).scalars()
        )
    assert sum(r.logs_count for r in rows) == 40
    assert len(rows) <= log_counts.SHARDS


def test_logs_stored_around_create_log_are_counted_and_rebuild_recounts(
    server: Server, http: httpx.Client, uid: str
) -> None:
    created = _ok(http.post("/prompts", json={"path": f"{uid}/bulk", **PROMPT}))
    _ok(http.post("/prompts/log", json={"id": created["id"], "output": "through the API"}))
    with server.runtime.db.write() as s:
        org_id = s.execute(select(Log.org_id).where(Log.file_id == created["id"])).scalar_one()
        s.execute(
            Log.__table__.insert(),
            [
                {"org_id": org_id, "id": f"{uid}-bulk-{i}", "file_id": created["id"], "file_type": "prompt"}
                | {"version_id": created["version_id"], "inputs": {}, "save": True}
                for i in range(3)
            ],
        )
    # the trigger on logs counts a Log however it is stored
    assert _body_counts(http, created["id"], created["version_id"]) == {"version": 4, "total": 4}
    with server.runtime.db.write() as s:  # counts lost (a bulk load with the trigger off): rebuilt
        s.execute(VersionLogCount.__table__.delete().where(VersionLogCount.file_id == created["id"]))
    assert _body_counts(http, created["id"], created["version_id"]) == {"version": 0, "total": 0}
    with server.runtime.db.write() as s:
        log_counts.rebuild(s)
    assert _body_counts(http, created["id"], created["version_id"]) == {"version": 4, "total": 4}


def _store_log(db: Database, log_id: str) -> None:
    with db.write() as s:
        s.add(Log(org_id="org_c", id=log_id, file_id="pr_c", file_type="prompt", version_id="prv_c", inputs={}))


def _counted_rows(db: Database) -> int:
    with db.read() as s:
        return int(s.execute(select(func.coalesce(func.sum(VersionLogCount.logs_count), 0))).scalar_one())


@pytest.mark.parametrize("backend", _backends())
def test_the_counting_trigger_migrates_up_and_down(tmp_path: Path, backend: str) -> None:
    with migration_database(backend, tmp_path) as db:
        add_prompt(db, "c")
        _store_log(db, "log_c1")
        assert _counted_rows(db) == 1  # at head: counted by the trigger
        migrate(db, "0014_drop_redundant_log_indexes", down=True)
        _store_log(db, "log_c2")
        assert _counted_rows(db) == 1  # no trigger: the server of before 0015 counted in Python
        migrate(db, "head")
        _store_log(db, "log_c3")
        assert _counted_rows(db) == 2
