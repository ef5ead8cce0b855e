"""The ``search`` filter of ``logs.list`` and its index (migration 0013): SQLite's FTS5 table follows
every insert, update and delete of a Log, the migration indexes the Logs stored before it, and the
filter answers the same with or without the index (short texts, quotes, wildcards, a PostgreSQL
role that may not create the extension)."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any, Dict, List, Tuple

import httpx
import pytest
from sqlalchemy import create_engine, make_url, select

from humanloop import Humanloop
from humanloop_server.db.database import Database
from humanloop_server.db.models import File, Log
from humanloop_server.services import logs as logs_service
from humanloop_server.services.context import Context
from humanloop_server.settings import Settings

from .conftest import Server, _backends, add_prompt, migrate, migration_database, pg_database


def _post(http: httpx.Client, path: str, body: Dict[str, Any]) -> Dict[str, Any]:
    r = http.post(path, json=body)
    assert r.status_code == 200, r.text
    out: Dict[str, Any] = r.json()
    return out


def _found(http: httpx.Client, file_id: str, search: str) -> List[str]:
    r = http.get("/logs", params={"file_id": file_id, "search": search, "size": 100})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == len(body["records"])
    return sorted(x["id"] for x in body["records"])


def _fts_consistent(server: Server) -> None:
    """On SQLite, FTS5's own check that the index holds exactly the Logs' current text."""
    engine = server.runtime.db.engine
    if engine.dialect.name != "sqlite":
        return
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO log_search (log_search) VALUES ('integrity-check')")


def test_search_follows_new_changed_and_deleted_logs(server: Server, http: httpx.Client, uid: str) -> None:
    prompt = {"model": "gpt-4o", "template": "Answer {{question}}"}
    path = f"{uid}/search/bot"
    a = _post(http, "/prompts/log", {"path": path, "prompt": prompt, "inputs": {"question": "Refund?"}, "output": "no"})
    b = _post(
        http, "/prompts/log", {"path": path, "prompt": prompt, "inputs": {"question": "hi"}, "output": "A REFUND"}
    )
    c = _post(
        http,
        "/prompts/log",
        {"path": path, "prompt": prompt, "inputs": {"question": 'say "hi there"'}, "output": "50% off_sale"},
    )
    file_id = a["prompt_id"]
    _fts_consistent(server)
    assert _found(http, file_id, "refund") == sorted([a["id"], b["id"]])  # inputs and output, any case
    assert _found(http, file_id, "REFUND") == sorted([a["id"], b["id"]])
    assert _found(http, file_id, "fU") == sorted([a["id"], b["id"]])  # shorter than a trigram
    assert _found(http, file_id, '"hi th') == [c["id"]]  # a double quote (FTS5 quotes its phrases)
    assert _found(http, file_id, '"hi x') == []
    assert _found(http, file_id, "0% off_s") == [c["id"]]  # wildcards are literal
    assert _found(http, file_id, "0% off_x") == []
    assert _found(http, file_id, "question") == sorted([a["id"], b["id"], c["id"]])  # the inputs' keys too
    d = _post(http, "/prompts/log", {"path": path, "prompt": prompt, "inputs": {}, "output": "Ça coûte"})
    # a non-ASCII search text is tested as before: SQLite's lower() leaves the stored 'Ç' as it is
    assert _found(http, file_id, "ÇA CO") == ([d["id"]] if server.backend == "postgresql" else [])
    assert _found(http, file_id, "A COÛ") == [d["id"]]

    r = http.patch(f"/prompts/{file_id}/log/{b['id']}", json={"output": "store credit"})
    assert r.status_code == 200, r.text
    _fts_consistent(server)
    assert _found(http, file_id, "refund") == [a["id"]]
    assert _found(http, file_id, "credit") == [b["id"]]

    r = http.delete("/logs", params={"id": a["id"]})
    assert r.status_code in (200, 204), r.text
    _fts_consistent(server)
    assert _found(http, file_id, "refund") == []

    # the File deleted: its Logs leave the index with it (by foreign key)
    r = http.delete(f"/prompts/{file_id}")
    assert r.status_code in (200, 204), r.text
    _fts_consistent(server)


def test_search_reads_the_index(server: Server, http: httpx.Client, uid: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The SQLite statement of the filter names the FTS5 table for a text of 3+ characters that is
    rare among the newest Logs, and only then; a common text, or a File whose Logs all fit in the
    sample, is read newest first with LIKE. Counting goes through the index either way."""
    if server.backend != "sqlite":
        pytest.skip("SQLite's query shape; PostgreSQL's plans are checked in tests/bench/test_query_plans.py")
    path = f"{uid}/search/shape"
    old = _post(http, "/prompts/log", {"path": path, "prompt": {"model": "gpt-4o"}, "output": "refund issued"})
    _post(http, "/prompts/log", {"path": path, "prompt": {"model": "gpt-4o"}, "output": "thanks"})
    ctx = Context(server.runtime.db.session(), _org_of(server, old["id"]), server.runtime)

    def shapes(search: str) -> Tuple[str, str]:
        query = logs_service.log_query(ctx, f, search=search)
        return str(query.stmt.compile()), str(query.counted.compile())

    try:
        f = ctx.session.get(File, old["prompt_id"])
        assert f is not None
        whole = shapes("Refund")  # both Logs are in the sample: read them
        monkeypatch.setattr(logs_service, "SEARCH_SAMPLE", 1)  # the sample: the newest Log alone
        rare = shapes("Refund")  # not in the newest Log
        common = shapes("Thanks")
        other = shapes("Ééé")
        short = shapes("re")
    finally:
        ctx.session.close()
    for page, counted in (whole, common):
        assert "LIKE" in page and "log_search" not in page
        assert "log_search MATCH" in counted and "LIKE" not in counted
    assert "log_search MATCH" in rare[0] and "LIKE" not in rare[0]  # the index alone answers
    assert "log_search MATCH" in other[0] and "LIKE" in other[0]  # the index narrows, LIKE decides
    assert "log_search" not in short[0] and "LIKE" in short[0]


