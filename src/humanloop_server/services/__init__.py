"""Server behaviour, as plain functions taking a :class:`Context` (session + organisation).

Routers call these and return what they give back (plain dicts shaped like the wire schemas).
Public write functions commit before they return, so an acknowledged write is durable.
"""

from .common import Context

__all__ = ["Context"]
