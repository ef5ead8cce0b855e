"""Union of every kind of Log."""

from __future__ import annotations

from typing import Union

from typing_extensions import TypeAliasType

from .agents import AgentLogResponse
from .evaluators import EvaluatorLogResponse
from .flows import FlowLogResponse
from .prompts import PromptLogResponse
from .tools import ToolLogResponse

#: A Log of any kind of file.
LogResponse = TypeAliasType(
    "LogResponse", Union[PromptLogResponse, ToolLogResponse, EvaluatorLogResponse, FlowLogResponse, AgentLogResponse]
)