def _seed_by_age(http: httpx.Client, path: str, outputs: List[str]) -> List[str]:
    """One Log per output, a minute apart, oldest first; returns their ids in that order."""
    t0 = dt.datetime(2025, 3, 1, tzinfo=dt.timezone.utc)
    ids = []
    for i, output in enumerate(outputs):
        body = {
            "path": path,
            "prompt": {"model": "gpt-4o"},
            "inputs": {"n": str(i)},
            "output": output,
            "created_at": (t0 + dt.timedelta(minutes=i)).isoformat(),
        }
        ids.append(_post(http, "/prompts/log", body)["id"])
    return ids


def _pages(http: httpx.Client, file_id: str, search: str, size: int) -> Tuple[List[List[str]], List[httpx.Response]]:
    pages: List[List[str]] = []
    answers = []
    while True:
        r = http.get("/logs", params={"file_id": file_id, "search": search, "size": size, "page": len(pages) + 1})
        assert r.status_code == 200, r.text
        answers.append(r)
        ids = [x["id"] for x in r.json()["records"]]
        if not ids:
            return pages, answers
        pages.append(ids)


def test_a_common_search_estimates_its_total_and_loses_no_log(
    server: Server, http: httpx.Client, uid: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With more matches expected than are counted exactly, ``total`` is the sample's share times
    the File's Logs and the page says so in a header; the pages still run to the last match, past
    the estimate, on whichever path the Logs are read, and our SDK's pager walks them all."""
    monkeypatch.setattr(logs_service, "SEARCH_SAMPLE", 10)
    monkeypatch.setattr(logs_service, "EXACT_SEARCH_TOTAL_UP_TO", 5)
    # 30 Logs: the 20 oldest and 2 of the 10 newest say "refund"
    outputs = ["refund sent"] * 20 + ["refund due", "Refund?"] + ["thanks"] * 8
    ids = _seed_by_age(http, f"{uid}/search/estimate", outputs)
    file_id = http.get(f"/logs/{ids[0]}").json()["prompt"]["id"]
    matching = list(reversed(ids[:22]))  # newest first
    estimate = round(30 * 2 / 10)  # 2 of the 10 newest Logs match, of 30

    pages, answers = _pages(http, file_id, "refund", 5)
    assert sum(pages, []) == matching  # every match once, newest first, past the estimate of 6
    assert [len(p) for p in pages] == [5, 5, 5, 5, 2]
    for r in answers:
        assert r.headers["X-Total-Is-Estimate"] == "true"
        assert r.json()["total"] == estimate

    monkeypatch.setattr(logs_service, "SCAN_UP_TO", 1)  # every page too deep to scan: the index path
    pages, _ = _pages(http, file_id, "refund", 5)
    assert sum(pages, []) == matching

    with Humanloop(api_key=server.api_key, base_url=server.base_url) as hl:
        walked = [log.id for log in hl.logs.list(file_id=file_id, search="refund", size=5)]
    assert walked == matching

    monkeypatch.setattr(logs_service, "EXACT_SEARCH_TOTAL_UP_TO", 100)  # now counted exactly
    r = http.get("/logs", params={"file_id": file_id, "search": "refund", "size": 5})
    assert r.json()["total"] == 22 and "X-Total-Is-Estimate" not in r.headers
    r = http.get("/logs", params={"file_id": file_id, "search": "thanks", "size": 5})
    assert r.json()["total"] == 8 and "X-Total-Is-Estimate" not in r.headers


def _org_of(server: Server, log_id: str) -> str:
    with server.runtime.db.engine.connect() as conn:
        return str(conn.execute(select(Log.org_id).where(Log.id == log_id)).scalar_one())


# ---------------------------------------------------------------- the migration


def _store_logs(db: Database) -> None:
    t0 = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
    add_prompt(db, "s")
    with db.write() as s:
        for i, (inputs, output) in enumerate(
            [({"q": "Where is my REFUND"}, "soon"), ({"q": "hello"}, "refunded"), ({"q": "hello"}, None)]
        ):
            s.add(
                Log(
                    org_id="org_s",
                    id=f"log_s{i}",
                    file_id="pr_s",
                    file_type="prompt",
                    version_id="prv_s",
                    inputs=inputs,
                    output=output,
                    save=True,
                    created_at=t0 + dt.timedelta(minutes=i),
                    received_at=t0 + dt.timedelta(minutes=i),
                )
            )


def _search(db: Database, text: str) -> List[str]:
    with db.read() as s:
        ctx = Context(s, "org_s", None)  # type: ignore[arg-type]
        page = logs_service.list_logs(ctx, "pr_s", search=text, size=10)
    return sorted(r["id"] for r in page.body["records"])


def _trigram_objects(db: Database) -> List[str]:
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "sqlite":
            sql = "SELECT name FROM sqlite_master WHERE name LIKE 'log_search%' AND type IN ('table', 'trigger')"
        else:
            sql = "SELECT indexname FROM pg_indexes WHERE indexname LIKE 'ix_logs_%%_trgm'"
        return sorted(str(r[0]) for r in conn.exec_driver_sql(sql))


@pytest.mark.parametrize("backend", _backends())
def test_upgrade_indexes_the_logs_already_stored(tmp_path: Path, backend: str) -> None:
    with migration_database(backend, tmp_path) as db:
        migrate(db, "0012_agent_version_columns", down=True)  # as a server of before 0013 left it
        assert _trigram_objects(db) == []
        _store_logs(db)
        migrate(db, "head")
        if backend == "sqlite":
            assert _trigram_objects(db) == [
                "log_search",
                "log_search_config",
                "log_search_data",
                "log_search_delete",
                "log_search_docsize",
                "log_search_idx",
                "log_search_insert",
                "log_search_update",
            ]
            with db.engine.begin() as conn:
                conn.exec_driver_sql("INSERT INTO log_search (log_search) VALUES ('integrity-check')")
                hits = conn.exec_driver_sql("SELECT rowid FROM log_search WHERE log_search MATCH '\"refund\"'").all()
            assert len(hits) == 2  # found by the index alone: the rows were indexed by the upgrade
        else:
            assert _trigram_objects(db) == ["ix_logs_inputs_trgm", "ix_logs_output_trgm"]
        assert _search(db, "refund") == ["log_s0", "log_s1"]
        assert _search(db, "hello") == ["log_s1", "log_s2"]
        migrate(db, "0012_agent_version_columns", down=True)
        assert _trigram_objects(db) == []
        assert _search(db, "refund") == ["log_s0", "log_s1"]  # the same answer without the index


def test_postgresql_role_that_may_not_create_the_extension(tmp_path: Path) -> None:
    """``CREATE EXTENSION`` refused: the migration still succeeds, without the trigram indexes, and
    the filter reads the File's Logs."""
    if "postgresql" not in _backends():
        pytest.skip("needs HUMANLOOP_TEST_DATABASE_URL")
    with pg_database() as url:
        role = "hl_noext_" + uuid.uuid4().hex[:8]
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.exec_driver_sql(f"CREATE ROLE {role} LOGIN")
                conn.exec_driver_sql(f"GRANT CREATE, USAGE ON SCHEMA public TO {role}")
                assert conn.exec_driver_sql("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'").first() is None
            limited = make_url(url).set(username=role).render_as_string(hide_password=False)
            db = Database.open(Settings(data_dir=tmp_path, database_url=limited))
            try:
                assert _trigram_objects(db) == []
                _store_logs(db)
                assert _search(db, "refund") == ["log_s0", "log_s1"]
            finally:
                db.dispose()
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql(f"DROP OWNED BY {role}")
                conn.exec_driver_sql(f"DROP ROLE {role}")
            admin.dispose()
