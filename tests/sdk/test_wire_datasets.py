"""client.datasets.*: the exact request on the wire and the parsed response, sync and async."""

from __future__ import annotations

import pytest

from humanloop import DatapointResponse, DatasetResponse, FileEnvironmentResponse, ListDatasets
from humanloop.core.pagination import AsyncPager, SyncPager

from . import fixtures as fx
from .wire import Recorder, assert_request, drain, empty_reply, invoke, json_reply, page_items, utc

pytestmark = pytest.mark.parametrize("mode", ["sync", "async"])

DID = fx.DATASET_ID
VID = fx.DATASET_VERSION_ID


def assert_dataset(result: object, **expected: object) -> None:
    assert isinstance(result, DatasetResponse)
    assert result.id == DID
    assert result.version_id == expected.get("version_id", VID)
    assert result.path == expected.get("path", "test-questions")
    assert result.datapoints_count == expected.get("datapoints_count", 2)
    assert result.status == "committed"
    assert result.environments[0].name == "production"
    assert result.last_used_at == utc(2024, 7, 19, 0, 29, 35, 178000)


async def test_list(mode: str) -> None:
    rec = Recorder(json_reply(fx.paginated([fx.dataset()], page=2, size=5, total=6)))
    pager = await invoke(mode, rec, "datasets", "list", page=2, size=5, name="questions", user_filter="raza")
    assert isinstance(pager, (SyncPager, AsyncPager))
    items = await drain(pager)
    assert [type(i) for i in items] == [DatasetResponse]
    assert_dataset(items[0])
    assert_request(
        rec.only, "GET", "/v5/datasets", query={"page": "2", "size": "5", "name": "questions", "user_filter": "raza"}
    )


async def test_upsert(mode: str) -> None:
    rec = Recorder(json_reply(fx.dataset(datapoints_count=4, commit_message=None)))
    result = await invoke(
        mode,
        rec,
        "datasets",
        "upsert",
        version_id=VID,
        path="test-questions",
        datapoints=[
            {"inputs": {"question": "What is the capital of France?"}, "target": {"answer": "Paris"}},
            {
                "messages": [{"role": "user", "content": "Who wrote Hamlet?"}],
                "target": {"answer": "William Shakespeare"},
            },
        ],
        action="add",
        attributes=None,
        commit_message="Add two new questions and answers",
    )
    assert_request(
        rec.only,
        "POST",
        "/v5/datasets",
        query={"version_id": VID},
        body={
            "path": "test-questions",
            "datapoints": [
                {"inputs": {"question": "What is the capital of France?"}, "target": {"answer": "Paris"}},
                {
                    "messages": [{"role": "user", "content": "Who wrote Hamlet?"}],
                    "target": {"answer": "William Shakespeare"},
                },
            ],
            "action": "add",
            "attributes": None,
            "commit_message": "Add two new questions and answers",
        },
    )
    assert_dataset(result, datapoints_count=4)
    assert result.commit_message is None


async def test_get(mode: str) -> None:
    body = fx.dataset(datapoints=[fx.datapoint(1), fx.datapoint(2)])
    rec = Recorder(json_reply(body))
    result = await invoke(mode, rec, "datasets", "get", DID, environment="production", include_datapoints=True)
    assert_request(
        rec.only, "GET", f"/v5/datasets/{DID}", query={"environment": "production", "include_datapoints": "true"}
    )
    assert_dataset(result)
    assert [type(d) for d in result.datapoints] == [DatapointResponse, DatapointResponse]
    assert result.datapoints[0].inputs == {"question": "What is 1 + 1?"}
    assert result.datapoints[1].messages[0].content == "Please add 2 and 2."
    assert result.datapoints[1].target == {"answer": "4"}


async def test_delete(mode: str) -> None:
    rec = Recorder(empty_reply(204))
    assert await invoke(mode, rec, "datasets", "delete", DID) is None
    assert_request(rec.only, "DELETE", f"/v5/datasets/{DID}")


async def test_move(mode: str) -> None:
    rec = Recorder(json_reply(fx.dataset(path="Evals/test-questions")))
    result = await invoke(mode, rec, "datasets", "move", DID, path="Evals/test-questions", name=None)
    assert_request(rec.only, "PATCH", f"/v5/datasets/{DID}", body={"path": "Evals/test-questions", "name": None})
    assert_dataset(result, path="Evals/test-questions")


