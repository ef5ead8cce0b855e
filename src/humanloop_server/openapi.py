"""The OpenAPI document of the server, as committed in `api/openapi.json`.

`build_openapi()` starts from FastAPI's own document and adds what the routes alone do not say:

- component schemas that no operation references but that the SDK exports (`EXTRA_MODELS`,
  `OPAQUE_TYPES`, `EMPTY_MODELS`);
- `x-fern-type-name` where the SDK name of a schema differs from the one the generator derives
  from the component name (`SDK_TYPE_NAMES`);
- `ValidationError` exactly as the contract has it (`loc`, `msg`, `type`).

`dump_openapi()` renders it deterministically (sorted keys, indent 2, trailing newline).
"""

from __future__ import annotations

import copy
import json
from typing import Any, Dict, List, Literal, Optional, Type, Union

from fastapi import FastAPI
from pydantic import BaseModel, TypeAdapter

from .schemas import agents, common, datasets, evaluations, evaluators, flows, prompts, tools

REF_TEMPLATE = "#/components/schemas/{model}"

#: Models that belong to the contract although no operation uses them.
EXTRA_MODELS: List[Type[BaseModel]] = [
    common.DashboardConfiguration,
    # the 0.8.6 names of an Evaluation's Logs (`get_logs` now answers with the runs-era type, a superset)
    evaluations.EvaluationReportLogResponse,
    common.PaginatedData[evaluations.EvaluationReportLogResponse],
    # 0.8.38's name of a page of files (`files.list` keeps 0.8.6's name: see COMPONENT_RENAMES)
    common.PaginatedData[
        Union[
            prompts.PromptResponse,
            tools.ToolResponse,
            datasets.DatasetResponse,
            evaluators.EvaluatorResponse,
            flows.FlowResponse,
            agents.AgentResponse,
        ]
    ],
]
#: Enums that belong to the contract although no operation uses them.
EXTRA_ENUMS: List[type] = [common.FileSortBy, common.ObservabilityStatus, common.PlatformAccessEnum, common.TimeUnit]

#: SDK types without a shape of their own (the SDK types them as "any value").
OPAQUE_TYPES: Dict[str, str] = {
    "BaseModelsUserResponse": "A user as an older API version described it; any JSON value.",
    "DatasetsRequest": "A Dataset request of the 0.8.38 SDK's generated types; any JSON value.",
    "EvaluatorsRequest": "An Evaluator request of the 0.8.38 SDK's generated types; any JSON value.",
    "ConfigToolResponse": "A Tool configuration as an older API version described it; any JSON value.",
    "FeedbackType": "Kind of feedback given on a Log; any JSON value.",
    "PaginatedPromptLogResponse": "A page of Prompt Logs from an older listing; any JSON value.",
    "PaginatedSessionResponse": "A page of sessions from an older listing; any JSON value.",
    "UpdateEvaluationStatusRequest": "Body of a status change of an Evaluation; any JSON value.",
}
#: SDK models without declared fields (they accept any properties).
EMPTY_MODELS: Dict[str, str] = {
    "AgentConfigResponse": "Configuration of an agent; its properties are not specified.",
    "EvaluatorConfigResponse": "Configuration of an Evaluator as an older API version described it; properties are not specified.",
}

#: Component name -> SDK type name, where the naming rule would give another name.
SDK_TYPE_NAMES: Dict[str, str] = {
    "PaginatedData_DatapointResponse_": "PaginatedDatapointResponse",
    "PaginatedData_DatasetResponse_": "PaginatedDatasetResponse",
    "PaginatedData_EvaluationResponse_": "PaginatedEvaluationResponse",
}

#: Component name FastAPI derives -> the contract's name, where a model grew but its name must not.
#: `files.list` (0.8.6) also lists Agents now; its page keeps the contract's component name.
COMPONENT_RENAMES: Dict[str, str] = {
    "PaginatedData_Union_PromptResponse__ToolResponse__DatasetResponse__EvaluatorResponse__FlowResponse__AgentResponse__": (
        "PaginatedData_Union_PromptResponse__ToolResponse__DatasetResponse__EvaluatorResponse__FlowResponse__"
    ),
}


def _rename_components(doc: Dict[str, Any]) -> Dict[str, Any]:
    text = json.dumps(doc)
    for old, new in COMPONENT_RENAMES.items():
        text = text.replace(f'"#/components/schemas/{old}"', f'"#/components/schemas/{new}"')
    renamed: Dict[str, Any] = json.loads(text)
    schemas = renamed.get("components", {}).get("schemas", {})
    for old, new in COMPONENT_RENAMES.items():
        if old in schemas:
            schemas[new] = schemas.pop(old)
    return renamed


SECURITY_SCHEME_EXTRA: Dict[str, Any] = {"x-fern-header": {"env": "HUMANLOOP_API_KEY"}}


def _model_schemas(models: List[Type[BaseModel]]) -> Dict[str, Any]:
    mode: Literal["validation"] = "validation"
    inputs = [(m, mode, TypeAdapter(m)) for m in models]
    by_type, top = TypeAdapter.json_schemas(inputs, ref_template=REF_TEMPLATE)
    defs: Dict[str, Any] = dict(top.get("$defs", {}))
    for (model, _), schema in by_type.items():
        if "$ref" not in schema:
            defs[model.__name__] = schema
    return defs


def build_openapi(app: Optional[FastAPI] = None) -> Dict[str, Any]:
    """Return the complete OpenAPI document of `app` (a fresh `create_app()` by default)."""
    if app is None:
        from .app import create_app

        app = create_app()
    doc = _rename_components(copy.deepcopy(app.openapi()))
    schemas: Dict[str, Any] = doc.setdefault("components", {}).setdefault("schemas", {})

    for name, schema in _model_schemas([*EXTRA_MODELS, *EXTRA_ENUMS, common.ValidationError]).items():
        if name == "ValidationError" or name not in schemas:
            schemas[name] = schema
    for name, description in OPAQUE_TYPES.items():
        schemas.setdefault(name, {"description": description, "title": name})
    for name, description in EMPTY_MODELS.items():
        schemas.setdefault(
            name, {"additionalProperties": True, "description": description, "title": name, "type": "object"}
        )
    for name, sdk_name in SDK_TYPE_NAMES.items():
        if name in schemas:
            schemas[name]["x-fern-type-name"] = sdk_name

    for scheme in doc["components"].get("securitySchemes", {}).values():
        if scheme.get("type") == "apiKey":
            scheme.update(SECURITY_SCHEME_EXTRA)
    return doc


def dump_openapi(app: Optional[FastAPI] = None) -> str:
    """Render the document as committed: sorted keys, indent 2, trailing newline."""
    return json.dumps(build_openapi(app), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
