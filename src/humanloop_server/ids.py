"""Identifiers: a type prefix and 21 random base62 characters (as the original's ids look)."""

import secrets
import string

_ALPHABET = string.ascii_letters + string.digits


def new_id(prefix: str, length: int = 21) -> str:
    return prefix + "_" + "".join(secrets.choice(_ALPHABET) for _ in range(length))
