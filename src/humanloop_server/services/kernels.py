"""Version kernels: the content that determines a File version, normalised before hashing."""

import re
from typing import Any, Dict, List, Optional

from .common import drop_none, unprocessable

PROMPT_DEFAULTS: Dict[str, Any] = {
    "endpoint": "chat",
    "provider": "openai",
    "max_tokens": -1,
    "temperature": 1,
    "top_p": 1,
    "presence_penalty": 0,
    "frequency_penalty": 0,
    "other": {},
}
PROMPT_FIELDS = [
    "model",
    "endpoint",
    "template",
    "provider",
    "max_tokens",
    "temperature",
    "top_p",
    "stop",
    "presence_penalty",
    "frequency_penalty",
    "other",
    "seed",
    "response_format",
    "tools",
    "linked_tools",
    "attributes",
    # 0.8.38; in the kernel (and its hash) only when given, so earlier versions keep their identity
    "template_language",
    "reasoning_effort",
]
TOOL_FIELDS = ["function", "source_code", "setup_values", "attributes", "tool_type"]

EVALUATOR_SPEC_DEFAULTS = {"attributes": None}

_VARIABLE = re.compile(r"{{\s?([a-zA-Z_\d\.\[\]]+)\s?}}")


def _strip_dict(value: Dict[str, Any]) -> Dict[str, Any]:
    """A copy of ``value`` without None values, at every depth."""
    stripped: Dict[str, Any] = _strip(value)
    return stripped


def _strip(value: Any) -> Any:
    """Drop None recursively from dicts."""
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def prompt_kernel(data: Dict[str, Any]) -> Dict[str, Any]:
    k = {f: data.get(f) for f in PROMPT_FIELDS}
    if not k.get("model"):
        raise unprocessable("field required", ["body", "model"])
    for f, default in PROMPT_DEFAULTS.items():
        if k.get(f) is None:
            k[f] = default
    for f in ("tools", "linked_tools"):
        if not k.get(f):
            k[f] = None
    return _strip_dict(drop_none(k))


def tool_kernel(data: Dict[str, Any]) -> Dict[str, Any]:
    k = {f: data.get(f) for f in TOOL_FIELDS}
    if k.get("tool_type") is None:
        k["tool_type"] = "json_schema"
    fn = k.get("function")
    if isinstance(fn, dict) and fn.get("strict") is None:
        fn = dict(fn)
        fn["strict"] = False
        k["function"] = fn
    return _strip_dict(drop_none(k))


def evaluator_kernel(data: Dict[str, Any]) -> Dict[str, Any]:
    spec = data.get("spec")
    if not isinstance(spec, dict):
        raise unprocessable("field required", ["body", "spec"])
    spec = _strip(dict(spec))
    etype = spec.get("evaluator_type")
    if etype is None:
        if "code" in spec:
            spec["evaluator_type"] = "python"
        elif "prompt" in spec:
            spec["evaluator_type"] = "llm"
        else:
            raise unprocessable("evaluator_type is required", ["body", "spec", "evaluator_type"])
    if spec["evaluator_type"] == "llm" and isinstance(spec.get("prompt"), dict):
        spec["prompt"] = prompt_kernel(spec["prompt"])
    if spec["evaluator_type"] == "human" and isinstance(spec.get("options"), list):
        spec["options"] = [
            {**o, "valence": o.get("valence") or "neutral"} if isinstance(o, dict) else o for o in spec["options"]
        ]
    return {"spec": spec}


def flow_kernel(data: Dict[str, Any]) -> Dict[str, Any]:
    attrs = data.get("attributes")
    return {"attributes": _strip(attrs) if isinstance(attrs, dict) else {}}


def template_variables(template: Any) -> List[str]:
    """Names of the ``{{variables}}`` in a string or chat template, in first-seen order."""
    texts: List[str] = []
    if isinstance(template, str):
        texts.append(template)
    elif isinstance(template, list):
        for msg in template:
            content = msg.get("content") if isinstance(msg, dict) else None
            if isinstance(content, str):
                texts.append(content)
            elif isinstance(content, list):
                for part in content:
                    if isinstance(part, dict) and isinstance(part.get("text"), str):
                        texts.append(part["text"])
    seen: List[str] = []
    for text in texts:
        for name in _VARIABLE.findall(text):
            if name not in seen:
                seen.append(name)
    return seen


def _inputs(names: List[str]) -> List[Dict[str, str]]:
    return [{"name": n} for n in names]


def prompt_inputs(kernel: Dict[str, Any]) -> List[Dict[str, str]]:
    """The inputs a Prompt version takes: the variables of its template."""
    return _inputs(template_variables(kernel.get("template")))


def tool_inputs(kernel: Dict[str, Any]) -> List[Dict[str, str]]:
    """The inputs a Tool version takes: the properties of its function's parameters."""
    params = (kernel.get("function") or {}).get("parameters") or {}
    props = params.get("properties") if isinstance(params, dict) else None
    return _inputs(list(props) if isinstance(props, dict) else [])


def evaluator_inputs(kernel: Dict[str, Any]) -> List[Dict[str, str]]:
    """The inputs an LLM Evaluator's prompt takes (other Evaluators take none)."""
    spec = kernel.get("spec") or {}
    prompt = spec.get("prompt")
    return _inputs(template_variables(prompt.get("template")) if isinstance(prompt, dict) else [])


def tool_signature(kernel: Dict[str, Any]) -> Optional[str]:
    fn = kernel.get("function")
    if not isinstance(fn, dict) or not fn.get("name"):
        return None
    props = ((fn.get("parameters") or {}).get("properties") or {}) if isinstance(fn.get("parameters"), dict) else {}
    return f"{fn['name']}({', '.join(props)})"
