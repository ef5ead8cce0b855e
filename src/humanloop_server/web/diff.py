"""Side-by-side differences of two version kernels, computed with Python's ``difflib``.

A kernel is split into sections (template, model, parameters, tools, and the rest); each section is
turned into lines of text (a chat template one block per message, everything else pretty JSON) and
``difflib.SequenceMatcher`` pairs the lines of the two versions. The result is data (rows of left
text, right text and a change kind) that the template renders and escapes; ``difflib.HtmlDiff`` is
not used because its HTML would have to be inserted unescaped.
"""

from __future__ import annotations

import difflib
import json
from typing import Any, Dict, List, Optional

#: what goes in which section; keys not named here go to "other"
SECTIONS = [
    ("Template", ("template",)),
    ("Model", ("model", "provider", "endpoint")),
    (
        "Parameters",
        (
            "max_tokens",
            "temperature",
            "top_p",
            "stop",
            "presence_penalty",
            "frequency_penalty",
            "seed",
            "response_format",
            "other",
        ),
    ),
    ("Tools", ("tools", "linked_tools", "function", "source_code", "setup_values", "tool_type")),
    ("Evaluator", ("spec",)),
]


def _template_lines(template: Any) -> List[str]:
    if isinstance(template, str):
        return template.splitlines() or [""]
    if isinstance(template, list):
        lines: List[str] = []
        for message in template:
            if isinstance(message, dict):
                lines.append(f"[{message.get('role', '?')}]")
                content = message.get("content")
                if isinstance(content, str):
                    lines.extend(content.splitlines() or [""])
                else:
                    lines.extend(json.dumps(content, indent=2, ensure_ascii=False).splitlines())
                extra = {k: v for k, v in message.items() if k not in ("role", "content")}
                if extra:
                    lines.extend(json.dumps(extra, indent=2, ensure_ascii=False, sort_keys=True).splitlines())
            else:
                lines.append(json.dumps(message, ensure_ascii=False))
        return lines
    return [] if template is None else json.dumps(template, indent=2, ensure_ascii=False).splitlines()


def _section_lines(kernel: Dict[str, Any], keys: tuple) -> List[str]:  # type: ignore[type-arg]
    if keys == ("template",):
        return _template_lines(kernel.get("template"))
    lines: List[str] = []
    for key in keys:
        if key in kernel:
            text = json.dumps(kernel[key], indent=2, ensure_ascii=False, sort_keys=True)
            first, *rest = text.splitlines()
            lines.append(f"{key}: {first}")
            lines.extend(rest)
    return lines


def _rows(left: List[str], right: List[str]) -> List[Dict[str, Optional[str]]]:
    rows: List[Dict[str, Optional[str]]] = []
    matcher = difflib.SequenceMatcher(a=left, b=right, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows.extend(
                {"kind": "same", "left": left[i], "right": right[j]} for i, j in zip(range(i1, i2), range(j1, j2))
            )
            continue
        a, b = left[i1:i2], right[j1:j2]
        for k in range(max(len(a), len(b))):
            lt = a[k] if k < len(a) else None
            rt = b[k] if k < len(b) else None
            kind = "changed" if lt is not None and rt is not None else ("removed" if rt is None else "added")
            rows.append({"kind": kind, "left": lt, "right": rt})
    return rows


def kernel_diff(left: Dict[str, Any], right: Dict[str, Any]) -> List[Dict[str, Any]]:
    """Per section: its name, whether it changed, and the side-by-side rows."""
    named = {k for _, keys in SECTIONS for k in keys}
    rest = tuple(sorted((set(left) | set(right)) - named))
    out = []
    for title, keys in [*SECTIONS, ("Other", rest)]:
        a, b = _section_lines(left, keys), _section_lines(right, keys)
        if not a and not b:
            continue
        rows = _rows(a, b)
        out.append({"title": title, "changed": any(r["kind"] != "same" for r in rows), "rows": rows})
    return out
