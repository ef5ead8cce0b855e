"""Read api/openapi.json into the generator's intermediate model.

The model is deliberately small:

* ``Ref`` - a reference to a type: a primitive (``str``, ``int`` ...), ``list``/``dict`` of a
  ref, a ``literal`` value, or a ``named`` type defined in ``Spec.types``.
* ``TypeDef`` - a named SDK type: ``model`` (pydantic model + ``*Params`` TypedDict), ``union``,
  ``enum`` (open: unknown values are accepted), ``literal`` or ``any``.
* ``Operation`` - one SDK method with its parameters, response and errors.

A schema marked ``"x-fern-type": "unknown"`` becomes an ``any`` type (its JSON as is).

Naming follows docs/ARCHITECTURE.md: component ``pascal(name)`` unless the schema carries
``x-fern-type-name``; inline unions/enums are named ``<Parent><Property>`` (+``Item`` under an
array, +``Value`` under a dict value). A component that is used only once, as an operation's
request body, is inlined: its properties become the method's parameters and its inline types
are scoped to that operation's resource (``humanloop.<resource>.types``).
"""

from __future__ import annotations

import dataclasses
import json
import re
import typing

from .naming import pascal, py_identifier, snake

# ---------------------------------------------------------------------------------------------
# Intermediate model


@dataclasses.dataclass(frozen=True)
class Ref:
    kind: str  # str int float bool datetime date any file | list dict | literal | named
    of: typing.Optional[Ref] = None  # list item / dict value
    name: str = ""  # named type
    value: typing.Any = None  # literal value


STR = Ref("str")
ANY = Ref("any")


@dataclasses.dataclass
class Field:
    wire: str
    py: str
    ref: Ref
    required: bool
    nullable: bool
    description: typing.Optional[str]


#: extension of an inline union's schema: other SDK names of the same union (``["EvaluatorRequestSpec"]``)
TYPE_ALIASES = "x-humanloop-type-aliases"


@dataclasses.dataclass
class TypeDef:
    name: str
    kind: str  # model union enum literal any
    scope: str = "global"  # "global" or a resource name
    description: typing.Optional[str] = None
    fields: typing.List[Field] = dataclasses.field(default_factory=list)
    values: typing.List[typing.Any] = dataclasses.field(default_factory=list)
    members: typing.List[Ref] = dataclasses.field(default_factory=list)
    # unions of models that can be told apart without trying every member:
    #   by_value: every member has field ``disc_field`` holding a distinct string literal
    #   by_key:   every member has a required key that no other member has
    disc_mode: typing.Optional[str] = None  # "by_value" | "by_key"
    disc_field: str = ""
    discriminator: typing.List[typing.Tuple[str, str]] = dataclasses.field(default_factory=list)  # (member, tag)
    # where pydantic-core itself can read a member's tag in the JSON: (path, tag, member); by_value:
    # the literal field; by_key: a literal field of the model under each member's own key
    fast_tags: typing.List[typing.Tuple[typing.Tuple[str, ...], str, str]] = dataclasses.field(default_factory=list)

    @property
    def has_params(self) -> bool:
        """Models and unions get a ``<Name>Params`` request type; enums/literals/any are reused."""
        return self.kind in ("model", "union")


@dataclasses.dataclass
class Param:
    py: str
    wire: str
    location: str  # path query body body_root form file
    ref: Ref
    required: bool
    nullable: bool = False
    description: typing.Optional[str] = None
    multi: bool = False  # query parameter that may repeat (an array)


@dataclasses.dataclass
class Pagination:
    page_type: str  # the page response model
    item: Ref
    items_field: str


@dataclasses.dataclass
class Operation:
    resource: str
    name: str
    method: str
    path: str
    summary: typing.Optional[str]
    description: typing.Optional[str]
    params: typing.List[Param]
    response: typing.Optional[Ref]
    errors: typing.List[typing.Tuple[int, str]]
    pagination: typing.Optional[Pagination] = None
    stream: bool = False
    constant_body: typing.Dict[str, typing.Any] = dataclasses.field(default_factory=dict)

    @property
    def body_kind(self) -> str:
        locations = {p.location for p in self.params}
        if locations & {"form", "file"}:
            return "multipart"
        if "body_root" in locations:
            return "json_root"
        if "body" in locations or self.constant_body:
            return "json"
        return "none"


