"""Naming rules shared by every part of the generator (see docs/ARCHITECTURE.md)."""

from __future__ import annotations

import keyword
import re

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


def words(name: str) -> list[str]:
    """Split on ``_`` and on lower->upper, acronym and letter/digit boundaries."""
    out: list[str] = []
    for part in re.split(r"[^A-Za-z0-9]+", name):
        out.extend(_WORD.findall(part))
    return out


def pascal(name: str) -> str:
    """``HTTPValidationError`` -> ``HttpValidationError``; ``PaginatedData_X_`` -> ``PaginatedDataX``."""
    return "".join(w[:1].upper() + w[1:].lower() for w in words(name))


def snake(name: str) -> str:
    """``SrcV5Spec`` -> ``src_v_5_spec``; ``ai21`` -> ``ai_21`` (the module and field-name rule)."""
    return "_".join(w.lower() for w in words(name))


def py_identifier(wire: str) -> str:
    """The Python name of a wire name: the wire name itself when it is a plain snake identifier."""
    name = snake(wire) or "field"
    if name[0].isdigit():
        name = "f_" + name
    if keyword.iskeyword(name):
        name += "_"
    return name
