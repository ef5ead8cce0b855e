"""Render the SDK's types (pydantic models, unions, enums) and request TypedDicts (``*Params``).

One module per type. Types that refer to each other in a cycle (for example ``LogResponse`` and
``FlowLogResponse.trace_children``) are defined together in one private ``_<name>_cycle`` module
with forward references, and each public module re-exports its name from there, so import
paths stay one-module-per-type without circular imports.
"""

from __future__ import annotations

import dataclasses
import json
import typing

from .naming import snake
from .render_common import (
    HEADER,
    PACKAGE,
    Annotator,
    Imports,
    docstring,
    module_file,
    optional,
    params_module,
    params_name,
    requests_package,
    type_module,
    types_package,
)
from .spec import Field, Ref, Spec, TypeDef

#: public attributes of pydantic's BaseModel (pydantic v1 API included) that a field must not shadow;
#: in models such a field gets a trailing underscore and its wire name as alias (request TypedDicts
#: keep the wire name)
_MODEL_ATTRIBUTES = {"schema", "schema_json", "json", "dict", "copy", "construct", "validate", "parse_obj"}
_RESERVED_FIELDS = {"typing", "typing_extensions", "pydantic", "dt", "str", "int", "float", "bool"}


def named_deps(ref: Ref) -> typing.Iterator[str]:
    if ref.kind == "named":
        yield ref.name
    elif ref.of is not None:
        yield from named_deps(ref.of)


def _deps(td: TypeDef) -> typing.Set[str]:
    out: typing.Set[str] = set()
    for f in td.fields:
        out.update(named_deps(f.ref))
    for m in td.members:
        out.update(named_deps(m))
    return out


