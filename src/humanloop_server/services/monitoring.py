"""Monitoring: active server-side evaluators judge new Logs in the background.

- ``on_log_created(ctx, log)`` is called by ``logs.create_log`` (and by ``logs.update_trace``
  when a Flow trace becomes complete) before the commit: for each *active* monitoring evaluator of
  the Log's File whose type is ``python`` or ``llm`` it enqueues a ``monitor_log`` job in the same
  transaction. Flow Logs are judged only once their trace is ``complete``.
- The ``monitor_log`` job runs ``evaluator_runtime.evaluate`` with no database transaction open,
  then stores the judgment (or the error) as an evaluator Log whose parent is the judged Log,
  through ``logs.create_log`` exactly as ``evaluators.log`` does.
- Idempotent: the job's dedupe key is (log, evaluator version), and the evaluator Log's id is
  derived from the same pair, so a retried or doubly-claimed job stores one judgment.
"""

from __future__ import annotations

import hashlib
import string
from typing import Any, Dict, List, Optional

from sqlalchemy import select

from .. import workers
from ..db.models import Datapoint, Environment, File, Log, MonitoringActivation, Version
from . import evaluator_runtime
from .common import Context, iso
from .errors import Conflict, NotFound

KIND = "monitor_log"
EXECUTED_TYPES = ("python", "llm")
_ALPHABET = string.ascii_letters + string.digits


def judgment_log_id(log_id: str, evaluator_version_id: str) -> str:
    """The id of the server-run judgment of ``log_id`` by that evaluator version (deterministic)."""
    n = int.from_bytes(hashlib.sha256(f"{log_id}\x00{evaluator_version_id}".encode()).digest(), "big")
    chars = []
    for _ in range(21):
        n, r = divmod(n, len(_ALPHABET))
        chars.append(_ALPHABET[r])
    return "log_" + "".join(chars)


def _activation_version(ctx: Context, act: MonitoringActivation) -> Optional[Version]:
    from . import files

    if act.evaluator_version_id:
        return ctx.session.get(Version, act.evaluator_version_id)
    ev_file = ctx.session.get(File, act.evaluator_id)
    if ev_file is None:
        return None
    if act.environment_id:
        env = ctx.session.get(Environment, act.environment_id)
        return files.deployed_version(ctx, ev_file, env) if env is not None else None
    return files.default_version(ctx, ev_file)


def executed_spec(version: Optional[Version]) -> Optional[Dict[str, Any]]:
    """The evaluator spec of ``version`` when the server runs it (python / llm), else None."""
    if version is None or not isinstance(version.kernel, dict):
        return None
    spec = version.kernel.get("spec")
    if isinstance(spec, dict) and spec.get("evaluator_type") in EXECUTED_TYPES:
        return spec
    return None


def on_log_created(ctx: Context, log: Log) -> int:
    """Enqueue ``monitor_log`` jobs for ``log`` (no commit); returns how many were enqueued."""
    if log.file_type == "flow" and log.trace_status != "complete":
        return 0
    acts = (
        ctx.session.execute(
            select(MonitoringActivation).where(
                MonitoringActivation.file_id == log.file_id, MonitoringActivation.state == "active"
            )
        )
        .scalars()
        .all()
    )
    n = 0
    for act in acts:
        version = _activation_version(ctx, act)
        if executed_spec(version) is None:
            continue
        assert version is not None
        job = workers.enqueue(
            ctx.session,
            ctx.org_id,
            KIND,
            {"log_id": log.id, "evaluator_version_id": version.id},
            dedupe_key=f"{KIND}:{log.id}:{version.id}",
        )
        n += job is not None
    return n


def on_trace_completed(ctx: Context, log: Log) -> int:
    return on_log_created(ctx, log)


def log_as_dict(ctx: Context, log: Log) -> Dict[str, Any]:
    """The Log as evaluator code sees it: the API's Log body, plus ``children`` (trace children)."""
    from . import logs

    body = logs.serialize(ctx, log)
    body.pop("evaluator_logs", None)
    body["children"] = body.get("trace_children") or []
    return body


def testcase_for(ctx: Context, log: Log) -> Optional[Dict[str, Any]]:
    from .datasets import serialize_datapoint

    if not log.source_datapoint_id:
        return None
    dp = ctx.session.get(Datapoint, log.source_datapoint_id)
    return serialize_datapoint(dp) if dp is not None else None


def existing_judgment(ctx: Context, log_id: str, evaluator_version_id: str) -> Optional[Log]:
    return ctx.session.execute(
        select(Log).where(Log.parent_id == log_id, Log.version_id == evaluator_version_id).limit(1)
    ).scalar_one_or_none()


def store_outcome(
    ctx: Context,
    log_id: str,
    version: Version,
    outcome: evaluator_runtime.EvaluationOutcome,
    started: Any = None,
    ended: Any = None,
) -> Optional[str]:
    """Store ``outcome`` as the judgment of ``log_id`` (commits); None when it was already stored
    or the judged Log is gone."""
    from . import logs

    data: Dict[str, Any] = {
        "id": version.file_id,
        "parent_id": log_id,
        "source": "monitoring",
        "start_time": iso(started),
        "end_time": iso(ended),
    }
    if outcome.error is not None:
        data["error"] = outcome.error
    else:
        data["judgment"] = outcome.judgment
    if outcome.stdout:
        data["stdout"] = outcome.stdout
    try:
        created = logs.create_log(
            ctx, "evaluator", data, version_id=version.id, preset_id=judgment_log_id(log_id, version.id)
        )
    except (NotFound, Conflict):  # judged log deleted meanwhile / already judged
        ctx.session.rollback()
        return None
    return str(created["id"])


def judge(rt: workers.Runtime, org_id: str, log_id: str, evaluator_version_id: str) -> Optional[str]:
    """Run one server-side evaluator version on one Log and store the result (once)."""
    from .common import now

    with rt.session() as session:
        ctx = Context(session=session, org_id=org_id)
        log = session.get(Log, log_id)
        version = session.get(Version, evaluator_version_id)
        if log is None or log.org_id != org_id or version is None:
            return None
        spec = executed_spec(version)
        if spec is None or existing_judgment(ctx, log_id, evaluator_version_id) is not None:
            return None
        log_body = log_as_dict(ctx, log)
        testcase = testcase_for(ctx, log)
    # no transaction is open while user code runs
    started = now()
    outcome = evaluator_runtime.evaluate(spec, log_body, testcase, rt.settings)
    ended = now()
    if outcome is None:
        return None
    with rt.write_session() as session:
        return store_outcome(Context(session=session, org_id=org_id), log_id, version, outcome, started, ended)


def _monitor_log(job: workers.JobInfo, rt: workers.Runtime) -> None:
    payload = job.payload or {}
    judge(rt, str(job.org_id), payload["log_id"], payload["evaluator_version_id"])


workers.register(KIND, _monitor_log)

__all__: List[str] = ["on_log_created", "on_trace_completed", "judge", "store_outcome", "judgment_log_id", "KIND"]
