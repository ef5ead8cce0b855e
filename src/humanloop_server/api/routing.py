"""OpenAPI extensions that every route carries; the SDK generator reads them."""

from __future__ import annotations

from typing import Any, Dict

#: Every operation of the API is under this path.
API_PREFIX = "/v5"

#: `x-fern-pagination` of paginated list operations: the page number is the `page` query
#: parameter, the items are the `records` of the response.
PAGINATION: Dict[str, str] = {"offset": "$request.page", "results": "$response.records"}

#: `x-fern-streaming` of `POST /prompts/call`: `stream: true` in the body switches the response to
#: server-sent events of `PromptCallStreamResponse`.
STREAMING: Dict[str, Any] = {
    "stream-condition": "$request.stream",
    "response": {"$ref": "#/components/schemas/PromptCallResponse"},
    "response-stream": {"$ref": "#/components/schemas/PromptCallStreamResponse"},
}


def sdk_extra(group: str, method: str, *, paginated: bool = False, streaming: Any = None) -> Dict[str, Any]:
    """`openapi_extra` of a route: the SDK resource (`group`) and method name, and its markers."""
    extra: Dict[str, Any] = {"x-fern-sdk-group-name": group, "x-fern-sdk-method-name": method}
    if paginated:
        extra["x-fern-pagination"] = dict(PAGINATION)
    if streaming is not None:
        extra["x-fern-streaming"] = streaming
    return extra
