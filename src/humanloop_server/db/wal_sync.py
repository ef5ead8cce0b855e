"""Group commit for SQLite: the write transactions of a process share their fsyncs.

With ``synchronous=FULL`` every commit fsyncs the write-ahead log while the committing transaction
still holds the write turn (``writer_queue.py``), and all other writers wait for it: on this kind
of disk a few milliseconds each, half of what a ``prompts.log`` held the turn for under load.
Instead the connections run with ``synchronous=NORMAL`` (SQLite fsyncs the log only around
checkpoints), and a write transaction's commit, once it has handed the turn on, waits here until
the log file has been fsynced after its COMMIT. One fsync covers every commit made before it
began, so writers that commit while a sync runs share the next one.

What a client is told stays as durable as with ``synchronous=FULL``: ``commit()`` returns (and so
an answer is sent) only after the fsync. What differs: for the few milliseconds until that fsync,
other requests can already read the committed rows; only a crash of the operating system or a
power cut in that window (not of the server process: the data is in the kernel's page cache)
loses them, and then also what was read of them.

The first sync of a new log file also fsyncs its directory, as SQLite does for a new file.
"""

from __future__ import annotations

import os
import threading
from typing import Optional


class WalSyncer:
    """Counts the commits of one database file's write-ahead log and makes them durable in groups."""

    def __init__(self, db_path: str) -> None:
        self.wal_path = db_path + "-wal"
        self._cond = threading.Condition()
        self._committed = 0  # commits counted so far (each after its COMMIT returned)
        self._synced = 0  # every commit up to this one is durable
        self._syncing = False
        self._inode: Optional[int] = None  # the log file last synced (a new one: sync its directory)
        self.syncs = 0  # fsyncs done (for tests and measurements)

    def committed(self) -> int:
        """Count a commit that has just returned; its number, for :meth:`wait_durable`."""
        with self._cond:
            self._committed += 1
            return self._committed

    def wait_durable(self, seq: int) -> None:
        """Return once commit ``seq`` is on disk: fsync the log, or wait for an fsync that began after it."""
        with self._cond:
            while self._synced < seq:
                if self._syncing:
                    self._cond.wait()
                    continue
                self._syncing = True
                target = self._committed
                self._cond.release()
                try:
                    self._fsync()
                finally:
                    self._cond.acquire()
                    self._syncing = False
                    self._cond.notify_all()
                self._synced = max(self._synced, target)

    def _fsync(self) -> None:
        try:
            fd = os.open(self.wal_path, os.O_RDONLY)
        except FileNotFoundError:
            # no log: the last connection checkpointed it into the database file (fsynced) and removed it
            return
        try:
            os.fsync(fd)
            inode = os.fstat(fd).st_ino
        finally:
            os.close(fd)
        self.syncs += 1
        if inode != self._inode:
            dir_fd = os.open(os.path.dirname(self.wal_path) or ".", os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
            self._inode = inode
