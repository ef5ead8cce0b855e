from __future__ import annotations

import typing

import httpx
import pydantic
import pytest

from humanloop.core.api_error import NotFoundError
from humanloop.core.streaming import SSEDecoder, StreamDecodeError

from .helpers import Recorder, async_wrapper, sync_wrapper


class Chunk(pydantic.BaseModel):
    output: str
    index: int


def decode_all(chunks: typing.Iterable[bytes]) -> typing.List[typing.Tuple[str, str, typing.Optional[str]]]:
    decoder = SSEDecoder()
    out = []
    for chunk in chunks:
        out += decoder.feed(chunk)
    out += decoder.flush()
    return [(e.event, e.data, e.id) for e in out]


def test_spec_fields_comments_and_multiline_data() -> None:
    raw = b": keep-alive\nevent: delta\nid: 7\ndata: first\ndata:second\nretry: 100\n\ndata: x\n\n"
    assert decode_all([raw]) == [("delta", "first\nsecond", "7"), ("message", "x", "7")]


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
def test_every_line_ending_and_every_split_point(newline: bytes) -> None:
    raw = b'data: {"a": "\xc3\xa9\xe2\x82\xac"}' + newline + newline + b"data: 2" + newline + newline
    expected = [("message", '{"a": "\u00e9\u20ac"}', None), ("message", "2", None)]
    for cut in range(len(raw) + 1):
        assert decode_all([raw[:cut], raw[cut:]]) == expected, cut
    assert decode_all([bytes([b]) for b in raw]) == expected


def test_event_without_data_is_not_dispatched_and_unterminated_event_is_dropped() -> None:
    assert decode_all([b"event: ping\n\n", b"data: half"]) == []


def test_bom_is_ignored() -> None:
    assert decode_all([b"\xef\xbb\xbfdata: 1\n\n"]) == [("message", "1", None)]


def sse(*events: str) -> bytes:
    return "".join(f"data: {e}\n\n" for e in events).encode()


def test_stream_yields_parsed_events_split_across_chunks() -> None:
    body = sse('{"output": "Hel", "index": 0}', '{"output": "lo", "index": 0}')

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, headers={"content-type": "text/event-stream"}, content=iter([body[:7], body[7:30], body[30:]])
        )

    events = list(
        sync_wrapper(Recorder(handler)).stream("POST", "prompts/call", json={"stream": True}, event_type=Chunk)
    )
    assert [e.output for e in events] == ["Hel", "lo"]


def test_undecodable_event_raises() -> None:
    rec = Recorder(httpx.Response(200, content=sse('{"output": "a", "index": 0}', "not json")))
    stream = sync_wrapper(rec).stream("POST", "x", json={}, event_type=Chunk)
    assert next(stream).output == "a"
    with pytest.raises(StreamDecodeError) as info:
        next(stream)
    assert info.value.body == "not json"


def test_early_close_closes_the_response() -> None:
    closed = []

    class Body(httpx.SyncByteStream):
        def __iter__(self) -> typing.Iterator[bytes]:
            for i in range(1000):
                yield sse(f'{{"output": "w{i}", "index": 0}}')

        def close(self) -> None:
            closed.append(True)

    rec = Recorder(lambda request: httpx.Response(200, stream=Body()))
    stream = sync_wrapper(rec).stream("POST", "x", json={}, event_type=Chunk)
    assert next(stream).output == "w0"
    stream.close()
    assert closed == [True]


def test_stream_error_status_raises_with_body_and_retries_before_headers() -> None:
    rec = Recorder(httpx.Response(503), httpx.Response(404, json={"detail": "no prompt"}))
    with pytest.raises(NotFoundError) as info:
        list(sync_wrapper(rec).stream("POST", "x", json={}, event_type=Chunk))
    assert info.value.body == {"detail": "no prompt"}
    assert len(rec.requests) == 2


async def test_async_stream_and_early_close() -> None:
    closed = []

    class Body(httpx.AsyncByteStream):
        async def __aiter__(self) -> typing.AsyncIterator[bytes]:
            for i in range(100):
                yield sse(f'{{"output": "w{i}", "index": {i}}}')

        async def aclose(self) -> None:
            closed.append(True)

    rec = Recorder(lambda request: httpx.Response(200, stream=Body()))
    stream = async_wrapper(rec).stream("POST", "x", json={}, event_type=Chunk)
    got = []
    async for item in stream:
        got.append(item.index)
        if len(got) == 3:
            break
    await stream.aclose()  # type: ignore[attr-defined]
    assert got == [0, 1, 2]
    assert closed == [True]
