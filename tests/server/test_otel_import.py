"""``POST /v5/import/otel/v1/traces``, where the 0.8.38 decorators send their spans.

The published SDK itself is driven in ``test_published_later_sdks.py``; here the spans are written
by hand, so each rule (rebuilding the flattened attributes, completing a flow Log by id, refusing
bad input with a 4xx, another organisation's trace) is checked on its own.
"""

from typing import Any, Dict, List

import httpx

from .conftest import Server

URL = "/import/otel/v1/traces"


def traces(*spans: Dict[str, Any]) -> Dict[str, Any]:
    return {"resourceSpans": [{"scopeSpans": [{"spans": list(spans)}]}]}


def span(attributes: Dict[str, str], **extra: Any) -> Dict[str, Any]:
    listed: List[Dict[str, Any]] = [{"key": k, "value": {"stringValue": v}} for k, v in attributes.items()]
    return {"name": "humanloop.tool", "attributes": listed, **extra}


def tool_span(uid: str, **log: str) -> Dict[str, Any]:
    return span(
        {
            "humanloop.file.type": "tool",
            "humanloop.file.path": f"{uid}/otel-add",
            "humanloop.file.function.name": "add",
            "humanloop.file.function.description": "Adds.",
            "humanloop.file.function.parameters.type": "object",
            "humanloop.file.function.parameters.required": "('a', 'b')",
            "humanloop.file.function.parameters.additionalProperties": "False",
            "humanloop.log.inputs.a": "2",
            "humanloop.log.inputs.b": "3",
            "humanloop.log.output": "5",
            **{f"humanloop.log.{k}": v for k, v in log.items()},
        },
        startTimeUnixNano="1700000000000000000",
        endTimeUnixNano="1700000001500000000",
    )


def test_a_tool_span_becomes_a_tool_log_under_its_flow(http: httpx.Client, uid: str) -> None:
    flow = http.post("/flows/log", json={"path": f"{uid}/otel-flow", "flow": {"attributes": {}}}).json()
    r = http.post(
        URL, content=httpx.Request("POST", "http://x", json=traces(tool_span(uid, trace_parent_id=flow["id"]))).read()
    )
    assert r.status_code == 200, r.text
    (log_id,) = r.json()["records"]
    log = http.get(f"/logs/{log_id}").json()
    assert log["inputs"] == {"a": "2", "b": "3"} and log["output"] == "5"
    assert log["trace_parent_id"] == flow["id"]
    assert log["start_time"].startswith("2023-11-14T22:13:20") and log["end_time"].startswith("2023-11-14T22:13:21")
    params = log["tool"]["function"]["parameters"]
    assert params == {"type": "object", "required": ["a", "b"], "additionalProperties": False}

    # the flow decorator's finished span names the Log it created first: that Log is completed
    done = span(
        {
            "humanloop.file.type": "flow",
            "humanloop.file.path": f"{uid}/otel-flow",
            "humanloop.log.id": flow["id"],
            "humanloop.log.log_status": "complete",
            "humanloop.log.output": "sum=5",
        }
    )
    r = http.post(URL, json=traces(done))
    assert r.status_code == 200 and r.json()["records"] == [flow["id"]]
    trace = http.get(f"/logs/{flow['id']}").json()
    assert trace["trace_status"] == "complete" and trace["output"] == "sum=5"
    assert [c["id"] for c in trace["trace_children"]] == [log_id]


def test_spans_that_are_not_humanloop_spans_store_nothing(http: httpx.Client) -> None:
    other = span({"gen_ai.system": "openai"})
    r = http.post(URL, json=traces(other))
    assert r.status_code == 200 and r.json() == {"records": []}


def test_bad_input_is_a_clear_4xx(http: httpx.Client, uid: str) -> None:
    for body in (
        b"not json",
        b"[1, 2]",
        b'{"resourceSpans": "x"}',
        b'{"resourceSpans": [{"scopeSpans": [{"spans": [1]}]}]}',
    ):
        r = http.post(URL, content=body)
        assert r.status_code == 400 and "OTLP" in r.json()["detail"], (body, r.text)
    unknown = span({"humanloop.file.type": "dataset", "humanloop.file.path": f"{uid}/d"})
    r = http.post(URL, json=traces(unknown))
    assert r.status_code == 422 and "dataset" in str(r.json()["detail"])
    no_path = span({"humanloop.file.type": "tool", "humanloop.log.output": "x"})
    r = http.post(URL, json=traces(no_path))
    assert 400 <= r.status_code < 500 and r.json()["detail"]
    missing_parent = tool_span(uid, trace_parent_id="log_doesnotexist")
    assert http.post(URL, json=traces(missing_parent)).status_code == 404


def test_another_organisation_cannot_attach_to_or_complete_a_trace(
    server: Server, http: httpx.Client, uid: str
) -> None:
    flow = http.post("/flows/log", json={"path": f"{uid}/otel-private", "flow": {"attributes": {}}}).json()
    with httpx.Client(base_url=server.base_url, headers={"X-API-KEY": server.other_key}, timeout=30) as other:
        r = other.post(URL, json=traces(tool_span(uid, trace_parent_id=flow["id"])))
        assert r.status_code == 404
        done = span(
            {
                "humanloop.file.type": "flow",
                "humanloop.file.path": f"{uid}/otel-private",
                "humanloop.log.id": flow["id"],
                "humanloop.log.log_status": "complete",
            }
        )
        assert other.post(URL, json=traces(done)).status_code == 404
    assert http.get(f"/logs/{flow['id']}").json()["trace_status"] == "incomplete"
