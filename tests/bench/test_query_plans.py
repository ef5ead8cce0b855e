"""The queries behind `logs.list` (with each filter), `logs.get` of a trace and `files.list` use indexes.

The SQL (also that of the File bodies' Log counts, `version_log_counts`) is what the services really issue: it is recorded with a SQLAlchemy ``before_cursor_execute``
listener while the requests run against the real app (served in this process, so the listener sees
its statements), then explained with the same parameters:

- SQLite: ``EXPLAIN QUERY PLAN`` (no ``ANALYZE``: the server never runs it); a ``SCAN logs`` /
  ``SCAN files`` step without an index fails;
- PostgreSQL: ``EXPLAIN`` after ``VACUUM ANALYZE`` (as autovacuum would; the vacuum gives the GIN
  indexes their statistics) with ``enable_seqscan = off``, so that the planner takes an index
  whenever one is usable at all; a ``Seq Scan`` on ``logs`` / ``files`` fails.

The search filter must read its own index (``REQUIRED_INDEX``): SQLite's FTS5 table ``log_search``,
PostgreSQL's trigram indexes (migration 0013), not the File's Logs one by one. Two statements are
exempt by design (``services.logs._text_search``): the sample that tests the newest Logs (bounded by
its LIMIT), and the page of a text common among them, which reads the Logs newest first through the
File's index and stops at the end of the page; the count of a common text's matches and every
statement of a rare text still read the search index.

On both, a step that reads ``logs`` through an index on the organisation alone
(``ix_logs_org_created`` with only ``org_id`` as its condition, or the primary key's ``org_id``
prefix) fails too: a server usually holds one organisation, so that reads every Log. The table holds
some 20,000 generated Logs of one organisation over 20 Prompts, so the planners' choices are those
of a real table, not of an empty one.

A failure names the request, the statement and the plan: the index that would serve it is missing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import re
import threading
import uuid
from typing import Any, Dict, Iterator, List, Tuple

import httpx
import pytest
from sqlalchemy import event, select

from humanloop_server.db.models import Log
from humanloop_server.services import log_counts
from humanloop_server.services import logs as logs_service
from humanloop_server.settings import Settings

from ..server.conftest import API_KEY, Server, _backends, pg_database, serve

TABLES = ("logs", "files", "version_log_counts")
#: a statement reads one of TABLES (FROM or JOIN, possibly inside a subquery)
READS_TABLE = re.compile(r"\b(?:FROM|JOIN)\s+(logs|files|version_log_counts)\b", re.IGNORECASE)


@pytest.fixture(scope="module", params=_backends())
def plan_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with contextlib.ExitStack() as stack:
        database_url = stack.enter_context(pg_database()) if request.param == "postgresql" else None
        settings = Settings(
            data_dir=tmp_path_factory.mktemp("hl-plans"),
            database_url=database_url,
            api_key=API_KEY,
            default_org_name="plans-" + request.param,
            workers=0,
        )
        yield stack.enter_context(serve(settings, request.param))


class Recorder:
    """SELECT statements reading logs/files, with their parameters, issued while ``active``."""

    def __init__(self) -> None:
        self.active = False
        self.lock = threading.Lock()
        self.statements: List[Tuple[str, Any]] = []

    def __call__(self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if self.active and not many and statement.lstrip().upper().startswith("SELECT"):
            if READS_TABLE.search(statement):
                with self.lock:
                    self.statements.append((statement, parameters))


@pytest.fixture(scope="module")
def data(plan_server: Server) -> Dict[str, str]:
    """A Prompt with two versions and Logs, a trace (flow -> prompt -> tool), a judgment."""
    uid = uuid.uuid4().hex[:8]
    with plan_server.client() as http:

        def post(path: str, body: Dict[str, Any]) -> Dict[str, Any]:
            r = http.post(path, json=body)
            assert r.status_code == 200, r.text
            out: Dict[str, Any] = r.json()
            return out

        p1 = post("/prompts", {"path": f"{uid}/plans/bot", "model": "gpt-4o", "template": "a {{x}}"})
        p2 = post("/prompts", {"path": f"{uid}/plans/bot", "model": "gpt-4o", "template": "b {{x}}"})
        for i in range(6):
            version = p1 if i % 2 else p2
            post(
                f"/prompts/log?version_id={version['version_id']}",
                {"id": p1["id"], "inputs": {"x": f"refund {i}"}, "output": f"answer {i}"},
            )
        flow = post("/flows/log", {"path": f"{uid}/plans/agent", "flow": {"attributes": {}}, "inputs": {}})
        step = post(
            "/prompts/log",
            {"id": p1["id"], "version_id": p1["version_id"], "trace_parent_id": flow["id"], "output": "step"},
        )
        post("/tools/log", {"path": f"{uid}/plans/tool", "trace_parent_id": step["id"], "output": "{}"})
        judge = post(
            "/evaluators",
            {
                "path": f"{uid}/plans/judge",
                "spec": {"evaluator_type": "external", "arguments_type": "target_free", "return_type": "boolean"},
            },
        )
        post("/evaluators/log", {"id": judge["id"], "parent_id": step["id"], "judgment": True})
        others = [
            post("/prompts", {"path": f"{uid}/plans/other-{k}", "model": "gpt-4o", "template": "x"}) for k in range(19)
        ]
    _fill(plan_server, p1, [p1, *others], judge)
    return {
        "prompt_id": p1["id"],
        "version_id": p1["version_id"],
        "small_version_id": p2["version_id"],  # 3 of the Prompt's Logs
        "flow_log_id": flow["id"],
    }


def _fill(server: Server, first: Dict[str, Any], prompts: List[Dict[str, Any]], judge: Dict[str, Any]) -> None:
    """About 20,000 Logs of this organisation: Prompt Logs over the Prompts, judgments, trace children."""
    engine = server.runtime.db.engine
    with engine.connect() as conn:
        org_id = conn.execute(select(Log.org_id).where(Log.file_id == first["id"]).limit(1)).scalar_one()
    rng = random.Random(3)
    now = dt.datetime.now(dt.timezone.utc)
    rows: List[Dict[str, Any]] = []
    for i in range(16_000):
        p = prompts[i % len(prompts)]
        when = now - dt.timedelta(seconds=rng.uniform(0, 90 * 86400))
        rows.append(
            {
                "org_id": org_id,
                "id": f"log_fill_{i:06d}",
                "file_id": p["id"],
                "file_type": "prompt",
                "version_id": p["version_id"],
                "inputs": {"x": f"question {i}"},
                "output": f"answer {i}",
                "created_at": when,
                "received_at": when,
                "save": True,
            }
        )
    for i in range(0, 16_000, 4):
        parent = rows[i]
        rows.append(
            {
                **parent,
                "id": f"log_fill_j{i:06d}",
                "file_id": judge["id"],
                "file_type": "evaluator",
                "version_id": judge["version_id"],
                "parent_id": parent["id"],
                "judgment": True,
            }
        )
        rows.append({**parent, "id": f"log_fill_t{i:06d}", "trace_parent_id": parent["id"], "trace_id": parent["id"]})
    with engine.begin() as conn:
        conn.execute(Log.__table__.insert(), rows)
    with server.runtime.db.write() as session:  # stored around create_log: count them as it would
        log_counts.rebuild(session)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE logs")
            conn.exec_driver_sql("ANALYZE files")
            conn.exec_driver_sql("ANALYZE version_log_counts")


def _requests(data: Dict[str, str]) -> List[Tuple[str, str, Dict[str, Any]]]:
    now = dt.datetime.now(dt.timezone.utc)
    week = {
        "start_date": (now - dt.timedelta(days=7)).isoformat(),
        "end_date": (now + dt.timedelta(days=1)).isoformat(),
    }
    logs = {"file_id": data["prompt_id"], "size": 2}
    return [
        ("logs.list", "/logs", logs),
        ("logs.list page 2", "/logs", {**logs, "page": 2}),
        ("logs.list version filter", "/logs", {**logs, "version_id": data["version_id"]}),
        ("logs.list small version filter", "/logs", {**logs, "version_id": data["small_version_id"]}),
        ("logs.list version_status filter", "/logs", {**logs, "version_status": "uncommitted"}),
        ("logs.list search (common)", "/logs", {**logs, "search": "refund"}),  # the 6 newest Logs
        ("logs.list search (rare)", "/logs", {**logs, "search": "not in any log"}),
        ("logs.list metadata search", "/logs", {**logs, "metadata_search": "tier"}),
        ("logs.list date filter", "/logs", {**logs, **week}),
        ("logs.list in trace", "/logs", {**logs, "in_trace_filter": "true"}),
        ("logs.get of a trace", f"/logs/{data['flow_log_id']}", {}),
        ("files.list", "/files", {"size": 5}),
        ("files.list of prompts", "/files", {"size": 5, "type": "prompt"}),
    ]


def _sqlite_problems(plan: List[Any]) -> List[str]:
    details = [str(row[-1]) for row in plan]
    problems = [d for d in details if re.match(r"SCAN (logs|files|version_log_counts)\b", d) and "INDEX" not in d]
    # an index used for the organisation only reads all of its Logs
    problems += [d for d in details if re.match(r"(SEARCH|SCAN) logs USING .*\(org_id=\?\)$", d)]
    return problems


def _pg_nodes(node: Dict[str, Any]) -> Iterator[Dict[str, Any]]:
    yield node
    for child in node.get("Plans", []):
        yield from _pg_nodes(child)


def _org_only(cond: str) -> bool:
    """An index condition that compares nothing but ``org_id``."""
    columns = set(re.findall(r"\(?(\w+)\)?(?:::\w+)?\s*=", cond))
    return columns == {"org_id"}


def _pg_problems(plan: Any) -> List[str]:
    problems = []
    for n in _pg_nodes(plan[0]["Plan"]):
        relation = n.get("Relation Name")
        if relation not in TABLES:
            continue
        if n.get("Node Type") == "Seq Scan":
            problems.append(f"Seq Scan on {relation}")
        elif relation == "logs" and "Index Cond" in n and _org_only(n["Index Cond"]):
            problems.append(f"{n['Node Type']} using {n.get('Index Name')} on the organisation only")
    # a bitmap scan names its index in the child node, without the relation
    for n in _pg_nodes(plan[0]["Plan"]):
        if n.get("Node Type") == "Bitmap Index Scan" and str(n.get("Index Name", "")).startswith("ix_logs_org"):
            if _org_only(n.get("Index Cond", "")):
                problems.append(f"Bitmap Index Scan using {n['Index Name']} on the organisation only")
    return problems


_SEARCH_INDEX = {
    "sqlite": ["SCAN log_search VIRTUAL TABLE INDEX"],
    "postgresql": ["Bitmap Index Scan on ix_logs_output_trgm", "Bitmap Index Scan on ix_logs_inputs_trgm"],
}
#: requests whose statements filtering Logs must read an index of their own, by a text of the plan
#: that names it: the search filter reads the trigram index (migration 0013), not the File's Logs;
#: for a text common among the newest Logs, only its count must (see the module's docstring)
REQUIRED_INDEX = {"logs.list search (common)": _SEARCH_INDEX, "logs.list search (rare)": _SEARCH_INDEX}
#: the sample of the newest Logs the services test a search text on (the test makes it smaller
#: than the Prompt's Logs, so that it is a sample)
SAMPLE = 50


#: requests one of whose statements must read this index (by its name in the plan): a page of a
#: version with few of the File's Logs reads them newest first from the version's index (migration
#: 0016), not the File's Logs newest first, skipping the other versions'
READS_INDEX = {"logs.list small version filter": "ix_logs_org_version_created"}


def _filters_logs(statement: str) -> bool:
    """The statement of a text filter of Logs (not a File body's or the File's own)."""
    text = statement.upper()
    return ("LIKE" in text or "LOG_SEARCH" in text) and re.search(
        r"\bFROM\s+logs\b", statement, re.IGNORECASE
    ) is not None


def _exempt(name: str, statement: str) -> bool:
    """The sample, and the page of a common text (both bounded by a LIMIT; see the docstring)."""
    text = " ".join(statement.split()).upper()
    sample = "SUM(CASE WHEN" in text and "LIMIT" in text
    page = "(common)" in name and not text.startswith("SELECT COUNT(*)") and "LIMIT" in text
    return sample or page


def _missing_index(name: str, statement: str, plan: str, backend: str) -> List[str]:
    wanted = REQUIRED_INDEX.get(name, {}).get(backend, [])
    if not _filters_logs(statement) or _exempt(name, statement):
        return []
    return [f"no {step!r} in the plan" for step in wanted if step not in plan]


def _explain(server: Server, statement: str, parameters: Any) -> Tuple[List[str], str]:
    engine = server.runtime.db.engine
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            return _sqlite_problems(plan), "\n".join(str(row[-1]) for row in plan)
        conn.exec_driver_sql("SET enable_seqscan = off")
        plan = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters).scalar()
        text = "\n".join(conn.exec_driver_sql("EXPLAIN " + statement, parameters).scalars())
        conn.rollback()
        return _pg_problems(plan), text


def test_list_get_and_file_queries_use_indexes(
    plan_server: Server, data: Dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(logs_service, "SEARCH_SAMPLE", SAMPLE)
    recorder = Recorder()
    engine = plan_server.runtime.db.engine
    event.listen(engine, "before_cursor_execute", recorder)
    captured: List[Tuple[str, str, Any]] = []
    try:
        with httpx.Client(base_url=plan_server.base_url, headers={"X-API-KEY": API_KEY}, timeout=30) as http:
            for name, path, params in _requests(data):
                recorder.statements.clear()
                recorder.active = True
                r = http.get(path, params=params)
                recorder.active = False
                assert r.status_code == 200, (name, r.text)
                assert recorder.statements, f"{name}: no statement reading logs/files was recorded"
                captured += [(name, s, p) for s, p in recorder.statements]
    finally:
        recorder.active = False
        event.remove(engine, "before_cursor_execute", recorder)

    failures: List[str] = []
    plans: Dict[str, List[str]] = {}
    seen = set()
    for name, statement, parameters in captured:
        key = (statement, repr(parameters))
        if key in seen:
            continue
        seen.add(key)
        problems, plan = _explain(plan_server, statement, parameters)
        plans.setdefault(name, []).append(plan)
        problems += _missing_index(name, statement, plan, plan_server.backend)
        if problems:
            sql = " ".join(statement.split())
            failures.append(
                f"{name} [{plan_server.backend}]: {', '.join(problems)}\n  SQL: {sql}\n  plan:\n    "
                + plan.replace("\n", "\n    ")
            )
    for name, index in READS_INDEX.items():
        assert any(index in plan for plan in plans.get(name, [])), f"{name}: no plan reads {index}: {plans.get(name)}"
    filtering = {name for name, statement, _ in captured if _filters_logs(statement) and not _exempt(name, statement)}
    assert set(REQUIRED_INDEX) <= filtering, f"no filter statement recorded for {set(REQUIRED_INDEX) - filtering}"
    counted = [s for name, s, _ in captured if "(common)" in name and s.lstrip().upper().startswith("SELECT COUNT(*)")]
    assert counted, "the common search's matches were not counted (was the sample the whole File?)"
    assert not failures, f"{len(failures)} queries scan a table without an index:\n\n" + "\n\n".join(failures)
