"""Threads that claim and run jobs, and a drain for tests and the command line."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from typing import List, Optional

from ..services.context import Runtime
from .queue import Handlers, QueueConfig, claim, execute, wakeup

logger = logging.getLogger("humanloop_server.workers")


def run_pending(rt: Runtime, handlers: Handlers, max_jobs: int = 100, worker_id: Optional[str] = None) -> int:
    """Claim and run due jobs in this thread until none is left (or ``max_jobs``); returns how many ran."""
    config = QueueConfig.from_settings(rt.settings)
    worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:drain"
    n = 0
    while n < max_jobs:
        job = claim(rt.db, worker_id, config)
        if job is None:
            break
        execute(rt, job, handlers, config)
        n += 1
    return n


class WorkerPool:
    """``settings.workers`` daemon threads claiming and running jobs until ``stop()``."""

    def __init__(self, rt: Runtime, handlers: Handlers, n: Optional[int] = None) -> None:
        self.rt = rt
        self.handlers = handlers
        self.n = rt.settings.workers if n is None else n
        self.poll = rt.settings.job_poll_seconds
        self.config = QueueConfig.from_settings(rt.settings)
        self._stop = threading.Event()
        self._threads: List[threading.Thread] = []
        self._prefix = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"

    def start(self) -> WorkerPool:
        for i in range(max(0, self.n)):
            t = threading.Thread(target=self._loop, args=(f"{self._prefix}:{i}",), name=f"hl-worker-{i}", daemon=True)
            t.start()
            self._threads.append(t)
        return self

    def _loop(self, worker_id: str) -> None:
        while not self._stop.is_set():
            try:
                job = claim(self.rt.db, worker_id, self.config)
            except Exception:  # noqa: BLE001 - e.g. database briefly unavailable
                logger.exception("claiming a job failed")
                job = None
            if job is None:
                wakeup.wait(self.poll)
                wakeup.clear()
                continue
            try:
                execute(self.rt, job, self.handlers, self.config)
            except Exception:  # noqa: BLE001 - recording the outcome failed; the claim goes stale
                logger.exception("job %s: recording the outcome failed", job.id)

    def stop(self, timeout: float = 15.0) -> None:
        self._stop.set()
        wakeup.set()
        for t in self._threads:
            t.join(timeout=timeout)
        self._threads = []
