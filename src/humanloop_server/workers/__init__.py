"""Background work: a durable job queue in the database and the threads that drain it.

- :mod:`.queue`: ``enqueue`` (inside the caller's transaction), ``claim`` and ``execute``; no
  knowledge of what any job does.
- :mod:`.pool`: ``WorkerPool`` threads and ``run_pending`` (drain in the calling thread), both
  given the table of job kinds -> handlers explicitly.

The table itself lives in ``humanloop_server.wiring`` (``JOB_HANDLERS``), the composition root,
because the handlers are services and services enqueue jobs: this package imports no service.
"""
