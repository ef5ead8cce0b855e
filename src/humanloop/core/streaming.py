"""A small Server-Sent Events decoder (the WHATWG ``text/event-stream`` rules).

It is fed raw bytes as they arrive, in chunks of any size, and yields whole
events. Lines may end in ``\\n``, ``\\r\\n`` or ``\\r``, even when the two bytes
of ``\\r\\n`` arrive in different chunks, and multi-byte UTF-8 characters may be
split across chunks.
"""

from __future__ import annotations

import codecs
import dataclasses
import typing

import pydantic

from .api_error import ApiError
from .parsing import type_adapter


@dataclasses.dataclass(frozen=True)
class ServerSentEvent:
    """One dispatched event."""

    data: str
    event: str = "message"
    id: typing.Optional[str] = None
    retry: typing.Optional[int] = None


class StreamDecodeError(ApiError):
    """An event of a stream could not be decoded into the expected type."""

    def __init__(self, message: str, *, data: str, status_code: typing.Optional[int] = None) -> None:
        super().__init__(status_code=status_code, body=data)
        self.message = message

    def __str__(self) -> str:
        return self.message


class SSEDecoder:
    """Incremental decoder: ``feed(bytes)`` returns the events completed by those bytes."""

    def __init__(self) -> None:
        self._text = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""  # text after the last complete line
        self._skip_lf = False  # the previous chunk ended in "\r": a leading "\n" belongs to it
        self._first = True
        self._data: typing.List[str] = []
        self._event = ""
        self._last_id: typing.Optional[str] = None
        self._retry: typing.Optional[int] = None

    def feed(self, chunk: bytes) -> typing.List[ServerSentEvent]:
        return self._feed_text(self._text.decode(chunk))

    def flush(self) -> typing.List[ServerSentEvent]:
        """Finish the stream. Per the spec an event without its closing blank line is discarded,
        but a final line without a line break is still processed."""
        events = self._feed_text(self._text.decode(b"", final=True))
        if self._pending:
            line, self._pending = self._pending, ""
            self._process_line(line)
        return events

    def _feed_text(self, text: str) -> typing.List[ServerSentEvent]:
        if not text:
            return []
        if self._first:
            self._first = False
            if text.startswith("\ufeff"):
                text = text[1:]
        if self._skip_lf:
            self._skip_lf = False
            if text.startswith("\n"):
                text = text[1:]
        buffer = self._pending + text
        if "\r" in buffer:
            # A "\r" that ends the chunk ends a line now; a "\n" opening the next chunk then belongs to it.
            self._skip_lf = buffer.endswith("\r")
            buffer = buffer.replace("\r\n", "\n").replace("\r", "\n")
        lines = buffer.split("\n")
        self._pending = lines.pop()
        events: typing.List[ServerSentEvent] = []
        for line in lines:
            event = self._process_line(line)
            if event is not None:
                events.append(event)
        return events

    def _process_line(self, line: str) -> typing.Optional[ServerSentEvent]:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return None
        field, sep, value = line.partition(":")
        if sep and value.startswith(" "):
            value = value[1:]
        if field == "data":
            self._data.append(value)
        elif field == "event":
            self._event = value
        elif field == "id":
            if "\0" not in value:
                self._last_id = value
        elif field == "retry":
            if value.isdigit():
                self._retry = int(value)
        return None

    def _dispatch(self) -> typing.Optional[ServerSentEvent]:
        if not self._data:
            self._event = ""
            return None
        event = ServerSentEvent(
            data="\n".join(self._data), event=self._event or "message", id=self._last_id, retry=self._retry
        )
        self._data = []
        self._event = ""
        return event


def decode_event(
    event_type: typing.Any, event: ServerSentEvent, status_code: typing.Optional[int] = None
) -> typing.Any:
    """Parse one event's JSON data into ``event_type``; raise instead of skipping what does not fit."""
    try:
        return type_adapter(event_type).validate_json(event.data)
    except pydantic.ValidationError as exc:
        raise StreamDecodeError(
            f"A stream event could not be decoded: {exc.errors(include_url=False)[:3]}; data: {event.data[:500]!r}",
            data=event.data,
            status_code=status_code,
        ) from exc


def is_terminal(event: ServerSentEvent) -> bool:
    """Some servers end a stream with a literal ``[DONE]`` event; it carries no data."""
    data = event.data
    return len(data) < 16 and data.strip() == "[DONE]"
