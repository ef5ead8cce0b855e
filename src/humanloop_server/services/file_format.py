"""The `.prompt` / `.agent` text format of a version kernel (``serialize`` / ``deserialize``).

Layout::

    ---
    model: "gpt-4o"
    temperature: 0.7
    tools: [{"type": "inline", "json_schema": {...}}]
    ---
    <system>
    You answer questions about {{topic}}.
    </system>
    <user>
    {{question}}
    </user>

The front matter holds one ``key: value`` line per kernel field, the value written as JSON (JSON is
valid YAML flow syntax, so YAML tools read it too). When reading, a value that is not JSON is taken
as a plain string (``model: gpt-4o``), so hand-written files work. The body is the template: a chat
template as one tagged block per message (``<role>`` line, the content, ``</role>`` line), a string
template as its text. Whenever the body could not give back the template exactly (a message with
more than a role and a text content, a content that contains its own closing tag, a string
template that reads like tagged messages, no template), the template goes in the front matter as
``template: <JSON>`` and the body stays empty. The writer checks its own output, so reading what it
wrote always gives the kernel back unchanged.
"""

from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Optional, Tuple

from . import kernels
from .errors import Invalid

FENCE = "---"
ROLES = ("system", "user", "assistant", "tool", "developer")
_BLOCK = re.compile(r"<(system|user|assistant|tool|developer)>\n(.*?)\n</\1>", re.S)


def _value_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=False)


def _chat_body(template: List[Any]) -> Optional[str]:
    blocks = []
    for message in template:
        if not isinstance(message, dict) or set(message) != {"role", "content"}:
            return None
        role, content = message["role"], message["content"]
        if role not in ROLES or not isinstance(content, str):
            return None
        blocks.append(f"<{role}>\n{content}\n</{role}>")
    return "\n\n".join(blocks)


def _body_template(body: str) -> Any:
    """The template a body stands for: a list of messages when it is made only of tagged blocks."""
    text = body.strip("\n")
    if not text:
        return None
    pos, messages = 0, []
    while pos < len(text):
        m = _BLOCK.match(text, pos)
        if m is None:
            return body
        messages.append({"role": m.group(1), "content": m.group(2)})
        pos = m.end()
        while pos < len(text) and text[pos] == "\n":
            pos += 1
    return messages


def dumps(kernel: Dict[str, Any], fields: List[str]) -> str:
    """The text of a kernel; ``fields`` orders the front matter (other keys follow, sorted)."""
    template = kernel.get("template")
    body: Optional[str] = None
    if isinstance(template, list):
        body = _chat_body(template)
    elif isinstance(template, str):
        body = template
    if body is not None and ("\r" in body or body.strip("\n") != body or _body_template(body) != template):
        body = None  # the body would not read back as this template: keep it in the front matter
    keys = [f for f in fields if f in kernel] + sorted(k for k in kernel if k not in fields)
    lines = [FENCE]
    for key in keys:
        if key == "template" and body is not None:
            continue
        if kernel[key] is None:
            continue
        lines.append(f"{key}: {_value_text(kernel[key])}")
    lines.append(FENCE)
    text = "\n".join(lines) + "\n"
    if body:
        text += body + "\n"
    return text


#: front matter order of the text formats
PROMPT_TEXT_FIELDS = [
    "model",
    "provider",
    "endpoint",
    *[f for f in kernels.PROMPT_FIELDS if f not in ("model", "provider", "endpoint")],
]
AGENT_TEXT_FIELDS = [
    "model",
    "provider",
    "endpoint",
    *[f for f in kernels.AGENT_FIELDS if f not in ("model", "provider", "endpoint")],
]


def version_text(file_type: str, kernel: Dict[str, Any]) -> str:
    """The ``.prompt`` (or, for ``file_type="agent"``, ``.agent``) text of a version's kernel."""
    return dumps(kernel, AGENT_TEXT_FIELDS if file_type == "agent" else PROMPT_TEXT_FIELDS)


def _split(text: str, loc: List[Any]) -> Tuple[List[str], str]:
    lines = text.split("\n")
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start >= len(lines) or lines[start].strip() != FENCE:
        raise Invalid("the text must start with a `---` line opening the front matter", loc)
    for end in range(start + 1, len(lines)):
        if lines[end].strip() == FENCE:
            return lines[start + 1 : end], "\n".join(lines[end + 1 :])
    raise Invalid("the front matter has no closing `---` line", loc)


def loads(text: str, loc: List[Any]) -> Dict[str, Any]:
    """The kernel fields a text holds (not yet normalised); ``Invalid`` at ``loc`` when unreadable."""
    if not isinstance(text, str):
        raise Invalid("expected the file's text", loc)
    header, body = _split(text.replace("\r\n", "\n"), loc)
    out: Dict[str, Any] = {}
    for number, line in enumerate(header, start=2):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, raw = line.partition(":")
        key = key.strip()
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
            raise Invalid(f"line {number} of the front matter is not `key: value`", loc)
        raw = raw.strip()
        try:
            value = json.loads(raw) if raw else None
        except ValueError:
            value = raw
        out[key] = value
    if "template" not in out:
        template = _body_template(body.rstrip("\n") if body.endswith("\n") else body)
        if template is not None:
            out["template"] = template
    return out
