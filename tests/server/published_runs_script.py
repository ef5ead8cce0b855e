"""Run by test_evaluations_runs.py with the *published* humanloop 0.8.38: the Runs calls, then
``evaluations.run`` twice.

argv: base_url api_key suffix. Prints one JSON line with what came back.
"""

import json
import sys
import time

from humanloop import Humanloop

base_url, api_key, suffix = sys.argv[1:4]
client = Humanloop(api_key=api_key, base_url=base_url)
EXACT_MATCH = "Example Evaluators/Code/Exact match"
DATAPOINTS = [
    {"inputs": {"q": "capital of France"}, "target": {"output": "Paris"}},
    {"inputs": {"q": "capital of Spain"}, "target": {"output": "Madrid"}},
    {"inputs": {"q": "capital of Italy"}, "target": {"output": "Rome"}},
]
VERSION = {"model": "gpt-4o", "provider": "mock", "template": [{"role": "user", "content": "{{q}}"}]}
out = {}

# the generated Runs calls, by hand
prompt = client.prompts.upsert(path=f"pub38-{suffix}/manual", **VERSION)
dataset = client.datasets.upsert(path=f"pub38-{suffix}/data", datapoints=DATAPOINTS)
dataset = client.datasets.get(id=dataset.id, version_id=dataset.version_id, include_datapoints=True)
evaluation = client.evaluations.create(file={"id": prompt.id}, evaluators=[{"path": EXACT_MATCH}], name="manual")
run = client.evaluations.create_run(
    id=evaluation.id,
    dataset={"version_id": dataset.version_id},
    version={"version_id": prompt.version_id},
    orchestrated=False,
)
for dp, answer in zip(dataset.datapoints, ["Paris", "Madrid", "Berlin"]):
    client.prompts.log(
        id=prompt.id,
        version_id=prompt.version_id,
        run_id=run.id,
        source_datapoint_id=dp.id,
        inputs=dp.inputs,
        output=answer,
    )
deadline = time.monotonic() + 60
while True:
    stats = client.evaluations.get_stats(id=evaluation.id)
    entry = next(e for e in stats.run_stats if e.run_id == run.id)
    if entry.status == "completed" or time.monotonic() > deadline:
        break
    time.sleep(0.2)
stat = entry.evaluator_stats[0]
out["manual"] = {
    "run_status": entry.status,
    "num_logs": entry.num_logs,
    "num_true": getattr(stat, "num_true", None),
    "runs": [r.id for r in client.evaluations.list_runs_for_evaluation(id=evaluation.id).runs],
    "run_id": run.id,
    "logs": client.evaluations.get_logs(id=evaluation.id, run_id=run.id).total,
    "runs_count": client.evaluations.get(id=evaluation.id).runs_count,
    "control": client.evaluations.update_evaluation_run(id=evaluation.id, run_id=run.id, control=True).control,
}


def capital(q, messages=None):
    return {"capital of France": "Paris", "capital of Spain": "Madrid"}.get(q, "unknown")


def better_capital(q, messages=None):
    return {"capital of France": "Paris", "capital of Spain": "Madrid", "capital of Italy": "Rome"}.get(q, "?")


def short(log):
    return len(log["output"] or "") <= 5


def run_eval(fn):
    return client.evaluations.run(
        file={"path": f"pub38-{suffix}/capitals", "type": "prompt", "version": VERSION, "callable": fn},
        dataset={"path": f"pub38-{suffix}/data", "datapoints": DATAPOINTS},
        evaluators=[
            {"path": EXACT_MATCH, "threshold": 0.5},
            {
                "path": f"pub38-{suffix}/short",
                "callable": short,
                "args_type": "target_free",
                "return_type": "boolean",
                "threshold": 0.5,
            },
        ],
        name="capitals",
    )


out["first"] = [c.dict() for c in run_eval(capital)]
out["second"] = [c.dict() for c in run_eval(better_capital)]
print(json.dumps(out))
