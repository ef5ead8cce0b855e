"""Render the resource clients (``XClient`` / ``AsyncXClient``) and the base clients.

Method bodies only describe the request; ``humanloop.core.client_wrapper`` does the rest
(see "Generated client code -> core interface" in docs/ARCHITECTURE.md).
"""

from __future__ import annotations

import json
import typing

from .naming import pascal, snake
from .render_common import HEADER, PACKAGE, Annotator, Imports, optional
from .spec import Operation, Param, Ref, Spec, error_class_name

OPTIONS_DOC = "Request-specific configuration."


def client_class(resource: str, asynchronous: bool) -> str:
    return ("Async" if asynchronous else "") + pascal(resource) + "Client"


def resource_module(resource: str) -> str:
    return f"{PACKAGE}.{resource}.client"


def errors_module(name: str) -> str:
    return f"{PACKAGE}.errors.{snake(name)}"


# ---------------------------------------------------------------------------------------------
# Examples


def example_value(spec: Spec, ref: Ref, name: str, depth: int = 0) -> str:
    """A small, valid Python expression for a parameter of this type (used in docs)."""
    kind = ref.kind
    if kind == "str":
        return json.dumps(name)
    if kind == "int":
        return "1"
    if kind == "float":
        return "1.1"
    if kind == "bool":
        return "True"
    if kind == "datetime":
        return 'datetime.datetime.fromisoformat("2024-01-15T09:30:00+00:00")'
    if kind == "date":
        return 'datetime.date.fromisoformat("2024-01-15")'
    if kind == "file":
        return 'open("datapoints.csv", "rb")'
    if kind == "literal":
        return json.dumps(ref.value)
    if kind == "list":
        assert ref.of is not None
        return f"[{example_value(spec, ref.of, name, depth + 1)}]"
    if kind in ("dict", "any"):
        return '{"key": "value"}'
    td = spec.types[ref.name]
    if td.kind in ("enum", "literal"):
        return json.dumps(td.values[0])
    if td.kind == "any":
        return '{"key": "value"}'
    if td.kind == "union":
        return example_value(spec, td.members[0], name, depth + 1)
    if depth > 3:
        return "{}"
    items = [
        f"{json.dumps(f.wire)}: {example_value(spec, f.ref, f.wire, depth + 1)}"
        for f in td.fields
        if f.required or f.ref.kind == "literal"
    ]
    return "{" + ", ".join(items) + "}"


def example_call(spec: Spec, op: Operation, asynchronous: bool) -> str:
    """A usage example: build the client, call the method, consume the result."""
    args = [example_value(spec, p.ref, p.py) for p in op.params if p.location == "path"]
    args += [f"{p.py}={example_value(spec, p.ref, p.py)}" for p in op.params if p.required and p.location != "path"]
    uses_datetime = any("datetime." in a for a in args)
    call = f"client.{op.resource}.{op.name}(" + ", ".join(args) + ")"
    lines: typing.List[str] = []
    if uses_datetime:
        lines.append("import datetime")
    if asynchronous:
        lines.append("import asyncio")
    if lines:
        lines.append("")
    cls = "AsyncHumanloop" if asynchronous else "Humanloop"
    lines += [f"from humanloop import {cls}", "", f'client = {cls}(api_key="YOUR_API_KEY")']
    if op.pagination:
        consume = [
            f"response = {'await ' if asynchronous else ''}{call}",
            f"{'async ' if asynchronous else ''}for item in response:",
            "    print(item)",
        ]
    elif op.stream:
        consume = [
            f"response = {call}",
            f"{'async ' if asynchronous else ''}for chunk in response:",
            "    print(chunk)",
        ]
    else:
        consume = [("await " if asynchronous else "") + call]
    if asynchronous:
        lines += ["", "", "async def main() -> None:"] + ["    " + c for c in consume] + ["", "", "asyncio.run(main())"]
    else:
        lines += consume
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Resource client modules