def cycles(spec: Spec) -> typing.List[typing.List[str]]:
    """Strongly connected groups (size > 1, or self-referencing) of models and unions."""
    graph = {
        n: sorted(d for d in _deps(td) if spec.types[d].kind in ("model", "union")) for n, td in spec.types.items()
    }
    index: typing.Dict[str, int] = {}
    low: typing.Dict[str, int] = {}
    stack: typing.List[str] = []
    on_stack: typing.Set[str] = set()
    groups: typing.List[typing.List[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                group.append(item)
                if item == node:
                    break
            if len(group) > 1 or node in graph[node]:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(groups)


#: field names that would shadow an attribute of pydantic's BaseModel
MODEL_SHADOWING = frozenset({"schema", "json", "dict", "copy", "construct", "validate", "fields"})


class TypesRenderer:
    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.groups = cycles(spec)
        self.group_of: typing.Dict[str, typing.List[str]] = {}
        for group in self.groups:
            for name in group:
                self.group_of[name] = group

    def cycle_module(self, group: typing.List[str], params: bool) -> str:
        first = self.spec.types[group[0]]
        package = requests_package(first.scope) if params else types_package(first.scope)
        return f"{package}._{snake(group[0])}_cycle"

    # -- entry point -----------------------------------------------------------------------

    def render(self) -> typing.Dict[str, str]:
        files: typing.Dict[str, str] = {}
        for td in self.spec.types.values():
            group = self.group_of.get(td.name)
            if group is None:
                files[module_file(type_module(td))] = self.module([td], type_module(td), params=False)
                if td.has_params:
                    files[module_file(params_module(td))] = self.module([td], params_module(td), params=True)
            else:
                files[module_file(type_module(td))] = self.reexport(
                    type_module(td), self.cycle_module(group, False), td.name
                )
                if td.has_params:
                    files[module_file(params_module(td))] = self.reexport(
                        params_module(td), self.cycle_module(group, True), params_name(td)
                    )
        for group in self.groups:
            tds = [self.spec.types[n] for n in group]
            files[module_file(self.cycle_module(group, False))] = self.module(
                tds, self.cycle_module(group, False), False
            )
            with_params = [td for td in tds if td.has_params]
            if with_params:
                module = self.cycle_module(group, True)
                files[module_file(module)] = self.module(with_params, module, True)
        return files

    def reexport(self, module: str, source: str, name: str) -> str:
        imports = Imports(module)
        imports.name(source, name)
        return f'{HEADER}\n\n{imports.render()}\n\n__all__ = ["{name}"]\n'

    # -- modules ---------------------------------------------------------------------------

    def module(self, tds: typing.List[TypeDef], module: str, params: bool) -> str:
        imports = Imports(module)
        local = {params_name(td) if params else td.name for td in tds}
        imports.local |= local
        quote = local if len(tds) > 1 or any(td.name in self.group_of for td in tds) else set()
        ann = Annotator(self.spec, imports, "param" if params else "type", quote)
        # models (forward references allowed) before unions (evaluated eagerly, in dependency order)
        ordered = [td for td in tds if td.kind == "model"] + self._unions_in_order(
            [td for td in tds if td.kind != "model"]
        )
        eager = Annotator(self.spec, imports, "param" if params else "type")  # unions need real objects
        blocks = []
        for td in ordered:
            if td.kind != "model":
                ann_td = eager
            else:
                ann_td = ann
            if params:
                blocks.append(self.params_block(td, ann_td, imports))
            else:
                blocks.append(self.type_block(td, ann_td, imports))
        if not params and quote:
            rebuilds = [f"{td.name}.model_rebuild()" for td in ordered if td.kind == "model"]
            if rebuilds:
                blocks.append("\n".join(rebuilds) + "\n")
        body = "\n\n".join(b.rstrip("\n") + "\n" for b in blocks)
        if "typing." in body:
            imports.std("import typing")
        return f"{HEADER}\n\n{imports.render()}\n\n\n{body}"

    def _unions_in_order(self, tds: typing.List[TypeDef]) -> typing.List[TypeDef]:
        names = {td.name for td in tds}
        done: typing.List[TypeDef] = []
        seen: typing.Set[str] = set()

        def visit(td: TypeDef) -> None:
            if td.name in seen:
                return
            seen.add(td.name)
            for dep in sorted(_deps(td)):
                if dep in names and dep != td.name:
                    visit(self.spec.types[dep])
            done.append(td)

        for td in sorted(tds, key=lambda t: t.name):
            visit(td)
        return done

    # -- pydantic types ----------------------------------------------------------------------

    def type_block(self, td: TypeDef, ann: Annotator, imports: Imports) -> str:
        if td.kind == "model":
            return self.model_block(td, ann, imports)
        return self.alias_block(td, ann, imports) + docstring(td.description, "")

    def alias_block(self, td: TypeDef, ann: Annotator, imports: Imports) -> str:
        imports.std("import typing")
        if td.kind == "enum":
            values = ", ".join(json.dumps(v) for v in td.values)
            return f"{td.name} = typing.Union[typing.Literal[{values}], typing.Any]\n"
        if td.kind == "literal":
            values = ", ".join(json.dumps(v) for v in td.values)
            return f"{td.name} = typing.Literal[{values}]\n"
        if td.kind == "any":
            return f"{td.name} = typing.Optional[typing.Any]\n"
        if td.kind == "union":
            return self.union_block(td, ann, imports)
        raise ValueError(td.kind)

    def model_block(self, td: TypeDef, ann: Annotator, imports: Imports) -> str:
        base = imports.name(f"{PACKAGE}.core.unchecked_base_model", "UncheckedBaseModel")
        out = [f"class {td.name}({base}):\n"]
        out.append(docstring(td.description, "    "))
        if any(f.py.startswith("model_") for f in td.fields):
            imports.std("import pydantic")
            out.append("    model_config = pydantic.ConfigDict(protected_namespaces=())\n\n")
        for f in td.fields:
            out.append(self.model_field(f, ann, imports))
        if not td.fields and not td.description:
            out.append("    pass\n")
        return "".join(out)

    def model_field(self, f: Field, ann: Annotator, imports: Imports) -> str:
        # a model attribute may not shadow one of pydantic's BaseModel: `schema` is `schema_` on the
        # model (alias `schema`), as in the published SDK; request TypedDicts keep the plain name
        py = f.py + "_" if f.py in MODEL_SHADOWING else f.py
        if py in _RESERVED_FIELDS:
            raise ValueError(f"field name {f.py} would shadow a name the generated code uses")
        if f.py in _MODEL_ATTRIBUTES:  # `schema` -> `schema_` with the wire name as alias, as Fern does
            f = dataclasses.replace(f, py=f.py + "_")
        annotation = ann(f.ref)
        default: typing.Optional[str] = None
        if f.ref.kind == "literal" and not f.nullable:
            default = json.dumps(f.ref.value)
        elif not f.required:
            annotation = optional(annotation)
            default = "None"
        elif f.nullable:
            annotation = optional(annotation)
        if py != f.wire:
            imports.std("import pydantic")
            args = [f"alias={json.dumps(f.wire)}"] + ([f"default={default}"] if default is not None else [])
            default = f"pydantic.Field({', '.join(args)})"
        line = f"    {py}: {annotation}" + (f" = {default}" if default is not None else "") + "\n"
        return line + docstring(f.description, "    ") + "\n"

    def union_block(self, td: TypeDef, ann: Annotator, imports: Imports) -> str:
        members = [ann(m) for m in td.members]
        plain = f"typing.Union[{', '.join(members)}]"
        if not td.disc_mode:
            return f"{td.name} = {plain}\n"
        imports.std("import pydantic")
        imports.std("import typing_extensions")
        fn = f"_{snake(td.name)}_tag"
        table = f"_{snake(td.name).upper()}_TAGS"
        tags = {name: tag for name, tag in td.discriminator}
        tagged = [
            f"typing_extensions.Annotated[{m}, pydantic.Tag({json.dumps(tags[r.name])})]"
            for m, r in zip(members, td.members)
        ]
        tagged.append(f'typing_extensions.Annotated[{plain}, pydantic.Tag("_other")]')
        if td.disc_mode == "by_value":
            values = ", ".join(json.dumps(tag) for _, tag in td.discriminator)
            field = json.dumps(td.disc_field)
            func = (
                f"{table} = frozenset({{{values}}})\n\n\n"
                f"def {fn}(value: typing.Any) -> str:\n"
                f'    """Pick the member from its {field} value; anything else tries every member."""\n'
                f"    if isinstance(value, dict):\n"
                f"        tag = value.get({field})\n"
                f"    else:\n"
                f"        tag = getattr(value, {field}, None)\n"
                f'    return tag if isinstance(tag, str) and tag in {table} else "_other"\n'
            )
        else:
            pairs = ", ".join(f"({json.dumps(key)}, {json.dumps(name)})" for name, key in td.discriminator)
            func = (
                f"{table} = ({pairs})\n\n\n"
                f"def {fn}(value: typing.Any) -> str:\n"
                f'    """Pick the member from a key only it has; anything else tries every member."""\n'
                f"    if isinstance(value, dict):\n"
                f"        for key, tag in {table}:\n"
                f"            if key in value:\n"
                f"                return tag\n"
                f'        return "_other"\n'
                f"    name = type(value).__name__\n"
                f'    return name if any(name == tag for _, tag in {table}) else "_other"\n'
            )
        # by_key tags are member names
        if td.disc_mode == "by_key":
            tagged = [
                f"typing_extensions.Annotated[{m}, pydantic.Tag({json.dumps(r.name)})]"
                for m, r in zip(members, td.members)
            ] + [f'typing_extensions.Annotated[{plain}, pydantic.Tag("_other")]']
        inner = ",\n        ".join(tagged)
        fast = ""
        if td.fast_tags:  # read by pydantic-core from the JSON first (see core/unions.py)
            fast_tags = imports.name(f"{PACKAGE}.core.unions", "FastTags")
            paths = ", ".join(json.dumps(list(path)) for path in dict.fromkeys(p for p, _, _ in td.fast_tags))
            names = ", ".join(f"{json.dumps(tag)}: {json.dumps(member)}" for _, tag, member in td.fast_tags)
            fast = f"    {fast_tags}([{paths}], {{{names}}}),\n"
        return (
            f"{func}\n\n"
            f"{td.name} = typing_extensions.Annotated[\n"
            f"    typing.Union[\n        {inner},\n    ],\n"
            f"    pydantic.Discriminator({fn}),\n"
            f"{fast}"
            f"]\n"
        )

    # -- request TypedDicts --------------------------------------------------------------------

    def params_block(self, td: TypeDef, ann: Annotator, imports: Imports) -> str:
        name = params_name(td)
        if td.kind == "union":
            imports.std("import typing")
            return f"{name} = typing.Union[{', '.join(ann(m) for m in td.members)}]\n"
        imports.std("import typing_extensions")
        out = [f"class {name}(typing_extensions.TypedDict):\n", docstring(td.description, "    ")]
        for f in td.fields:
            # keys are the Python names (as the 0.8.6 SDK); the client renames them to wire names
            annotation = ann(f.ref)
            if f.ref.kind == "literal":
                pass
            elif f.nullable:
                annotation = optional(annotation)
            if not f.required and f.ref.kind != "literal":
                annotation = f"typing_extensions.NotRequired[{annotation}]"
            description = f.description
            if f.py != f.wire:
                description = (description + "\n\n" if description else "") + f"Sent as ``{f.wire}``."
            out.append(f"    {f.py}: {annotation}\n" + docstring(description, "    ") + "\n")
        if not td.fields and not td.description:
            out.append("    pass\n")
        return "".join(out)
