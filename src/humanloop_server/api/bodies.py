"""Validated request values -> the plain values services take.

FastAPI hands a route pydantic models and enum members; services know neither and take JSON-like
dicts, strings and lists. These helpers do that conversion and nothing else.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, Dict, Iterable, List, Optional, Union, overload

from pydantic import BaseModel

from ..services.common import reject_nul


def dump(model: Optional[BaseModel], unset: bool = False) -> Dict[str, Any]:
    """The request body as a JSON-like dict (an empty one for no body).

    ``unset=True`` keeps only the fields the client sent, for routes that change just those
    (an absent field and an explicit ``null`` then differ). Fields the model does not declare are
    not in the result. A string anywhere in the body containing NUL is refused with a 422 at
    ``["body", ...]`` (a ``ServiceError``), as no backend can store it.
    """
    if model is None:
        return {}
    data = model.model_dump(mode="json", exclude_unset=unset)
    reject_nul(data, ["body"])
    return data


@overload
def val(value: None) -> None: ...


@overload
def val(value: Union[Enum, str]) -> str: ...


def val(value: Union[Enum, str, None]) -> Optional[str]:
    """The wire value of an enum parameter (every enum of the schemas is a ``str`` enum).

    A plain string or ``None`` is returned unchanged.
    """
    if isinstance(value, Enum):
        wire: str = value.value
        return wire
    return value


def vals(values: Optional[Iterable[Union[Enum, str]]]) -> Optional[List[str]]:
    """`val` of each item of a repeated parameter; ``None`` (parameter absent) stays ``None``."""
    return None if values is None else [val(v) for v in values]
