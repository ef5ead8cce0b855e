"""The cyclic garbage collector of a serving process (``humanloop-server serve``).

CPython frees most objects by reference counting; its cyclic collector exists for the rest and runs
when the number of container objects allocated and not yet freed passes a threshold (700 for the
youngest generation by default). Two things made it expensive in this server under load:

- A *full* collection walks every object the process holds, and a server holds hundreds of
  thousands from start-up that live as long as it does: modules, FastAPI's routes, pydantic's
  models, SQLAlchemy's tables and compiled statements. With 32 clients writing Logs a full
  collection came every 1.5 s and took about 110 ms, holding the GIL: every request in flight
  stalled for it (the p99 of ``prompts.log`` was twice the p50) and 7.6 % of the server's core
  went to it (41 full collections, 4.9 s, in 62 s).
- 32 requests in flight hold a few thousand young objects between them, so the count of new objects
  crossed 700 about 90 times a second although almost all of them are freed a moment later.

:func:`settle` runs once the server has started: one collection of what start-up left behind, then
``gc.freeze()`` moves every surviving object to the permanent generation (never walked again, and
still freed by reference counting should it ever be released), and the youngest generation's
threshold goes to :data:`YOUNG_OBJECTS`. In the same 62 s after it, the collector ran 3 times,
resident memory was the same (153 MiB either way), and ``bench/ab.py`` measured, 32 clients,
in turns with the untouched server: SQLite 346 -> 378 Logs/s (p99 224 -> 127 ms), PostgreSQL
228 -> 248 Logs/s. The older generations keep their default thresholds, so cyclic garbage that
lives long enough to reach them is still collected as before.

Only the serving process does this: the test suite builds hundreds of applications in one process,
and freezing there would keep each one's cyclic garbage for good.
"""

from __future__ import annotations

import gc

#: new container objects (allocated and not freed) that start a collection of the youngest generation
YOUNG_OBJECTS = 10_000


def settle() -> None:
    """Collect what start-up left, freeze the survivors, raise the youngest generation's threshold."""
    gc.collect()
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_OBJECTS, middle, old)
