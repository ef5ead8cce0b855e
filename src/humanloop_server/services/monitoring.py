"""Monitoring: the active server-side Evaluators of a File judge its new Logs in the background.

``on_log_created`` is a log hook (see ``services.context.LogHooks``): inside the transaction that
stores a Log, it enqueues a ``monitor_log`` job for each *active* monitoring Evaluator of the
Log's File that the server runs (``python`` / ``llm``). Flow Logs are judged once their trace is
complete (``on_trace_completed``). The job (``run_job``) judges through ``judgments.judge``; its
dedupe key is (Log, Evaluator version), like the judgment's id, so each pair is judged once.
"""

from __future__ import annotations

from typing import Optional

from sqlalchemy import select

from ..db.models import Environment, File, Log, MonitoringActivation, Version
from ..workers.queue import JobInfo, enqueue
from . import files, judgments
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


def on_log_created(ctx: Context, log: Log) -> None:
    """Enqueue ``monitor_log`` jobs for ``log`` in the caller's transaction."""
    if not judgments.ready(log) or judgments.is_agent_turn(ctx, log):
        return
    acts = ctx.session.execute(
        select(MonitoringActivation).where(
            MonitoringActivation.file_id == log.file_id, MonitoringActivation.state == "active"
        )
    ).scalars()
    for act in list(acts):
        version = _activation_version(ctx, act)
        if version is None or judgments.executed_spec(version) is None:
            continue
        enqueue(
            ctx.session,
            ctx.org_id,
            JOB_KIND,
            {"log_id": log.id, "evaluator_version_id": version.id},
            dedupe_key=f"{JOB_KIND}:{log.id}:{version.id}",
        )


def on_trace_completed(ctx: Context, log: Log) -> None:
    on_log_created(ctx, log)


def run_job(job: JobInfo, rt: Runtime) -> None:
    payload = job.payload or {}
    judgments.judge(rt, str(job.org_id), payload["log_id"], payload["evaluator_version_id"], source="monitoring")
