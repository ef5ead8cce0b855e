"""logs.* through the SDK (sync and async) against the real server."""

import datetime as dt

import pytest

from humanloop.core.api_error import ApiError

from . import sdk_lifecycle as lc
from .sdk_driver import Driver, driver_fixture

hl = driver_fixture()

PROMPT_A = {"model": "gpt-4o", "template": "Classify the sentiment of: {{review}}"}
PROMPT_B = {"model": "gpt-4o", "template": "Classify the sentiment (positive/negative) of: {{review}}"}
DAY = dt.datetime(2024, 6, 1, tzinfo=dt.timezone.utc)
REVIEWS = [
    ("The battery lasts forever", "positive", {"store": "berlin", "channel": "web"}),
    ("Screen cracked after a week", "negative", {"store": "paris", "channel": "app"}),
    ("Fast delivery, great price", "positive", {"store": "berlin", "channel": "app"}),
    ("Support never answered", "negative", {"store": "madrid", "channel": "web"}),
    ("Battery died on day two", "negative", {"store": "paris", "channel": "web"}),
]


def _seed(hl: Driver, uid: str) -> tuple:
    path = f"{uid}/logs/sentiment"
    made = []
    for i, (review, label, meta) in enumerate(REVIEWS):
        made.append(
            hl.prompts.log(
                path=path,
                prompt=PROMPT_A if i < 3 else PROMPT_B,
                inputs={"review": review},
                output=label,
                metadata=meta,
                created_at=DAY + dt.timedelta(days=i),
            )
        )
    return made[0].prompt_id, made


def test_list_filters(hl: Driver, uid: str) -> None:
    file_id, made = _seed(hl, uid)
    ids = [m.id for m in made]

    def listed(**kw: object) -> list:
        return [log.id for log in hl.logs.list(file_id=file_id, size=100, **kw)]

    assert listed() == ids[::-1]  # newest first
    assert listed(version_id=made[0].version_id) == ids[:3][::-1]
    assert listed(version_id=made[4].version_id) == ids[3:][::-1]
    assert listed(search="BATTERY") == [ids[4], ids[0]]  # inputs, case-insensitive
    assert listed(search="negative") == [ids[4], ids[3], ids[1]]  # output
    assert listed(search="no such words") == []
    assert listed(metadata_search="paris") == [ids[4], ids[1]]
    assert listed(start_date=DAY + dt.timedelta(days=1), end_date=DAY + dt.timedelta(days=3)) == ids[1:4][::-1]
    assert listed(start_date=DAY + dt.timedelta(days=4)) == [ids[4]]
    assert listed(end_date=DAY - dt.timedelta(days=1)) == []
    hl.prompts.commit(id=file_id, version_id=made[0].version_id, commit_message="v1")
    assert listed(version_status="committed") == ids[:3][::-1]
    assert listed(version_status="uncommitted") == ids[3:][::-1]
    got = hl.logs.get(id=ids[1])
    assert got.inputs == {"review": "Screen cracked after a week"} and got.output == "negative"
    assert got.metadata == {"store": "paris", "channel": "app"} and got.created_at == DAY + dt.timedelta(days=1)
    assert got.prompt.id == file_id


def test_list_pages(hl: Driver, uid: str) -> None:
    file_id, made = _seed(hl, uid)
    before = len(hl.requests)
    pages = list(hl.logs.list(file_id=file_id, size=2).iter_pages())
    assert [len(p.items) for p in pages] == [2, 2, 1]
    assert all(p.response.total == 5 for p in pages)
    assert len(hl.requests) - before == 3
    assert len(hl.logs.list(file_id=file_id).items) == 5  # default size 10
    assert hl.logs.list(file_id=file_id, page=9, size=2).items == []


def test_in_trace_filter(hl: Driver, uid: str) -> None:
    flow = hl.flows.log(path=f"{uid}/logs/flow", flow={"attributes": {"kind": "triage"}})
    path = f"{uid}/logs/triage"
    inside = hl.prompts.log(path=path, prompt=PROMPT_A, output="in", trace_parent_id=flow.id)
    outside = hl.prompts.log(path=path, prompt=PROMPT_A, output="out")
    all_ids = [log.id for log in hl.logs.list(file_id=inside.prompt_id)]
    assert sorted(all_ids) == sorted([inside.id, outside.id])
    assert [log.id for log in hl.logs.list(file_id=inside.prompt_id, in_trace_filter=True)] == [inside.id]
    assert [log.id for log in hl.logs.list(file_id=inside.prompt_id, in_trace_filter=False)] == [outside.id]