class ClientRenderer:
    def __init__(self, spec: Spec) -> None:
        self.spec = spec

    def render(self) -> typing.Dict[str, str]:
        files = {}
        for resource in self.spec.resources:
            ops = [op for op in self.spec.operations if op.resource == resource]
            files[f"src/{PACKAGE}/{resource}/client.py"] = self.module(resource, ops)
        return files

    def module(self, resource: str, ops: typing.List[Operation]) -> str:
        imports = Imports(resource_module(resource))
        imports.std("import typing")
        core = f"{PACKAGE}.core"
        imports.name(f"{core}.client_wrapper", "SyncClientWrapper")
        imports.name(f"{core}.client_wrapper", "AsyncClientWrapper")
        imports.name(f"{core}.request_options", "RequestOptions")
        error_sets: typing.Dict[str, typing.List[typing.Tuple[int, str]]] = {}
        for op in ops:
            if op.errors:
                error_sets[self.errors_const(op)] = op.errors
        consts = []
        if error_sets:
            imports.name(f"{core}.api_error", "ApiError")
        for const, errors in sorted(error_sets.items()):
            entries = ", ".join(
                f"{code}: {imports.name(errors_module(error_class_name(code)), error_class_name(code))}"
                for code, _ in errors
            )
            consts.append(f"{const}: typing.Dict[int, typing.Type[ApiError]] = {{{entries}}}\n")
        self.needs_rename = False
        classes = []
        for asynchronous in (False, True):
            cls = client_class(resource, asynchronous)
            wrapper = "AsyncClientWrapper" if asynchronous else "SyncClientWrapper"
            methods = [self.method(op, asynchronous, imports) for op in ops]
            classes.append(
                f"class {cls}:\n"
                f'    """The {resource} resource{" (asyncio)" if asynchronous else ""}."""\n\n'
                f"    def __init__(self, *, client_wrapper: {wrapper}) -> None:\n"
                f"        self._client_wrapper = client_wrapper\n\n" + "\n".join(methods)
            )
        if self.needs_rename:
            consts.append(
                "\n\ndef _wire_keys(value: typing.Any, names: typing.Mapping[str, str]) -> typing.Any:\n"
                '    """A request dict with its Python key names replaced by the wire names (OMIT/None pass through)."""\n'
                "    if isinstance(value, dict):\n"
                "        return {names.get(key, key): item for key, item in value.items()}\n"
                "    return value\n"
            )
        return f"{HEADER}\n\n{imports.render()}\n\n" + "\n".join(consts) + "\n\n" + "\n\n".join(classes)

    def aliased_fields(self, ref: Ref) -> typing.Dict[str, str]:
        """Python name -> wire name of the keys of a request TypedDict that differ (direct keys only)."""
        if ref.kind != "named":
            return {}
        td = self.spec.types[ref.name]
        if td.kind == "union":
            merged: typing.Dict[str, str] = {}
            for member in td.members:
                merged.update(self.aliased_fields(member))
            return merged
        return {f.py: f.wire for f in td.fields if f.py != f.wire} if td.kind == "model" else {}

    def nested_aliases(self, ref: Ref, seen: typing.Set[str], top: bool = True) -> bool:
        """Whether a key below the top level of this request type needs renaming."""
        if ref.kind in ("list", "dict"):
            assert ref.of is not None
            return self.nested_aliases(ref.of, seen, False)
        if ref.kind != "named" or ref.name in seen:
            return False
        seen.add(ref.name)
        td = self.spec.types[ref.name]
        if not top and any(f.py != f.wire for f in td.fields):
            return True
        return any(self.nested_aliases(f.ref, seen, False) for f in td.fields) or any(
            self.nested_aliases(m, seen, top) for m in td.members
        )

    def wire_value(self, p: Param, imports: Imports) -> str:
        """The expression sent for a body parameter: TypedDict keys renamed to wire names where they differ."""
        if self.nested_aliases(p.ref, set()):
            raise ValueError(f"{p.py}: renaming keys nested below the top level is not supported yet")
        names = self.aliased_fields(p.ref)
        if not names:
            return p.py
        self.needs_rename = True
        return f"_wire_keys({p.py}, {json.dumps(names, sort_keys=True)})"

    @staticmethod
    def errors_const(op: Operation) -> str:
        return "_ERRORS_" + "_".join(str(code) for code, _ in op.errors)

    # -- one method ------------------------------------------------------------------------------

    def param_annotation(self, p: Param, ann: Annotator) -> typing.Tuple[str, typing.Optional[str]]:
        annotation = ann(p.ref)
        if p.location == "path":
            return annotation, None
        if p.location == "query":
            if p.multi:
                annotation = f"typing.Union[{annotation}, typing.Sequence[{annotation}]]"
            if p.required:
                return annotation, None
            return optional(annotation), "None"
        if not p.required:
            return optional(annotation), "OMIT"
        if p.nullable:
            return optional(annotation), None
        return annotation, None

    def return_annotation(self, op: Operation, asynchronous: bool, imports: Imports) -> str:
        ann = Annotator(self.spec, imports, "type")
        if op.pagination:
            pager = "AsyncPager" if asynchronous else "SyncPager"
            imports.name(f"{PACKAGE}.core.pagination", pager)
            return f"{pager}[{ann(op.pagination.item)}]"
        if op.response is None:
            return "None"
        if op.stream:
            return f"typing.{'AsyncIterator' if asynchronous else 'Iterator'}[{ann(op.response)}]"
        return ann(op.response)

    def method(self, op: Operation, asynchronous: bool, imports: Imports) -> str:
        ann = Annotator(self.spec, imports, "param")
        positional, keyword = [], []
        doc_params = []
        for p in op.params:
            annotation, default = self.param_annotation(p, ann)
            if default == "OMIT":
                imports.name(f"{PACKAGE}.core.serialization", "OMIT")
            text = f"{p.py}: {annotation}" + (f" = {default}" if default else "")
            (positional if p.location == "path" else keyword).append(text)
            doc_params.append((p.py, annotation, p.description))
        keyword.append("request_options: typing.Optional[RequestOptions] = None")
        doc_params.append(("request_options", "typing.Optional[RequestOptions]", OPTIONS_DOC))
        returns = self.return_annotation(op, asynchronous, imports)
        signature = ", ".join(["self", *positional, "*", *keyword])
        prefix = "async def" if asynchronous else "def"
        head = f"    {prefix} {op.name}({signature}) -> {returns}:\n"
        doc = self.method_doc(op, doc_params, returns, asynchronous)
        return head + doc + self.method_body(op, asynchronous, imports)

    def method_doc(
        self,
        op: Operation,
        params: typing.List[typing.Tuple[str, str, typing.Optional[str]]],
        returns: str,
        asynchronous: bool,
    ) -> str:
        parts = [(op.description or op.summary or op.name).strip()]
        lines = ["Parameters", "----------"]
        for name, annotation, description in params:
            lines.append(f"{name} : {annotation}")
            for text in (description or "").strip().splitlines() or [""]:
                lines.append(f"    {text}".rstrip())
            lines.append("")
        parts.append("\n".join(lines).rstrip())
        if returns != "None":
            title = "Yields" if op.stream else "Returns"
            what = op.response if op.stream else None
            shown = f"{what.name}" if what is not None and what.kind == "named" else returns
            parts.append(f"{title}\n{'-' * len(title)}\n{shown}")
        parts.append("Examples\n--------\n" + example_call(self.spec, op, asynchronous))
        text = "\n\n".join(parts).replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
        body = "\n".join(("        " + line).rstrip() for line in text.splitlines())
        return f'        """\n{body}\n        """\n'

    def method_body(self, op: Operation, asynchronous: bool, imports: Imports) -> str:
        core = f"{PACKAGE}.core"
        path = op.path
        for p in op.params:
            if p.location == "path":
                encode = imports.name(f"{core}.serialization", "encode_path_param")
                path = path.replace("{" + p.wire + "}", "{" + f"{encode}({p.py})" + "}")
        path_expr = ("f" if "{" in path else "") + json.dumps(path)
        args = [json.dumps(op.method), path_expr]
        query = [p for p in op.params if p.location == "query"]
        if query or op.pagination:
            entries = []
            for p in query:
                entries.append(f"{json.dumps(p.wire)}: {p.py}")
            args.append("params={" + ", ".join(entries) + "}")
        if op.body_kind == "json":
            entries = [f"{json.dumps(k)}: {v!r}" for k, v in op.constant_body.items()]
            entries += [
                f"{json.dumps(p.wire)}: {self.wire_value(p, imports)}" for p in op.params if p.location == "body"
            ]
            args.append("json={" + ", ".join(entries) + "}")
        elif op.body_kind == "json_root":
            root = next(p for p in op.params if p.location == "body_root")
            args.append(f"json={self.wire_value(root, imports)}")
        elif op.body_kind == "multipart":
            form = [f"{json.dumps(p.wire)}: {p.py}" for p in op.params if p.location == "form"]
            files = [f"{json.dumps(p.wire)}: {p.py}" for p in op.params if p.location == "file"]
            args.append("data={" + ", ".join(form) + "}")
            args.append("files={" + ", ".join(files) + "}")
        ann = Annotator(self.spec, imports, "type")
        errors = self.errors_const(op) if op.errors else "None"
        tail = [f"errors={errors}", "request_options=request_options"]
        awaited = "await " if asynchronous else ""
        if op.pagination:
            page_type = ann(Ref("named", name=op.pagination.page_type))
            call_args = (
                args + [f"response_type={page_type}", f"items_field={json.dumps(op.pagination.items_field)}"] + tail
            )
            returns = self.return_annotation(op, asynchronous, imports)
            return (
                f"        return typing.cast(\n            {returns},\n"
                f"            {awaited}self._client_wrapper.paginate({', '.join(call_args)}),\n        )\n"
            )
        if op.stream:
            assert op.response is not None
            call_args = args + [f"event_type={ann(op.response)}"] + tail
            call = f"self._client_wrapper.stream({', '.join(call_args)})"
            if asynchronous:
                return f"        async for item in {call}:\n            yield item\n"
            return f"        yield from {call}\n"
        if op.response is None:
            call_args = args + ["response_type=None"] + tail
            return f"        {awaited}self._client_wrapper.request({', '.join(call_args)})\n"
        response = ann(op.response)
        call_args = args + [f"response_type={response}"] + tail
        return (
            f"        return typing.cast(\n            {response},\n"
            f"            {awaited}self._client_wrapper.request({', '.join(call_args)}),\n        )\n"
        )


