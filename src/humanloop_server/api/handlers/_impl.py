"""Glue between route handlers and services: request models -> plain dicts, enums -> values."""

from enum import Enum
from typing import Any, Dict, Iterable, List, Optional

from pydantic import BaseModel


def dump(model: Optional[BaseModel], unset: bool = False) -> Dict[str, Any]:
    """A request body as a JSON-like dict (``unset=True``: only the fields the client sent)."""
    if model is None:
        return {}
    return model.model_dump(mode="json", exclude_unset=unset)


def val(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def vals(values: Optional[Iterable[Any]]) -> Optional[List[Any]]:
    return None if values is None else [val(v) for v in values]
