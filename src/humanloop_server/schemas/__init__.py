"""Pydantic models of the Humanloop v5 API: the wire contract of the server.

One module per area. Models refer to each other across modules (a Prompt lists its monitoring
Evaluators, an Evaluator Log points back at any Log ...), so the modules import the names they
need only for type checking and this package resolves every forward reference once all modules are
loaded. Import models from here or from their module; both are complete after import.
"""

from __future__ import annotations

from typing import Any, Dict

from pydantic import BaseModel

from . import agents, common, datasets, directories, evaluations, evaluators, files, flows, logs, prompts, tools
from .agents import *  # noqa: F403
from .common import *  # noqa: F403
from .datasets import *  # noqa: F403
from .directories import *  # noqa: F403
from .evaluations import *  # noqa: F403
from .evaluators import *  # noqa: F403
from .files import *  # noqa: F403
from .flows import *  # noqa: F403
from .logs import *  # noqa: F403
from .prompts import *  # noqa: F403
from .tools import *  # noqa: F403

# Names defined in two modules: the package exports the upsert body of the resource (and the kind of
# a Tool); the other one is left out of its module's `__all__` and is reachable through the module
# (`common.ToolType`, `evaluations.DatasetRequest`, `evaluations.EvaluatorRequest`).

AREA_MODULES = (common, prompts, tools, datasets, evaluators, flows, agents, files, directories, evaluations, logs)


def _resolve_forward_references() -> None:
    namespace: Dict[str, Any] = {}
    for module in AREA_MODULES:
        namespace.update({k: v for k, v in vars(module).items() if not k.startswith("_")})
    # Names that exist twice resolve per module: give each module's own definitions priority.
    for module in AREA_MODULES:
        local = dict(namespace)
        local.update({k: v for k, v in vars(module).items() if not k.startswith("_")})
        for value in list(vars(module).values()):
            if (
                isinstance(value, type)
                and issubclass(value, BaseModel)
                and value.__module__ == module.__name__
                and not value.__pydantic_generic_metadata__["parameters"]
            ):
                value.model_rebuild(force=True, _types_namespace=local)


_resolve_forward_references()
