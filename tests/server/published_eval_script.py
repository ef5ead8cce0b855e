"""Run by test_evaluations.py with the *published* humanloop 0.8.6: ``evaluations.run`` twice.

argv: base_url api_key suffix. Prints one JSON line: the EvaluatorChecks of both runs.
"""

import json
import sys

from humanloop import Humanloop, eval_utils

base_url, api_key, suffix = sys.argv[1:4]
client = Humanloop(api_key=api_key, base_url=base_url)

DATAPOINTS = [
    {"inputs": {"q": "capital of France"}, "target": {"output": "Paris"}},
    {"inputs": {"q": "capital of Spain"}, "target": {"output": "Madrid"}},
    {"inputs": {"q": "capital of Italy"}, "target": {"output": "Rome"}},
]


def capital(q, messages=None):
    return {"capital of France": "Paris", "capital of Spain": "Madrid"}.get(q, "unknown")


def better_capital(q, messages=None):
    return {"capital of France": "Paris", "capital of Spain": "Madrid", "capital of Italy": "Rome"}.get(q, "?")


def answered(log):
    # 0.8.6 hands local evaluators the create-log response (ids, no output)
    return bool(log.get("id"))


def run(fn):
    return client.evaluations.run(
        file={"path": f"published-{suffix}/capitals", "type": "flow", "callable": fn},
        dataset={"path": f"published-{suffix}/data", "datapoints": DATAPOINTS},
        evaluators=[
            {"path": "Example Evaluators/Code/Exact match", "threshold": 0.5},
            {
                "path": f"published-{suffix}/answered",
                "callable": answered,
                "args_type": "target_free",
                "return_type": "boolean",
                "threshold": 0.5,
            },
        ],
        name="capitals",
    )


first = run(capital)
# a 0.8.6 bug, not the server's: its progress bar leaves ``start_time = None`` after a run, so a
# second run in the same process fails with a TypeError
if getattr(eval_utils._progress_bar, "start_time", 0) is None:
    del eval_utils._progress_bar.start_time
second = run(better_capital)
print(json.dumps({"first": [c.dict() for c in first], "second": [c.dict() for c in second]}))
