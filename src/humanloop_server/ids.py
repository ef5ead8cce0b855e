"""Identifiers: a type prefix and 21 random base62 characters (as the original's ids look)."""

import secrets
import string
from typing import List

_ALPHABET = string.ascii_letters + string.digits
#: random bytes below this map evenly onto the alphabet (4 x 62); the others are skipped
_EVEN = 4 * len(_ALPHABET)


def new_id(prefix: str, length: int = 21) -> str:
    # one call for the randomness of the whole id (a large upload makes ids by the hundred thousand)
    chars: List[str] = []
    while len(chars) < length:
        chars.extend(_ALPHABET[b % len(_ALPHABET)] for b in secrets.token_bytes(length + 8) if b < _EVEN)
    return prefix + "_" + "".join(chars[:length])
