"""SQLite write transactions of one process take turns in arrival order (``db/writer_queue.py``),
and every way a write transaction ends hands its turn on."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Callable, Dict, List, Tuple

import pytest
from sqlalchemy import text

from humanloop_server.db import write_batch
from humanloop_server.db.database import Database
from humanloop_server.db.engine import wal_syncer
from humanloop_server.db.writer_queue import WriterQueue
from humanloop_server.settings import Settings


def test_turns_go_in_arrival_order_and_any_thread_may_end_one() -> None:
    queue = WriterQueue()
    assert queue.acquire(timeout=1)
    order: List[int] = []

    def wait(i: int) -> None:
        assert queue.acquire(timeout=10)
        order.append(i)
        queue.release()

    threads = []
    for i in range(5):
        t = threading.Thread(target=wait, args=(i,))
        t.start()
        threads.append(t)
        while queue.waiting < i + 1:  # each in the queue before the next arrives
            time.sleep(0.001)
    releaser = threading.Thread(target=queue.release)  # the turn ends in another thread
    releaser.start()
    for t in [releaser, *threads]:
        t.join(10)
    assert order == [0, 1, 2, 3, 4]
    assert queue.acquire(timeout=0.1)  # free again


def test_a_wait_that_runs_out_leaves_the_queue() -> None:
    queue = WriterQueue()
    assert queue.acquire(timeout=1)
    started = time.monotonic()
    assert not queue.acquire(timeout=0.05)
    assert time.monotonic() - started >= 0.05
    assert queue.waiting == 0
    queue.release()
    assert queue.acquire(timeout=0.1)


@pytest.fixture
def db(tmp_path: Path) -> Database:
    settings = Settings(data_dir=tmp_path, sqlite_busy_timeout_ms=5000)
    database = Database.open(settings, migrate=False)
    with database.write() as s:
        s.execute(text("CREATE TABLE t (x INTEGER)"))
    return database


def _next_write_begins_at_once(db: Database) -> None:
    started = time.monotonic()
    with db.write() as s:
        s.execute(text("INSERT INTO t VALUES (1)"))
    assert time.monotonic() - started < 2  # not the 5 s busy timeout: the turn was free


def test_commit_rollback_and_close_end_the_turn(db: Database) -> None:
    with db.write() as s:
        s.execute(text("INSERT INTO t VALUES (1)"))
    _next_write_begins_at_once(db)
    with pytest.raises(RuntimeError), db.write() as s:
        s.execute(text("INSERT INTO t VALUES (2)"))
        raise RuntimeError("rolled back")
    _next_write_begins_at_once(db)
    s2 = db.session()
    Database.begin_write(s2)
    s2.execute(text("INSERT INTO t VALUES (3)"))
    s2.close()  # neither committed nor rolled back by hand
    _next_write_begins_at_once(db)
    with db.read() as s:
        assert s.execute(text("SELECT count(*) FROM t")).scalar_one() == 4  # 1 + one per check


def test_a_write_held_in_one_thread_and_committed_in_another(db: Database) -> None:
    s = db.session()
    Database.begin_write(s)
    s.execute(text("INSERT INTO t VALUES (1)"))
    waited: List[float] = []

    def second_writer() -> None:
        started = time.monotonic()
        with db.write() as s2:
            s2.execute(text("INSERT INTO t VALUES (2)"))
        waited.append(time.monotonic() - started)

    writer = threading.Thread(target=second_writer)
    writer.start()
    time.sleep(0.2)
    assert not waited  # queued behind the open write transaction
    committer = threading.Thread(target=lambda: (s.commit(), s.close()))
    committer.start()
    committer.join(10)
    writer.join(10)
    assert waited and waited[0] < 3
    with db.read() as r:
        assert r.execute(text("SELECT count(*) FROM t")).scalar_one() == 2


def test_a_deferred_write_takes_the_turn_at_its_first_statement(db: Database) -> None:
    # what a request does before its first statement (FastAPI validating its body) must not hold
    # the write turn; the first statement then begins a write transaction, with its hook run once
    holder = db.session()
    Database.begin_write(holder)
    holder.execute(text("INSERT INTO t VALUES (1)"))
    begun: List[str] = []
    done: List[float] = []
    entered = threading.Event()

    def deferred_writer() -> None:
        with db.write(deferred=True, on_begin=lambda s: begun.append("begun")) as s:
            assert Database.write_deferred(s)
            entered.set()  # entering did not wait for the turn
            started = time.monotonic()
            s.execute(text("INSERT INTO t VALUES (2)"))  # waits for it here
            s.execute(text("INSERT INTO t VALUES (3)"))
            done.append(time.monotonic() - started)
            assert not Database.write_deferred(s)

    writer = threading.Thread(target=deferred_writer)
    writer.start()
    assert entered.wait(2)
    time.sleep(0.2)
    assert not done and not begun  # its first statement waits for the held turn
    holder.commit()
    holder.close()
    writer.join(10)
    assert done and begun == ["begun"]
    _next_write_begins_at_once(db)  # the deferred transaction handed its turn on
    with db.read() as r:
        assert r.execute(text("SELECT count(*) FROM t")).scalar_one() == 4
    with db.write(deferred=True) as unused:  # never used: nothing begun, nothing held
        assert Database.write_deferred(unused)
    _next_write_begins_at_once(db)


def test_write_commits_share_fsyncs_and_return_only_once_durable(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    # group commit (db/wal_sync.py): SQLite itself does not fsync a commit (synchronous=NORMAL);
    # a write transaction's commit() returns after an fsync of the log that began after its COMMIT,
    # and writers committing while one runs share the next
    syncer = wal_syncer(db.engine)
    assert syncer is not None
    with db.read() as r:
        assert r.execute(text("PRAGMA synchronous")).scalar_one() == 1  # NORMAL
    syncs: List[Tuple[float, float]] = []
    real = syncer._fsync

    def slow_fsync() -> None:
        started = time.monotonic()
        time.sleep(0.05)
        real()
        syncs.append((started, time.monotonic()))

    monkeypatch.setattr(syncer, "_fsync", slow_fsync)
    commits: List[Tuple[float, float]] = []

    def writer(i: int) -> None:
        with db.write() as s:
            s.execute(text("INSERT INTO t VALUES (:i)"), {"i": i})
            committing = time.monotonic()
        commits.append((committing, time.monotonic()))

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert len(commits) == 8
    for committing, returned in commits:  # made durable by an fsync begun after it committed
        assert any(committing < start and end <= returned for start, end in syncs)
    assert len(syncs) < 8  # shared
    before = len(syncs)
    with db.read() as r:
        assert r.execute(text("SELECT count(*) FROM t")).scalar_one() == 8
    assert len(syncs) == before  # a read transaction waits for no fsync


def _dbapi_id(session: object) -> int:
    from sqlalchemy.orm import Session

    assert isinstance(session, Session)
    return id(session.connection().connection.dbapi_connection)


def test_write_transactions_share_one_connection_and_reads_do_not_take_it(db: Database) -> None:
    # db/engine.py SqliteWrites: a connection's page cache survives only its own commits, so every
    # write transaction of the process runs on the one connection kept for writes
    seen: List[int] = []
    lock = threading.Lock()

    def writer(i: int) -> None:
        with db.write() as s:
            s.execute(text("INSERT INTO t VALUES (:i)"), {"i": i})
            with lock:
                seen.append(_dbapi_id(s))

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert len(seen) == 8 and len(set(seen)) == 1
    (write_conn,) = set(seen)

    with db.write(deferred=True) as s:  # begun at its first statement: the same connection
        s.execute(text("INSERT INTO t VALUES (100)"))
        assert _dbapi_id(s) == write_conn
        s.commit()
        # once committed, the session reads on the pool, and the next writer can have the connection
        assert _dbapi_id(s) != write_conn
        _next_write_begins_at_once(db)
    with db.read() as r:
        assert _dbapi_id(r) != write_conn
        assert r.execute(text("SELECT count(*) FROM t")).scalar_one() == 10


def test_a_writer_that_cannot_have_the_connection_hands_its_turn_on(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from humanloop_server.db.engine import sqlite_writes

    writes = sqlite_writes(db.engine)
    assert writes is not None and writes.engine is not None
    real_connect = writes.engine.connect

    def broken() -> object:
        raise RuntimeError("no connection")

    monkeypatch.setattr(writes.engine, "connect", broken)
    with pytest.raises(RuntimeError, match="no connection"), db.write() as s:
        s.execute(text("INSERT INTO t VALUES (1)"))
    monkeypatch.setattr(writes.engine, "connect", real_connect)
    assert writes.writers.waiting == 0
    _next_write_begins_at_once(db)  # the turn was released, not leaked


def _queue_writers(db: Database, count: int, work: Callable[[int], None]) -> List[threading.Thread]:
    """Start ``count`` threads running ``work``; return once all of them wait for the write turn."""
    from humanloop_server.db.engine import sqlite_writes

    writes = sqlite_writes(db.engine)
    assert writes is not None
    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 10
    while writes.writers.waiting < count:
        assert time.monotonic() < deadline, "the writers did not queue"
        time.sleep(0.001)
    return threads


def _count_batch_commits(db: Database, monkeypatch: pytest.MonkeyPatch) -> List[int]:
    syncer = wal_syncer(db.engine)
    assert syncer is not None
    commits: List[int] = []
    real = syncer.committed

    def counted() -> int:
        seq = real()
        commits.append(seq)
        return seq

    monkeypatch.setattr(syncer, "committed", counted)
    return commits


def test_queued_writers_share_one_commit_and_return_once_it_is_stored(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # db/write_batch.py: a writer that finishes while others queue hands them its open transaction;
    # the last one commits for all, and each commit() returns only after that
    monkeypatch.setattr(write_batch, "MAX_SECONDS", 60.0)  # however slowly a loaded machine runs them
    commits = _count_batch_commits(db, monkeypatch)
    holder = db.session()
    Database.begin_write(holder)
    holder.execute(text("INSERT INTO t VALUES (-1)"))
    seen_after_commit: Dict[int, int] = {}

    def writer(i: int) -> None:
        with db.write() as s:
            s.execute(text("INSERT INTO t VALUES (:i)"), {"i": i})
        with db.read() as r:  # another connection: sees what is committed
            seen_after_commit[i] = r.execute(text("SELECT count(*) FROM t")).scalar_one()

    threads = _queue_writers(db, 6, writer)
    holder.commit()  # hands the batch on; returns once the last writer has committed it
    holder.close()
    with db.read() as r:
        assert r.execute(text("SELECT count(*) FROM t")).scalar_one() == 7
    for t in threads:
        t.join(10)
    assert len(commits) == 1  # seven write transactions, one COMMIT
    assert seen_after_commit == {i: 7 for i in range(6)}  # nobody returned before all were stored
    _next_write_begins_at_once(db)


def test_a_writer_that_rolls_back_leaves_the_rest_of_its_batch(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(write_batch, "MAX_SECONDS", 60.0)
    commits = _count_batch_commits(db, monkeypatch)
    holder = db.session()
    Database.begin_write(holder)
    holder.execute(text("INSERT INTO t VALUES (-1)"))
    failed: List[int] = []

    def writer(i: int) -> None:
        try:
            with db.write() as s:
                s.execute(text("INSERT INTO t VALUES (:i)"), {"i": i})
                if i % 2:
                    raise RuntimeError("changed its mind")
        except RuntimeError:
            failed.append(i)

    threads = _queue_writers(db, 5, writer)
    holder.commit()
    holder.close()
    for t in threads:
        t.join(10)
    assert sorted(failed) == [1, 3]
    with db.read() as r:
        assert sorted(r.execute(text("SELECT x FROM t")).scalars()) == [-1, 0, 2, 4]
    assert len(commits) == 1
    _next_write_begins_at_once(db)


def test_a_batch_whose_commit_fails_fails_every_writer_in_it(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(write_batch, "MAX_SECONDS", 60.0)
    from sqlalchemy.exc import DBAPIError, OperationalError

    from humanloop_server.api.errors import database_busy

    with db.write() as s:
        s.execute(text("CREATE TABLE parent (id INTEGER PRIMARY KEY)"))
        s.execute(text("CREATE TABLE child (pid INTEGER REFERENCES parent (id))"))
    holder = db.session()
    Database.begin_write(holder)
    # a foreign key checked only at COMMIT: the batch's COMMIT fails, after every savepoint was released
    holder.execute(text("PRAGMA defer_foreign_keys = ON"))
    holder.execute(text("INSERT INTO child VALUES (999)"))
    errors: Dict[int, BaseException] = {}

    def writer(i: int) -> None:
        try:
            with db.write() as s:
                s.execute(text("INSERT INTO t VALUES (:i)"), {"i": i})
        except DBAPIError as exc:
            errors[i] = exc

    threads = _queue_writers(db, 3, writer)
    with pytest.raises(OperationalError) as raised:
        holder.commit()
    holder.close()
    for t in threads:
        t.join(10)
    assert database_busy(raised.value)  # answered 503 with Retry-After: nothing of it was stored
    assert "FOREIGN KEY constraint failed" in str(raised.value)
    assert sorted(errors) == [0, 1, 2]
    assert "FOREIGN KEY constraint failed" in str(errors[2])  # the writer that ran the COMMIT
    assert all(database_busy(errors[i]) for i in (0, 1))
    with db.read() as r:
        assert r.execute(text("SELECT count(*) FROM t")).scalar_one() == 0
        assert r.execute(text("SELECT count(*) FROM child")).scalar_one() == 0
    _next_write_begins_at_once(db)


def test_a_lost_connection_fails_the_batch_it_held(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(write_batch, "MAX_SECONDS", 60.0)
    holder = db.session()
    Database.begin_write(holder)
    holder.execute(text("INSERT INTO t VALUES (-1)"))
    outcome: List[str] = []

    def writer(i: int) -> None:
        try:
            with db.write() as s:
                s.execute(text("INSERT INTO t VALUES (:i)"), {"i": i})
                s.connection().invalidate()  # the batch's connection closes with its transaction open
        except Exception as exc:  # noqa: BLE001 - which error is checked below
            outcome.append(type(exc).__name__)

    threads = _queue_writers(db, 1, writer)
    from sqlalchemy.exc import OperationalError

    with pytest.raises(OperationalError, match="write batch"):
        holder.commit()  # its work was in the lost transaction
    holder.close()
    for t in threads:
        t.join(10)
    assert len(outcome) == 1
    with db.read() as r:
        assert r.execute(text("SELECT count(*) FROM t")).scalar_one() == 0
    _next_write_begins_at_once(db)


def test_a_batch_past_its_age_is_committed_by_its_next_writer(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(write_batch, "MAX_SECONDS", 0.0)
    commits = _count_batch_commits(db, monkeypatch)
    holder = db.session()
    Database.begin_write(holder)
    holder.execute(text("INSERT INTO t VALUES (-1)"))
    threads = _queue_writers(db, 3, lambda i: _insert(db, i))
    holder.commit()
    holder.close()
    for t in threads:
        t.join(10)
    assert len(commits) == 4  # each committed on its own
    with db.read() as r:
        assert r.execute(text("SELECT count(*) FROM t")).scalar_one() == 4


def _insert(db: Database, i: int) -> None:
    with db.write() as s:
        s.execute(text("INSERT INTO t VALUES (:i)"), {"i": i})
