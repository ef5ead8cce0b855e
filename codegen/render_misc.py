"""Render the small generated modules: errors, environment, version, the lazy package
``__init__`` files, and reference.md."""

from __future__ import annotations

import json
import typing

from .naming import pascal, snake
from .render_clients import client_class, example_call, resource_module
from .render_common import (
    HEADER,
    PACKAGE,
    Annotator,
    Imports,
    module_file,
    package_file,
    params_module,
    params_name,
    requests_package,
    type_module,
    types_package,
)
from .spec import Spec, error_class_name

# ---------------------------------------------------------------------------------------------
# errors/


def error_classes(spec: Spec) -> typing.Dict[str, typing.Tuple[int, str]]:
    """Error class name -> (status, body type name), for every documented error response."""
    out: typing.Dict[str, typing.Tuple[int, str]] = {}
    for op in spec.operations:
        for code, body in op.errors:
            out[error_class_name(code)] = (code, body)
    return dict(sorted(out.items()))


def render_errors(spec: Spec) -> typing.Dict[str, str]:
    files = {}
    exports = {}
    for name, (code, body) in error_classes(spec).items():
        module = f"{PACKAGE}.errors.{snake(name)}"
        imports = Imports(module)
        imports.std("import typing")
        imports.name(f"{PACKAGE}.core.api_error", "ApiError")
        body_type = Annotator(spec, imports, "type")(spec_ref(body))
        files[module_file(module)] = (
            f"{HEADER}\n\n{imports.render()}\n\n\n"
            f"class {name}(ApiError):\n"
            f'    """The server answered {code}; ``body`` is parsed into ``{body}`` when it fits."""\n\n'
            f"    body_type: typing.Any = {body_type}\n\n"
            f"    def __init__(self, body: {body_type}, headers: typing.Optional[typing.Dict[str, str]] = None) -> None:\n"
            f"        super().__init__(status_code={code}, body=body, headers=headers)\n"
        )
        exports[name] = module
    files[package_file(f"{PACKAGE}.errors")] = lazy_init(f"{PACKAGE}.errors", exports, "Errors the API documents.")
    return files


def spec_ref(name: str) -> typing.Any:
    from .spec import Ref

    return Ref("named", name=name)


# ---------------------------------------------------------------------------------------------
# environment.py, version.py


def render_environment(spec: Spec) -> str:
    return (
        f"{HEADER}\n\nimport enum\n\n\n"
        "class HumanloopEnvironment(enum.Enum):\n"
        '    """Where the API is served."""\n\n'
        f"    DEFAULT = {json.dumps(spec.base_url)}\n"
    )


def render_version(version: str) -> str:
    return f"{HEADER}\n\n__version__ = {json.dumps(version)}\n"


# ---------------------------------------------------------------------------------------------
# Lazy package __init__ files (PEP 562): importing a package imports nothing else until a name is used


def lazy_init(package: str, exports: typing.Dict[str, str], doc: str) -> str:
    """``exports`` maps each public name to the absolute module that defines it (or to itself
    for a submodule)."""
    imports = Imports(package + ".__init__")
    checking: typing.Dict[str, typing.List[str]] = {}
    modules: typing.List[str] = []
    table = []
    for name, module in sorted(exports.items()):
        rel = imports_relative(package, module)
        if module == f"{package}.{name}" and not name[:1].isupper():
            modules.append(name)
        else:
            checking.setdefault(rel, []).append(name)
        table.append(f"    {json.dumps(name)}: {json.dumps(rel)},")
    check_lines = [f"    from {rel} import {', '.join(sorted(names))}" for rel, names in sorted(checking.items())]
    if modules:
        check_lines.append(f"    from . import {', '.join(sorted(modules))}")
    del imports
    names = ",\n    ".join(json.dumps(n) for n in sorted(exports))
    # ``typing`` is imported for type checkers only: importing the package stays as cheap as possible
    return (
        f"{HEADER}\n"
        f'"""{doc}"""\n\n'
        "from importlib import import_module\n\n"
        "TYPE_CHECKING = False\n"
        "if TYPE_CHECKING:\n"
        "    import typing\n\n" + "\n".join(check_lines) + "\n\n"
        "_LAZY = {\n" + "\n".join(table) + "\n}\n\n\n"
        'def __getattr__(name: str) -> "typing.Any":\n'
        "    module_name = _LAZY.get(name)\n"
        "    if module_name is None:\n"
        '        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")\n'
        "    module = import_module(module_name, __name__)\n"
        '    value = module if module_name == "." + name else getattr(module, name)\n'
        "    globals()[name] = value\n"
        "    return value\n\n\n"
        'def __dir__() -> "typing.List[str]":\n'
        "    return sorted(set(globals()) | set(__all__))\n\n\n"
        f"__all__ = [\n    {names},\n]\n"
    )


