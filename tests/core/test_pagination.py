from __future__ import annotations

import typing

import httpx
import pydantic

from .helpers import Recorder, async_wrapper, sync_wrapper


class Page(pydantic.BaseModel):
    records: typing.List[int]
    page: int
    size: int
    total: int


def server(total: int) -> typing.Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        size = int(request.url.params.get("size", "10"))
        records = list(range((page - 1) * size, min(page * size, total)))
        return httpx.Response(200, json={"records": records, "page": page, "size": size, "total": total})

    return handler


def test_iterates_all_items_without_requesting_an_empty_page() -> None:
    rec = Recorder(server(25))
    pager = sync_wrapper(rec).paginate("GET", "prompts", params={"page": None, "size": 10}, response_type=Page)
    assert list(pager) == list(range(25))
    assert [r.url.params["page"] for r in rec.requests] == ["1", "2", "3"]


def test_exact_multiple_stops_at_total() -> None:
    rec = Recorder(server(20))
    pager = sync_wrapper(rec).paginate("GET", "prompts", params={"page": 1, "size": 10}, response_type=Page)
    pages = list(pager.iter_pages())
    assert [p.items for p in pages] == [list(range(10)), list(range(10, 20))]
    assert len(rec.requests) == 2  # the original SDK asked for a third, empty page


def test_next_page_and_starting_page() -> None:
    rec = Recorder(server(25))
    pager = sync_wrapper(rec).paginate("GET", "prompts", params={"page": 2, "size": 10}, response_type=Page)
    assert pager.items == list(range(10, 20))
    last = pager.next_page()
    assert last is not None and last.items == list(range(20, 25))
    assert last.next_page() is None


def test_empty_first_page() -> None:
    rec = Recorder(server(0))
    assert list(sync_wrapper(rec).paginate("GET", "x", params={"page": 1}, response_type=Page)) == []
    assert len(rec.requests) == 1


async def test_async_pager() -> None:
    rec = Recorder(server(12))
    pager = await async_wrapper(rec).paginate("GET", "x", params={"page": 1, "size": 5}, response_type=Page)
    items = [i async for i in pager]
    assert items == list(range(12))
    assert len(rec.requests) == 3
    pages = [p.items async for p in pager.iter_pages()]
    assert pages[-1] == [10, 11]