@dataclasses.dataclass
class Spec:
    title: str
    base_url: str
    types: typing.Dict[str, TypeDef]
    operations: typing.List[Operation]
    resources: typing.List[str]

    def typedef(self, ref: Ref) -> TypeDef:
        return self.types[ref.name]


# The production host, used when the document has no ``servers`` (the FastAPI export mounts the
# API under /v5 and leaves the host out).
DEFAULT_HOST = "https://api.humanloop.com"


class SpecError(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# Builder

_STATUS_ERRORS = {
    400: "BadRequestError",
    401: "UnauthorizedError",
    403: "ForbiddenError",
    404: "NotFoundError",
    409: "ConflictError",
    422: "UnprocessableEntityError",
    429: "TooManyRequestsError",
    500: "InternalServerError",
}


def error_class_name(status: int) -> str:
    return _STATUS_ERRORS.get(status, f"Status{status}Error")


#: operation extension: more SDK method names for the same operation, e.g. ``["list_files"]``
METHOD_ALIASES = "x-humanloop-sdk-method-aliases"


class _Builder:
    def __init__(self, doc: typing.Dict[str, typing.Any]) -> None:
        self.doc = doc
        self.schemas: typing.Dict[str, typing.Any] = doc.get("components", {}).get("schemas", {})
        self.types: typing.Dict[str, TypeDef] = {}
        self.component_names: typing.Dict[str, str] = {}
        self.inlined: typing.Set[str] = self._inlined_bodies()
        self.prefix = self._path_prefix()

    def _path_prefix(self) -> str:
        """A version segment every path starts with (``/v5``) when the document has no ``servers``."""
        if self.doc.get("servers"):
            return ""
        firsts = {p.split("/")[1] for p in self.doc.get("paths", {}) if p.count("/") >= 2}
        if len(firsts) == 1:
            (first,) = firsts
            if re.fullmatch(r"v[0-9]+", first):
                return "/" + first
        return ""

    # -- components ---------------------------------------------------------------------------

    def _inlined_bodies(self) -> typing.Set[str]:
        """Components referenced exactly once in the document, as a request body."""
        text = json.dumps(self.doc)
        counts: typing.Dict[str, int] = {}
        for name in re.findall(r'"#/components/schemas/([^"]+)"', text):
            counts[name] = counts.get(name, 0) + 1
        bodies = set()
        for op in self._raw_operations():
            for content in (op.get("requestBody") or {}).get("content", {}).values():
                ref = (content.get("schema") or {}).get("$ref")
                if ref:
                    bodies.add(ref.rsplit("/", 1)[-1])
        return {name for name in bodies if counts.get(name) == 1}

    def _raw_operations(self) -> typing.Iterator[typing.Dict[str, typing.Any]]:
        for item in self.doc.get("paths", {}).values():
            for method, op in item.items():
                if method in ("get", "post", "put", "patch", "delete"):
                    yield op

    def component_name(self, comp: str) -> str:
        if comp not in self.component_names:
            schema = self.schemas.get(comp)
            if schema is None:
                raise SpecError(f"unknown component {comp}")
            self.component_names[comp] = schema.get("x-fern-type-name") or pascal(comp)
        return self.component_names[comp]

    def ref_component(self, ref: str) -> Ref:
        comp = ref.rsplit("/", 1)[-1]
        name = self.component_name(comp)
        if name not in self.types:
            self.build_component(comp)
        return Ref("named", name=name)

    def build_component(self, comp: str) -> None:
        schema = self.schemas[comp]
        name = self.component_name(comp)
        self._build_named(name, schema, "global")

    def _build_named(self, name: str, schema: typing.Dict[str, typing.Any], scope: str) -> TypeDef:
        existing = self.types.get(name)
        if existing is not None:
            return existing
        description = schema.get("description")
        if schema.get("x-fern-type") == "unknown":  # the SDK treats it as any JSON value
            td = TypeDef(name, "any", scope, description)
            self.types[name] = td
            return td
        variants = _variants(schema)
        if variants is not None and len(variants) > 1 and all(_string_literal(v) for v in variants):
            values = [v["const"] if "const" in v else v["enum"][0] for v in variants]
            td = TypeDef(name, "enum", scope, description, values=values)
            self.types[name] = td
            return td
        if variants is not None and len(variants) > 1:
            td = TypeDef(name, "union", scope, description)
            self.types[name] = td
            td.members = [self.resolve(v, name, scope) for v in variants]
            # another release's name for the same union: a union of the same members under that name
            for alias in schema.get(TYPE_ALIASES) or []:
                self.types.setdefault(alias, TypeDef(alias, "union", scope, description, members=list(td.members)))
            return td
        if "enum" in schema or "const" in schema:
            values = list(schema["enum"]) if "enum" in schema else [schema["const"]]
            td = TypeDef(name, "literal" if len(values) == 1 else "enum", scope, description, values=values)
            self.types[name] = td
            return td
        extra = schema.get("additionalProperties")
        if "properties" in schema or (_type(schema) == "object" and not (isinstance(extra, dict) and extra)):
            # an object without declared properties is a model that keeps whatever it is sent
            if _type(schema) in (None, "object"):
                td = TypeDef(name, "model", scope, description)
                self.types[name] = td
                td.fields = self.fields(name, schema, scope)
                return td
        td = TypeDef(name, "any", scope, description)
        self.types[name] = td
        return td

    def fields(self, parent: str, schema: typing.Dict[str, typing.Any], scope: str) -> typing.List[Field]:
        required = set(schema.get("required") or [])
        out = []
        for wire, prop in (schema.get("properties") or {}).items():
            out.append(
                Field(
                    wire=wire,
                    py=py_identifier(wire),
                    ref=self.resolve(prop, parent + pascal(wire), scope),
                    required=wire in required,
                    nullable=_nullable(prop),
                    description=_description(prop),
                )
            )
        return out

    # -- inline schemas -----------------------------------------------------------------------

    def resolve(self, schema: typing.Dict[str, typing.Any], ctx: str, scope: str) -> Ref:
        """The Ref of a schema found at naming context ``ctx`` (the name an inline type would get)."""
        if "$ref" in schema:
            return self.ref_component(schema["$ref"])
        all_of = schema.get("allOf")
        if all_of and len(all_of) == 1:
            return self.resolve(all_of[0], ctx, scope)
        variants = _variants(schema)
        if variants is not None:
            if len(variants) == 1:
                return self.resolve(variants[0], ctx, scope)
            if not variants:
                return ANY
            name = schema.get("x-fern-type-name") or ctx
            self._build_named(name, {k: v for k, v in schema.items() if k != "description"}, scope)
            return Ref("named", name=name)
        if "const" in schema:
            return Ref("literal", value=schema["const"])
        if "enum" in schema:
            values = schema["enum"]
            if len(values) == 1 and "x-fern-type-name" not in schema:
                return Ref("literal", value=values[0])
            name = schema.get("x-fern-type-name") or ctx
            self._build_named(name, {k: v for k, v in schema.items() if k != "description"}, scope)
            return Ref("named", name=name)
        kind = _type(schema)
        if kind == "string":
            fmt = schema.get("format")
            if fmt == "date-time":
                return Ref("datetime")
            if fmt == "date":
                return Ref("date")
            if fmt == "binary" or "contentMediaType" in schema:
                return Ref("file")
            return STR
        if kind == "integer":
            return Ref("int")
        if kind == "number":
            return Ref("float")
        if kind == "boolean":
            return Ref("bool")
        if kind == "array":
            return Ref("list", of=self.resolve(schema.get("items") or {}, ctx + "Item", scope))
        if kind == "object" or "properties" in schema or "additionalProperties" in schema:
            if schema.get("properties"):
                name = schema.get("x-fern-type-name") or ctx
                self._build_named(name, schema, scope)
                return Ref("named", name=name)
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict) and extra:
                return Ref("dict", of=self.resolve(extra, ctx + "Value", scope))
            return Ref("dict", of=ANY)
        return ANY

    # -- operations -----------------------------------------------------------------------

    def operations(self) -> typing.List[Operation]:
        out: typing.List[Operation] = []
        for path, item in self.doc.get("paths", {}).items():
            for method, op in item.items():
                if method not in ("get", "post", "put", "patch", "delete"):
                    continue
                group = op.get("x-fern-sdk-group-name")
                name = op.get("x-fern-sdk-method-name")
                if not group or not name:
                    raise SpecError(f"{method.upper()} {path}: missing x-fern-sdk-group-name/method-name")
                if isinstance(group, list):
                    group = ".".join(group)
                streaming = op.get("x-fern-streaming")
                if isinstance(streaming, dict) and "stream-condition" in streaming:
                    for stream in (False, True):
                        out.append(self.operation(path, method, op, group, name, streaming, stream))
                else:
                    out.append(self.operation(path, method, op, group, name, None, False))
                    # one route serving two SDK methods (a method renamed between SDK releases)
                    for alias in op.get(METHOD_ALIASES) or []:
                        out.append(self.operation(path, method, op, group, str(alias), None, False))
        return out

    def operation(
        self,
        path: str,
        method: str,
        op: typing.Dict[str, typing.Any],
        group: str,
        name: str,
        streaming: typing.Optional[typing.Dict[str, typing.Any]],
        stream: bool,
    ) -> Operation:
        method_name = name + ("_stream" if stream else "")
        params: typing.List[Param] = []
        path_names = re.findall(r"{([^}]+)}", path)
        raw_params = {(p["in"], p["name"]): p for p in op.get("parameters") or []}
        for wire in path_names:
            p = raw_params.get(("path", wire), {"schema": {"type": "string"}})
            params.append(
                Param(
                    py_identifier(wire),
                    wire,
                    "path",
                    self.resolve(p.get("schema") or {}, "", group),
                    True,
                    description=_description(p) or _description(p.get("schema") or {}),
                )
            )
        query: typing.List[Param] = []
        for p in op.get("parameters") or []:
            if p["in"] != "query":
                continue
            schema = p.get("schema") or {}
            ref = self.resolve(schema, pascal(group) + pascal(name) + "Request" + pascal(p["name"]), group)
            multi = ref.kind == "list"
            if multi and ref.of is not None:
                ref = ref.of
            query.append(
                Param(
                    py_identifier(p["name"]),
                    p["name"],
                    "query",
                    ref,
                    bool(p.get("required")) and not multi,
                    description=_description(p) or _description(schema),
                    multi=multi,
                )
            )
        taken = {p.py for p in params} | {p.py for p in query}
        body_params: typing.List[Param] = []
        constant_body: typing.Dict[str, typing.Any] = {}
        multipart = False
        body = op.get("requestBody")
        if body:
            content = body.get("content") or {}
            media = "application/json" if "application/json" in content else next(iter(content), None)
            multipart = media in ("multipart/form-data", "application/x-www-form-urlencoded")
            schema = (content.get(media) or {}).get("schema") or {}
            parent, scope = self.body_parent(schema, group, name, stream if streaming else None)
            props_schema = self.schemas[schema["$ref"].rsplit("/", 1)[-1]] if "$ref" in schema else schema
            if not multipart and not streaming and "properties" not in props_schema:
                # a body that is not an object with named properties (a list, a free-form dict):
                # the whole body is one required keyword parameter, ``request``
                ref = self.resolve(schema, pascal(group) + pascal(name) + "Request", group)
                params.extend(query)
                params.append(Param("request", "request", "body_root", ref, True, False, _description(schema)))
                return self._finish(path, method, op, group, name, method_name, streaming, stream, params)
            if _type(props_schema) not in ("object", None) or "properties" not in props_schema:
                raise SpecError(f"{method.upper()} {path}: only object request bodies are supported")
            required = set(props_schema.get("required") or [])
            stream_key = None
            if streaming:
                stream_key = str(streaming["stream-condition"]).replace("$request.", "")
                constant_body[stream_key] = stream
            for wire, prop in props_schema["properties"].items():
                if wire == stream_key:
                    continue
                ref = self.resolve(prop, parent + pascal(wire), scope)
                py = py_identifier(wire)
                if py in taken:
                    py = snake(parent) + "_" + py
                location = "body"
                if multipart:
                    location = "file" if ref.kind == "file" else "form"
                body_params.append(
                    Param(py, wire, location, ref, wire in required, _nullable(prop), _description(prop))
                )
        # required body parameters first (keyword-only, so this only affects reading order)
        body_params.sort(key=lambda p: not p.required)
        if multipart:
            params.extend(body_params)
            params.extend(query)
        else:
            params.extend(query)
            params.extend(body_params)
        return self._finish(
            path, method, op, group, name, method_name, streaming, stream, params, constant_body=constant_body
        )

    def _finish(
        self,
        path: str,
        method: str,
        op: typing.Dict[str, typing.Any],
        group: str,
        name: str,
        method_name: str,
        streaming: typing.Optional[typing.Dict[str, typing.Any]],
        stream: bool,
        params: typing.List[Param],
        constant_body: typing.Optional[typing.Dict[str, typing.Any]] = None,
    ) -> Operation:
        """The Operation of a method once its parameters are known: its response, errors and pages."""
        response, errors = self.responses(op, streaming, stream, pascal(group) + pascal(method_name) + "Response")
        pagination = None
        pag = op.get("x-fern-pagination")
        if pag and response is not None and response.kind == "named":
            items_field = str(pag.get("results", "$response.records")).replace("$response.", "")
            page_td = self.types[response.name]
            item_field = next((f for f in page_td.fields if f.wire == items_field), None)
            if item_field is None or item_field.ref.kind != "list" or item_field.ref.of is None:
                raise SpecError(f"{method.upper()} {path}: pagination results field {items_field} is not a list")
            pagination = Pagination(response.name, item_field.ref.of, items_field)
        return Operation(
            resource=group,
            name=method_name,
            method=method.upper(),
            path=path[len(self.prefix) :].lstrip("/"),
            summary=op.get("summary"),
            description=op.get("description"),
            params=params,
            response=response,
            errors=errors,
            pagination=pagination,
            stream=stream,
            constant_body=constant_body or {},
        )

    def body_parent(
        self, schema: typing.Dict[str, typing.Any], group: str, name: str, stream: typing.Optional[bool]
    ) -> typing.Tuple[str, str]:
        """(naming parent, scope) for the inline types of a request body's properties."""
        if stream is not None:
            return pascal(group) + pascal(name) + ("Stream" if stream else "") + "Request", group
        if "$ref" in schema:
            comp = schema["$ref"].rsplit("/", 1)[-1]
            if comp in self.inlined:
                return self.component_name(comp), group
            self.ref_component(schema["$ref"])
            return self.component_name(comp), "global"
        return pascal(group) + pascal(name) + "Request", group

    def responses(
        self,
        op: typing.Dict[str, typing.Any],
        streaming: typing.Optional[typing.Dict[str, typing.Any]],
        stream: bool,
        ctx: str,
    ) -> typing.Tuple[typing.Optional[Ref], typing.List[typing.Tuple[int, str]]]:
        response: typing.Optional[Ref] = None
        errors: typing.List[typing.Tuple[int, str]] = []
        for status, resp in sorted((op.get("responses") or {}).items()):
            if not str(status).isdigit():
                continue
            code = int(status)
            schema = None
            for media, content in (resp.get("content") or {}).items():
                if "json" in media or media in ("text/event-stream", "text/plain"):
                    schema = content.get("schema")
                    break
            if 200 <= code < 300:
                if response is None and schema and not streaming:
                    response = self.resolve(schema, ctx, "global")
                    # an untyped inline body is no answer, unless marked as "any JSON value"
                    if response.kind == "any" and not schema.get("$ref") and schema.get("x-fern-type") != "unknown":
                        response = None
            elif code >= 400 and schema:
                errors.append((code, self.resolve(schema, ctx + str(code), "global").name))
        if streaming:
            key = "response-stream" if stream else "response"
            response = self.resolve(streaming[key], "", "global")
        return response, errors


