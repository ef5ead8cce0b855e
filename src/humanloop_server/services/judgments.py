"""Server-run judgments: one server-side Evaluator version judging one Log, stored once.

Monitoring (new Logs of a monitored File) and Evaluations (Logs of an Evaluation) both judge
through :func:`judge`:

1. in a read transaction: the Log, the Evaluator version and its spec, the Log as evaluator code
   sees it (``log_as_dict``) and its testcase (the Dataset datapoint it came from);
2. with no transaction open: the evaluator runs (``evaluator_runtime``: a subprocess for
   ``python``, a provider call for ``llm``);
3. in a write transaction: unless the caller's ``still_wanted`` says otherwise, the outcome is
   stored as an evaluator Log whose parent is the judged Log, through ``logs.create_log`` exactly
   as ``evaluators.log`` does.

The judgment's Log id is derived from (Log, Evaluator version), so a retried or doubly-claimed
job, or monitoring and an Evaluation judging the same pair, store one judgment.
"""

from __future__ import annotations

import hashlib
import logging
import string
from typing import Any, Callable, Dict, Optional

from sqlalchemy import select

from ..db.models import Datapoint, Log, Version
from . import evaluator_runtime, logs
from .common import iso, now
from .context import Context, Runtime
from .datapoints import serialize_datapoint
from .errors import Conflict, NotFound
from .tenancy import find_owned

logger = logging.getLogger(__name__)

#: evaluator types the server runs itself (human and external judgments come from clients)
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


def executed_spec(version: Optional[Version]) -> Optional[Dict[str, Any]]:
    """The evaluator spec of ``version`` when the server runs it (python / llm), else None."""
    if version is None or not isinstance(version.kernel, dict):
        return None
    spec = version.kernel.get("spec")
    if isinstance(spec, dict) and spec.get("evaluator_type") in EXECUTED_TYPES:
        return spec
    return None


def ready(log: Log) -> bool:
    """Logs are judged once complete (``log_status``, as ``logs.status_of`` reads it for every kind):
    Flow Logs and the Agent Logs of ``agents.call`` start incomplete, every other Log is complete
    unless it was created with ``log_status="incomplete"``."""
    return logs.status_of(log) == "complete"


def is_agent_turn(ctx: Context, log: Log) -> bool:
    """A model turn of an Agent call: an Agent Log nested right under a Log of the same Agent.

    Turns are parts of their Agent Log; monitoring judges the Agent Log, not each turn."""
    if log.file_type != "agent" or not log.trace_parent_id:
        return False
    parent = find_owned(ctx, Log, log.trace_parent_id)
    return parent is not None and parent.file_id == log.file_id


def has_judgment(ctx: Context, log_id: str, evaluator_version_id: str) -> bool:
    stmt = select(Log.id).where(
        Log.org_id == ctx.org_id, Log.parent_id == log_id, Log.version_id == evaluator_version_id
    )
    stmt = stmt.limit(1)
    return ctx.session.execute(stmt).first() is not None


def log_as_dict(ctx: Context, log: Log) -> Dict[str, Any]:
    """The Log as evaluator code sees it: the API's Log body, plus ``children`` (trace children)."""
    body = logs.serialize(ctx, log)
    body.pop("evaluator_logs", None)
    body["children"] = body.get("trace_children") or []
    return body


def testcase_for(ctx: Context, log: Log) -> Optional[Dict[str, Any]]:
    if not log.source_datapoint_id:
        return None
    dp = find_owned(ctx, Datapoint, log.source_datapoint_id)
    return serialize_datapoint(dp) if dp is not None else None


def store_outcome(
    ctx: Context,
    log_id: str,
    version: Version,
    outcome: evaluator_runtime.EvaluationOutcome,
    *,
    source: str,
    started: Any = None,
    ended: Any = None,
) -> Optional[str]:
    """Store ``outcome`` as the judgment of ``log_id`` (commits); None when it was already stored
    or the judged Log is gone."""
    data: Dict[str, Any] = {
        "id": version.file_id,
        "parent_id": log_id,
        "source": source,
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
    except (NotFound, Conflict):  # the judged Log was deleted meanwhile, or it is judged already
        ctx.session.rollback()
        return None
    return str(created["id"])


def judge(
    rt: Runtime,
    org_id: str,
    log_id: str,
    evaluator_version_id: str,
    *,
    source: str,
    still_wanted: Optional[Callable[[Context], bool]] = None,
) -> Optional[str]:
    """Run one server-side evaluator version on one Log and store the result once.

    Returns the judgment's Log id, or None when there was nothing to do (not a server-run
    evaluator, judged already, a trace still open, the Log gone) or ``still_wanted`` declined.
    """
    with rt.db.read() as session:
        ctx = Context(session=session, org_id=org_id, rt=rt)
        log = find_owned(ctx, Log, log_id)
        version = session.get(Version, evaluator_version_id)
        spec = executed_spec(version)
        if log is None or version is None or spec is None or not ready(log):
            return None
        if has_judgment(ctx, log_id, evaluator_version_id):
            return None
        log_body = log_as_dict(ctx, log)
        testcase = testcase_for(ctx, log)
    started = now()
    try:
        outcome = evaluator_runtime.evaluate(spec, log_body, testcase, rt.settings)
    except Exception as exc:  # noqa: BLE001 - an evaluator failure is that judgment's error, never the job's
        logger.exception("evaluator %s failed on log %s", evaluator_version_id, log_id)
        outcome = evaluator_runtime.EvaluationOutcome(error=f"{type(exc).__name__}: {exc}")
    ended = now()
    if outcome is None:
        return None
    with rt.db.write() as session:
        ctx = Context(session=session, org_id=org_id, rt=rt)
        if still_wanted is not None and not still_wanted(ctx):
            return None
        return store_outcome(ctx, log_id, version, outcome, source=source, started=started, ended=ended)
