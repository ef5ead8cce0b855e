"""What every route shares: the route class that reads JSON bodies strictly, and the OpenAPI
extensions the SDK generator reads."""

from __future__ import annotations

from typing import Any, Callable, Coroutine, Dict

from fastapi import HTTPException, Request, Response
from fastapi.routing import APIRoute

from ..services.common import UnstorableJSON, loads_strict


class StrictJSONRequest(Request):
    """A request whose JSON body is read with ``services.common.loads_strict``.

    ``NaN``, ``Infinity``, numbers beyond the float range and lone surrogates are answered 422 at
    their location in the body (``["body", "temperature"]``) instead of reaching the models, where
    they would be stored as ``null`` or fail in the database. Malformed JSON is left to FastAPI
    (its 422 ``json_invalid``).
    """

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            try:
                self._json = loads_strict(body)
            except UnstorableJSON as exc:
                detail = [{"loc": ["body", *exc.path], "msg": exc.msg, "type": "value_error"}]
                raise HTTPException(status_code=422, detail=detail) from None
        return self._json


class StrictJSONRoute(APIRoute):
    """The route class of every router in ``api/``: its handler is given a :class:`StrictJSONRequest`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict_handler(request: Request) -> Response:
            return await handler(StrictJSONRequest(request.scope, request.receive))

        return strict_handler


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


#: operation extension read by codegen: further SDK method names served by the same route
METHOD_ALIASES = "x-humanloop-sdk-method-aliases"


def sdk_extra(group: str, method: str, *, paginated: bool = False, streaming: Any = None) -> Dict[str, Any]:
    """`openapi_extra` of a route: the SDK resource (`group`) and method name, and its markers."""
    extra: Dict[str, Any] = {"x-fern-sdk-group-name": group, "x-fern-sdk-method-name": method}
    if paginated:
        extra["x-fern-pagination"] = dict(PAGINATION)
    if streaming is not None:
        extra["x-fern-streaming"] = streaming
    return extra
