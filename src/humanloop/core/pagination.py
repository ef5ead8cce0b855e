"""Pagers: iterate over every item of a paginated list, fetching pages as needed."""

from __future__ import annotations

import typing

T = typing.TypeVar("T")


class SyncPager(typing.Generic[T]):
    """One page of results that knows how to fetch the next.

    ``for item in pager`` walks all items of all pages; ``pager.iter_pages()``
    yields the pages themselves; ``pager.items`` is this page's items.
    No request is made for a page that cannot hold anything (a short page,
    or the server's ``total`` already reached).
    """

    def __init__(
        self,
        *,
        items: typing.List[T],
        has_next: bool,
        get_next: typing.Optional[typing.Callable[[], typing.Optional[SyncPager[T]]]] = None,
        response: typing.Any = None,
    ) -> None:
        self.items = items
        self.has_next = has_next and get_next is not None
        self.get_next = get_next
        self.response = response

    def next_page(self) -> typing.Optional[SyncPager[T]]:
        """The following page, or ``None`` when this is the last one."""
        if not self.has_next or self.get_next is None:
            return None
        return self.get_next()

    def iter_pages(self) -> typing.Iterator[SyncPager[T]]:
        page: typing.Optional[SyncPager[T]] = self
        while page is not None:
            yield page
            page = page.next_page()

    def __iter__(self) -> typing.Iterator[T]:
        for page in self.iter_pages():
            yield from page.items

    def __repr__(self) -> str:
        return f"SyncPager(items={len(self.items)}, has_next={self.has_next})"


class AsyncPager(typing.Generic[T]):
    """The async twin of :class:`SyncPager`: ``async for item in pager``."""

    def __init__(
        self,
        *,
        items: typing.List[T],
        has_next: bool,
        get_next: typing.Optional[typing.Callable[[], typing.Awaitable[typing.Optional[AsyncPager[T]]]]] = None,
        response: typing.Any = None,
    ) -> None:
        self.items = items
        self.has_next = has_next and get_next is not None
        self.get_next = get_next
        self.response = response

    async def next_page(self) -> typing.Optional[AsyncPager[T]]:
        if not self.has_next or self.get_next is None:
            return None
        return await self.get_next()

    async def iter_pages(self) -> typing.AsyncIterator[AsyncPager[T]]:
        page: typing.Optional[AsyncPager[T]] = self
        while page is not None:
            yield page
            page = await page.next_page()

    async def __aiter__(self) -> typing.AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.items:
                yield item

    def __repr__(self) -> str:
        return f"AsyncPager(items={len(self.items)}, has_next={self.has_next})"


#: the response header by which a server says a page's ``total`` is an estimate (ours does so for a
#: text search with many matches); such a total does not decide where the walk ends
TOTAL_ESTIMATED_HEADER = "x-total-is-estimate"


def total_is_estimate(headers: typing.Mapping[str, str]) -> bool:
    return headers.get(TOTAL_ESTIMATED_HEADER, "").strip().lower() == "true"


def page_has_next(
    response: typing.Any, count: int, requested_size: typing.Optional[int], *, total_exact: bool = True
) -> bool:
    """Whether another page can hold anything, judged from this page alone (and from ``total``
    unless the server said it is an estimate: then only a short page ends the walk)."""
    if count == 0:
        return False
    total = getattr(response, "total", None) if total_exact else None
    size = getattr(response, "size", None) or requested_size
    page = getattr(response, "page", None)
    if isinstance(total, int) and isinstance(page, int) and size:
        return page * size < total
    if size:
        return count >= size
    return True
