"""The SDK (sync and async) against the real server."""

from typing import Any, List

import httpx
import pytest

from humanloop import AsyncHumanloop, Humanloop
from humanloop.core.api_error import ApiError
from humanloop.errors import UnprocessableEntityError

from .conftest import Server

TEMPLATE = [{"role": "system", "content": "You answer {{topic}} questions."}]


@pytest.fixture
def hl(server: Server) -> Humanloop:
    return Humanloop(api_key=server.api_key, base_url=server.base_url)


def test_sdk_versions_commit_and_deployments(hl: Humanloop, uid: str) -> None:
    path = f"{uid}/sdk/prompt"
    a = hl.prompts.upsert(path=path, model="gpt-4o", template=TEMPLATE, temperature=0.4)
    b = hl.prompts.upsert(path=path, model="gpt-4o", template=TEMPLATE, temperature=0.4, top_p=1)
    assert a.version_id == b.version_id and a.status == "uncommitted"
    assert [i.name for i in a.inputs] == ["topic"]
    committed = hl.prompts.commit(id=a.id, version_id=a.version_id, commit_message="ship it")
    assert committed.status == "committed"
    with pytest.raises(UnprocessableEntityError) as err:
        hl.prompts.commit(id=a.id, version_id=a.version_id, commit_message="again")
    assert "already been committed" in err.value.body["detail"]["description"]
    newer = hl.prompts.upsert(path=path, model="gpt-4o", template=TEMPLATE, temperature=0.9)
    assert hl.prompts.get(id=a.id).version_id == a.version_id  # latest committed beats newer uncommitted
    prod = next(e for e in hl.prompts.list_environments(id=a.id) if e.name == "production")
    hl.prompts.set_deployment(id=a.id, environment_id=prod.id, version_id=newer.version_id)
    assert hl.prompts.get(id=a.id).version_id == newer.version_id
    assert hl.prompts.get(id=a.id, environment="production").version_id == newer.version_id
    hl.prompts.remove_deployment(id=a.id, environment_id=prod.id)
    assert hl.prompts.get(id=a.id).version_id == a.version_id
    versions = hl.prompts.list_versions(id=a.id, status="uncommitted").records
    assert [v.version_id for v in versions] == [newer.version_id]


def test_sdk_logs_traces_and_judgments(hl: Humanloop, uid: str) -> None:
    flow = hl.flows.log(path=f"{uid}/sdk/flow", flow={"attributes": {"version": 1}}, inputs={"q": "why"})
    step = hl.prompts.log(
        path=f"{uid}/sdk/step",
        prompt={"model": "gpt-4o", "template": TEMPLATE},
        inputs={"topic": "sky"},
        output="Rayleigh",
        trace_parent_id=flow.id,
    )
    tool = hl.tools.log(
        path=f"{uid}/sdk/tool",
        tool={"function": {"name": "search", "description": "s"}},
        output="hits",
        trace_parent_id=step.id,
    )
    closed = hl.flows.update_log(log_id=flow.id, trace_status="complete", output="because")
    assert closed.trace_status == "complete"
    with pytest.raises(ApiError) as err:
        hl.tools.log(path=f"{uid}/sdk/tool", output="late", trace_parent_id=tool.id)
    assert err.value.status_code is not None and 400 <= err.value.status_code < 500
    judged = hl.evaluators.log(parent_id=step.id, path="Example Evaluators/Human/rating", judgment="good")
    assert judged.parent_id == step.id
    got = hl.logs.get(id=step.id)
    assert got.prompt.id == step.prompt_id
    assert [e.judgment for e in got.evaluator_logs] == ["good"]
    trace = hl.logs.get(id=flow.id)
    assert [c.id for c in trace.trace_children] == [step.id]


def test_sdk_datasets_and_directories(hl: Humanloop, uid: str) -> None:
    ds = hl.datasets.upsert(
        path=f"{uid}/sdk/data/qa",
        datapoints=[
            {"inputs": {"q": "1"}, "target": {"output": "one"}},
            {"inputs": {"q": "1"}, "target": {"output": "one"}},
            {"inputs": {"q": "2"}},
        ],
    )
    assert ds.datapoints_count == 2
    more = hl.datasets.upsert(id=ds.id, action="add", datapoints=[{"inputs": {"q": "3"}}], commit_message="m")
    assert more.datapoints_count == 3 and more.status == "committed"
    full = hl.datasets.get(id=ds.id, include_datapoints=True)
    assert [d.inputs["q"] for d in full.datapoints] == ["1", "2", "3"]
    points = list(hl.datasets.list_datapoints(id=ds.id, size=2))
    assert [p.inputs["q"] for p in points] == ["1", "2", "3"]
    dirs = {d.path: d for d in hl.directories.list()}
    assert f"{uid}/sdk/data" in dirs
    listing = hl.directories.get(id=dirs[f"{uid}/sdk/data"].id)
    assert [f.name for f in listing.files] == ["qa"]