def _string_literal(schema: typing.Dict[str, typing.Any]) -> bool:
    """A schema that admits exactly one string."""
    if "const" in schema:
        return isinstance(schema["const"], str)
    values = schema.get("enum")
    return isinstance(values, list) and len(values) == 1 and isinstance(values[0], str)


def _type(schema: typing.Dict[str, typing.Any]) -> typing.Optional[str]:
    kind = schema.get("type")
    if isinstance(kind, list):
        rest = [k for k in kind if k != "null"]
        return rest[0] if len(rest) == 1 else None
    return kind


def _variants(schema: typing.Dict[str, typing.Any]) -> typing.Optional[typing.List[typing.Dict[str, typing.Any]]]:
    variants = schema.get("anyOf") or schema.get("oneOf")
    if variants is None:
        return None
    return [v for v in variants if v.get("type") != "null"]


def _nullable(schema: typing.Dict[str, typing.Any]) -> bool:
    if schema.get("nullable"):
        return True
    kind = schema.get("type")
    if isinstance(kind, list) and "null" in kind:
        return True
    return any(v.get("type") == "null" for v in (schema.get("anyOf") or schema.get("oneOf") or []))


def _description(schema: typing.Dict[str, typing.Any]) -> typing.Optional[str]:
    text = schema.get("description")
    return text.strip() if isinstance(text, str) and text.strip() else None


