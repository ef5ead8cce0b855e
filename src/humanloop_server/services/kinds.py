"""Everything the server knows about each kind of File, in one table.

Prompts, Tools, Datasets, Evaluators, Flows and Agents share storage (files, versions, deployments, logs)
and differ in a few facts: their name in messages, their id prefixes, which field of a log body
carries their version details, how those details become a version kernel, and whether the server
serialises extra fields for them. Code asks this table instead of branching on type names.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Dict, Optional

from .. import ids
from . import file_format, kernels
from .errors import Invalid

KernelBuilder = Callable[[Dict[str, Any]], Dict[str, Any]]


@dataclasses.dataclass(frozen=True)
class Kind:
    #: the stored ``type`` and the ``type`` field of responses
    type: str
    #: as in "Prompt not found"
    label: str
    #: "a" or "an", as in "an Evaluator"
    article: str
    #: id prefixes of the File and of its versions (as the original's ids look)
    file_prefix: str
    version_prefix: str
    #: the version details a log request carries (``prompts.log(prompt=...)``), or None when it
    #: carries none; a kind that cannot be logged against has no such function
    details_in_log: Optional[Callable[[Dict[str, Any]], Optional[Dict[str, Any]]]]
    #: details of a version -> its kernel (the content that identifies the version); None for
    #: Datasets, whose versions are sets of datapoints (``services.datasets``)
    build_kernel: Optional[KernelBuilder]
    #: a log may name a File of this kind by a new path alone: it is created with an empty kernel
    created_by_log: bool = False

    @property
    def a_label(self) -> str:
        return f"{self.article} {self.label}"

    def new_file_id(self) -> str:
        return ids.new_id(self.file_prefix)

    def new_version_id(self) -> str:
        return ids.new_id(self.version_prefix)

    def kernel(self, details: Dict[str, Any]) -> Dict[str, Any]:
        if self.build_kernel is None:
            raise Invalid(f"{self.label} versions have no kernel", ["body"])
        return self.build_kernel(details)


def _field(name: str) -> Callable[[Dict[str, Any]], Optional[Dict[str, Any]]]:
    def details(data: Dict[str, Any]) -> Optional[Dict[str, Any]]:
        value = data.get(name)
        return value if isinstance(value, dict) else None

    return details


def _evaluator_details(data: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    # an evaluator log carries the bare spec; the kernel builder takes {"spec": ...} like upsert
    return {"spec": data["spec"]} if isinstance(data.get("spec"), dict) else None


def _prompt_details(data: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    # a Prompt log carries the version's settings, or (0.8.38) the version as `.prompt` text
    value = data.get("prompt")
    if isinstance(value, str):
        return file_format.loads(value, ["body", "prompt"])
    return value if isinstance(value, dict) else None


def _agent_details(data: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    # an Agent log or call carries the version's settings, or the version as `.agent` text
    value = data.get("agent")
    if isinstance(value, str):
        return file_format.loads(value, ["body", "agent"])
    return value if isinstance(value, dict) else None


PROMPT = Kind("prompt", "Prompt", "a", "pr", "prv", _prompt_details, kernels.prompt_kernel)
TOOL = Kind("tool", "Tool", "a", "tl", "tv", _field("tool"), kernels.tool_kernel, created_by_log=True)
DATASET = Kind("dataset", "Dataset", "a", "ds", "dsv", None, None)
EVALUATOR = Kind("evaluator", "Evaluator", "an", "ev", "evv", _evaluator_details, kernels.evaluator_kernel)
FLOW = Kind("flow", "Flow", "a", "fl", "flv", _field("flow"), kernels.flow_kernel, created_by_log=True)

AGENT = Kind("agent", "Agent", "an", "ag", "agv", _agent_details, kernels.agent_kernel)

KINDS: Dict[str, Kind] = {k.type: k for k in (PROMPT, TOOL, DATASET, EVALUATOR, FLOW, AGENT)}
FILE_TYPES = tuple(KINDS)


def kind(file_type: str) -> Kind:
    try:
        return KINDS[file_type]
    except KeyError:
        raise Invalid(f"unknown file type {file_type!r}; one of {', '.join(FILE_TYPES)}", ["body", "type"]) from None


def label(file_type: Optional[str]) -> str:
    """The label of a type, or "File" when none is given."""
    return KINDS[file_type].label if file_type in KINDS else "File"
