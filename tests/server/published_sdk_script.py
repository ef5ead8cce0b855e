"""Run by the *published* humanloop SDK (in its own virtual environment) against our server.

Prints one JSON object describing what happened; ``test_published_sdk.py`` checks it.
It uses only what the published 0.8.6 SDK offers (no HUMANLOOP_BASE_URL, no context managers).
"""

import asyncio
import datetime
import json
import sys

from humanloop import AsyncHumanloop, Humanloop
from humanloop.core.api_error import ApiError

base_url, api_key, suffix = sys.argv[1], sys.argv[2], sys.argv[3]
out = {}
client = Humanloop(api_key=api_key, base_url=base_url)

log = client.prompts.log(
    path=f"compat/persona-{suffix}",
    prompt={
        "model": "gpt-4",
        "template": [{"role": "system", "content": "You are {{person}}. Answer as this person."}],
    },
    messages=[{"role": "user", "content": "What really happened at Roswell?"}],
    inputs={"person": "Trump"},
    created_at=datetime.datetime.fromisoformat("2024-07-19 00:29:35.178000+00:00"),
    provider_latency=6.5931549072265625,
    output_message={"content": "Something peculiar.", "role": "assistant"},
    prompt_tokens=100,
    output_tokens=220,
    prompt_cost=1e-05,
    output_cost=0.0002,
    finish_reason="stop",
)
out["log"] = {"id": log.id, "prompt_id": log.prompt_id, "version_id": log.version_id}
for i in range(2):
    client.prompts.log(path=f"compat/persona-{suffix}", inputs={"person": f"p{i}"}, output=f"o{i}")

# the 0.8.6 pager asks for pages until one comes back empty: pages past the end must be empty 200s
pager = client.logs.list(file_id=log.prompt_id, size=2)
out["pages"] = [[item.id for item in page.items] for page in pager.iter_pages()]
out["listed"] = [item.id for item in client.logs.list(file_id=log.prompt_id, size=2)]

prompt = client.prompts.get(id=log.prompt_id)
out["prompt"] = {"path": prompt.path, "version_id": prompt.version_id, "model": prompt.model}

try:
    client.prompts.get(id="pr_missing")
except ApiError as error:
    out["error"] = {"status_code": error.status_code}

dataset = client.datasets.upsert(
    path=f"compat/dataset-{suffix}",
    datapoints=[{"inputs": {"q": "1"}, "target": {"output": "one"}}, {"inputs": {"q": "2"}}],
    commit_message="first",
)
full = client.datasets.get(id=dataset.id, include_datapoints=True)
out["dataset"] = {"count": len(full.datapoints or []), "status": full.status}

flow = client.flows.log(path=f"compat/flow-{suffix}", flow={"attributes": {"v": 1}}, inputs={"a": 1})
child = client.prompts.log(path=f"compat/persona-{suffix}", trace_parent_id=flow.id, inputs={"person": "x"}, output="y")
done = client.flows.update_log(log_id=flow.id, output="ok", trace_status="complete")
out["trace"] = {"child": child.id, "status": done.trace_status}

# prompts.call with the mock provider ("mock response to: <last user message>"), plain and streamed
call_prompt = {"model": "mock-1", "provider": "mock", "template": [{"role": "user", "content": "Hi {{name}}"}]}
called = client.prompts.call(path=f"compat/call-{suffix}", prompt=call_prompt, inputs={"name": "Ann"})
out["call"] = {"id": called.id, "output": called.logs[0].output, "version_id": called.prompt.version_id}
chunks = list(client.prompts.call_stream(path=f"compat/call-{suffix}", prompt=call_prompt, inputs={"name": "Bo"}))
out["call_stream"] = {
    "text": "".join(c.output or "" for c in chunks),
    "ids": sorted({c.id for c in chunks}),
    "version_ids": sorted({c.version_id for c in chunks}),
    "finish_reason": chunks[-1].finish_reason if chunks else None,
}


async def async_part():
    aclient = AsyncHumanloop(api_key=api_key, base_url=base_url)
    created = await aclient.prompts.log(path=f"compat/persona-{suffix}", inputs={"person": "a"}, output="b")
    return created.id


out["async_log"] = asyncio.run(async_part())
print(json.dumps(out))
