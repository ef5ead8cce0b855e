"""Self-hostable server that speaks the Humanloop v5 API."""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:  # PEP 562: keep `import humanloop_server` cheap
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(name)
