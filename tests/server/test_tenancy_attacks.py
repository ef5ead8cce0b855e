"""Paths from one organisation into another's data through ids, tried as an attacker would.

Each test plays two organisations on the live server: ``victim`` (the suite's key) and ``attacker``
(the second organisation's key), and checks that nothing of the victim's reaches the attacker.
"""

from __future__ import annotations

import json
import time
from typing import Any, List

import pytest

from humanloop import Humanloop
from humanloop_server.services import judgments, keys
from humanloop_server.wiring import JOB_HANDLERS
from humanloop_server.workers.pool import run_pending

from .conftest import Server

SECRET = "victim-secret-target-7f3a"


@pytest.fixture
def victim(server: Server) -> Humanloop:
    return Humanloop(api_key=server.api_key, base_url=server.base_url)


@pytest.fixture
def attacker(server: Server) -> Humanloop:
    return Humanloop(api_key=server.other_key, base_url=server.base_url)


def _judgments(server: Server, hl: Humanloop, log_id: str, evaluator_id: str, timeout: float = 30) -> List[Any]:
    deadline = time.monotonic() + timeout
    while True:
        run_pending(server.runtime, JOB_HANDLERS)
        found = [e for e in hl.logs.get(id=log_id).evaluator_logs if e.evaluator.id == evaluator_id]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def test_a_datapoint_of_another_organisation_is_never_given_to_an_evaluator(
    server: Server, victim: Humanloop, attacker: Humanloop, uid: str
) -> None:
    ds = victim.datasets.upsert(
        path=f"{uid}/victim/data", datapoints=[{"inputs": {"q": "x"}, "target": {"output": SECRET}}]
    )
    stolen_id = victim.datasets.get(id=ds.id, include_datapoints=True).datapoints[0].id
    # the attacker's evaluator prints whatever testcase it is handed
    spy = attacker.evaluators.upsert(
        path=f"{uid}/attacker/spy",
        spec={
            "evaluator_type": "python",
            "arguments_type": "target_required",
            "return_type": "text",
            "code": "import json\ndef spy(log, testcase):\n    return json.dumps(testcase)\n",
        },
    )
    prompt = attacker.prompts.upsert(path=f"{uid}/attacker/p", model="gpt-4o", template="{{q}}")
    attacker.prompts.update_monitoring(id=prompt.id, activate=[{"evaluator_version_id": spy.version_id}])
    # the stolen id given when logging, and given later through an update of another Log
    logged = attacker.prompts.log(id=prompt.id, inputs={"q": "x"}, output="y", source_datapoint_id=stolen_id)
    updated = attacker.prompts.log(id=prompt.id, inputs={"q": "x"}, output="z")
    (first,) = _judgments(server, attacker, updated.id, spy.id)  # judged before the update: no testcase
    with server.client(key=server.other_key) as a:
        patched = a.patch(f"/prompts/{prompt.id}/log/{updated.id}", json={"source_datapoint_id": stolen_id})
        assert patched.status_code == 200, patched.text
    attacker.logs.delete(id=[first.id])  # so that the judgment runs again, now with the stolen id
    org_id = keys.org_for_key(server.runtime.db, server.other_key)
    assert org_id is not None
    judgments.judge(server.runtime, org_id, updated.id, spy.version_id, source="monitoring")
    for log_id in (logged.id, updated.id):
        (judgment,) = _judgments(server, attacker, log_id, spy.id)
        assert SECRET not in json.dumps(judgment.model_dump(mode="json"))
        assert judgment.judgment is None and "testcase" in (judgment.error or "")
    # the datapoint itself is still the victim's alone
    assert victim.datasets.get(id=ds.id, include_datapoints=True).datapoints[0].target == {"output": SECRET}


def test_a_deleted_flow_log_id_does_not_hand_its_trace_to_another_organisation(
    server: Server, victim: Humanloop, uid: str
) -> None:
    flow_id = f"log_{uid}flowtrace"
    with server.client() as v, server.client(key=server.other_key) as a:
        made = v.post("/flows/log", json={"path": f"{uid}/victim/flow", "flow": {"attributes": {}}, "log_id": flow_id})
        assert made.status_code == 200, made.text
        child = v.post(
            "/prompts/log",
            json={
                "path": f"{uid}/victim/p",
                "prompt": {"model": "gpt-4o"},
                "output": SECRET,
                "trace_parent_id": flow_id,
            },
        )
        assert child.status_code == 200, child.text
        assert v.delete("/logs", params={"id": flow_id}).status_code == 204
        # the trace went with its root: nothing is left pointing at the freed id
        assert v.get(f"/logs/{child.json()['id']}").status_code == 404
        # the attacker takes the freed id for a Flow Log of its own
        taken = a.post(
            "/flows/log", json={"path": f"{uid}/attacker/flow", "flow": {"attributes": {}}, "log_id": flow_id}
        )
        assert taken.status_code == 200, taken.text
        seen = a.get(f"/logs/{flow_id}")
        assert seen.status_code == 200 and seen.json()["trace_children"] == []
        assert SECRET not in seen.text


def test_a_chosen_log_id_does_not_reveal_another_organisations_logs(server: Server, uid: str) -> None:
    taken_id = f"log_{uid}victimonly"
    with server.client() as v, server.client(key=server.other_key) as a:
        body = {"path": f"{uid}/flow", "flow": {"attributes": {}}, "log_id": taken_id, "output": SECRET}
        assert v.post("/flows/log", json=body).status_code == 200
        # same answer as for an id nobody uses: created, in the attacker's own id space
        mine = a.post("/flows/log", json={"path": f"{uid}/other-flow", "flow": {"attributes": {}}, "log_id": taken_id})
        fresh = a.post(
            "/flows/log", json={"path": f"{uid}/other-flow", "flow": {"attributes": {}}, "log_id": f"log_{uid}free"}
        )
        assert mine.status_code == fresh.status_code == 200, (mine.text, fresh.text)
        assert SECRET not in a.get(f"/logs/{taken_id}").text
        # each organisation still reads its own Log under that id
        assert v.get(f"/logs/{taken_id}").json()["output"] == SECRET
        # within one organisation an id is still taken once
        assert v.post("/flows/log", json=body).status_code == 409