def test_include_parent_on_evaluator_logs(hl: Driver, uid: str) -> None:
    _, made = _seed(hl, uid)
    ev = hl.evaluators.upsert(
        path=f"{uid}/logs/correct",
        spec={"arguments_type": "target_free", "return_type": "boolean", "evaluator_type": "external"},
    )
    judgments = [hl.evaluators.log(parent_id=m.id, id=ev.id, judgment=i % 2 == 0) for i, m in enumerate(made[:2])]
    plain = list(hl.logs.list(file_id=ev.id))
    assert sorted(x.id for x in plain) == sorted(j.id for j in judgments)
    assert all(x.parent is None for x in plain)
    assert {x.parent_id for x in plain} == {made[0].id, made[1].id}
    withp = list(hl.logs.list(file_id=ev.id, include_parent=True))
    assert {x.id: x.parent.id for x in withp} == {judgments[0].id: made[0].id, judgments[1].id: made[1].id}
    assert {x.parent.output for x in withp} == {"positive", "negative"}
    assert {x.id: x.judgment for x in withp} == {judgments[0].id: True, judgments[1].id: False}


def test_get_and_delete_many(hl: Driver, uid: str) -> None:
    file_id, made = _seed(hl, uid)
    judgment = hl.evaluators.log(parent_id=made[0].id, path="Example Evaluators/Human/rating", judgment="bad")
    assert [e.id for e in hl.logs.get(id=made[0].id).evaluator_logs] == [judgment.id]
    assert hl.logs.delete(id=[made[0].id, made[2].id]) is None
    for gone in (made[0].id, made[2].id, judgment.id):  # judgments go with the judged log
        with pytest.raises(ApiError) as err:
            hl.logs.get(id=gone)
        assert lc.status(err) == 404
    left = [log.id for log in hl.logs.list(file_id=file_id)]
    assert sorted(left) == sorted([made[1].id, made[3].id, made[4].id])
    hl.logs.delete(id=made[1].id)  # a single id
    assert hl.logs.list(file_id=file_id).response.total == 2
    with pytest.raises(ApiError) as err:
        hl.logs.delete(id=["log_missing"])
    assert lc.status(err) == 404
    with pytest.raises(ApiError) as err:
        hl.logs.list(file_id="pr_missing")
    assert lc.status(err) == 404


def test_search_treats_wildcards_literally(hl: Driver, uid: str) -> None:
    log = hl.prompts.log(path=f"{uid}/logs/promo", prompt=PROMPT_A, inputs={"review": "50% off_sale"}, output="ok")
    assert [x.id for x in hl.logs.list(file_id=log.prompt_id, search="50%")] == [log.id]
    assert [x.id for x in hl.logs.list(file_id=log.prompt_id, search="f_s")] == [log.id]
    assert list(hl.logs.list(file_id=log.prompt_id, search="fXs")) == []


def test_deleting_a_file_deletes_the_judgments_of_its_logs(hl: Driver, uid: str) -> None:
    """As with logs.delete, a judged Log's evaluator logs go with it when its File is deleted."""
    answer = hl.prompts.log(path=f"{uid}/logs/doomed", prompt=PROMPT_A, inputs={"review": "meh"}, output="neutral")
    ev = hl.evaluators.upsert(
        path=f"{uid}/logs/judge",
        spec={"arguments_type": "target_free", "return_type": "boolean", "evaluator_type": "external"},
    )
    judgment = hl.evaluators.log(parent_id=answer.id, id=ev.id, judgment=True)
    assert hl.evaluators.get(id=ev.id).total_logs_count == 1
    hl.prompts.delete(id=answer.prompt_id)
    with pytest.raises(ApiError) as err:
        hl.logs.get(id=judgment.id)
    assert lc.status(err) == 404
    assert list(hl.logs.list(file_id=ev.id, include_parent=True)) == []
    assert hl.evaluators.get(id=ev.id).total_logs_count == 0
