"""Identifiers: a type prefix and 21 random base62 characters (as the original's ids look)."""

import secrets
import string

_ALPHABET = string.ascii_letters + string.digits

PREFIXES = {
    "prompt": ("pr", "prv"),
    "tool": ("tl", "tv"),
    "dataset": ("ds", "dsv"),
    "evaluator": ("ev", "evv"),
    "flow": ("fl", "flv"),
}


def new_id(prefix: str, length: int = 21) -> str:
    return prefix + "_" + "".join(secrets.choice(_ALPHABET) for _ in range(length))


def file_id(file_type: str) -> str:
    return new_id(PREFIXES[file_type][0])


def version_id(file_type: str) -> str:
    return new_id(PREFIXES[file_type][1])
