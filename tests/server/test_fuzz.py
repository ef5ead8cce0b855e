"""Schema-driven fuzzing of the real server with schemathesis, from the committed ``api/openapi.json``.

Every operation of the contract becomes one pytest item (``test_fuzz[POST /v5/prompts/log][sqlite]``)
that sends a bounded, seeded (derandomized) set of generated requests to a dedicated server: uvicorn
on 127.0.0.1 with a fresh database (the same ``serve`` helper as the rest of the end-to-end suite, but
its own database, so that fuzzed writes never meet the other tests' data).

Generated path parameters and the ``version_id`` / ``environment`` / ``id`` query parameters are
sometimes swapped for ids of real resources created up front, so that the fuzzed bodies reach the
services and the database instead of stopping at a 404.

Checks, for every response:

- no 5xx. The exception: 502 ``provider_unreachable`` from ``prompts.call`` (providers point at a
  refusing loopback port, see ``no_providers``).
- ``content_type_conformance`` and ``response_schema_conformance``: a response whose status code is
  documented (200/201/204 and 422) has the documented media type and body schema.

``status_code_conformance`` is not run: the contract (like the reference API's) documents only the
success code and 422 per operation, while the server legitimately answers 400 (bad trace state),
401 (no/unknown key), 404 (unknown or other organisation's id), 409 (non-empty directory, duplicate
path, idempotency race); every one of those would be reported.

Bounds: ``MAX_EXAMPLES`` generated requests per operation (fuzzing phase only; no shrinking), a
fixed seed and ``derandomize=True`` so CI is deterministic. The whole run takes about a minute on
two cores.
"""

import io
import json
import os
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from humanloop_server.settings import Settings

from .conftest import API_KEY, Server, _backends, pg_database, serve

OPENAPI = Path(__file__).resolve().parents[2] / "api" / "openapi.json"
# HUMANLOOP_FUZZ_EXAMPLES / HUMANLOOP_FUZZ_SEED / HUMANLOOP_FUZZ_MODE (positive|negative|all) and
# HUMANLOOP_FUZZ_COVERAGE=1 (schemathesis' deterministic boundary-value phase) allow a longer local run.
MAX_EXAMPLES = int(os.environ.get("HUMANLOOP_FUZZ_EXAMPLES", "20"))
SEED = int(os.environ.get("HUMANLOOP_FUZZ_SEED", "20240501"))
MODE = os.environ.get("HUMANLOOP_FUZZ_MODE", "positive")
COVERAGE = os.environ.get("HUMANLOOP_FUZZ_COVERAGE") == "1"

schema = schemathesis.openapi.from_path(
    OPENAPI,
    config=schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "generation": {"deterministic": True, "max-examples": MAX_EXAMPLES, "mode": MODE},
            # fuzzing only by default: the contract carries no examples; coverage/stateful multiply the run time
            "phases": {
                "examples": {"enabled": False},
                "coverage": {"enabled": COVERAGE},
                "stateful": {"enabled": False},
            },
        }
    ),
)

# Ids of real resources on the fuzz server, filled by the `fuzz_server` fixture. Keys:
# "<kind>:<param>" for path parameters (kind = first path segment), "<kind>:spare" for Files that
# DELETE may remove, "query:<param>" for query parameters.
POOL: Dict[str, List[str]] = {}


def _with_real(value: Any, candidates: List[str]) -> st.SearchStrategy:
    if not candidates:
        return st.just(value)
    return st.one_of(st.sampled_from(candidates), st.just(value))


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: Dict[str, Any]) -> st.SearchStrategy:
    op = context.operation
    if not path_parameters:
        return st.just(path_parameters)
    kind = op.path.split("/")[2]
    out = {}
    for name, value in (path_parameters or {}).items():
        key = f"{kind}:{name}"
        if name == "id" and op.method.upper() == "DELETE" and op.path.count("/") == 3:
            key = f"{kind}:spare"  # DELETE /v5/<kind>/{id}: only throw-away Files
        out[name] = _with_real(value, POOL.get(key, []))
    return st.fixed_dictionaries(out)


