"""Glue between route handlers and services: request models -> plain dicts, enums -> values."""

from enum import Enum
from typing import Any, Dict, Iterable, List, Optional

from pydantic import BaseModel

from ...services.common import reject_nul


def dump(model: Optional[BaseModel], unset: bool = False) -> Dict[str, Any]:
    """A request body as a JSON-like dict (``unset=True``: only the fields the client sent)."""
    if model is None:
        return {}
    data = model.model_dump(mode="json", exclude_unset=unset)
    reject_nul(data, ["body"])
    return data


def val(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def vals(values: Optional[Iterable[Any]]) -> Optional[List[Any]]:
    return None if values is None else [val(v) for v in values]


def release_sessions(namespace: Dict[str, Any]) -> None:
    """Wrap the public handlers of a module so that the request's session is closed when they return.

    The response is serialised from plain dicts, so nothing needs the session afterwards; closing it
    here (rather than when FastAPI tears the dependency down after sending the response) releases
    SQLite's write lock before the idempotency layer stores the response.
    """
    import functools
    import inspect

    for name, fn in list(namespace.items()):
        if name.startswith("_") or not inspect.isfunction(fn) or fn.__module__ != namespace.get("__name__"):
            continue
        params = list(inspect.signature(fn).parameters)
        if not params or params[0] != "ctx":
            continue

        def make(f: Any) -> Any:
            @functools.wraps(f)
            def wrapper(ctx: Any, *args: Any, **kwargs: Any) -> Any:
                try:
                    return f(ctx, *args, **kwargs)
                finally:
                    session = getattr(ctx, "session", None)
                    if session is not None:
                        session.close()

            return wrapper

        namespace[name] = make(fn)
