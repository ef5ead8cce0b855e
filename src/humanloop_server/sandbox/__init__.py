"""Isolation for code the server runs on behalf of its users (Python evaluators).

Any API key holder can upload an evaluator, so its code is hostile until shown otherwise. It runs
in a sandbox built from what the operating system offers:

- bubblewrap (``bwrap``, :mod:`.bwrap`): own user, PID, network, IPC, UTS and cgroup namespaces,
  no capabilities, a non-root uid, a read-only view of only what Python needs, a size-limited
  tmpfs as the only writable place; the whole namespace dies with the evaluation;
- cgroups (:mod:`.cgroups`), where the server may create them: memory, process count and CPU
  limits for all processes of one evaluation together, and a kill of all of them at the end;
- per-process resource limits and a wall-clock timeout (:mod:`.execute`), always.

:func:`probe` finds out once what this machine gives (:class:`Isolation`, with the start-up
line); :func:`run_script` runs one script. When bwrap does not work, nothing runs unless the
operator opted in to running unsandboxed (``HUMANLOOP_UNSAFE_UNSANDBOXED_EVALUATORS=1``).
"""

from .config import Limits, SandboxConfig
from .execute import Finished, run_script
from .isolation import Isolation, probe

__all__ = ["Finished", "Isolation", "Limits", "SandboxConfig", "probe", "run_script"]