@schema.hook
def flatmap_query(context: Any, query: Dict[str, Any]) -> st.SearchStrategy:
    if not query:
        return st.just(query)
    out = {}
    for name, value in query.items():
        candidates = POOL.get(f"query:{name}", [])
        if name == "id" and isinstance(value, list):
            out[name] = st.one_of(st.lists(st.sampled_from(candidates), max_size=2), st.just(value))
        else:
            out[name] = _with_real(value, candidates)
    return st.fixed_dictionaries(out)


#: one character past the lengths of the bounded text columns (String(128), (255), (1024), (2048) in
#: db/models.py): PostgreSQL refuses such values, SQLite would store them, the server must answer 422
OVERLONG = (129, 256, 1025, 2049)


def _string_leaves(value: Any, path: Tuple[Any, ...] = ()) -> List[Tuple[Any, ...]]:
    if isinstance(value, str):
        return [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _string_leaves(v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _string_leaves(v, (*path, i))]
    return []


def _lengthen(value: Any, path: Tuple[Any, ...], n: int) -> Any:
    if not path:
        return (value + "x" * n)[:n] if value else "x" * n
    head, rest = path[0], path[1:]
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[head] = _lengthen(value[head], rest, n)
    return copy


@schema.hook
def flatmap_body(context: Any, body: Any) -> st.SearchStrategy:
    """One body in four has one of its strings made one character too long for a bounded column.

    Top-level strings are chosen when there are any: most bounded columns store one of those
    (paths, names, ids, ``user``, ``source`` ...); nested ones are mostly free text.
    """
    leaves = _string_leaves(body) if isinstance(body, dict) else []
    leaves = [p for p in leaves if len(p) == 1] or leaves
    if not leaves:
        return st.just(body)
    overlong = st.tuples(st.sampled_from(leaves), st.sampled_from(OVERLONG)).map(
        lambda pick: _lengthen(body, pick[0], pick[1])
    )
    return st.integers(0, 3).flatmap(lambda k: overlong if k == 0 else st.just(body))


def _ok(r: httpx.Response) -> Dict[str, Any]:
    assert r.status_code < 300, r.text
    return r.json() if r.content else {}


def _seed(http: httpx.Client) -> None:
    """Create one or two of everything and record their ids in POOL."""
    POOL.clear()

    def add(key: str, *values: str) -> None:
        POOL.setdefault(key, []).extend(v for v in values if v)

    u = uuid.uuid4().hex[:8]
    bodies = {
        "prompts": lambda p: {"path": p, "model": "gpt-4o", "template": "Say {{word}}", "commit_message": "c"},
        "tools": lambda p: {"path": p, "function": {"name": "f", "description": "d"}, "commit_message": "c"},
        "flows": lambda p: {"path": p, "attributes": {"k": 1}, "commit_message": "c"},
        "evaluators": lambda p: {
            "path": p,
            "commit_message": "c",
            "spec": {"evaluator_type": "external", "arguments_type": "target_free", "return_type": "boolean"},
        },
        "datasets": lambda p: {"path": p, "datapoints": [{"inputs": {"a": "1"}, "target": {"x": 1}}]},
        "agents": lambda p: {
            "path": p,
            "model": "m",
            "provider": "mock",
            "template": [{"role": "user", "content": "Say {{word}}"}],
            "tools": [{"type": "inline", "json_schema": {"name": "f", "description": "d"}}],
        },
    }
    for kind, body in bodies.items():
        keep = _ok(http.post(f"/{kind}", json=body(f"fuzz-{u}/keep/{kind}")))
        spare = [_ok(http.post(f"/{kind}", json=body(f"fuzz-{u}/spare/{kind}{i}")))["id"] for i in range(3)]
        add(f"{kind}:id", keep["id"])
        add(f"{kind}:spare", *spare)
        add(f"{kind}:version_id", keep["version_id"])
        # a second, uncommitted version to commit / deploy
        if kind == "prompts":
            second = _ok(http.post("/prompts", json={**body(keep["path"]), "template": "v2", "commit_message": None}))
            add(f"{kind}:version_id", second["version_id"])
        add("query:version_id", keep["version_id"])
        if kind != "datasets":
            add("query:file_id", keep["id"])
        envs = _ok(http.get(f"/{kind}/{keep['id']}/environments"))
        add(f"{kind}:environment_id", *[e["id"] for e in envs])
        add("query:environment", *[e["name"] for e in envs])

    prompt_id = POOL["prompts:id"][0]
    plog = _ok(
        http.post("/prompts/log", json={"path": f"fuzz-{u}/keep/prompts", "output": "o", "inputs": {"word": "w"}})
    )
    tlog = _ok(http.post("/tools/log", json={"path": f"fuzz-{u}/keep/tools", "output": "o"}))
    flog = _ok(http.post("/flows/log", json={"path": f"fuzz-{u}/keep/flows", "inputs": {"q": "x"}}))
    spare_logs = [
        _ok(http.post("/prompts/log", json={"path": f"fuzz-{u}/keep/prompts", "output": str(i)}))["id"]
        for i in range(4)
    ]
    alog = _ok(http.post("/agents/call", json={"path": f"fuzz-{u}/keep/agents", "inputs": {"word": "w"}}))
    add("agents:log_id", alog["id"])
    add("logs:id", alog["id"])
    add("prompts:log_id", plog["id"])
    add("tools:log_id", tlog["id"])
    add("flows:log_id", flog["id"])
    add("logs:id", plog["id"], tlog["id"], flog["id"])
    add("query:id", *spare_logs)
    assert prompt_id

    # an Evaluation with a Run (and a 0.8.6 batch), so the evaluations routes reach their services
    evaluation = _ok(
        http.post(
            "/evaluations",
            json={
                "dataset": {"version_id": POOL["datasets:version_id"][0]},
                "evaluators": [{"version_id": POOL["evaluators:version_id"][0], "orchestrated": False}],
                "file": {"id": POOL["flows:id"][0]},
            },
        )
    )
    run = _ok(http.post(f"/evaluations/{evaluation['id']}/runs", json={"version": {"id": POOL["flows:id"][0]}}))
    add("evaluations:id", evaluation["id"])
    add("evaluations:run_id", run["id"])
    add("evaluations:evaluator_version_id", POOL["evaluators:version_id"][0])
    add("query:run_id", run["id"])

    dirs = {d["path"]: d["id"] for d in _ok(http.get("/directories"))}
    add("directories:id", dirs[f"fuzz-{u}/keep"])
    spare_dirs = [_ok(http.post("/directories", json={"path": f"fuzz-{u}/empty{i}"}))["id"] for i in range(3)]
    add("directories:spare", *spare_dirs)
    add("query:parent_id", dirs[f"fuzz-{u}/keep"])
    csv = "a,target\n1,x\n"
    _ok(
        http.post(
            f"/datasets/{POOL['datasets:id'][0]}/datapoints/csv",
            files={"file": ("d.csv", io.BytesIO(csv.encode()), "text/csv")},
            data={"commit_message": "csv"},
        )
    )


@pytest.fixture(scope="module")
def no_providers() -> Iterator[None]:
    """Model providers point at a loopback port where nothing listens, and no provider key is configured.

    Fuzzed ``prompts.call`` bodies that name a real provider and carry a key then get 502
    ``provider_unreachable`` instead of reaching the internet.
    """
    import socket

    with socket.socket() as closed, pytest.MonkeyPatch.context() as mp:
        closed.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
        url = f"http://127.0.0.1:{closed.getsockname()[1]}"
        mp.setenv("OPENAI_BASE_URL", url + "/v1")
        mp.setenv("ANTHROPIC_BASE_URL", url)
        mp.delenv("OPENAI_API_KEY", raising=False)
        mp.delenv("ANTHROPIC_API_KEY", raising=False)
        yield


#: the operations that call a model provider
CALLS = ("/v5/prompts/call", "/v5/agents/call", "/v5/agents/continue")


def _provider_unreachable(case: Any, response: Any) -> bool:
    if case.method.upper() != "POST" or case.operation.path not in CALLS or response.status_code != 502:
        return False
    detail = response.json().get("detail")
    return isinstance(detail, dict) and detail.get("type") == "provider_unreachable"


def _check_call_stream(case: Any, response: Any) -> bool:
    """``prompts.call`` / ``agents.call`` / ``agents.continue`` with ``stream`` answer SSE (the contract
    documents only the JSON form)."""
    if case.method.upper() != "POST" or case.operation.path not in CALLS:
        return False
    ctype = response.headers.get("content-type") or ""
    if isinstance(ctype, (list, tuple)):  # schemathesis keeps every value of a header
        ctype = ctype[0] if ctype else ""
    if not str(ctype).startswith("text/event-stream"):
        return False
    events = [line[5:].strip() for line in response.text.splitlines() if line.startswith("data:")]
    assert events, response.text[:2000]
    for data in events:
        chunk = json.loads(data)
        if case.operation.path != "/v5/prompts/call":  # an Agent event
            assert chunk["type"] and "log_id" in chunk and "message" in chunk, data
            continue
        assert isinstance(chunk["index"], int) and chunk["id"] and chunk["prompt_id"] and chunk["version_id"], data
        assert chunk.get("output") is not None or chunk.get("error"), data
    return True


@pytest.fixture(scope="module", params=_backends())
def fuzz_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, no_providers: None
) -> Iterator[Server]:
    with pg_database() if request.param == "postgresql" else _no_database() as database_url:
        settings = Settings(
            data_dir=tmp_path_factory.mktemp("hl-fuzz"),
            database_url=database_url,
            api_key=API_KEY,
            default_org_name="fuzz-" + request.param,
        )
        with serve(settings, request.param) as srv:
            with srv.client() as http:
                _seed(http)
            yield srv
    POOL.clear()


