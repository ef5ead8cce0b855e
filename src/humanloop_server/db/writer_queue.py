"""The queue of a process's SQLite write transactions.

SQLite lets one write transaction in at a time; the others wait in its busy handler, which sleeps
and retries with growing pauses (up to 100 ms each) and serves whoever happens to retry first. Under
load (32 clients writing Logs) that made a few requests wait seconds while others went through, and
left the database idle between a commit and the next retry. The threads of one server process
therefore queue here first, in arrival order, and each is handed the turn the moment the previous
write transaction ends; SQLite's own lock (``BEGIN IMMEDIATE`` and the busy timeout) still orders
the writers of different processes, and it is what a writer falls back to when it waited here
longer than the busy timeout.

A turn may be released by a thread other than the one that took it: a request with an
Idempotency-Key begins its transaction in one thread and commits it in another.
"""

from __future__ import annotations

import collections
import threading
from typing import Deque


class WriterQueue:
    """A first-come, first-served lock that any thread may release."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._held = False
        self._waiting: Deque[threading.Lock] = collections.deque()

    def acquire(self, timeout: float) -> bool:
        """Wait for the turn at most ``timeout`` seconds; False when it did not come."""
        with self._mutex:
            if not self._held:
                self._held = True
                return True
            ticket = threading.Lock()
            ticket.acquire()
            self._waiting.append(ticket)
        if ticket.acquire(timeout=timeout):
            return True  # handed over by release()
        with self._mutex:
            try:
                self._waiting.remove(ticket)
                return False
            except ValueError:
                pass  # release() handed the turn over just as the wait ran out
        return True

    def release(self) -> None:
        """End the current turn: the longest waiting thread has it next."""
        with self._mutex:
            if self._waiting:
                self._waiting.popleft().release()  # the turn passes on: still held
            else:
                self._held = False

    def hand_over(self) -> bool:
        """Pass the current turn to the longest waiting thread, if one waits (True); otherwise
        keep it (False). Unlike a ``release`` followed by a check, nobody can take the turn in
        between: a write batch (``write_batch.py``) hands its open transaction on this way."""
        with self._mutex:
            if not self._waiting:
                return False
            self._waiting.popleft().release()
            return True

    @property
    def waiting(self) -> int:
        with self._mutex:
            return len(self._waiting)
