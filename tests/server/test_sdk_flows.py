"""flows.* through the SDK (sync and async) against the real server."""

import datetime as dt

import pytest

from humanloop.core.api_error import ApiError

from . import sdk_lifecycle as lc
from .sdk_driver import Driver, driver_fixture

hl = driver_fixture()

A = {"attributes": {"pipeline": "rag", "retriever": "bm25", "k": 4}}
B = {"attributes": {"pipeline": "rag", "retriever": "dense", "k": 4}}
PROMPT = {"model": "gpt-4o", "template": [{"role": "user", "content": "Answer {{question}} using {{context}}"}]}
SEARCH = {"function": {"name": "search_docs", "description": "Full-text search over the docs"}}
T0 = dt.datetime(2024, 9, 1, 10, 0, 0, tzinfo=dt.timezone.utc)


def test_upsert_identity(hl: Driver, uid: str) -> None:
    lc.check_upsert_identity(hl, "flows", f"{uid}/flows/rag", A, B)
    assert hl.flows.upsert(path=f"{uid}/flows/rag", **A).attributes == A["attributes"]


def test_commit_and_list_versions(hl: Driver, uid: str) -> None:
    lc.check_commit_and_versions(hl, "flows", f"{uid}/flows/commit", A, B)


def test_deployments_and_default_version(hl: Driver, uid: str) -> None:
    lc.check_deployments(hl, "flows", f"{uid}/flows/deploy", A, B)


def test_move_and_delete(hl: Driver, uid: str) -> None:
    lc.check_move_and_delete(hl, "flows", uid, A)


def test_list_pages(hl: Driver, uid: str) -> None:
    lc.check_list_pager(hl, "flows", uid, lambda i: {"attributes": {"variant": i}})


def test_monitoring(hl: Driver, uid: str) -> None:
    lc.check_monitoring(hl, "flows", uid, A)


def test_trace_nesting_and_completion(hl: Driver, uid: str) -> None:
    flow = hl.flows.log(
        path=f"{uid}/flows/qa",
        flow=A,
        inputs={"question": "What is RAG?"},
        start_time=T0 + dt.timedelta(seconds=5),
        end_time=T0 + dt.timedelta(seconds=6),
    )
    assert flow.flow_id and flow.trace_status == "incomplete"
    retrieval = hl.tools.log(
        path=f"{uid}/flows/search",
        tool=SEARCH,
        inputs={"q": "RAG"},
        output="3 hits",
        trace_parent_id=flow.id,
        start_time=T0,
        end_time=T0 + dt.timedelta(seconds=1),
    )
    answer = hl.prompts.log(
        path=f"{uid}/flows/answer",
        prompt=PROMPT,
        output="Retrieval-augmented generation",
        inputs={"question": "What is RAG?", "context": "3 hits"},
        trace_parent_id=flow.id,
        start_time=T0 + dt.timedelta(seconds=1),
        end_time=T0 + dt.timedelta(seconds=9),
    )
    # any Log already in the trace can be a parent
    nested = hl.tools.log(path=f"{uid}/flows/search", tool=SEARCH, output="follow-up", trace_parent_id=answer.id)
    trace = hl.logs.get(id=flow.id)
    assert [c.id for c in trace.trace_children] == [retrieval.id, answer.id]
    assert [c.id for c in trace.trace_children[1].trace_children] == [nested.id]
    # the flow log widened to cover its children
    assert trace.start_time == T0 and trace.end_time == T0 + dt.timedelta(seconds=9)
    got_nested = hl.logs.get(id=nested.id)
    assert got_nested.trace_parent_id == answer.id and got_nested.trace_id == flow.id
    assert got_nested.trace_flow_id == flow.flow_id
    done = hl.flows.update_log(log_id=flow.id, trace_status="complete", output="RAG combines search and LLMs")
    assert done.trace_status == "complete" and done.output == "RAG combines search and LLMs"
    assert done.inputs == {"question": "What is RAG?"}
    for late in (
        lambda: hl.tools.log(path=f"{uid}/flows/search", output="late", trace_parent_id=flow.id),
        lambda: hl.prompts.log(path=f"{uid}/flows/answer", output="late", trace_parent_id=nested.id),
        lambda: hl.flows.log(path=f"{uid}/flows/sub", flow=B, trace_parent_id=answer.id),
    ):
        with pytest.raises(ApiError) as err:
            late()
        assert lc.status(err) == 400
    # judgments are still accepted on a completed trace
    judged = hl.evaluators.log(parent_id=answer.id, path="Example Evaluators/Human/rating", judgment="good")
    assert judged.parent_id == answer.id
    with pytest.raises(ApiError) as err:  # a completed trace cannot be reopened
        hl.flows.update_log(log_id=flow.id, trace_status="incomplete")
    assert lc.status(err) == 400
    assert hl.flows.update_log(log_id=flow.id, trace_status="complete").trace_status == "complete"
    with pytest.raises(ApiError) as err:
        hl.flows.update_log(log_id=answer.id, trace_status="complete")  # not a flow log
    assert lc.status(err) == 404


def test_log_details_versions_and_client_log_id(hl: Driver, uid: str) -> None:
    path = f"{uid}/flows/agent"
    a = hl.flows.log(path=path, flow=A, inputs={"goal": "book a table"})
    again = hl.flows.log(path=path, flow=A, inputs={"goal": "cancel booking"})
    assert (again.flow_id, again.version_id) == (a.flow_id, a.version_id)
    b = hl.flows.log(id=a.flow_id, flow=B, output="done", trace_status="complete")
    assert b.version_id != a.version_id and b.trace_status == "complete"
    # a Flow at an unknown path is created even without details
    bare = hl.flows.log(path=f"{uid}/flows/bare")
    assert bare.flow_id not in (a.flow_id,) and hl.flows.get(id=bare.flow_id).attributes == {}
    # a client-chosen log id lets children be appended before the flow log is known elsewhere
    chosen = f"log_{uid}_client"
    parent = hl.flows.log(path=path, flow=A, log_id=chosen)
    assert parent.id == chosen
    child = hl.prompts.log(path=f"{uid}/flows/agent-step", prompt=PROMPT, output="ok", trace_parent_id=chosen)
    assert hl.logs.get(id=child.id).trace_id == chosen
    with pytest.raises(ApiError) as err:
        hl.flows.log(path=path, flow=A, log_id=chosen)
    assert lc.status(err) == 409
    with pytest.raises(ApiError) as err:
        hl.prompts.log(path=f"{uid}/flows/agent-step", output="x", trace_parent_id="log_missing")
    assert lc.status(err) == 404
    assert hl.flows.get(id=a.flow_id, version_id=a.version_id).version_logs_count == 3
