"""Idempotency-Keys: the stored answers of keyed requests (table ``idempotency_records``) and the
transaction that makes a keyed request act at most once, a crash of the server included.

A request with a key (per organisation) does all its work in one write transaction that the HTTP
layer (``api/idempotency.py``) holds open until the answer is known: a :class:`KeyedRequest`, the
``held`` transaction of ``services.context.Context`` (services flush instead of committing, see
``Context.commit``). The answer is then added to that transaction as the key's record, and the
work, the jobs it queued and the record commit together, or none of them does. Hence:

- a record exists exactly when the request's work committed; a repeat gets the record (replay);
- a request that did not complete (an exception, a 5xx answer, ``kill -9`` of the server) leaves
  neither a record nor any of its work: the database rolls the transaction back (PostgreSQL when
  the connection drops, SQLite from its write-ahead log at the next open), so a repeat runs at
  once, as if it were the first, on this process or any other;
- requests with the same key take turns. On SQLite the write lock already orders every write
  transaction. On PostgreSQL a keyed transaction first takes an advisory lock on its key
  (``pg_advisory_xact_lock``), waiting at most ``idempotency_wait_seconds`` (then 409 with
  ``x-should-retry``); the lock goes with the transaction, also when its process dies. Whoever
  comes second finds the record and replays it.

``prompts.call`` ends its transaction while the model provider works (``Context.pause``), which
lets a duplicate in: both may call the provider, but the Logs are written when the transaction is
taken again (the key checked anew), so only one of them stores anything and the other replays its
answer; the unique index on (organisation, key) settles any remaining race.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from typing import Any, ContextManager, Literal, Optional

from sqlalchemy import BigInteger, Row, bindparam, delete, func, insert, literal, select, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from ..db.database import Database
from ..db.hot import HotStatement
from ..db.models import IdempotencyRecord, table_of, utcnow
from .bounds import max_length
from .errors import Conflict

#: A record without an answer is left by an older version of the server, which claimed keys
#: before acting; one older than this belongs to a request that died.
LEGACY_STALE_AFTER = dt.timedelta(minutes=5)

#: PostgreSQL's error code for a lock wait that ran out of ``lock_timeout``.
LOCK_NOT_AVAILABLE = "55P03"
#: the longest key, and the longest request path, a record can hold
KEY_MAX = max_length(IdempotencyRecord, "key") or 255
PATH_MAX = max_length(IdempotencyRecord, "path") or 2048


@dataclasses.dataclass(frozen=True)
class Stored:
    """What is stored for a key: its answer (``replay``), or the key belongs to another request
    (``mismatch``)."""

    outcome: Literal["replay", "mismatch"]
    status: int = 0
    content_type: Optional[str] = None
    body: bytes = b""


#: the table of records: its hot statements are Core statements, built once (the ORM's per-statement
#: work cost more than the queries on the path of every keyed request)
_RECORDS = table_of(IdempotencyRecord)
_FIND = select(_RECORDS).where(_RECORDS.c.org_id == bindparam("org_id"), _RECORDS.c.key == bindparam("key"))
_INSERT_RECORD = insert(_RECORDS)
#: what ``finish`` inserts, sent to the driver (``db/hot.py``); the id is the database's
_INSERT_RECORD_HOT = HotStatement(
    _INSERT_RECORD,
    ["org_id", "key", "method", "path", "request_hash", "status_code", "content_type", "response_body", "created_at"],
)
#: whether a key has a record, sent to the driver (``db/hot.py``): what every keyed request asks,
#: and nearly always the answer is no; the whole record is read only when there is one
_PROBE_HOT = HotStatement(
    select(_RECORDS.c.id).where(_RECORDS.c.org_id == bindparam("org_id"), _RECORDS.c.key == bindparam("key"))
)
#: PostgreSQL: try the key's advisory lock and see whether it has a record, in one round trip (sent
#: to the driver too). The record's row comes from the statement's snapshot, which may predate a
#: duplicate's commit that freed the lock a moment later; such a duplicate's record still stops this
#: request, at the unique index when ``finish`` adds its own (the work is rolled back and the other
#: answer sent).
_TRY_LOCK_AND_PROBE_HOT = HotStatement(
    select(
        func.pg_try_advisory_xact_lock(bindparam("lock_id", type_=BigInteger)).label("got"), _RECORDS.c.id
    ).select_from(
        select(literal(1).label("one"))
        .subquery("one")
        .outerjoin(_RECORDS, (_RECORDS.c.org_id == bindparam("org_id")) & (_RECORDS.c.key == bindparam("key")))
    )
)


def _stored(rec: Row[Any], request_hash: str) -> Stored:
    if rec.request_hash != request_hash:
        return Stored("mismatch")
    return Stored("replay", status=rec.status_code or 0, content_type=rec.content_type, body=rec.response_body or b"")


def _find(session: Session, org_id: str, key: str) -> Optional[Row[Any]]:
    """The record of ``key`` (a row of ``idempotency_records``), if any."""
    return session.execute(_FIND, {"org_id": org_id, "key": key}).first()


def _expired(rec: Row[Any], ttl_seconds: int) -> bool:
    return bool(utcnow() - rec.created_at > dt.timedelta(seconds=ttl_seconds))


def lookup(db: Database, org_id: str, key: str, request_hash: str, ttl_seconds: int) -> Optional[Stored]:
    """The stored answer of ``key``, if any (a quick look before the request runs; the check that
    counts is made again inside the request's transaction)."""
    with db.read() as session:
        rec = _find(session, org_id, key)
        if rec is None or rec.status_code is None or _expired(rec, ttl_seconds):
            return None
        return _stored(rec, request_hash)


class _Abandoned(Exception):
    """Thrown into a held ``Database.write()`` block to roll it back."""


def busy_error() -> Conflict:
    return Conflict(
        "A request with this Idempotency-Key is still being processed; retry later.",
        headers={"x-should-retry": "true", "retry-after": "1"},
    )


class KeyedRequest:
    """The write transaction of one request with an Idempotency-Key, held until its answer is stored.

    Used one step after another (from several threads, never at once): ``resume()`` opens it (the
    request's transaction, ``api/deps.get_context``) and, after a ``pause()``, opens it again;
    ``finish()`` adds the answer and commits; ``abandon()`` rolls back whatever is open. Opening
    takes the key (see the module docstring) and checks it: when another request stored an answer
    for it meanwhile, ``taken`` is set and :class:`Conflict` raised, so the caller stops and
    replays ``taken``; when the key stays busy past the wait, ``busy`` is set (409, not stored).

    ``org_id`` may be None at first: the HTTP layer makes the request before the route has checked
    its API key, and ``api/deps.authenticate`` sets it. Without it nothing is taken or stored.

    The opening looks the key up: a stored answer stops the request before it acts. Should a record
    still appear before ``finish`` adds this request's (it cannot while the key is held, but the
    unique index on (organisation, key) is the last word), ``finish`` rolls this request's work
    back and answers with the other one's.
    """

    def __init__(
        self,
        db: Database,
        org_id: Optional[str],
        key: str,
        method: str,
        path: str,
        request_hash: str,
        *,
        ttl_seconds: int,
        wait_seconds: float,
    ) -> None:
        self.db = db
        self.org_id = org_id
        self.key = key
        self.method = method
        self.path = path
        self.request_hash = request_hash
        self.ttl_seconds = ttl_seconds
        self.wait_seconds = wait_seconds
        self.taken: Optional[Stored] = None
        self.busy = False
        self._block: Optional[ContextManager[Session]] = None
        self._session: Optional[Session] = None
        self._writing = False  # a write transaction is open on the session (not paused)
        self._work = False  # a service wrote something in it
        self._finished = False  # the answer is stored and committed

    @property
    def settled(self) -> bool:
        """Nothing is left to do in the database: the answer is stored, or another request's is
        to be sent (``finish`` then answers without touching the database)."""
        return self._block is None and (self._finished or self.taken is not None)

    @property
    def is_open(self) -> bool:
        """A transaction (or a paused one) is held that ``finish`` or ``abandon`` must end."""
        return self._block is not None

    # ---- services.context.HeldTransaction

    def work_done(self) -> None:
        self._work = True

    def pause(self) -> None:
        if self._session is not None and Database.write_deferred(self._session):
            # no statement has run yet, so the key is not taken: take it now, so that a stored
            # answer stops the request before its slow wait rather than after it
            try:
                self._session.connection()
            except BaseException:
                self.abandon()
                raise
        if self._session is None or not self._writing:
            return
        if self._work:
            self._session.flush()  # written already: the lock stays, the work must commit with the answer
            return
        self._session.commit()  # reads only: end the transaction (and its locks) for the wait
        self._writing = False

    def resume(self) -> Session:
        if self._session is not None and self._writing:
            return self._session
        try:
            if self._session is None:
                self._block = self.db.write()
                self._session = self._block.__enter__()
                self._begun(self._session)
            elif Database.write_deferred(self._session):
                self._session.connection()  # begins the write transaction: _begun takes the key
            else:
                if self._session.in_transaction():
                    self._session.commit()  # a read transaction begun after the pause
                Database.begin_write(self._session)
                self._begun(self._session)
        except BaseException:
            self.abandon()
            raise
        return self._session

    def open_deferred(self) -> Session:
        """The session of the route (``api/deps.get_context``), whose write transaction (and the
        taking of the key) begins at its first statement: what the request does before it
        touches the database (FastAPI validates the body after opening the transaction) then does
        not hold SQLite's write lock. A :class:`Conflict` of the key is raised by that statement."""
        if self._session is not None:
            return self.resume()
        try:
            self._block = self.db.write(deferred=True, on_begin=self._begun)
            self._session = self._block.__enter__()
        except BaseException:
            self.abandon()
            raise
        return self._session

    def _begun(self, session: Session) -> None:
        self._writing = True
        self._take(session)

    # ---- the request layer

    def finish(self, status: int, content_type: Optional[str], body: bytes) -> Optional[Stored]:
        """Store the request's answer with its work and commit both. None: send that answer. A
        :class:`Stored` instead when the key was used by another request first (this request's work
        is then rolled back). A 5xx answer or a busy key stores nothing and undoes the work.

        A route may call it itself, with its rendered answer, so that the transaction ends in the
        route's thread (``api/deps.answer_now``); the Idempotency-Key layer's call with the same
        answer then finds it done and answers as the first call did."""
        if self.taken is not None:
            self.abandon()
            return self.taken
        if self._finished:
            return None
        if self.busy or status >= 500 or self.org_id is None:  # org_id None: the caller was refused
            self.abandon()
            return None
        try:
            session = self.resume()
        except Conflict:
            return self.taken  # None when busy: this answer is sent, not stored
        session.flush()  # the work first: its failure is not a clash of the key
        try:
            _INSERT_RECORD_HOT.run(
                session,
                {
                    "org_id": self.org_id,
                    "key": self.key,
                    "method": self.method,
                    "path": self.path,
                    "request_hash": self.request_hash,
                    "status_code": status,
                    "content_type": content_type,
                    "response_body": body,
                    "created_at": utcnow(),
                },
            )
        except IntegrityError:
            # another request with this key committed first (possible after a pause): its answer
            self.abandon()
            other = lookup(self.db, self._org(), self.key, self.request_hash, self.ttl_seconds)
            if other is None:
                raise
            self.taken = other
            return other
        block, self._block, self._session, self._writing = self._block, None, None, False
        assert block is not None
        block.__exit__(None, None, None)  # commit: the work, its jobs and the answer at once
        self._finished = True
        return None

    def abandon(self) -> None:
        """Roll back whatever is open (idempotent)."""
        block, self._block, self._session, self._writing, self._work = self._block, None, None, False, False
        if block is not None:
            block.__exit__(_Abandoned, _Abandoned(), None)

    # ----

    def _org(self) -> str:
        if self.org_id is None:  # the route opens the transaction only once it knows the caller
            raise RuntimeError("the organisation of a keyed request is not known yet")
        return self.org_id

    def _lock_id(self) -> int:
        digest = hashlib.sha256(f"idempotency\n{self._org()}\n{self.key}".encode()).digest()
        return int.from_bytes(digest[:8], "big", signed=True)

    def _take(self, session: Session) -> None:
        rec: Optional[Row[Any]] = None
        probe = {"org_id": self._org(), "key": self.key}
        if self.db.dialect != "postgresql":
            if _PROBE_HOT.rows(session, probe):  # the write lock orders the writers already
                rec = _find(session, self._org(), self.key)
        else:
            ((got, record_id),) = _TRY_LOCK_AND_PROBE_HOT.rows(session, {**probe, "lock_id": self._lock_id()})
            if not got:
                rec = self._wait_for_key(session)
            elif record_id is not None:
                rec = _find(session, self._org(), self.key)
        if rec is None:
            return
        if _expired(rec, self.ttl_seconds) or (
            rec.status_code is None and utcnow() - rec.created_at > LEGACY_STALE_AFTER
        ):
            session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == rec.id))
            return
        if rec.status_code is None:
            self.busy = True
            raise busy_error()
        self.taken = _stored(rec, self.request_hash)
        raise Conflict("This Idempotency-Key was used by another request meanwhile.")

    def _wait_for_key(self, session: Session) -> Optional[Row[Any]]:
        """PostgreSQL, the key held by a duplicate in progress: wait for it (at most wait_seconds),
        then read the record it left, if any. The usual case, a free key, costs one statement."""
        session.execute(text(f"SET LOCAL lock_timeout = {max(1, int(self.wait_seconds * 1000))}"))
        try:
            session.execute(select(func.pg_advisory_xact_lock(self._lock_id())))
        except OperationalError as exc:
            if getattr(exc.orig, "sqlstate", None) != LOCK_NOT_AVAILABLE:
                raise
            self.busy = True
            raise busy_error() from None
        session.execute(text("SET LOCAL lock_timeout TO DEFAULT"))
        return _find(session, self._org(), self.key)


def sweep(db: Database, ttl_seconds: int) -> int:
    """Forget keys older than the TTL; returns how many."""
    cutoff = utcnow() - dt.timedelta(seconds=ttl_seconds)
    with db.write() as s:
        res = s.execute(delete(IdempotencyRecord).where(IdempotencyRecord.created_at < cutoff))
    return int(getattr(res, "rowcount", 0) or 0)
