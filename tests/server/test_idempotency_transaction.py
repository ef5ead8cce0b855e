"""The held transaction of a request with an Idempotency-Key (``services.idempotency.KeyedRequest``),
on a real database: the request's work, the jobs it queues and its stored answer commit together or
not at all, and requests with the same key take turns. The HTTP behaviour, a crash of the server
included, is tested end to end in ``test_crash_idempotency.py``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
from pathlib import Path
from typing import Any, Iterator, List, Optional

import pytest
from sqlalchemy import select, update

from humanloop_server.db.database import Database
from humanloop_server.db.models import IdempotencyRecord, Job, utcnow
from humanloop_server.services.context import Runtime
from humanloop_server.services.errors import Conflict
from humanloop_server.services.idempotency import KeyedRequest, Stored, lookup
from humanloop_server.services.keys import register_key
from humanloop_server.settings import Settings
from humanloop_server.workers.queue import enqueue

from .conftest import pg_database


def _backends() -> List[str]:
    return ["sqlite"] + (["postgresql"] if os.environ.get("HUMANLOOP_TEST_DATABASE_URL") else [])


@contextlib.contextmanager
def _database(backend: str) -> Iterator[Optional[str]]:
    if backend == "postgresql":
        with pg_database() as url:
            yield url
    else:
        yield None


@pytest.fixture(params=_backends())
def rt(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Runtime]:
    with _database(request.param) as url:
        settings = Settings(data_dir=tmp_path, database_url=url, idempotency_wait_seconds=0.5)
        runtime = Runtime(db=Database.open(settings), settings=settings)
        yield runtime
        runtime.db.dispose()


def _keyed(rt: Runtime, org_id: str, key: str, request_hash: str = "h") -> KeyedRequest:
    return KeyedRequest(
        rt.db,
        org_id,
        key,
        "POST",
        "/v5/prompts/log",
        request_hash,
        ttl_seconds=rt.settings.idempotency_ttl_seconds,
        wait_seconds=rt.settings.idempotency_wait_seconds,
    )


def _jobs(rt: Runtime, kind: str) -> int:
    with rt.db.read() as s:
        return len(s.execute(select(Job.id).where(Job.kind == kind)).all())


def test_work_and_answer_commit_together_or_not_at_all(rt: Runtime) -> None:
    org = register_key(rt, "hl_key_held", "held").id
    first = _keyed(rt, org, "k1")
    enqueue(first.resume(), org, "test_side_effect", {})  # a side effect of the request: a queued job
    first.work_done()
    first.abandon()  # the request failed (or its process died): neither the job nor a record stays
    assert _jobs(rt, "test_side_effect") == 0
    assert lookup(rt.db, org, "k1", "h", 3600) is None
    again = _keyed(rt, org, "k1")  # so a retry runs, at once
    enqueue(again.resume(), org, "test_side_effect", {})
    assert again.finish(200, "application/json", b'{"ok": 1}') is None  # stored with the work
    assert _jobs(rt, "test_side_effect") == 1
    assert lookup(rt.db, org, "k1", "h", 3600) == Stored("replay", 200, "application/json", b'{"ok": 1}')
    assert lookup(rt.db, org, "k1", "other", 3600) == Stored("mismatch")


def test_a_duplicate_waits_for_the_first_request_then_replays_it(rt: Runtime) -> None:
    rt.settings.idempotency_wait_seconds = 30
    org = register_key(rt, "hl_key_dup", "dup").id
    first = _keyed(rt, org, "k2")
    enqueue(first.resume(), org, "test_dup", {})
    outcome: List[Any] = []

    def duplicate() -> None:
        second = _keyed(rt, org, "k2")
        try:
            second.resume()  # waits for the first (SQLite's write lock, PostgreSQL's advisory lock)
            outcome.append("ran")
            second.abandon()
        except Conflict:
            outcome.append(second.taken)

    t = threading.Thread(target=duplicate)
    t.start()
    t.join(0.3)
    assert t.is_alive() and outcome == []  # still waiting for the first
    assert first.finish(201, None, b"first") is None
    t.join(30)
    assert outcome == [Stored("replay", 201, None, b"first")]
    assert _jobs(rt, "test_dup") == 1


def _org_with_answer(rt: Runtime, name: str, key: str) -> str:
    """A new organisation whose ``key`` has the answer ``first`` stored (with one ``test_first`` job)."""
    org = register_key(rt, f"hl_key_{name}", name).id
    first = _keyed(rt, org, key)
    enqueue(first.resume(), org, "test_first", {})
    assert first.finish(200, None, b"first") is None
    return org


def test_opening_a_stored_key_stops_before_the_work_with_its_answer(rt: Runtime) -> None:
    # the HTTP layer does not look the key up first: the opening of the transaction does
    org = _org_with_answer(rt, "opening", "k4")
    again = _keyed(rt, org, "k4")
    with pytest.raises(Conflict):
        again.resume()
    assert again.taken == Stored("replay", 200, None, b"first")
    assert again.finish(200, None, b"again") == Stored("replay", 200, None, b"first")
    other = _keyed(rt, org, "k4", request_hash="another request")
    with pytest.raises(Conflict):
        other.resume()
    assert other.taken == Stored("mismatch")
    assert _jobs(rt, "test_first") == 1
    # a request whose caller was refused (no organisation) stores nothing and takes no key
    refused = KeyedRequest(rt.db, None, "k5", "POST", "/v5/prompts/log", "h", ttl_seconds=3600, wait_seconds=0.5)
    assert refused.finish(401, None, b"no") is None
    assert lookup(rt.db, org, "k5", "h", 3600) is None


def test_a_stored_answer_past_its_ttl_is_forgotten_and_the_request_runs(rt: Runtime) -> None:
    org = _org_with_answer(rt, "expired", "k6")
    with rt.db.write() as s:  # the answer was stored two TTLs ago
        s.execute(
            update(IdempotencyRecord)
            .where(IdempotencyRecord.org_id == org, IdempotencyRecord.key == "k6")
            .values(created_at=utcnow() - dt.timedelta(seconds=2 * rt.settings.idempotency_ttl_seconds))
        )
    again = _keyed(rt, org, "k6", request_hash="a new request")
    enqueue(again.resume(), org, "test_first", {})  # not stopped: it runs
    assert again.taken is None
    assert again.finish(200, None, b"second") is None
    assert _jobs(rt, "test_first") == 2
    assert lookup(rt.db, org, "k6", "a new request", rt.settings.idempotency_ttl_seconds) == Stored(
        "replay", 200, None, b"second"
    )


def test_a_pause_before_any_statement_takes_the_key_first(rt: Runtime) -> None:
    # prompts.call pauses before calling the provider: a stored answer must stop it there, even
    # when the route has not run a statement yet (the transaction begins at the first one)
    org = _org_with_answer(rt, "pause", "k6")
    again = _keyed(rt, org, "k6")
    again.open_deferred()
    with pytest.raises(Conflict):
        again.pause()
    assert again.taken == Stored("replay", 200, None, b"first")
    fresh = _keyed(rt, org, "k7")
    fresh.open_deferred()
    fresh.pause()  # nothing stored: the transaction (reads only) ends for the wait
    assert not fresh.taken
    enqueue(fresh.resume(), org, "test_fresh", {})
    fresh.work_done()
    assert fresh.finish(200, None, b"fresh") is None
    assert lookup(rt.db, org, "k7", "h", 3600) == Stored("replay", 200, None, b"fresh")


@pytest.mark.skipif(not os.environ.get("HUMANLOOP_TEST_DATABASE_URL"), reason="PostgreSQL only")
def test_a_key_busy_past_the_wait_is_409_and_stores_nothing(tmp_path: Path) -> None:
    with _database("postgresql") as url:
        settings = Settings(data_dir=tmp_path, database_url=url, idempotency_wait_seconds=0.2)
        rt = Runtime(db=Database.open(settings), settings=settings)
        try:
            org = register_key(rt, "hl_key_busy", "busy").id
            first = _keyed(rt, org, "k3")
            first.resume()
            second = _keyed(rt, org, "k3")
            with pytest.raises(Conflict) as err:
                second.resume()
            assert second.busy and err.value.headers.get("x-should-retry") == "true"
            assert second.finish(409, "application/json", b"{}") is None  # sent, not stored
            assert first.finish(200, None, b"ok") is None
            assert lookup(rt.db, org, "k3", "h", 3600) == Stored("replay", 200, None, b"ok")
        finally:
            rt.db.dispose()
