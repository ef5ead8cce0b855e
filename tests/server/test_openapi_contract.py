"""Contract of the server's OpenAPI document and of the routing layer.

These tests build the app with `create_app()` and never touch a database: the request context is
replaced by a stub, and service functions are swapped where a test needs a known outcome.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import pytest
from fastapi.testclient import TestClient

from humanloop_server.api.deps import RequestContext, get_context
from humanloop_server.app import create_app
from humanloop_server.openapi import build_openapi, dump_openapi
from humanloop_server.services import evaluations, files
from humanloop_server.services.errors import Invalid, NotFound, ProviderFailed, ServiceError

ROOT = Path(__file__).resolve().parents[2]
METHODS = ("get", "post", "put", "patch", "delete")

#: (SDK resource, SDK method) of every list operation the SDK pages through.
PAGINATED = {
    ("prompts", "list"),
    ("tools", "list"),
    ("datasets", "list"),
    ("datasets", "list_datapoints"),
    ("evaluators", "list"),
    ("flows", "list"),
    ("agents", "list"),
    ("evaluations", "list"),
    ("logs", "list"),
}


@pytest.fixture(scope="module")
def doc() -> Dict[str, Any]:
    return build_openapi(create_app())


def operations(doc: Dict[str, Any]) -> List[Tuple[str, str, Dict[str, Any]]]:
    return [(m, p, op) for p, item in doc["paths"].items() for m, op in item.items() if m in METHODS]


def resolve(doc: Dict[str, Any], schema: Dict[str, Any]) -> Dict[str, Any]:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


@pytest.fixture
def client() -> Iterator[TestClient]:
    """A client of an app whose request context needs neither a database nor an API key."""
    app = create_app()
    app.dependency_overrides[get_context] = lambda: RequestContext(
        session=None, org_id="org_test", rt=None, api_key="k"
    )  # type: ignore[arg-type]
    yield TestClient(app, raise_server_exceptions=True)  # no `with`: the lifespan (database) does not run


# ------------------------------------------------------------------------------------ document


def test_every_operation_is_under_v5_and_counted(doc: Dict[str, Any]) -> None:
    ops = operations(doc)
    # the 82 of 0.8.6, 18 of agents, prompts.serialize / deserialize, 8 of evaluation Runs, delete/update
    # version of five kinds, retrieve_by_path, populate, tools.call and 3 environment-variable routes
    assert len(ops) == 126
    assert all(path.startswith("/v5/") for _, path, _ in ops)


def test_every_operation_has_a_unique_sdk_name(doc: Dict[str, Any]) -> None:
    seen: Dict[Tuple[str, str], str] = {}
    for method, path, op in operations(doc):
        group, name = op.get("x-fern-sdk-group-name"), op.get("x-fern-sdk-method-name")
        assert group and name, f"{method.upper()} {path} has no SDK name"
        assert name.isidentifier() and group.isidentifier()
        assert (group, name) not in seen, f"{group}.{name} used by {seen.get((group, name))} and {path}"
        seen[(group, name)] = path
    assert ("prompts", "call") in seen and ("evaluations", "get_stats") in seen


def test_operation_ids_are_unique(doc: Dict[str, Any]) -> None:
    ids = [op["operationId"] for _, _, op in operations(doc)]
    assert len(ids) == len(set(ids))


def test_pagination_markers_exactly_on_paged_lists(doc: Dict[str, Any]) -> None:
    marked = set()
    for method, _path, op in operations(doc):
        marker = op.get("x-fern-pagination")
        if marker is None:
            continue
        marked.add((op["x-fern-sdk-group-name"], op["x-fern-sdk-method-name"]))
        assert method == "get"
        assert marker == {"offset": "$request.page", "results": "$response.records"}
        page = [p for p in op["parameters"] if p["name"] == "page"]
        assert page and page[0]["in"] == "query" and not page[0].get("required", False)
        body = resolve(doc, op["responses"]["200"]["content"]["application/json"]["schema"])
        assert {"records", "page", "size", "total"} <= set(body["properties"])
    assert marked == PAGINATED


def test_prompt_call_declares_streaming(doc: Dict[str, Any]) -> None:
    op = doc["paths"]["/v5/prompts/call"]["post"]
    streaming = op["x-fern-streaming"]
    assert streaming["stream-condition"] == "$request.stream"
    assert streaming["response"] == {"$ref": "#/components/schemas/PromptCallResponse"}
    assert streaming["response-stream"] == {"$ref": "#/components/schemas/PromptCallStreamResponse"}
    schemas = doc["components"]["schemas"]
    assert "stream" in schemas["PromptCallRequest"]["properties"]
    assert "PromptCallStreamResponse" in schemas
    others = [p for _, p, op in operations(doc) if "x-fern-streaming" in op and p != "/v5/prompts/call"]
    assert others == ["/v5/agents/call", "/v5/agents/continue"]


def test_api_key_header_security(doc: Dict[str, Any]) -> None:
    scheme = doc["components"]["securitySchemes"]["APIKeyHeader"]
    assert scheme["type"] == "apiKey" and scheme["in"] == "header" and scheme["name"] == "X-API-KEY"
    for method, path, op in operations(doc):
        assert {"APIKeyHeader": []} in op.get("security", []), f"{method.upper()} {path} is not secured"


def test_component_names_follow_the_contract(doc: Dict[str, Any]) -> None:
    schemas = doc["components"]["schemas"]
    for name in (
        "PaginatedData_PromptResponse_",
        "PaginatedData_LogResponse_",
        "PaginatedData_Union_PromptResponse__ToolResponse__DatasetResponse__EvaluatorResponse__FlowResponse__",
        "HTTPValidationError",
        "LLMEvaluatorRequest",
        "VersionReferenceResponse",
    ):
        assert name in schemas
    assert not [n for n in schemas if n.endswith(("-Input", "-Output"))]
    assert set(schemas["ValidationError"]["properties"]) == {"loc", "msg", "type"}


def test_sdk_type_names_of_renamed_schemas(doc: Dict[str, Any]) -> None:
    by_fern = {s.get("x-fern-type-name"): n for n, s in doc["components"]["schemas"].items()}
    for sdk_name in (
        "EvaluationsRequest",
        "EvaluationsDatasetRequest",
        "ChatToolType",
        "FilesToolType",
        "PaginatedDatapointResponse",
        "PaginatedDatasetResponse",
        "PaginatedEvaluationResponse",
    ):
        assert sdk_name in by_fern, sdk_name
    # types the SDK exports although no operation uses them
    for name in ("FeedbackType", "AgentConfigResponse", "DashboardConfiguration", "TimeUnit"):
        assert name in doc["components"]["schemas"]


def test_request_body_media_types(doc: Dict[str, Any]) -> None:
    upload = doc["paths"]["/v5/datasets/{id}/datapoints/csv"]["post"]["requestBody"]["content"]
    assert list(upload) == ["multipart/form-data"]
    form = resolve(doc, upload["multipart/form-data"]["schema"])
    # 0.8.6 required a commit message; 0.8.38 names or describes the version instead
    assert set(form["required"]) == {"file"}
    assert {"commit_message", "version_name", "version_description"} <= set(form["properties"])
    status = doc["paths"]["/v5/evaluations/{id}/status"]["patch"]["requestBody"]["content"]
    assert set(resolve(doc, status["application/json"]["schema"])["properties"]) == {"status"}


def test_success_status_codes(doc: Dict[str, Any]) -> None:
    for method, path, op in operations(doc):
        codes = set(op["responses"]) - {"422"}
        if (method, path) == ("delete", "/v5/evaluations/{id}/evaluators/{evaluator_version_id}"):
            assert codes == {"200"}, path  # 0.8.38 answers with the Evaluation
        elif (method, path) == ("delete", "/v5/tools/{id}/environment-variables/{name}"):
            assert codes == {"200"}, path  # 0.8.38 answers with the variables left
        elif method == "delete":
            assert codes == {"204"}, path
            assert "content" not in op["responses"]["204"]
        elif (method, path) in {("post", "/v5/directories"), ("post", "/v5/evaluations")}:
            assert codes == {"201"}, path
        else:
            assert codes == {"200"}, path


def test_document_is_deterministic_and_committed() -> None:
    first = dump_openapi(create_app())
    assert first == dump_openapi(create_app())
    assert first.endswith("}\n") and json.loads(first)["openapi"].startswith("3.")
    committed = (ROOT / "api" / "openapi.json").read_text(encoding="utf-8")
    assert committed == first, "api/openapi.json is stale: run `python -m codegen export`"


# ------------------------------------------------------------------------------------- routing


@pytest.mark.parametrize(
    "error, status, detail, headers",
    [
        (NotFound("Evaluation ev_1 not found"), 404, "Evaluation ev_1 not found", {}),
        (
            Invalid("bad", ["body", "x"]),
            422,
            [{"loc": ["body", "x"], "msg": "bad", "type": "value_error"}],
            {},
        ),
        (
            ProviderFailed(502, {"code": "provider_unreachable", "message": "down"}, retry=False),
            502,
            {"code": "provider_unreachable", "message": "down"},
            {"x-should-retry": "false"},
        ),
    ],
)
def test_service_error_answers_its_status_json_and_headers(
    client: TestClient,
    monkeypatch: pytest.MonkeyPatch,
    error: ServiceError,
    status: int,
    detail: Any,
    headers: Dict[str, str],
) -> None:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise error

    monkeypatch.setattr(evaluations, "stats", fail)
    response = client.get("/v5/evaluations/ev_1/stats")
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"detail": detail}
    for name, value in headers.items():
        assert response.headers[name] == value


def test_service_receives_validated_inputs(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: Dict[str, Any] = {}

    def capture(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        seen.update(ctx=ctx, args=args, kwargs=kwargs)
        raise NotFound("seen")

    monkeypatch.setattr(files, "get", capture)
    response = client.get("/v5/prompts/pr_1", params={"environment": "production"})
    assert response.status_code == 404 and response.json() == {"detail": "seen"}
    assert seen["args"] == ("prompt", "pr_1")
    assert seen["kwargs"] == {"version_id": None, "environment": "production"}
    assert isinstance(seen["ctx"], RequestContext) and seen["ctx"].org_id == "org_test"


def test_bad_body_type_answers_422_with_location(client: TestClient) -> None:
    response = client.post("/v5/prompts", json={"path": "a/b", "model": 123, "temperature": "hot"})
    assert response.status_code == 422
    locations = {tuple(item["loc"]) for item in response.json()["detail"]}
    assert ("body", "model") in locations and ("body", "temperature") in locations
    for item in response.json()["detail"]:
        assert {"loc", "msg", "type"} <= set(item)


def test_missing_required_field_and_bad_query_answer_422(client: TestClient) -> None:
    missing = client.post("/v5/evaluators", json={"path": "e"})
    assert missing.status_code == 422
    assert ["body", "spec"] in [item["loc"] for item in missing.json()["detail"]]
    bad_page = client.get("/v5/prompts", params={"page": 0})
    assert bad_page.status_code == 422
    assert ["query", "page"] in [item["loc"] for item in bad_page.json()["detail"]]
    bad_enum = client.get("/v5/files", params={"type": "spreadsheet"})
    assert bad_enum.status_code == 422


def test_discriminated_spec_rejects_unknown_evaluator_type(client: TestClient) -> None:
    body = {
        "path": "e",
        "spec": {"evaluator_type": "oracle", "arguments_type": "target_free", "return_type": "boolean"},
    }
    response = client.post("/v5/evaluators", json=body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][:2] == ["body", "spec"]


def test_unknown_body_fields_are_ignored(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: Dict[str, Any] = {}

    def capture(ctx: Any, file_type: str, data: Dict[str, Any]) -> Any:
        seen.update(file_type=file_type, data=data)
        raise NotFound("seen")

    monkeypatch.setattr(files, "upsert", capture)
    response = client.post("/v5/prompts", json={"path": "a/b", "model": "gpt-4o", "brand_new_field": 1})
    assert response.status_code == 404 and response.json() == {"detail": "seen"}
    assert seen["file_type"] == "prompt"
    assert seen["data"]["path"] == "a/b" and seen["data"]["model"] == "gpt-4o"
    assert "brand_new_field" not in seen["data"]
