"""Turning Python values into request bodies, queries and paths.

The SDK builds request bodies from plain dicts (the ``*Params`` TypedDicts),
pydantic models, datetimes and enums. Everything here is a plain function so
the sync and async clients share it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json as _json
import typing
import uuid
from urllib.parse import quote

import pydantic

#: Marks a body parameter the caller did not pass. It is never sent, while an
#: explicit ``None`` is sent as JSON ``null``.
OMIT: typing.Any = ...


def serialize_datetime(value: dt.datetime) -> str:
    """ISO 8601, with UTC written as ``Z`` (as the original SDK did) and other offsets kept.

    A naive datetime is taken to be in the machine's local time zone, so what is sent
    always names an unambiguous instant.
    """
    if value.tzinfo is None:
        value = value.astimezone()
    if value.utcoffset() == dt.timedelta(0):
        return value.replace(tzinfo=None).isoformat() + "Z"
    return value.isoformat()


def _default(value: typing.Any) -> typing.Any:
    """Fallback for values ``json`` cannot encode itself."""
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, dt.datetime):
        return serialize_datetime(value)
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    raise TypeError(f"Object of type {type(value).__name__} cannot be sent as JSON")


def drop_omitted(values: typing.Optional[typing.Mapping[str, typing.Any]]) -> typing.Dict[str, typing.Any]:
    """Keep the parameters the caller actually gave (``OMIT`` means not given)."""
    if not values:
        return {}
    return {key: value for key, value in values.items() if value is not OMIT}


def encode_json_body(body: typing.Any) -> bytes:
    """Serialise a request body once; every retry re-sends these exact bytes."""
    return _json.dumps(body, default=_default, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def jsonable(value: typing.Any) -> typing.Any:
    """A JSON-compatible copy of ``value`` (datetimes to ISO 8601, models to dicts)."""
    return _json.loads(encode_json_body(value))


def encode_query_value(value: typing.Any) -> typing.Any:
    """One query parameter value as httpx expects it (lists stay lists: repeated keys)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return serialize_datetime(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (list, tuple, set, frozenset)):
        return [encode_query_value(item) for item in value]
    if isinstance(value, (dict, pydantic.BaseModel)):
        return _json.dumps(jsonable(value), separators=(",", ":"))
    return value


def encode_query(params: typing.Optional[typing.Mapping[str, typing.Any]]) -> typing.Dict[str, typing.Any]:
    """Query parameters with ``None`` (not given) dropped and values encoded."""
    if not params:
        return {}
    return {key: encode_query_value(value) for key, value in params.items() if value is not None and value is not OMIT}


def encode_path_param(value: typing.Any) -> str:
    """A path segment, percent-encoded so that ``/`` or ``?`` in an id cannot change the route."""
    if isinstance(value, enum.Enum):
        value = value.value
    return quote(str(value), safe="")
