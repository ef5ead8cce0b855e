"""evaluators.* through the SDK (sync and async) against the real server."""

import pytest

from humanloop.core.api_error import ApiError

from . import sdk_lifecycle as lc
from .sdk_driver import Driver, driver_fixture

hl = driver_fixture()

A = {"spec": lc.PYTHON_SPEC}
B = {
    "spec": {
        **lc.PYTHON_SPEC,
        "code": "def exact_match(log, testcase):\n    return log['output'].strip() == "
        "testcase['target']['output'].strip()\n",
    }
}
HUMAN = {
    "arguments_type": "target_free",
    "return_type": "select",
    "evaluator_type": "human",
    "instructions": "Is the answer polite?",
    "options": [{"name": "polite", "valence": "positive"}, {"name": "rude", "valence": "negative"}],
}


def test_upsert_identity(hl: Driver, uid: str) -> None:
    lc.check_upsert_identity(hl, "evaluators", f"{uid}/evals/exact", A, B)
    e = hl.evaluators.upsert(path=f"{uid}/evals/exact", **A)
    assert e.spec.evaluator_type == "python" and "exact_match" in e.spec.code


def test_commit_and_list_versions(hl: Driver, uid: str) -> None:
    lc.check_commit_and_versions(hl, "evaluators", f"{uid}/evals/commit", A, B)


def test_deployments_and_default_version(hl: Driver, uid: str) -> None:
    lc.check_deployments(hl, "evaluators", f"{uid}/evals/deploy", A, B)


def test_move_and_delete(hl: Driver, uid: str) -> None:
    lc.check_move_and_delete(hl, "evaluators", uid, A)


def test_list_pages(hl: Driver, uid: str) -> None:
    lc.check_list_pager(hl, "evaluators", uid, lambda i: {"spec": {**HUMAN, "instructions": f"Check #{i}"}})


def test_monitoring(hl: Driver, uid: str) -> None:
    lc.check_monitoring(hl, "evaluators", uid, {"spec": HUMAN})


def test_log_judgments(hl: Driver, uid: str) -> None:
    answer = hl.prompts.log(
        path=f"{uid}/evals/assistant",
        prompt={"model": "gpt-4o", "template": "Hi {{name}}"},
        inputs={"name": "Ana"},
        output="Hello Ana, how can I help?",
    )
    polite = hl.evaluators.upsert(path=f"{uid}/evals/polite", spec=HUMAN)
    first = hl.evaluators.log(parent_id=answer.id, id=polite.id, judgment="polite", metadata={"by": "qa-team"})
    assert first.parent_id == answer.id and first.version_id == polite.version_id
    # the seeded human rating evaluator, by path
    rating = hl.evaluators.log(parent_id=answer.id, path="Example Evaluators/Human/rating", judgment="good")
    # an evaluator created on the fly from its spec
    inline = hl.evaluators.log(
        parent_id=answer.id,
        path=f"{uid}/evals/length",
        spec={"arguments_type": "target_free", "return_type": "number", "evaluator_type": "external"},
        judgment=27,
    )
    parent = hl.logs.get(id=answer.id)
    judged = {e.id: e for e in parent.evaluator_logs}
    assert set(judged) == {first.id, rating.id, inline.id}
    assert judged[first.id].judgment == "polite" and judged[first.id].evaluator.id == polite.id
    assert judged[rating.id].judgment == "good"
    assert judged[inline.id].judgment == 27
    own = hl.logs.get(id=first.id)
    assert own.parent_id == answer.id and own.judgment == "polite" and own.metadata == {"by": "qa-team"}
    assert own.parent is not None and own.parent.id == answer.id
    with pytest.raises(ApiError) as err:
        hl.evaluators.log(parent_id="log_missing", id=polite.id, judgment="rude")
    assert lc.status(err) == 404
    with pytest.raises(ApiError) as err:  # an Evaluator without details at an unknown path
        hl.evaluators.log(parent_id=answer.id, path=f"{uid}/evals/unknown", judgment=True)
    assert lc.status(err) == 404