class _no_database:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


@pytest.fixture(scope="module")
def fuzz_session(fuzz_server: Server) -> Iterator[Any]:
    import requests

    with requests.Session() as session:
        session.headers["X-API-KEY"] = fuzz_server.api_key
        session.trust_env = False  # never through a proxy: loopback only
        yield session


def _already_committed(response: Any) -> bool:
    try:
        detail = response.json().get("detail")
    except ValueError:
        return False
    return isinstance(detail, dict) and detail.get("code") == "version_already_committed"


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,  # per-request latency is not under test; the run is bounded by max_examples
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure is reported as generated
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_fuzz(case: Any, fuzz_server: Server, fuzz_session: Any) -> None:
    root = fuzz_server.base_url[: -len("/v5")]
    assert root.startswith("http://127.0.0.1:")
    response = case.call(base_url=root, session=fuzz_session, timeout=30)
    status = response.status_code
    if _provider_unreachable(case, response):  # see `no_providers`: deliberate, and the answer says so
        return
    assert status < 500, (
        f"{case.method} {case.formatted_path} -> {status}\n{response.text[:2000]}\n\n{case.as_curl_command()}"
    )
    if status == 200 and _check_call_stream(case, response):
        return
    if status == 422 and _already_committed(response):
        # deliberate non-FastAPI 422 of the reference API (detail is an object, see
        # ../shared/api/SEMANTICS.md 1.3: clients match detail["description"])
        return
    case.validate_response(response, checks=[content_type_conformance, response_schema_conformance])
