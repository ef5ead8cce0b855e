"""Queued SQLite write transactions of a process share one database transaction: a write batch.

Each write transaction on SQLite costs the same fixed work however little it writes: ``BEGIN
IMMEDIATE`` takes the file's locks and reads the log's index, ``COMMIT`` appends a commit frame and
updates that index, the turn (``writer_queue.py``) and the connection change hands, and the commit
is counted for the group fsync (``wal_sync.py``). Under load that was about a third of the 3.3 ms of
CPU a ``prompts.log`` cost in the server's process.

So when a writer finishes while others are queued for the turn, it does not commit. Its work is
kept with ``RELEASE`` of the savepoint it ran in, and the turn passes straight to the next writer
with the database transaction still open. The next writer runs in a savepoint of its own
(``SAVEPOINT humanloop_write``) inside that transaction. The writer that finds nobody waiting, or a
batch already at :data:`MAX_MEMBERS` writers or :data:`MAX_SECONDS` old, commits them all.

What each writer sees does not change:

* A writer's ``commit()`` returns only once the batch's ``COMMIT`` is done and fsynced, so an
  answer sent after it is as durable as before. If that ``COMMIT`` fails, every writer whose work
  was in the batch gets an error (:class:`WriteBatchFailed`, answered as 503: nothing of theirs
  was stored, so a retry is safe).
* A writer that rolls back undoes only its own savepoint; the batch goes on without it.
* Writers of the batch see each other's rows, as they would have after each commit. Readers on
  other connections see them all at once when the batch commits. Nobody has been answered about
  any of them before that.

Writers of other processes still take turns with this one through SQLite's own lock, which a batch
holds from its ``BEGIN IMMEDIATE`` to its ``COMMIT`` (at most about :data:`MAX_SECONDS`).
"""

from __future__ import annotations

import threading
import time
from typing import Optional

from sqlalchemy.exc import OperationalError

from .wal_sync import WalSyncer

#: at most this many write transactions in one batch
MAX_MEMBERS = 32
#: a batch older than this is committed by its next writer, even if others are waiting: it bounds
#: how long the first writer of a batch waits for its answer
MAX_SECONDS = 0.02
#: the savepoint each writer of a batch runs in
SAVEPOINT = "humanloop_write"
#: a writer waits at most this long for its batch to commit: only a bug would make it wait as long
WAIT_SECONDS = 120.0


class WriteBatchFailed(Exception):
    """The ``COMMIT`` of a write batch failed, so the writes of its members were not stored."""


class Batch:
    """One open database transaction on the connection kept for writes, and who is in it."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.members = 0  # writers that began in it
        self.kept = 0  # writers whose work it holds (their savepoint was released, not rolled back)
        self._done = threading.Event()
        self._error: Optional[BaseException] = None
        self._durable_seq: Optional[int] = None

    def can_grow(self) -> bool:
        return self.members < MAX_MEMBERS and time.monotonic() - self.started < MAX_SECONDS

    def committed(self, durable_seq: Optional[int]) -> None:
        """Its ``COMMIT`` succeeded; ``durable_seq`` is the commit's number for the group fsync."""
        self._durable_seq = durable_seq
        self._done.set()

    def failed(self, error: BaseException) -> None:
        """It ended without storing anything (a failed ``COMMIT``, a lost connection)."""
        self._error = error
        self._done.set()

    def wait_stored(self, syncer: Optional[WalSyncer]) -> None:
        """Return once the batch is committed and durable; raise if it ended otherwise."""
        if not self._done.wait(WAIT_SECONDS):
            raise _failure("the write batch did not end in time", None)
        if self._error is not None:
            raise _failure("the write batch failed to commit", self._error)
        if self._durable_seq is not None and syncer is not None:
            syncer.wait_durable(self._durable_seq)


class Member:
    """A writer's part in a batch: ``kept`` once its savepoint was released (its work is in it)."""

    def __init__(self, batch: Batch) -> None:
        self.batch = batch
        self.kept = False


def _failure(message: str, cause: Optional[BaseException]) -> OperationalError:
    error = WriteBatchFailed(f"{message}: {cause}" if cause is not None else message)
    wrapped = OperationalError("COMMIT", None, error)
    wrapped.__cause__ = cause
    return wrapped
