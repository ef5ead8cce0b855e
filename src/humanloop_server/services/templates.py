"""Filling Prompt templates with inputs on the server, exactly as the SDK's ``humanloop.prompt_utils`` does.

- A variable is ``{{name}}``; one optional space is allowed on each side inside the braces
  (``{{ name }}``); names are letters, digits, ``_``, ``.``, ``[`` and ``]``.
- Inputs that are not strings are converted with ``str()``.
- A chat template is filled per message: string ``content``, or the ``text`` of each ``text`` part of
  a list ``content`` (image parts are left alone). Other message fields are copied unchanged.
- Any variable without an input makes the whole population fail: :func:`populate` raises a 422 whose
  ``detail`` has one entry per missing name, sorted (``loc = ["body", "inputs", name]``).

A version whose ``template_language`` is ``"jinja"`` is rendered with Jinja instead (``language``
argument), text by text as above, in jinja2's sandbox (no attribute access to Python internals, no
unsafe calls) with these limits of ours: ``range`` yields at most :data:`JINJA_RANGE_BUDGET` numbers
per rendering (all calls together), ``*`` may not build a string or list longer than
:data:`JINJA_MAX_OUTPUT`, ``**`` takes exponents up to 100, and each rendered text is at most
:data:`JINJA_MAX_OUTPUT` characters. Inputs are passed as they are (objects and lists keep their
structure). A variable the template reads and the inputs lack is a missing variable (422 as above);
a template that does not parse, or fails while rendering, is a 422 at ``["body", "prompt", "template"]``
with Jinja's message. Any other ``template_language`` is the default one.
"""

from __future__ import annotations

import copy
import operator
import re
from typing import Any, Callable, Dict, Iterator, List, Optional, Set, Union

import jinja2
from jinja2 import meta
from jinja2.sandbox import SandboxedEnvironment

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


class TemplateFailed(ValueError):
    """A Jinja template that does not parse or cannot be rendered."""

    def to_error(self) -> Invalid:
        return Invalid(str(self), ["body", "prompt", "template"], type="template_error")


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


# ---------------------------------------------------------------- Jinja

JINJA = "jinja"
#: numbers ``range`` may produce in one rendering, over all its calls (nested loops add up)
JINJA_RANGE_BUDGET = 100_000
#: characters of one rendered text, and the longest string or list ``*`` may build
JINJA_MAX_OUTPUT = 1_000_000
JINJA_MAX_EXPONENT = 100


class _Sandbox(SandboxedEnvironment):
    """jinja2's sandbox, with ``*`` and ``**`` checked so one expression cannot exhaust memory or CPU."""

    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context: Any, operator_name: str, left: Any, right: Any) -> Any:
        if operator_name == "**":
            if isinstance(right, (int, float)) and abs(right) > JINJA_MAX_EXPONENT:
                raise TemplateFailed(f"Exponents above {JINJA_MAX_EXPONENT} are not allowed in templates")
            return operator.pow(left, right)
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, (str, list, tuple)) and isinstance(times, int) and len(seq) * times > JINJA_MAX_OUTPUT:
                raise TemplateFailed(f"A template may not build a value longer than {JINJA_MAX_OUTPUT}")
        return operator.mul(left, right)


_ENV = _Sandbox(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True)


def _budgeted_range(budget: List[int]) -> Callable[..., Iterator[int]]:
    def limited(*args: int) -> Iterator[int]:
        numbers = range(*args)
        budget[0] -= len(numbers)
        if budget[0] < 0:
            raise TemplateFailed(f"range() may produce at most {JINJA_RANGE_BUDGET} numbers in one template")
        return iter(numbers)

    return limited


def _parse(text: str) -> Any:
    try:
        return _ENV.parse(text)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateFailed(f"The Jinja template does not parse (line {exc.lineno}): {exc.message}") from None


def jinja_variables(text: str) -> List[str]:
    """The names a Jinja text reads from its inputs (sorted); raises :class:`TemplateFailed`."""
    return sorted(set(meta.find_undeclared_variables(_parse(text))) - set(_ENV.globals))


def _render(text: str, values: Dict[str, Any], budget: List[int]) -> str:
    try:
        template = _ENV.from_string(text)
        out: List[str] = []
        size = 0
        for piece in template.generate({"range": _budgeted_range(budget), **values}):
            size += len(piece)
            if size > JINJA_MAX_OUTPUT:
                raise TemplateFailed(f"The rendered template is longer than {JINJA_MAX_OUTPUT} characters")
            out.append(piece)
        return "".join(out)
    except TemplateFailed:
        raise
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateFailed(f"The Jinja template does not parse (line {exc.lineno}): {exc.message}") from None
    except jinja2.exceptions.SecurityError as exc:
        raise TemplateFailed(f"The Jinja template did something not allowed: {exc}") from None
    except jinja2.TemplateError as exc:
        raise TemplateFailed(f"The Jinja template could not be rendered: {exc}") from None
    except (ArithmeticError, TypeError, ValueError, LookupError, AttributeError, RecursionError) as exc:
        raise TemplateFailed(f"The Jinja template could not be rendered: {type(exc).__name__}: {exc}") from None


def texts_of(template: Union[str, List[Dict[str, Any]]]) -> List[str]:
    if isinstance(template, str):
        return [template]
    out = []
    for message in template:
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, str):
            out.append(content)
        elif isinstance(content, list):
            out.extend(
                p["text"]
                for p in content
                if isinstance(p, dict) and p.get("type") == "text" and isinstance(p.get("text"), str)
            )
    return out


def populate_jinja(template: Union[str, List[Dict[str, Any]]], inputs: Optional[Dict[str, Any]]) -> Any:
    """A template rendered with Jinja (same shapes as :func:`populate_template`).

    Raises :class:`MissingVariables` (every missing name, before anything is rendered) or
    :class:`TemplateFailed`.
    """
    values = dict(inputs or {})
    missing = {name for text in texts_of(template) for name in jinja_variables(text) if name not in values}
    if missing:
        raise MissingVariables(missing)
    budget = [JINJA_RANGE_BUDGET]
    if isinstance(template, str):
        return _render(template, values, budget)
    out: List[Dict[str, Any]] = []
    for message in template:
        filled = copy.deepcopy(dict(message))
        content = filled.get("content")
        if isinstance(content, str):
            filled["content"] = _render(content, values, budget)
        elif isinstance(content, list):
            for part in content:
                if isinstance(part, dict) and part.get("type") == "text" and isinstance(part.get("text"), str):
                    part["text"] = _render(part["text"], values, budget)
        out.append(filled)
    return out


# ---------------------------------------------------------------- either language


def populate_template(
    template: Union[str, List[Dict[str, Any]], None], inputs: Optional[Dict[str, Any]], language: Optional[str] = None
) -> Any:
    """Fill a template of either form (None stays None) in its ``template_language``.

    Raises :class:`MissingVariables`, and :class:`TemplateFailed` for a Jinja template.
    """
    if template is None:
        return None
    if language == JINJA:
        return populate_jinja(template if isinstance(template, str) else list(template), inputs)
    if isinstance(template, str):
        return populate_text(template, inputs)
    return populate_chat(list(template), inputs)


def populate(
    template: Union[str, List[Dict[str, Any]], None], inputs: Optional[Dict[str, Any]], language: Optional[str] = None
) -> Any:
    """:func:`populate_template`, with missing variables and template errors answered as HTTP 422."""
    try:
        return populate_template(template, inputs, language)
    except (MissingVariables, TemplateFailed) as exc:
        raise exc.to_error() from None
