"""Version kernels: the content that determines a File version, normalised before hashing."""

import re
from typing import Any, Dict, List, Optional

from . import templates
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
    """The inputs a Prompt version takes: the variables of its template (as Jinja reads them for a
    ``jinja`` template; none when that template does not parse)."""
    template = kernel.get("template")
    if kernel.get("template_language") == templates.JINJA and template is not None:
        try:
            texts = templates.texts_of(template if isinstance(template, str) else list(template))
            names: List[str] = []
            for text in texts:
                names.extend(n for n in templates.jinja_variables(text) if n not in names)
        except templates.TemplateFailed:
            names = []
        return _inputs(names)
    return _inputs(template_variables(template))


def output_schema(kernel: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """The JSON Schema a Prompt or Agent version's answers follow: the schema of its
    ``response_format`` when that is ``{"type": "json_schema", "json_schema": ...}`` (OpenAI's
    ``{name, schema, strict}`` wrapper is unwrapped), else None."""
    fmt = kernel.get("response_format")
    if not isinstance(fmt, dict) or fmt.get("type") != "json_schema":
        return None
    spec = fmt.get("json_schema")
    if not isinstance(spec, dict):
        return None
    inner = spec.get("schema")
    return inner if isinstance(inner, dict) else spec


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


AGENT_FIELDS = [
    "model",
    "endpoint",
    "template",
    "template_language",
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
    "reasoning_effort",
    "tools",
    "attributes",
    "max_iterations",
]
#: model turns of one Agent call when the version does not say
AGENT_MAX_ITERATIONS = 10
#: the most turns a version may allow (each turn is a provider call)
AGENT_ITERATIONS_LIMIT = 100


def _agent_tool(item: Any, index: int) -> Dict[str, Any]:
    loc = ["body", "tools", index]
    if not isinstance(item, dict):
        raise unprocessable("each tool is an object", loc)
    kind = item.get("type") or ("file" if "link" in item else "inline")
    on_call = item.get("on_agent_call")
    if on_call is not None and on_call not in ("stop", "continue"):
        raise unprocessable("on_agent_call must be stop or continue", [*loc, "on_agent_call"])
    if kind == "inline":
        fn = item.get("json_schema")
        if not isinstance(fn, dict) or not fn.get("name"):
            raise unprocessable("an inline tool needs json_schema with a name", [*loc, "json_schema"])
        fn = _strip(dict(fn))
        fn.setdefault("strict", False)
        return drop_none({"type": "inline", "json_schema": fn, "on_agent_call": on_call})
    if kind == "file":
        link = item.get("link")
        if not isinstance(link, dict) or not link.get("file_id"):
            raise unprocessable("a linked tool needs link.file_id", [*loc, "link"])
        clean = {k: link[k] for k in ("file_id", "environment_id", "version_id") if link.get(k) is not None}
        return drop_none({"type": "file", "link": clean, "on_agent_call": on_call})
    raise unprocessable("tool type must be inline or file", [*loc, "type"])


def agent_kernel(data: Dict[str, Any]) -> Dict[str, Any]:
    """A Prompt kernel plus ``tools`` (inline or linked Files), ``max_iterations`` and a few settings."""
    k = {f: data.get(f) for f in AGENT_FIELDS}
    if not k.get("model"):
        raise unprocessable("field required", ["body", "model"])
    for f, default in PROMPT_DEFAULTS.items():
        if k.get(f) is None:
            k[f] = default
    if k.get("template_language") is None:
        k["template_language"] = "default"
    iterations = k.get("max_iterations")
    if iterations is None:
        k["max_iterations"] = AGENT_MAX_ITERATIONS
    elif (
        not isinstance(iterations, int) or isinstance(iterations, bool) or not 1 <= iterations <= AGENT_ITERATIONS_LIMIT
    ):
        raise unprocessable(
            f"max_iterations must be between 1 and {AGENT_ITERATIONS_LIMIT}", ["body", "max_iterations"]
        )
    tools = k.get("tools")
    if tools is not None and not isinstance(tools, list):
        raise unprocessable("tools must be a list", ["body", "tools"])
    k["tools"] = [_agent_tool(t, i) for i, t in enumerate(tools or [])] or None
    names = [t["json_schema"]["name"] for t in k["tools"] or [] if t["type"] == "inline"]
    if len(set(names)) != len(names):
        raise unprocessable("two inline tools have the same name", ["body", "tools"])
    return _strip_dict(drop_none(k))
