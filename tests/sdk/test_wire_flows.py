"""client.flows.*: the exact request on the wire and the parsed response, sync and async."""

from __future__ import annotations

import pytest

from humanloop import (
    CreateFlowLogResponse,
    FileEnvironmentResponse,
    FlowLogResponse,
    FlowResponse,
    ListFlows,
)
from humanloop.core.pagination import AsyncPager, SyncPager

from . import fixtures as fx
from .wire import (
    END,
    END_WIRE,
    START,
    START_WIRE,
    Recorder,
    assert_request,
    drain,
    empty_reply,
    invoke,
    json_reply,
    utc,
)

pytestmark = pytest.mark.parametrize("mode", ["sync", "async"])

FID = fx.FLOW_ID
VID = fx.FLOW_VERSION_ID

ATTRIBUTES = {
    "prompt": {"template": "You are a helpful assistant helping with medical anamnesis", "model": "gpt-4o"},
    "tool": {"name": "retrieval_tool_v3", "description": "Retrieval tool for MedQA."},
}


def assert_flow(result: object, **expected: object) -> None:
    assert isinstance(result, FlowResponse)
    assert result.id == FID
    assert result.version_id == expected.get("version_id", VID)
    assert result.path == expected.get("path", "Personal Projects/MedQA Flow")
    assert result.attributes == ATTRIBUTES
    assert result.created_by["id"] == fx.USER_ID  # plain JSON, as in 0.8.6
    assert result.updated_at == utc(2024, 7, 18, 16, 3, 27, 905000)


async def test_log(mode: str) -> None:
    rec = Recorder(
        json_reply({"id": "log_FloW9zLm2Qx7Ty4Rv8Nb", "flow_id": FID, "version_id": VID, "trace_status": "incomplete"})
    )
    result = await invoke(
        mode,
        rec,
        "flows",
        "log",
        environment="production",
        evaluation_id="evr_8aNg3qQnX0sJ2Hd5Tz1Wc",
        path="Personal Projects/MedQA Flow",
        flow={"attributes": ATTRIBUTES},
        inputs={"question": "Patient with chest pain radiating to the left arm: what next?"},
        output=None,
        start_time=START,
        end_time=END,
        trace_status="incomplete",
        flow_log_request_environment="production",
        metadata={"patient_id": "P-22"},
        log_id="log_FloW9zLm2Qx7Ty4Rv8Nb",
    )
    assert_request(
        rec.only,
        "POST",
        "/v5/flows/log",
        query={"environment": "production"},
        body={
            "evaluation_id": "evr_8aNg3qQnX0sJ2Hd5Tz1Wc",
            "path": "Personal Projects/MedQA Flow",
            "flow": {"attributes": ATTRIBUTES},
            "inputs": {"question": "Patient with chest pain radiating to the left arm: what next?"},
            "output": None,
            "start_time": START_WIRE,
            "end_time": END_WIRE,
            "trace_status": "incomplete",
            "environment": "production",
            "metadata": {"patient_id": "P-22"},
            "log_id": "log_FloW9zLm2Qx7Ty4Rv8Nb",
        },
    )
    assert isinstance(result, CreateFlowLogResponse)
    assert (result.id, result.flow_id, result.version_id) == ("log_FloW9zLm2Qx7Ty4Rv8Nb", FID, VID)
    assert result.trace_status == "incomplete"


async def test_get(mode: str) -> None:
    rec = Recorder(json_reply(fx.flow()))
    result = await invoke(mode, rec, "flows", "get", FID, version_id=VID, environment="staging")
    assert_request(rec.only, "GET", f"/v5/flows/{FID}", query={"version_id": VID, "environment": "staging"})
    assert_flow(result)


async def test_delete(mode: str) -> None:
    rec = Recorder(empty_reply(204))
    assert await invoke(mode, rec, "flows", "delete", FID) is None
    assert_request(rec.only, "DELETE", f"/v5/flows/{FID}")


async def test_move(mode: str) -> None:
    rec = Recorder(json_reply(fx.flow(path="Clinical/MedQA Flow", directory_id="dir_clinicalQwErTy")))
    result = await invoke(
        mode, rec, "flows", "move", FID, path="Clinical/MedQA Flow", name=None, directory_id="dir_clinicalQwErTy"
    )
    assert_request(
        rec.only,
        "PATCH",
        f"/v5/flows/{FID}",
        body={"path": "Clinical/MedQA Flow", "name": None, "directory_id": "dir_clinicalQwErTy"},
    )
    assert_flow(result, path="Clinical/MedQA Flow")
    assert result.directory_id == "dir_clinicalQwErTy"


