"""Fast, cached parsing of response bodies into the SDK's types."""

from __future__ import annotations

import functools
import typing

import pydantic


@functools.cache
def type_adapter(tp: typing.Any) -> pydantic.TypeAdapter[typing.Any]:
    """One ``TypeAdapter`` per type, built on first use and then reused."""
    return pydantic.TypeAdapter(tp)


def parse_json_bytes(tp: typing.Any, content: bytes) -> typing.Any:
    """Parse raw JSON straight into ``tp`` (no intermediate dicts)."""
    return type_adapter(tp).validate_json(content)


def parse_obj(tp: typing.Any, value: typing.Any) -> typing.Any:
    """Validate an already decoded JSON value into ``tp``."""
    return type_adapter(tp).validate_python(value)
