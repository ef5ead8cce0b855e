"""`log_status` next to `trace_status`, client-chosen `log_id` on every log kind, and the new Log fields
of the 0.8.38 API, through the SDK against the real server (SQLite and PostgreSQL)."""

from typing import Any

import pytest

from humanloop import Humanloop
from humanloop.core.api_error import ApiError

from .conftest import Server
from .sdk_driver import Driver, driver_fixture
from .test_monitoring import CONTAINS_OK, _evaluator, _judgments, _settled, _wait_judged

hl = driver_fixture()

PROMPT = {"model": "gpt-4o", "provider": "mock", "template": "Answer {{q}}"}


def _status(exc: "pytest.ExceptionInfo[ApiError]") -> int:
    return int(exc.value.status_code or 0)


def test_client_chosen_log_ids_on_every_kind(hl: Driver, uid: str) -> None:
    p = hl.prompts.log(path=f"{uid}/ids/p", prompt=PROMPT, inputs={"q": "1"}, output="a", log_id=f"{uid}-p.1")
    assert p.id == f"{uid}-p.1"
    t = hl.tools.log(path=f"{uid}/ids/t", output="ran", log_id=f"{uid}_t")
    assert t.id == f"{uid}_t"
    f = hl.flows.log(path=f"{uid}/ids/f", log_id=f"{uid}_f")
    assert f.id == f"{uid}_f"
    ev = hl.evaluators.upsert(
        path=f"{uid}/ids/ev",
        spec={"evaluator_type": "external", "arguments_type": "target_free", "return_type": "boolean"},
    )
    j = hl.evaluators.log(id=ev.id, parent_id=p.id, judgment=True, log_id=f"{uid}_j", marked_completed=True)
    assert j.id == f"{uid}_j"
    got = hl.logs.get(id=p.id)
    assert (got.id, got.log_id, got.log_status) == (f"{uid}-p.1", f"{uid}-p.1", "complete")
    judged = [e for e in got.evaluator_logs if e.id == f"{uid}_j"][0]
    assert judged.marked_completed is True and judged.log_status == "complete"
    # an id in use is 409, for any kind, and nothing else is stored
    for call in (
        lambda: hl.prompts.log(path=f"{uid}/ids/p", output="b", log_id=f"{uid}_t"),
        lambda: hl.tools.log(path=f"{uid}/ids/t", output="b", log_id=f"{uid}-p.1"),
        lambda: hl.evaluators.log(id=ev.id, parent_id=p.id, judgment=False, log_id=f"{uid}_f"),
    ):
        with pytest.raises(ApiError) as taken:
            call()
        assert _status(taken) == 409
    assert hl.prompts.get(id=got.prompt.id).total_logs_count == 1
    # ids keep the server's rules: URL-safe characters, at most 128
    for bad in ("has space", "a/b", "", "x" * 129, "é"):
        with pytest.raises(ApiError) as refused:
            hl.tools.log(path=f"{uid}/ids/t", output="c", log_id=bad)
        assert _status(refused) == 422, bad


def test_prompt_call_with_log_id_and_status(hl: Driver, uid: str) -> None:
    call = hl.prompts.call(
        path=f"{uid}/ids/call", prompt=PROMPT, inputs={"q": "x"}, log_id=f"{uid}_call", log_status="incomplete"
    )
    assert (call.id, call.log_id, call.log_status) == (f"{uid}_call", f"{uid}_call", "incomplete")
    assert hl.logs.get(id=f"{uid}_call").log_status == "incomplete"
    with pytest.raises(ApiError) as again:
        hl.prompts.call(path=f"{uid}/ids/call", inputs={"q": "x"}, log_id=f"{uid}_call")
    assert _status(again) == 409
    updated = hl.prompts.update_log(id=call.prompt.id, log_id=call.id, log_status="complete", reasoning_tokens=7)
    assert (updated.log_status, updated.reasoning_tokens) == ("complete", 7)


def test_log_status_and_trace_status_are_one_state(hl: Driver, uid: str) -> None:
    # 0.8.38 writes log_status, 0.8.6 reads trace_status, and the other way round
    new = hl.flows.log(path=f"{uid}/st/f", log_status="incomplete")
    assert (new.log_status, new.trace_status) == ("incomplete", "incomplete")
    child = hl.prompts.log(path=f"{uid}/st/p", prompt=PROMPT, output="o", trace_parent_id=new.id)
    done = hl.flows.update_log(log_id=new.id, log_status="complete", output="all done")
    assert (done.log_status, done.trace_status) == ("complete", "complete")
    # a complete trace takes no more Logs, whichever name closed it
    with pytest.raises(ApiError) as closed:
        hl.prompts.log(path=f"{uid}/st/p", output="late", trace_parent_id=new.id)
    assert _status(closed) == 400
    # it cannot be reopened under either name
    for kw in ({"log_status": "incomplete"}, {"trace_status": "incomplete"}):
        with pytest.raises(ApiError) as reopen:
            hl.flows.update_log(log_id=new.id, **kw)
        assert _status(reopen) == 400
    old = hl.flows.log(path=f"{uid}/st/f", trace_status="complete")
    assert (old.log_status, old.trace_status) == ("complete", "complete")
    got = hl.logs.get(id=old.id)
    assert (got.log_status, got.trace_status) == ("complete", "complete")
    # both names with different values is 422; the same value is fine
    with pytest.raises(ApiError) as disagree:
        hl.flows.log(path=f"{uid}/st/f", trace_status="complete", log_status="incomplete")
    assert _status(disagree) == 422
    both = hl.flows.log(path=f"{uid}/st/f", trace_status="incomplete", log_status="incomplete")
    # update_log with neither only changes the fields
    still = hl.flows.update_log(log_id=both.id, output="partial")
    assert (still.output, still.log_status) == ("partial", "incomplete")
    assert hl.logs.get(id=child.id).log_status == "complete"