async def test_list(mode: str) -> None:
    rec = Recorder(json_reply(fx.paginated([fx.flow()], page=1, size=10, total=1)))
    pager = await invoke(mode, rec, "flows", "list", size=10, name="MedQA", sort_by="updated_at")
    assert isinstance(pager, (SyncPager, AsyncPager))
    items = await drain(pager)
    assert [type(i) for i in items] == [FlowResponse]
    assert_flow(items[0])
    assert_request(
        rec.only, "GET", "/v5/flows", query={"page": "1", "size": "10", "name": "MedQA", "sort_by": "updated_at"}
    )


async def test_upsert(mode: str) -> None:
    rec = Recorder(json_reply(fx.flow()))
    result = await invoke(
        mode,
        rec,
        "flows",
        "upsert",
        path="Personal Projects/MedQA Flow",
        attributes=ATTRIBUTES,
        commit_message="Initial commit",
        id=None,
    )
    assert_request(
        rec.only,
        "POST",
        "/v5/flows",
        body={
            "path": "Personal Projects/MedQA Flow",
            "attributes": ATTRIBUTES,
            "commit_message": "Initial commit",
            "id": None,
        },
    )
    assert_flow(result)


async def test_update_log(mode: str) -> None:
    log_id = "log_FloW9zLm2Qx7Ty4Rv8Nb"
    rec = Recorder(json_reply(fx.flow_log()))
    result = await invoke(
        mode,
        rec,
        "flows",
        "update_log",
        log_id,
        trace_status="complete",
        output="Obtain an ECG within 10 minutes.",
        error=None,
    )
    assert_request(
        rec.only,
        "PATCH",
        f"/v5/flows/logs/{log_id}",
        body={"trace_status": "complete", "output": "Obtain an ECG within 10 minutes.", "error": None},
    )
    assert isinstance(result, FlowLogResponse)
    assert result.id == log_id
    assert result.trace_status == "complete"
    assert result.output == "Obtain an ECG within 10 minutes."
    assert result.start_time == utc(2024, 7, 8, 21, 40, 35)
    assert_flow(result.flow)


async def test_list_versions(mode: str) -> None:
    rec = Recorder(json_reply({"records": [fx.flow(), fx.flow(version_id="flv_deletedXyZ", status="deleted")]}))
    result = await invoke(mode, rec, "flows", "list_versions", FID, status="deleted")
    assert_request(rec.only, "GET", f"/v5/flows/{FID}/versions", query={"status": "deleted"})
    assert isinstance(result, ListFlows)
    assert [(r.version_id, r.status) for r in result.records] == [(VID, "committed"), ("flv_deletedXyZ", "deleted")]


async def test_commit(mode: str) -> None:
    rec = Recorder(json_reply(fx.flow(commit_message="Use retrieval v3")))
    result = await invoke(mode, rec, "flows", "commit", FID, VID, commit_message="Use retrieval v3")
    assert_request(
        rec.only, "POST", f"/v5/flows/{FID}/versions/{VID}/commit", body={"commit_message": "Use retrieval v3"}
    )
    assert_flow(result)
    assert result.commit_message == "Use retrieval v3"


async def test_set_deployment(mode: str) -> None:
    rec = Recorder(json_reply(fx.flow()))
    result = await invoke(mode, rec, "flows", "set_deployment", FID, fx.ENVIRONMENT_ID, version_id=VID)
    assert_request(rec.only, "POST", f"/v5/flows/{FID}/environments/{fx.ENVIRONMENT_ID}", query={"version_id": VID})
    assert_flow(result)


async def test_remove_deployment(mode: str) -> None:
    rec = Recorder(empty_reply(204))
    assert await invoke(mode, rec, "flows", "remove_deployment", FID, fx.ENVIRONMENT_ID) is None
    assert_request(rec.only, "DELETE", f"/v5/flows/{FID}/environments/{fx.ENVIRONMENT_ID}")


async def test_list_environments(mode: str) -> None:
    rec = Recorder(json_reply([fx.file_environment("production", "default", file=fx.flow())]))
    result = await invoke(mode, rec, "flows", "list_environments", FID)
    assert_request(rec.only, "GET", f"/v5/flows/{FID}/environments")
    assert [type(e) for e in result] == [FileEnvironmentResponse]
    assert_flow(result[0].file)


async def test_update_monitoring(mode: str) -> None:
    rec = Recorder(json_reply(fx.flow(evaluators=[fx.monitoring_evaluator()])))
    result = await invoke(
        mode,
        rec,
        "flows",
        "update_monitoring",
        FID,
        activate=[{"evaluator_version_id": fx.EVALUATOR_VERSION_ID}],
        deactivate=None,
    )
    assert_request(
        rec.only,
        "POST",
        f"/v5/flows/{FID}/evaluators",
        body={"activate": [{"evaluator_version_id": fx.EVALUATOR_VERSION_ID}], "deactivate": None},
    )
    assert_flow(result)
    assert result.evaluators[0].version.id == fx.EVALUATOR_ID