def imports_relative(package: str, module: str) -> str:
    """Relative path of ``module`` from inside ``package``'s ``__init__``."""
    here = package.split(".")
    there = module.split(".")
    common = 0
    while common < min(len(here), len(there)) and here[common] == there[common]:
        common += 1
    return "." * (len(here) - common + 1) + ".".join(there[common:])


def render_inits(spec: Spec, version_exports: bool = True) -> typing.Dict[str, str]:
    files: typing.Dict[str, str] = {}
    top: typing.Dict[str, str] = {}
    scoped_types: typing.Dict[str, typing.Dict[str, str]] = {}
    scoped_requests: typing.Dict[str, typing.Dict[str, str]] = {}
    for td in spec.types.values():
        scoped_types.setdefault(td.scope, {})[td.name] = type_module(td)
        top[td.name] = type_module(td)
        if td.has_params:
            scoped_requests.setdefault(td.scope, {})[params_name(td)] = params_module(td)
            top[params_name(td)] = params_module(td)
    for scope, exports in scoped_types.items():
        files[package_file(types_package(scope))] = lazy_init(types_package(scope), exports, "Types of the API.")
    for scope, exports in scoped_requests.items():
        files[package_file(requests_package(scope))] = lazy_init(
            requests_package(scope), exports, "Request shapes (TypedDicts) of the API."
        )
    for resource in spec.resources:
        package = f"{PACKAGE}.{resource}"
        exports = dict(scoped_types.get(resource, {}))
        exports.update(scoped_requests.get(resource, {}))
        exports[client_class(resource, False)] = resource_module(resource)
        exports[client_class(resource, True)] = resource_module(resource)
        files[package_file(package)] = lazy_init(package, exports, f"The {resource} resource.")
        top[resource] = package
    for name in error_classes(spec):
        top[name] = f"{PACKAGE}.errors.{snake(name)}"
    top["Humanloop"] = f"{PACKAGE}.client"
    top["AsyncHumanloop"] = f"{PACKAGE}.client"
    top["HumanloopEnvironment"] = f"{PACKAGE}.environment"
    top["__version__"] = f"{PACKAGE}.version"
    files[package_file(PACKAGE)] = lazy_init(PACKAGE, top, f"Python SDK for the {spec.title}.")
    return files


# ---------------------------------------------------------------------------------------------
# reference.md


def render_reference(spec: Spec) -> str:
    out = [
        "<!-- This file was generated by codegen/ from api/openapi.json. Do not edit. -->",
        "# Reference",
        "",
        "Every method of the `Humanloop` client. `AsyncHumanloop` has the same methods as coroutines "
        "(async iterators for streams, `AsyncPager` for lists).",
        "",
    ]
    for resource in spec.resources:
        out += [f"## {pascal(resource)}", ""]
        for op in [o for o in spec.operations if o.resource == resource]:
            imports = Imports(resource_module(resource))
            ann = Annotator(spec, imports, "param")
            out += [
                f'<details><summary><code>client.{resource}.<a href="src/{PACKAGE}/{resource}/client.py">{op.name}</a>'
                f"(...)</code></summary>",
                "<dl>",
                "<dd>",
                "",
                "#### 📝 Description",
                "",
                (op.description or op.summary or "").strip(),
                "",
                "#### 🔌 Usage",
                "",
                "```python",
                example_call(spec, op, False),
                "```",
                "",
                "#### ⚙️ Parameters",
                "",
            ]
            for p in op.params:
                annotation = ann(p.ref)
                if p.location == "query" and p.multi:
                    annotation = f"typing.Union[{annotation}, typing.Sequence[{annotation}]]"
                if not p.required:
                    annotation = f"typing.Optional[{annotation}]"
                description = " ".join((p.description or "").split())
                out += [f"**{p.py}:** `{annotation}` — {description}".rstrip(" —"), ""]
            out += [
                "**request_options:** `typing.Optional[RequestOptions]` — Request-specific configuration.",
                "",
                "</dd>",
                "</dl>",
                "</details>",
                "",
            ]
    return "\n".join(out).rstrip("\n") + "\n"