# ---------------------------------------------------------------------------------------------
# Unions that can be told apart cheaply


def _discriminators(types: typing.Dict[str, TypeDef]) -> None:
    """Find a cheap way to pick the member of each union of models (see TypeDef.disc_mode)."""
    for td in types.values():
        if td.kind != "union":
            continue
        members = [types.get(m.name) if m.kind == "named" else None for m in td.members]
        models = [m for m in members if m is not None and m.kind == "model"]
        if len(models) != len(members) or len({m.name for m in models}) != len(models):
            continue
        # 1. a literal field shared by all members with distinct string values
        shared = set.intersection(*({f.wire for f in m.fields if f.ref.kind == "literal"} for m in models))
        for wire in sorted(shared):
            tags = []
            for m in models:
                value = next(f.ref.value for f in m.fields if f.wire == wire)
                tags.append((m.name, value))
            values = [v for _, v in tags]
            if all(isinstance(v, str) for v in values) and len(set(values)) == len(values):
                td.disc_mode, td.disc_field, td.discriminator = "by_value", wire, tags
                td.fast_tags = [((wire,), tag, name) for name, tag in tags]
                break
        if td.disc_mode:
            continue
        # 2. a required key unique to each member
        keyed: typing.List[typing.Tuple[str, str]] = []
        for m in models:
            others: typing.Set[str] = set()
            for o in models:
                if o is not m:
                    others |= {f.wire for f in o.fields}
            unique = [f.wire for f in m.fields if f.required and f.wire not in others]
            if not unique:
                break
            keyed.append((m.name, unique[0]))
        else:
            td.disc_mode, td.discriminator = "by_key", keyed
            td.fast_tags = _nested_tags(types, models, keyed)