def test_new_log_fields_are_stored(hl: Driver, uid: str) -> None:
    msg = {"role": "assistant", "content": "done"}
    f = hl.flows.log(
        path=f"{uid}/fields/f",
        messages=[{"role": "user", "content": "go"}],
        output_message=msg,
        log_status="complete",
    )
    got = hl.logs.get(id=f.id)
    assert got.output_message.content == "done" and got.messages[0].content == "go"
    p = hl.prompts.log(path=f"{uid}/fields/p", prompt=PROMPT, output="x", reasoning_tokens=12, prompt_tokens=3)
    got_p = hl.logs.get(id=p.id)
    assert (got_p.reasoning_tokens, got_p.prompt_tokens) == (12, 3)
    # a number where text is expected is still taken as its text
    t = hl.tools.log(path=f"{uid}/fields/t", output=5)  # type: ignore[arg-type]
    assert hl.logs.get(id=t.id).output == "5"


def test_another_organisation_cannot_complete_a_log(server: Server, hl: Driver, uid: str) -> None:
    f = hl.flows.log(path=f"{uid}/other/f")
    p = hl.prompts.log(path=f"{uid}/other/p", prompt=PROMPT, output="x", log_status="incomplete")
    other = Driver(hl.mode, server, api_key=server.other_key)
    try:
        with pytest.raises(ApiError) as foreign:
            other.flows.update_log(log_id=f.id, log_status="complete")
        assert _status(foreign) == 404
        with pytest.raises(ApiError) as foreign_p:
            other.prompts.update_log(id=hl.logs.get(id=p.id).prompt.id, log_id=p.id, log_status="complete")
        assert _status(foreign_p) == 404
        # the same id may be chosen in another organisation: ids are per organisation
        mine = other.flows.log(path=f"{uid}/other/f", log_id=f.id)
        assert mine.id == f.id
    finally:
        other.close()
    assert hl.logs.get(id=f.id).log_status == "incomplete"


# ------------------------------------------------------------ monitoring waits for complete Logs


@pytest.fixture
def client(server: Server) -> Humanloop:
    return Humanloop(api_key=server.api_key, base_url=server.base_url)


def test_monitoring_runs_on_complete_logs_only(server: Server, client: Humanloop, uid: str) -> None:
    ev = _evaluator(client, f"{uid}/mon/ok", CONTAINS_OK)
    p = client.prompts.upsert(path=f"{uid}/mon/p", model="gpt-4o", template="hi {{x}}")
    client.prompts.update_monitoring(id=p.id, activate=[{"evaluator_version_id": ev.version_id}])
    pending: Any = client.prompts.log(id=p.id, inputs={"x": "1"}, output="ok so far", log_status="incomplete")
    _settled(server, pending.id)
    assert _judgments(client, pending.id, ev.id) == []
    client.prompts.update_log(id=p.id, log_id=pending.id, output="all ok", log_status="complete")
    assert _wait_judged(server, client, pending.id, ev.id).judgment is True
    # a Flow completed through log_status is judged as one completed through trace_status
    flow = client.flows.upsert(path=f"{uid}/mon/flow", attributes={"v": 1})
    client.flows.update_monitoring(id=flow.id, activate=[{"evaluator_version_id": ev.version_id}])
    open_log = client.flows.log(id=flow.id, inputs={"q": "x"})
    _settled(server, open_log.id)
    assert _judgments(client, open_log.id, ev.id) == []
    client.flows.update_log(log_id=open_log.id, log_status="complete", output="done ok")
    assert _wait_judged(server, client, open_log.id, ev.id).judgment is True


def test_human_judgment_counts_in_stats(hl: Driver, uid: str) -> None:
    from .test_evaluations import RATING, _log, _setup

    flow, ds = _setup(hl, uid, [])
    ev = hl.evaluations.create(
        name="human counts",
        file={"id": flow.id},
        dataset={"file_id": ds.id},
        evaluators=[{"path": RATING, "orchestrated": False}],
    )
    logs = [_log(hl, flow, ev.id, "b1", dp, f"answer {i}") for i, dp in enumerate(ds.datapoints)]
    # completed once they hold a judgment or are marked completed
    hl.evaluators.log(parent_id=logs[0], path=RATING, judgment="good")
    hl.evaluators.log(parent_id=logs[1], path=RATING, marked_completed=False)
    hl.evaluators.log(parent_id=logs[2], path=RATING, marked_completed=True)
    overall = hl.evaluations.get_stats(id=ev.id).overall_stats
    assert (overall.total_human_evaluator_logs, overall.total_completed_human_evaluator_logs) == (3, 2)