def test_sdk_pager_walks_all_pages(hl: Humanloop, uid: str) -> None:
    for i in range(7):
        hl.tools.upsert(path=f"{uid}/sdk/tools/t{i}", function={"name": f"fn{i}", "description": "d"})
    seen = [t.path for t in hl.tools.list(size=3, name="t") if t.path.startswith(f"{uid}/")]
    assert sorted(seen) == sorted(f"{uid}/sdk/tools/t{i}" for i in range(7))


def test_sdk_errors_for_other_org_and_bad_key(server: Server, hl: Humanloop, uid: str) -> None:
    p = hl.prompts.upsert(path=f"{uid}/sdk/secret", model="gpt-4o")
    other = Humanloop(api_key=server.other_key, base_url=server.base_url)
    with pytest.raises(ApiError) as err:
        other.prompts.get(id=p.id)
    assert err.value.status_code == 404
    bad = Humanloop(api_key="wrong", base_url=server.base_url)
    with pytest.raises(ApiError) as err:
        bad.prompts.list(size=1)
    assert err.value.status_code == 401


class _DropFirstResponse(httpx.BaseTransport):
    """Delivers every request, but loses the response of the first POST (as a network fault would)."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.dropped = 0
        self.keys: List[Any] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.method == "POST":
            self.keys.append(request.headers.get("idempotency-key"))
            if not self.dropped:
                response.read()
                response.close()
                self.dropped += 1
                raise httpx.ReadError("connection reset while reading the response", request=request)
        return response


def test_sdk_retry_after_lost_response_acts_once(server: Server, uid: str) -> None:
    transport = _DropFirstResponse()
    hl = Humanloop(api_key=server.api_key, base_url=server.base_url, httpx_client=httpx.Client(transport=transport))
    created = hl.prompts.log(path=f"{uid}/sdk/retry", prompt={"model": "gpt-4o"}, output="exactly once")
    assert transport.dropped == 1
    assert len(transport.keys) == 2 and transport.keys[0] and transport.keys[0] == transport.keys[1]
    logs = Humanloop(api_key=server.api_key, base_url=server.base_url).logs.list(file_id=created.prompt_id)
    assert [log.id for log in logs] == [created.id]


async def test_async_sdk_end_to_end(server: Server, uid: str) -> None:
    hl = AsyncHumanloop(api_key=server.api_key, base_url=server.base_url)
    a = await hl.prompts.upsert(path=f"{uid}/async/p", model="gpt-4o", template="Hi {{name}}")
    b = await hl.prompts.upsert(path=f"{uid}/async/p", model="gpt-4o", template="Hi {{name}}")
    assert a.version_id == b.version_id
    for i in range(5):
        await hl.prompts.log(id=a.id, inputs={"name": str(i)}, output=f"Hi {i}")
    pager = await hl.logs.list(file_id=a.id, size=2)
    ids = [log.id async for log in pager]
    assert len(ids) == 5 and len(set(ids)) == 5
    flow = await hl.flows.log(path=f"{uid}/async/f", flow={"attributes": {}}, trace_status="complete")
    with pytest.raises(ApiError):
        await hl.prompts.log(id=a.id, trace_parent_id=flow.id, output="late")
    committed = await hl.prompts.commit(id=a.id, version_id=a.version_id, commit_message="x")
    assert committed.status == "committed"
    with pytest.raises(UnprocessableEntityError):
        await hl.prompts.commit(id=a.id, version_id=a.version_id, commit_message="y")
    listing = await hl.files.list(type=["prompt", "flow"], name="p", size=100)
    assert a.id in [f.id for f in listing.records]
    other = AsyncHumanloop(api_key=server.other_key, base_url=server.base_url)
    with pytest.raises(ApiError) as err:
        await other.logs.get(id=ids[0])
    assert err.value.status_code == 404
