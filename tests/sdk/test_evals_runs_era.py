"""The runs-era face of ``evaluations.run``: its import paths, and which arguments select a Run."""

import typing

import pytest

from humanloop import eval_utils


def test_runs_era_import_paths_are_the_same_objects() -> None:
    from humanloop.evals import FileEvalConfig, run_eval
    from humanloop.evals.run import EvaluatorCheck
    from humanloop.evals.types import DatasetEvalConfig, EvaluatorEvalConfig

    assert run_eval is eval_utils.run_eval and EvaluatorCheck is eval_utils.EvaluatorCheck
    assert (FileEvalConfig, DatasetEvalConfig, EvaluatorEvalConfig) == (
        eval_utils.File,
        eval_utils.Dataset,
        eval_utils.Evaluator,
    )
    assert "evaluation_id" in eval_utils.EvaluatorCheck.model_fields


def _answer(q: str) -> str:
    return q


FILE: typing.Any = {"path": "f", "type": "flow", "callable": _answer}
DATASET: typing.Any = {"path": "d", "datapoints": [{"inputs": {"q": "x"}}]}


@pytest.mark.parametrize(
    "file, dataset, evaluators, runs",
    [
        (FILE, DATASET, [{"path": "e"}], False),  # the 0.8.6 arguments: a batch
        ({**FILE, "version_id": "flv_1", "id": "fl_1"}, DATASET, [], True),
        ({**FILE, "environment": "production", "id": "fl_1"}, DATASET, [], True),
        (FILE, {"path": "d"}, [], True),  # a stored Dataset
        (FILE, {**DATASET, "version_id": "dsv_1"}, [], True),
        (FILE, DATASET, [{"version_id": "evv_1"}], True),
        ({"id": "pr_1", "type": "prompt"}, DATASET, [], True),  # the server calls the Prompt
    ],
)
def test_which_arguments_select_a_run(
    file: typing.Any, dataset: typing.Any, evaluators: typing.Any, runs: bool
) -> None:
    assert eval_utils._runs_era(file, dataset, evaluators) is runs


def test_evaluator_references_of_a_run() -> None:
    refs = eval_utils._evaluator_refs(
        [
            {"path": "Example Evaluators/Code/Exact match"},
            {"id": "ev_1", "environment": "staging"},
            {"version_id": "evv_2"},
            {"path": "local/judge", "callable": _answer},
        ]
    )
    assert refs == [
        {"path": "Example Evaluators/Code/Exact match", "orchestrated": True},
        {"id": "ev_1", "environment": "staging", "orchestrated": True},
        {"version_id": "evv_2", "orchestrated": True},
        {"path": "local/judge", "orchestrated": False},
    ]
    with pytest.raises(ValueError):
        eval_utils._evaluator_refs([{"threshold": 1.0}])  # type: ignore[list-item]
