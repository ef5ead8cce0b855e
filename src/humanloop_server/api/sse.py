"""Server-sent events: how a service's stream of event dicts goes out on the wire.

Each event is one ``data: <compact JSON>`` line followed by a blank line. The response closes the
service's generator however the sending ends (finished, client gone, server stopping), so the
service can store what an interrupted generation produced at once rather than when the generator
is collected.
"""

from __future__ import annotations

import json
from typing import Any, AsyncGenerator, AsyncIterator, Dict

import anyio
from fastapi.responses import StreamingResponse
from starlette.types import Send

HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def encode(event: Dict[str, Any]) -> str:
    return "data: " + json.dumps(event, separators=(",", ":"), default=str) + "\n\n"


class EventStreamResponse(StreamingResponse):
    def __init__(self, events: AsyncGenerator[Dict[str, Any], None]) -> None:
        self._events = events
        super().__init__(self._encoded(), media_type="text/event-stream", headers=HEADERS)

    async def _encoded(self) -> AsyncIterator[str]:
        async for event in self._events:
            yield encode(event)

    async def stream_response(self, send: Send) -> None:
        try:
            await super().stream_response(send)
        finally:
            with anyio.CancelScope(shield=True):
                await self._events.aclose()