# ---------------------------------------------------------------------------------------------
# base_client.py


def render_base_client(spec: Spec) -> str:
    module = f"{PACKAGE}.base_client"
    imports = Imports(module)
    imports.std("import typing")
    imports.std("import httpx")
    imports.name(f"{PACKAGE}.core.client_wrapper", "SyncClientWrapper")
    imports.name(f"{PACKAGE}.core.client_wrapper", "AsyncClientWrapper")
    imports.name(f"{PACKAGE}.environment", "HumanloopEnvironment")
    checking = []
    for resource in spec.resources:
        for asynchronous in (False, True):
            checking.append(f"    from .{resource}.client import {client_class(resource, asynchronous)}")
    out = [f"{HEADER}\n\n{imports.render()}\n\nif typing.TYPE_CHECKING:\n" + "\n".join(checking) + "\n\n"]
    for asynchronous in (False, True):
        cls = "AsyncBaseHumanloop" if asynchronous else "BaseHumanloop"
        wrapper = "AsyncClientWrapper" if asynchronous else "SyncClientWrapper"
        httpx_cls = "httpx.AsyncClient" if asynchronous else "httpx.Client"
        lines = [
            f"class {cls}:",
            '    """',
            f"    The {'asyncio ' if asynchronous else ''}client of the {spec.title}; resources are created on first use.",
            "",
            "    Parameters",
            "    ----------",
            "    base_url : typing.Optional[str]",
            "        The base URL of the API. Defaults to $HUMANLOOP_BASE_URL, then the environment's URL.",
            "    environment : HumanloopEnvironment",
            "        The environment to send requests to.",
            "    api_key : typing.Optional[str]",
            "        Your Humanloop API key. Defaults to $HUMANLOOP_API_KEY.",
            "    timeout : typing.Optional[float]",
            "        Timeout of each request in seconds.",
            "    follow_redirects : typing.Optional[bool]",
            "        Whether the default httpx client follows redirects (ignored when ``httpx_client`` is given).",
            f"    httpx_client : typing.Optional[{httpx_cls}]",
            "        A preconfigured httpx client to send requests with, used as given.",
            '    """',
            "",
            "    def __init__(",
            "        self,",
            "        *,",
            "        base_url: typing.Optional[str] = None,",
            "        environment: HumanloopEnvironment = HumanloopEnvironment.DEFAULT,",
            "        api_key: typing.Optional[str] = None,",
            "        timeout: typing.Optional[float] = None,",
            "        follow_redirects: typing.Optional[bool] = True,",
            f"        httpx_client: typing.Optional[{httpx_cls}] = None,",
            "    ) -> None:",
            f"        self._client_wrapper = {wrapper}(",
            "            base_url=base_url,",
            "            environment=environment.value,",
            "            api_key=api_key,",
            "            timeout=timeout,",
            "            httpx_client=httpx_client,",
            "            follow_redirects=follow_redirects,",
            "        )",
        ]
        for resource in spec.resources:
            lines.append(f"        self._{resource}: typing.Optional[{client_class(resource, asynchronous)}] = None")
        for resource in spec.resources:
            name = client_class(resource, asynchronous)
            lines += [
                "",
                "    @property",
                f'    def {resource}(self) -> "{name}":',
                f"        if self._{resource} is None:",
                f"            from .{resource}.client import {name}",
                "",
                f"            self._{resource} = {name}(client_wrapper=self._client_wrapper)",
                f"        return self._{resource}",
                "",
                f"    @{resource}.setter",
                f'    def {resource}(self, value: "{name}") -> None:',
                f"        self._{resource} = value",
            ]
        out.append("\n".join(lines) + "\n\n\n")
    return "".join(out).rstrip("\n") + "\n"
