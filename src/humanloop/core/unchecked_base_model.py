"""Base class of every response model."""

from __future__ import annotations

import pydantic


class UncheckedBaseModel(pydantic.BaseModel):
    """Response models keep fields the SDK does not know yet and are immutable.

    Unknown fields are kept (``extra="allow"``) so that a newer server never
    breaks an older SDK, and stay reachable as attributes and in ``model_dump()``.
    """

    model_config = pydantic.ConfigDict(extra="allow", frozen=True, populate_by_name=True)
