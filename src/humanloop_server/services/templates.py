"""Filling Prompt templates with inputs on the server, exactly as the SDK's ``humanloop.prompt_utils`` does.

- A variable is ``{{name}}``; one optional space is allowed on each side inside the braces
  (``{{ name }}``); names are letters, digits, ``_``, ``.``, ``[`` and ``]``.
- Inputs that are not strings are converted with ``str()``.
- A chat template is filled per message: string ``content``, or the ``text`` of each ``text`` part of
  a list ``content`` (image parts are left alone). Other message fields are copied unchanged.
- Any variable without an input makes the whole population fail: :func:`populate` raises a 422 whose
  ``detail`` has one entry per missing name, sorted (``loc = ["body", "inputs", name]``).
"""

from __future__ import annotations

import copy
import re
from typing import Any, Dict, List, Optional, Set, Union

from .errors import Invalid

_VARIABLE = re.compile(r"{{\s?([a-zA-Z_\d\.\[\]]+)\s?}}")


class MissingVariables(ValueError):
    """The template names variables that the inputs do not provide (``missing`` is sorted)."""

    def __init__(self, missing: Set[str] | List[str]) -> None:
        self.missing: List[str] = sorted(set(missing))
        super().__init__("The prompt template needs these inputs, which were not given: " + ", ".join(self.missing))

    def to_error(self) -> Invalid:
        return Invalid.many(
            [
                {
                    "loc": ["body", "inputs", name],
                    "msg": f"Missing input for template variable {name!r} (missing: {', '.join(self.missing)})",
                    "type": "missing_template_variable",
                }
                for name in self.missing
            ],
        )


def variables(text: str) -> List[str]:
    """Distinct variable names of a string, in order of first use."""
    seen: Dict[str, None] = {}
    for match in _VARIABLE.finditer(text):
        seen.setdefault(match.group(1), None)
    return list(seen)


def _fill(text: str, values: Dict[str, Any]) -> str:
    return _VARIABLE.sub(lambda m: str(values[m.group(1)]), text)


def populate_text(template: str, inputs: Optional[Dict[str, Any]]) -> str:
    """Fill a string template; raises :class:`MissingVariables`."""
    values = inputs or {}
    missing = [n for n in variables(template) if n not in values]
    if missing:
        raise MissingVariables(missing)
    return _fill(template, values)


def populate_chat(template: List[Dict[str, Any]], inputs: Optional[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """A filled copy of a chat template; raises :class:`MissingVariables` naming every missing input."""
    values = inputs or {}
    missing: Set[str] = set()
    out: List[Dict[str, Any]] = []
    for message in template:
        filled = copy.deepcopy(dict(message))
        content = filled.get("content")
        if isinstance(content, str):
            missing.update(n for n in variables(content) if n not in values)
            if not missing:
                filled["content"] = _fill(content, values)
        elif isinstance(content, list):
            for part in content:
                if isinstance(part, dict) and part.get("type") == "text" and isinstance(part.get("text"), str):
                    missing.update(n for n in variables(part["text"]) if n not in values)
                    if not missing:
                        part["text"] = _fill(part["text"], values)
        out.append(filled)
    if missing:
        raise MissingVariables(missing)
    return out


def populate_template(template: Union[str, List[Dict[str, Any]], None], inputs: Optional[Dict[str, Any]]) -> Any:
    """Fill a template of either form (None stays None); raises :class:`MissingVariables`."""
    if template is None:
        return None
    if isinstance(template, str):
        return populate_text(template, inputs)
    return populate_chat(list(template), inputs)


def populate(template: Union[str, List[Dict[str, Any]], None], inputs: Optional[Dict[str, Any]]) -> Any:
    """:func:`populate_template`, with missing variables answered as HTTP 422."""
    try:
        return populate_template(template, inputs)
    except MissingVariables as exc:
        raise exc.to_error() from None
