"""Monitoring: the active server-side Evaluators of a File judge its new Logs in the background.

``on_log_created`` is a log hook (see ``services.context.LogHooks``): inside the transaction that
stores a Log, it enqueues a ``monitor_log`` job for each *active* monitoring Evaluator of the
Log's File that the server runs (``python`` / ``llm``). Flow Logs are judged once their trace is
complete (``on_trace_completed``). The job (``run_job``) judges through ``judgments.judge``; its
dedupe key is (Log, Evaluator version), like the judgment's id, so each pair is judged once.
"""

from __future__ import annotations

from typing import Dict, Optional

from ..db.hot import HotStatement
from ..db.models import Environment, File, Log, MonitoringActivation, Version
from ..workers.queue import JobInfo, enqueue
from . import active_monitors, files, judgments
from .context import Context, Runtime

JOB_KIND = "monitor_log"


def _activation_version(ctx: Context, act: MonitoringActivation) -> Optional[Version]:
    if act.evaluator_version_id:
        return ctx.session.get(Version, act.evaluator_version_id)
    ev_file = ctx.session.get(File, act.evaluator_id)
    if ev_file is None:
        return None
    if act.environment_id:
        env = ctx.session.get(Environment, act.environment_id)
        return files.deployed_version(ctx, ev_file, env) if env is not None else None
    return files.default_version(ctx, ev_file)


#: whether the server runs an evaluator version (python / llm): a version's kernel never changes,
#: so this is remembered per process (ids of versions that no longer exist are never asked again)
_executed: Dict[str, bool] = {}
_EXECUTED_KEPT = 10_000


def _is_executed(ctx: Context, version_id: str) -> bool:
    known = _executed.get(version_id)
    if known is None:
        known = judgments.executed_spec(ctx.session.get(Version, version_id)) is not None
        if len(_executed) >= _EXECUTED_KEPT:
            _executed.clear()
        _executed[version_id] = known
    return known


#: the active monitors of a File (``:file_id``) with the version each follows, sent to the driver
#: (it runs for every Log that ``files.file_and_version_at`` did not find)
_ACTIVE_MONITORS_HOT = HotStatement(active_monitors.OF_FILE)


def on_log_created(ctx: Context, log: Log) -> None:
    """Enqueue ``monitor_log`` jobs for ``log`` in the caller's transaction.

    Every new Prompt has the human ``rating`` Evaluator attached, which the server never runs: so
    this is on the path of every ``prompts.log``, and costs one query (the active Evaluators with
    their version pinned or deployed to the followed environment) unless an Evaluator follows no
    environment and no pinned version (then its default version, as ``_activation_version``)."""
    if not judgments.ready(log) or judgments.is_agent_turn(ctx, log):
        return
    rows = active_monitors.take(ctx.session, log.file_id)
    if rows is None:  # not read with the File already
        rows = _ACTIVE_MONITORS_HOT.rows(ctx.session, {"file_id": log.file_id})
    for act_id, pinned_id, environment_id, deployed_id in rows:
        version_id: Optional[str] = pinned_id or deployed_id
        if version_id is None and not environment_id:
            act = ctx.session.get(MonitoringActivation, act_id)
            version = _activation_version(ctx, act) if act is not None else None
            version_id = version.id if version is not None else None
        if version_id is None or not _is_executed(ctx, version_id):
            continue
        enqueue(
            ctx.session,
            ctx.org_id,
            JOB_KIND,
            {"log_id": log.id, "evaluator_version_id": version_id},
            dedupe_key=f"{JOB_KIND}:{log.id}:{version_id}",
        )


def on_trace_completed(ctx: Context, log: Log) -> None:
    on_log_created(ctx, log)


def run_job(job: JobInfo, rt: Runtime) -> None:
    payload = job.payload or {}
    judgments.judge(rt, str(job.org_id), payload["log_id"], payload["evaluator_version_id"], source="monitoring")