async def test_list_datapoints(mode: str) -> None:
    rec = Recorder(
        json_reply(fx.paginated([fx.datapoint(1), fx.datapoint(2)], page=1, size=2, total=3)),
        json_reply(fx.paginated([fx.datapoint(3)], page=2, size=2, total=3)),
    )
    pager = await invoke(mode, rec, "datasets", "list_datapoints", DID, version_id=VID, size=2)
    pages = await page_items(pager)
    assert [[d.id for d in page] for page in pages] == [["dp_01kRz7WqLm4Vh", "dp_02kRz7WqLm4Vh"], ["dp_03kRz7WqLm4Vh"]]
    assert all(isinstance(d, DatapointResponse) for page in pages for d in page)
    assert pages[1][0].target == {"answer": "6"}
    assert len(rec.requests) == 2  # page 2 was the last one: no request for page 3
    assert_request(
        rec.requests[0], "GET", f"/v5/datasets/{DID}/datapoints", query={"version_id": VID, "page": "1", "size": "2"}
    )
    assert_request(
        rec.requests[1], "GET", f"/v5/datasets/{DID}/datapoints", query={"version_id": VID, "page": "2", "size": "2"}
    )


async def test_list_versions(mode: str) -> None:
    rec = Recorder(json_reply({"records": [fx.dataset(), fx.dataset(version_id="dsv_oldOneQwErTy")]}))
    result = await invoke(mode, rec, "datasets", "list_versions", DID, status="committed")
    assert_request(rec.only, "GET", f"/v5/datasets/{DID}/versions", query={"status": "committed"})
    assert isinstance(result, ListDatasets)
    assert [r.version_id for r in result.records] == [VID, "dsv_oldOneQwErTy"]


async def test_commit(mode: str) -> None:
    rec = Recorder(json_reply(fx.dataset(commit_message="Freeze for eval")))
    result = await invoke(mode, rec, "datasets", "commit", DID, VID, commit_message="Freeze for eval")
    assert_request(
        rec.only, "POST", f"/v5/datasets/{DID}/versions/{VID}/commit", body={"commit_message": "Freeze for eval"}
    )
    assert_dataset(result)
    assert result.commit_message == "Freeze for eval"


async def test_upload_csv(mode: str) -> None:
    csv = b"question,target\nWhat is 2 + 2?,4\nWhat is the boiling point of water?,100C\n"
    rec = Recorder(json_reply(fx.dataset(datapoints_count=4, version_id="dsv_fromCsvZxCvBn")))
    result = await invoke(
        mode,
        rec,
        "datasets",
        "upload_csv",
        DID,
        file=("questions.csv", csv, "text/csv"),
        commit_message="Import from CSV",
        environment="production",
    )
    assert_request(
        rec.only,
        "POST",
        f"/v5/datasets/{DID}/datapoints/csv",
        query={"environment": "production"},
        multipart={"commit_message": "Import from CSV", "file": ("questions.csv", "text/csv", csv)},
    )
    assert_dataset(result, datapoints_count=4, version_id="dsv_fromCsvZxCvBn")


async def test_set_deployment(mode: str) -> None:
    rec = Recorder(json_reply(fx.dataset()))
    result = await invoke(mode, rec, "datasets", "set_deployment", DID, fx.ENVIRONMENT_ID, version_id=VID)
    assert_request(rec.only, "POST", f"/v5/datasets/{DID}/environments/{fx.ENVIRONMENT_ID}", query={"version_id": VID})
    assert_dataset(result)


async def test_remove_deployment(mode: str) -> None:
    rec = Recorder(empty_reply(204))
    assert await invoke(mode, rec, "datasets", "remove_deployment", DID, fx.ENVIRONMENT_ID) is None
    assert_request(rec.only, "DELETE", f"/v5/datasets/{DID}/environments/{fx.ENVIRONMENT_ID}")


async def test_list_environments(mode: str) -> None:
    rec = Recorder(
        json_reply(
            [
                fx.file_environment("production", "default", file=fx.dataset()),
                fx.file_environment("development", "other"),
            ]
        )
    )
    result = await invoke(mode, rec, "datasets", "list_environments", DID)
    assert_request(rec.only, "GET", f"/v5/datasets/{DID}/environments")
    assert [type(e) for e in result] == [FileEnvironmentResponse] * 2
    assert_dataset(result[0].file)
    assert (result[1].name, result[1].file) == ("development", None)
