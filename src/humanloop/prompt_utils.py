"""Filling Prompt templates with inputs, as the Humanloop service does.

A variable is written ``{{name}}`` (one optional space is allowed on each side
inside the braces, so ``{{ name }}`` works too). Inputs that are not strings are
converted with ``str()``. A template that names a variable the inputs do not
provide raises :class:`PromptVariablesNotFoundError` listing every missing name.
"""

from __future__ import annotations

import copy
import re
import typing

if typing.TYPE_CHECKING:
    from .prompts.requests.prompt_request_template import PromptRequestTemplateParams
    from .requests.chat_message import ChatMessageParams

_VARIABLE = re.compile(r"{{\s?([a-zA-Z_\d\.\[\]]+)\s?}}")


class PromptVariablesNotFoundError(ValueError):
    """Raised when a template names variables that the inputs do not provide."""

    missing_variables: typing.List[str]

    def __init__(self, missing_variables: typing.List[str]) -> None:
        self.missing_variables = sorted(missing_variables)
        names = ", ".join(self.missing_variables)
        super().__init__(f"The prompt template needs these inputs, which were not given: {names}")


def template_variables(template: str) -> typing.List[str]:
    """The distinct variable names used in a string template, in order of first use."""
    seen: typing.Dict[str, None] = {}
    for match in _VARIABLE.finditer(template):
        seen.setdefault(match.group(1), None)
    return list(seen)


def populate_prompt_template(template: str, inputs: typing.Optional[typing.Dict[str, typing.Any]]) -> str:
    """Replace every ``{{variable}}`` of a string template with its input."""
    values = inputs or {}
    missing = [name for name in template_variables(template) if name not in values]
    if missing:
        raise PromptVariablesNotFoundError(missing)
    return _VARIABLE.sub(lambda match: str(values[match.group(1)]), template)


def sanitize_prompt(prompt: str) -> str:
    """Turn escaped line breaks and tabs (``\\n``, ``\\t`` written out) back into real ones."""
    return prompt.replace("\\n", "\n").replace("\\t", "\t")


def populate_chat_template(
    chat_template: typing.Sequence[ChatMessageParams],
    inputs: typing.Optional[typing.Dict[str, str]] = None,
) -> typing.List[ChatMessageParams]:
    """A copy of a chat template with the variables of every message's content filled in.

    Content may be a string or a list of parts; text parts are filled, image parts
    are left as they are. Missing variables of all messages are reported together.
    """
    values = inputs or {}
    missing: typing.Set[str] = set()
    result: typing.List[ChatMessageParams] = []
    for message in chat_template:
        filled = copy.deepcopy(dict(message))
        content = filled.get("content")
        if isinstance(content, str):
            missing.update(name for name in template_variables(content) if name not in values)
            if not missing:
                filled["content"] = _VARIABLE.sub(lambda m: str(values[m.group(1)]), content)
        elif isinstance(content, list):
            for part in content:
                if isinstance(part, dict) and part.get("type") == "text" and isinstance(part.get("text"), str):
                    text = part["text"]
                    missing.update(name for name in template_variables(text) if name not in values)
                    if not missing:
                        part["text"] = _VARIABLE.sub(lambda m: str(values[m.group(1)]), text)
        result.append(typing.cast("ChatMessageParams", filled))
    if missing:
        raise PromptVariablesNotFoundError(sorted(missing))
    return result


T = typing.TypeVar("T", bound="PromptRequestTemplateParams")


def populate_template(template: T, inputs: typing.Dict[str, str]) -> T:
    """Fill a Prompt template, whichever form it has (a string or a list of chat messages)."""
    if isinstance(template, str):
        return typing.cast(T, populate_prompt_template(template, inputs))
    return typing.cast(T, populate_chat_template(typing.cast("typing.Sequence[ChatMessageParams]", template), inputs))
