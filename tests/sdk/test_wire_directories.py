"""client.directories.*: the exact request on the wire and the parsed response, sync and async."""

from __future__ import annotations

import pytest

from humanloop import (
    DatasetResponse,
    DirectoryResponse,
    DirectoryWithParentsAndChildrenResponse,
    FlowResponse,
    PromptResponse,
)

from . import fixtures as fx
from .wire import Recorder, assert_request, empty_reply, invoke, json_reply, utc

pytestmark = pytest.mark.parametrize("mode", ["sync", "async"])

DIR = fx.DIRECTORY_ID
CHILD = "dir_8kLmNoPqRsTuVwXyZaBcD"


async def test_list(mode: str) -> None:
    rec = Recorder(
        json_reply(
            [
                fx.directory(),
                fx.directory(id=CHILD, name="Drafts", path="Personal Projects/Drafts", parent_id=DIR),
            ]
        )
    )
    result = await invoke(mode, rec, "directories", "list")
    assert_request(rec.only, "GET", "/v5/directories")
    assert isinstance(result, list)
    assert [type(d) for d in result] == [DirectoryResponse, DirectoryResponse]
    assert [(d.id, d.path, d.parent_id) for d in result] == [
        (DIR, "Personal Projects", None),
        (CHILD, "Personal Projects/Drafts", DIR),
    ]
    assert result[0].created_at == utc(2024, 5, 1, 9, 12, 44, 381000)


async def test_create(mode: str) -> None:
    rec = Recorder(json_reply(fx.directory(id=CHILD, name="Drafts", path="Personal Projects/Drafts", parent_id=DIR)))
    result = await invoke(mode, rec, "directories", "create", name="Drafts", parent_id=DIR, path=None)
    assert_request(rec.only, "POST", "/v5/directories", body={"name": "Drafts", "parent_id": DIR, "path": None})
    assert isinstance(result, DirectoryResponse)
    assert (result.id, result.name, result.parent_id) == (CHILD, "Drafts", DIR)


async def test_get(mode: str) -> None:
    body = {
        **fx.directory(),
        "subdirectories": [fx.directory(id=CHILD, name="Drafts", path="Personal Projects/Drafts", parent_id=DIR)],
        "files": [fx.prompt(), fx.dataset(), fx.flow()],
        "parents": [],
    }
    rec = Recorder(json_reply(body))
    result = await invoke(mode, rec, "directories", "get", DIR)
    assert_request(rec.only, "GET", f"/v5/directories/{DIR}")
    assert isinstance(result, DirectoryWithParentsAndChildrenResponse)
    assert result.id == DIR
    assert [type(d) for d in result.subdirectories] == [DirectoryResponse]
    assert result.subdirectories[0].path == "Personal Projects/Drafts"
    assert [type(f) for f in result.files] == [PromptResponse, DatasetResponse, FlowResponse]
    assert [f.id for f in result.files] == [fx.PROMPT_ID, fx.DATASET_ID, fx.FLOW_ID]
    assert result.parents == []


async def test_delete(mode: str) -> None:
    rec = Recorder(empty_reply(204))
    assert await invoke(mode, rec, "directories", "delete", CHILD) is None
    assert_request(rec.only, "DELETE", f"/v5/directories/{CHILD}")


async def test_update(mode: str) -> None:
    rec = Recorder(json_reply(fx.directory(id=CHILD, name="Ideas", path="Personal Projects/Ideas", parent_id=DIR)))
    result = await invoke(mode, rec, "directories", "update", CHILD, name="Ideas", parent_id=None)
    assert_request(rec.only, "PATCH", f"/v5/directories/{CHILD}", body={"name": "Ideas", "parent_id": None})
    assert isinstance(result, DirectoryResponse)
    assert (result.name, result.path) == ("Ideas", "Personal Projects/Ideas")