def _nested_tags(
    types: typing.Dict[str, TypeDef], models: typing.List[TypeDef], keyed: typing.List[typing.Tuple[str, str]]
) -> typing.List[typing.Tuple[typing.Tuple[str, ...], str, str]]:
    """For a by_key union: when the model under each member's key has a literal field (the same
    name for all) with distinct string values, the paths (key, field) and those values; else []."""
    nested: typing.List[TypeDef] = []
    for m, (_, key) in zip(models, keyed):
        ref = next(f.ref for f in m.fields if f.wire == key)
        inner = types.get(ref.name) if ref.kind == "named" else None
        if inner is None or inner.kind != "model":
            return []
        nested.append(inner)
    shared = set.intersection(*({f.wire for f in n.fields if f.ref.kind == "literal"} for n in nested))
    for wire in sorted(shared):
        values = [next(f.ref.value for f in n.fields if f.wire == wire) for n in nested]
        if all(isinstance(v, str) for v in values) and len(set(values)) == len(values):
            return [((key, wire), value, m.name) for m, (_, key), value in zip(models, keyed, values)]
    return []


def load(doc: typing.Dict[str, typing.Any]) -> Spec:
    builder = _Builder(doc)
    for comp in builder.schemas:
        if comp not in builder.inlined:
            builder.build_component(comp)
    operations = builder.operations()
    _discriminators(builder.types)
    resources: typing.List[str] = []
    for op in operations:
        if op.resource not in resources:
            resources.append(op.resource)
    servers = doc.get("servers")
    base_url = servers[0]["url"] if servers else DEFAULT_HOST + builder.prefix
    return Spec(
        title=doc.get("info", {}).get("title", "API"),
        base_url=base_url,
        types=dict(sorted(builder.types.items())),
        operations=operations,
        resources=resources,
    )
