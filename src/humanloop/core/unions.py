"""Telling the members of a union of response models apart without leaving pydantic-core.

The generated unions pick their member with a callable ``pydantic.Discriminator``. Calling it
from ``validate_json`` means turning each value into Python objects first (the whole Log, with its
nested File body and messages) and then validating those: for a page of Logs that was a third of
the parsing time. :class:`FastTags` adds, in front of it, a pydantic-core tagged union that reads
the tag straight from the JSON at one of a few paths (a ``type`` field, or the ``type`` of the
nested body only one member has); whatever it cannot place (no tag, an unknown one, or a value
that does not validate as the member its tag names) goes to the generated union as before, so
the result is the same model either way.
"""

from __future__ import annotations

import typing

from pydantic import GetCoreSchemaHandler
from pydantic_core import CoreSchema, core_schema


def _members(tp: typing.Any) -> typing.Dict[str, typing.Any]:
    """The classes of a union (through ``Annotated`` layers and nested unions), by name."""
    found: typing.Dict[str, typing.Any] = {}
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _members(typing.get_args(tp)[0])
    if origin is typing.Union:
        for arg in typing.get_args(tp):
            found.update(_members(arg))
        return found
    if isinstance(tp, type):
        found[tp.__name__] = tp
    return found


class FastTags:
    """``Annotated`` metadata of a generated union: ``paths`` are where a tag may be found (the
    first one present is used) and ``tags`` maps each tag to the name of its member."""

    def __init__(self, paths: typing.Sequence[typing.Sequence[str]], tags: typing.Mapping[str, str]) -> None:
        self.paths = [list(p) for p in paths]
        self.tags = dict(tags)

    def __get_pydantic_core_schema__(self, source: typing.Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        as_generated = handler(source)
        members = _members(source)
        if not all(name in members for name in self.tags.values()):
            return as_generated
        choices: typing.Dict[typing.Hashable, CoreSchema] = {
            tag: handler.generate_schema(members[name]) for tag, name in self.tags.items()
        }
        tagged = core_schema.tagged_union_schema(
            choices,
            discriminator=[typing.cast(typing.List[typing.Union[str, int]], p) for p in self.paths],
        )
        return core_schema.union_schema([tagged, as_generated], mode="left_to_right")
