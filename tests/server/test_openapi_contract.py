"""Contract of the server's OpenAPI document and of the routing layer.

These tests build the app with `create_app()` and never touch a database: the request context is
replaced by a stub, and handlers are swapped where a test needs a known outcome.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402

from humanloop_server.api import handlers  # noqa: E402
from humanloop_server.api.deps import RequestContext, get_context  # noqa: E402
from humanloop_server.api.errors import NotImplementedYet  # noqa: E402
from humanloop_server.app import create_app  # noqa: E402
from humanloop_server.openapi import build_openapi, dump_openapi  # noqa: E402

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
    app.dependency_overrides[get_context] = lambda: RequestContext(session=None, org_id="org_test", api_key="k")
    yield TestClient(app, raise_server_exceptions=True)  # no `with`: the lifespan (database) does not run


# ------------------------------------------------------------------------------------ document


def test_every_operation_is_under_v5_and_counted(doc: Dict[str, Any]) -> None:
    ops = operations(doc)
    assert len(ops) == 82
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
    others = [op for _, p, op in operations(doc) if "x-fern-streaming" in op and p != "/v5/prompts/call"]
    assert others == []


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
    assert set(form["required"]) == {"file", "commit_message"}
    status = doc["paths"]["/v5/evaluations/{id}/status"]["patch"]["requestBody"]["content"]
    assert set(resolve(doc, status["application/json"]["schema"])["properties"]) == {"status"}


def test_success_status_codes(doc: Dict[str, Any]) -> None:
    for method, path, op in operations(doc):
        codes = set(op["responses"]) - {"422"}
        if method == "delete":
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


def test_unimplemented_handler_answers_501_json(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def not_yet(*args: Any, **kwargs: Any) -> Any:
        raise NotImplementedYet()

    monkeypatch.setattr(handlers.evaluations, "get_stats", not_yet)
    response = client.get("/v5/evaluations/ev_1/stats")
    assert response.status_code == 501
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"detail": "not implemented yet"}


def test_handler_receives_validated_inputs(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: Dict[str, Any] = {}

    def capture(ctx: Any, id: str, *, version_id: Any = None, environment: Any = None) -> Any:
        seen.update(ctx=ctx, id=id, version_id=version_id, environment=environment)
        raise NotImplementedYet()

    monkeypatch.setattr(handlers.prompts, "get", capture)
    response = client.get("/v5/prompts/pr_1", params={"environment": "production"})
    assert response.status_code == 501
    assert seen["id"] == "pr_1" and seen["environment"] == "production" and seen["version_id"] is None
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

    def capture(ctx: Any, body: Any) -> Any:
        seen["body"] = body
        raise NotImplementedYet()

    monkeypatch.setattr(handlers.prompts, "upsert", capture)
    response = client.post("/v5/prompts", json={"path": "a/b", "model": "gpt-4o", "brand_new_field": 1})
    assert response.status_code == 501
    assert seen["body"].model == "gpt-4o" and not hasattr(seen["body"], "brand_new_field")
