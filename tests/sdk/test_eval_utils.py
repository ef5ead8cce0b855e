"""client.evaluations.run, tested at the HTTP edge against a small scripted fake of the API.

These tests pin down the requests ``run`` sends, in order, so :class:`FakeHumanloop` plays the
endpoints ``run`` uses (tests/server/test_evaluations.py runs it against the real server): it stores what is posted, answers with realistic bodies
(built from :mod:`tests.sdk.fixtures`, valid for the SDK's response types), runs
its own (orchestrated) evaluators, and computes ``get_stats`` from the logs and
judgments it actually received, answering ``pending``/``running`` a few times first.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import re
import statistics
import threading
import time
import types
import typing

import httpx
import pytest

from humanloop import AsyncHumanloop, Humanloop, eval_utils
from humanloop.core.api_error import ApiError
from humanloop.eval_utils import EvaluatorCheck

from . import fixtures as fx
from .wire import API_KEY, BASE_URL, parse_ts

FLOW_PATH = "QA/Answer Flow"
PROMPT_PATH = "QA/Answer Prompt"
TOOL_PATH = "QA/Calculator"
DATASET_PATH = "QA/Arithmetic"
EXACT_MATCH = "Example Evaluators/Code/Exact match"

DATAPOINTS: typing.List[typing.Dict[str, typing.Any]] = [
    {"inputs": {"question": "1+1"}, "target": {"answer": "2"}},
    {"inputs": {"question": "2+2"}, "target": {"answer": "4"}},
    {"inputs": {"question": "3+3"}, "target": {"answer": "6"}},
    {"inputs": {"question": "5+5"}, "target": {"answer": "10"}},
]


def _now() -> str:
    return "2024-07-19T00:29:35.178000Z"


class FakeHumanloop:
    """A stateful handler for ``httpx.MockTransport``: just the endpoints ``evaluations.run`` uses."""

    def __init__(self, *, polls_before_completion: int = 2) -> None:
        self.lock = threading.Lock()
        self.requests: typing.List[httpx.Request] = []
        self.polls_before_completion = polls_before_completion
        self.polls = 0
        self.files: typing.Dict[str, typing.Dict[str, typing.Any]] = {}  # path -> {type, id, version_id, ...}
        self.datapoints: typing.List[typing.Dict[str, typing.Any]] = []
        self.evaluators: typing.Dict[str, typing.Dict[str, typing.Any]] = {}  # path -> evaluator body
        # server-side ("orchestrated") evaluators: path -> judge(log, datapoint)
        self.server_judges: typing.Dict[str, typing.Callable[[dict, dict], typing.Any]] = {}
        self.evaluations: typing.Dict[str, typing.Dict[str, typing.Any]] = {}  # id -> body
        self.logs: typing.Dict[str, typing.Dict[str, typing.Any]] = {}  # id -> {kind, body, query}
        self.judgments: typing.List[typing.Dict[str, typing.Any]] = []  # evaluator log bodies (+ version_id)
        self.fail: typing.Dict[typing.Tuple[str, str], int] = {}  # (method, path) -> status to answer
        self.add_server_evaluator(EXACT_MATCH, "boolean", lambda log, dp: log["output"] == dp["target"]["answer"])

    # -- set-up ---------------------------------------------------------------------------------

    def add_server_evaluator(
        self, path: str, return_type: str, judge: typing.Callable[[dict, dict], typing.Any]
    ) -> None:
        n = len(self.evaluators) + 1
        spec = {
            "evaluator_type": "python",
            "arguments_type": "target_required",
            "return_type": return_type,
            "code": "def exact_match(log, testcase):\n    return log['output'] == testcase['target']['answer']\n",
        }
        self.evaluators[path] = fx.evaluator(
            id=f"ev_server{n:02d}", version_id=f"evv_server{n:02d}", path=path, name=path.rsplit("/", 1)[-1], spec=spec
        )
        self.server_judges[path] = judge

    # -- recorded traffic -----------------------------------------------------------------------

    def calls(self) -> typing.List[str]:
        """``METHOD /path`` of every request, in order (the path without ``/v5``)."""
        return [f"{r.method} {r.url.path[3:]}" for r in self.requests]

    def bodies(self, method: str, path: str) -> typing.List[typing.Any]:
        return [json.loads(r.content) for r in self.requests if r.method == method and r.url.path == "/v5" + path]

    def requests_to(self, method: str, path: str) -> typing.List[httpx.Request]:
        return [r for r in self.requests if r.method == method and r.url.path == "/v5" + path]

    # -- the handler ----------------------------------------------------------------------------

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.requests.append(request)
            assert request.headers["x-api-key"] == API_KEY
            path = request.url.path
            assert path.startswith("/v5/"), path
            route = path[4:]
            status = self.fail.get((request.method, route))
            if status is not None:
                return httpx.Response(status, json={"detail": f"scripted failure {status}"})
            body = json.loads(request.content) if request.content else None
            query = dict(request.url.params)
            for pattern, method, handler in self._routes():
                match = re.fullmatch(pattern, route)
                if match and method == request.method:
                    result = handler(body, query, *match.groups())
                    if isinstance(result, httpx.Response):
                        return result
                    return httpx.Response(200, json=result)
            raise AssertionError(f"the fake has no route for {request.method} {path}")

    def _routes(self) -> typing.List[typing.Tuple[str, str, typing.Callable[..., typing.Any]]]:
        return [
            (r"(flows|prompts|tools)", "POST", self._upsert_file),
            (r"datasets", "POST", self._upsert_dataset),
            (r"datasets/([^/]+)", "GET", self._get_dataset),
            (r"evaluators", "POST", self._upsert_evaluator),
            (r"evaluations", "POST", self._create_evaluation),
            (r"evaluations", "GET", self._list_evaluations),
            (r"evaluations/([^/]+)/stats", "GET", self._stats),
            (r"evaluations/([^/]+)/logs", "GET", self._report_logs),
            (r"evaluations/([^/]+)", "GET", self._get_evaluation),
            (r"(flows|prompts|tools)/log", "POST", self._log),
            (r"evaluators/log", "POST", self._evaluator_log),
            (r"logs/([^/]+)", "GET", self._get_log),
        ]

    def _upsert_file(self, body: dict, query: dict, resource: str) -> dict:
        kind = resource[:-1]
        path = body["path"]
        existing = self.files.get(path)
        n = len(self.files) + 1
        file_id = existing["id"] if existing else {"flow": fx.FLOW_ID, "prompt": fx.PROMPT_ID, "tool": fx.TOOL_ID}[kind]
        version_id = existing["version_id"] if existing else f"{kind[:2]}v_{n:02d}Xq7LmZ"
        self.files[path] = {"type": kind, "id": file_id, "version_id": version_id}
        builder = {"flow": fx.flow, "prompt": fx.prompt, "tool": fx.tool}[kind]
        overrides: typing.Dict[str, typing.Any] = {"id": file_id, "version_id": version_id, "path": path}
        if kind == "flow":
            overrides["attributes"] = body["attributes"]
        return builder(**overrides)

    def _dataset_body(self, with_datapoints: bool) -> dict:
        return fx.dataset(
            path=DATASET_PATH,
            name="Arithmetic",
            datapoints_count=len(self.datapoints),
            datapoints=list(self.datapoints) if with_datapoints else None,
        )

    def _upsert_dataset(self, body: dict, query: dict) -> dict:
        assert body["path"] == DATASET_PATH
        self.datapoints = [
            {"id": f"dp_{n:02d}kRz7WqLm4Vh", "messages": None, "target": None, **dp}
            for n, dp in enumerate(body["datapoints"], start=1)
        ]
        return self._dataset_body(with_datapoints=False)

    def _get_dataset(self, body: None, query: dict, dataset_id: str) -> dict:
        assert dataset_id == fx.DATASET_ID
        return self._dataset_body(with_datapoints=query.get("include_datapoints") == "true")

    def _upsert_evaluator(self, body: dict, query: dict) -> dict:
        path = body["path"]
        n = len(self.evaluators) + 1
        existing = self.evaluators.get(path)
        if existing is not None and existing["spec"] == body["spec"]:
            return existing
        evaluator = fx.evaluator(
            id=existing["id"] if existing else f"ev_local{n:02d}",
            version_id=f"evv_local{n:02d}",
            path=path,
            name=path.rsplit("/", 1)[-1],
            spec=body["spec"],
        )
        self.evaluators[path] = evaluator
        return evaluator

    def _evaluator_by_ref(self, ref: dict) -> dict:
        if "path" in ref:
            return self.evaluators[ref["path"]]
        return next(e for e in self.evaluators.values() if e["id"] == ref["file_id"])

    def _create_evaluation(self, body: dict, query: dict) -> typing.Any:
        for existing in self.evaluations.values():
            if existing["name"] == body.get("name") and existing["file_id"] == body["file"]["id"]:
                return httpx.Response(409, json={"detail": f"An Evaluation named {body['name']!r} already exists"})
        n = len(self.evaluations) + 1
        evaluation_id = f"evr_{n:02d}aNg3qQnX0sJ2Hd5"
        self.evaluations[evaluation_id] = fx.evaluation(
            id=evaluation_id,
            name=body.get("name"),
            file_id=body["file"]["id"],
            dataset=self._dataset_body(with_datapoints=False),
            evaluatees=[],
            evaluators=[
                {
                    "version": self._evaluator_by_ref(ref),
                    "orchestrated": ref.get("orchestrated", True),
                    "added_at": fx.CREATED,
                }
                for ref in body["evaluators"]
            ],
            url=f"https://app.humanloop.com/evaluations/{evaluation_id}",
        )
        return self.evaluations[evaluation_id]

    def _list_evaluations(self, body: None, query: dict) -> dict:
        records = [e for e in self.evaluations.values() if e["file_id"] == query["file_id"]]
        return fx.paginated(records, page=int(query["page"]), size=int(query.get("size", 10)))

    def _get_evaluation(self, body: None, query: dict, evaluation_id: str) -> dict:
        return self.evaluations[evaluation_id]

    def _report_logs(self, body: None, query: dict, evaluation_id: str) -> dict:
        # the judgments' errors are read from here; this fake's evaluators never fail
        assert evaluation_id in self.evaluations
        return fx.paginated([], page=int(query.get("page", 1)), size=int(query.get("size", 10)))

    def _log(self, body: dict, query: dict, resource: str) -> dict:
        kind = resource[:-1]
        log_id = f"log_{len(self.logs) + 1:04d}QmX7Tz"
        self.logs[log_id] = {"kind": kind, "body": body, "version_id": query.get("version_id")}
        self.polls = 0  # work arrived: the evaluation is running again
        response = {"id": log_id, f"{kind}_id": body["id"], "version_id": query.get("version_id")}
        if kind == "flow":
            response["trace_status"] = body.get("trace_status", "incomplete")
        return response

    def _get_log(self, body: None, query: dict, log_id: str) -> dict:
        log = self.logs[log_id]
        sent = log["body"]
        fields = {
            "id": log_id,
            "inputs": sent.get("inputs"),
            "output": sent.get("output"),
            "error": sent.get("error"),
            "source_datapoint_id": sent.get("source_datapoint_id"),
            "batch_id": sent.get("batch_id"),
            "evaluation_id": sent.get("evaluation_id"),
        }
        if log["kind"] == "flow":
            return fx.flow_log(**fields, trace_status=sent.get("trace_status"), metadata=None)
        if log["kind"] == "prompt":
            return fx.prompt_log(**fields)
        return fx.tool_log(**fields)

    def _evaluator_log(self, body: dict, query: dict) -> dict:
        assert body["parent_id"] in self.logs, body
        self.judgments.append({**body, "version_id": query.get("version_id")})
        return {
            "id": f"log_judg{len(self.judgments):03d}",
            "parent_id": body["parent_id"],
            "version_id": query.get("version_id"),
        }

    # -- stats ----------------------------------------------------------------------------------

    def _stats(self, body: None, query: dict, evaluation_id: str) -> dict:
        evaluation = self.evaluations[evaluation_id]
        self.polls += 1
        if self.polls <= self.polls_before_completion:
            status = "pending" if self.polls == 1 else "running"
        else:
            status = "completed"
        datapoint_by_id = {dp["id"]: dp for dp in self.datapoints}
        batches: typing.Dict[typing.Tuple[str, str], typing.List[str]] = {}  # chronological (dicts keep order)
        for log_id, log in self.logs.items():
            if log["body"].get("evaluation_id") == evaluation_id:
                batches.setdefault((log["version_id"], log["body"]["batch_id"]), []).append(log_id)
        version_stats = []
        for (version_id, batch_id), log_ids in batches.items():
            evaluator_stats = []
            for ref in evaluation["evaluators"]:
                version = ref["version"]
                judgments: typing.List[typing.Any] = []
                errors = 0
                for log_id in log_ids:
                    sent = self.logs[log_id]["body"]
                    if ref["orchestrated"]:
                        judge = self.server_judges[version["path"]]
                        judgments.append(judge(sent, datapoint_by_id[sent["source_datapoint_id"]]))
                        continue
                    for j in self.judgments:
                        if j["parent_id"] == log_id and j["version_id"] == version["version_id"]:
                            if j.get("error") is not None:
                                errors += 1
                            else:
                                judgments.append(j["judgment"])
                common = {
                    "evaluator_version_id": version["version_id"],
                    "total_logs": len(log_ids),
                    "num_judgments": len(judgments),
                    "num_nulls": len(log_ids) - len(judgments) - errors,
                    "num_errors": errors,
                }
                if version["spec"]["return_type"] == "boolean":
                    evaluator_stats.append(
                        {
                            **common,
                            "num_true": sum(1 for j in judgments if j is True),
                            "num_false": sum(1 for j in judgments if j is False),
                        }
                    )
                else:
                    evaluator_stats.append(
                        {
                            **common,
                            "mean": statistics.mean(judgments) if judgments else None,
                            "std": statistics.pstdev(judgments) if judgments else None,
                            "percentiles": {},
                        }
                    )
            version_stats.append(
                {
                    "version_id": version_id,
                    "batch_id": batch_id,
                    "num_logs": len(log_ids),
                    "evaluator_version_stats": evaluator_stats,
                }
            )
        total_logs = sum(len(ids) for ids in batches.values())
        return {
            "overall_stats": {
                "num_datapoints": len(self.datapoints),
                "total_logs": total_logs,
                "total_evaluator_logs": len(self.judgments),
            },
            "version_stats": version_stats,
            "status": status,
            "progress": f"{status}: {total_logs} logs",
            "report": "Evaluation report" if status == "completed" else None,
        }


# ------------------------------------------------------------------------------------------------
# helpers


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> typing.List[float]:
    """The delays ``run`` waited between status checks (no real sleeping)."""
    recorded: typing.List[float] = []
    monkeypatch.setattr(eval_utils, "time", types.SimpleNamespace(sleep=recorded.append, monotonic=time.monotonic))
    return recorded


def make_client(fake: FakeHumanloop) -> Humanloop:
    return Humanloop(api_key=API_KEY, base_url=BASE_URL, httpx_client=httpx.Client(transport=httpx.MockTransport(fake)))


def answer(question: str) -> str:
    """Right for every question except 3+3."""
    a, b = question.split("+")
    total = int(a) + int(b)
    return str(total if total != 6 else 7)


def is_short(log):
    return len(log["output"]) <= 2


def matches_target(log, target):
    return log["output"] == target["answer"]


def answer_length(log):
    return len(log["output"] or "")


def assert_batch_id(value: typing.Any) -> None:
    assert isinstance(value, str) and re.fullmatch(r"[0-9a-f]{10}", value), value


# ------------------------------------------------------------------------------------------------
# a Flow evaluated with local and server-side evaluators


def run_flow(client: Humanloop, **overrides: typing.Any) -> typing.List[EvaluatorCheck]:
    kwargs: typing.Dict[str, typing.Any] = dict(
        file={
            "path": FLOW_PATH,
            "type": "flow",
            "version": {"model": "gpt-4o", "temperature": 0.2},
            "callable": answer,
        },
        name="Nightly",
        dataset={"path": DATASET_PATH, "datapoints": DATAPOINTS},
        evaluators=[
            {
                "path": "Local/Matches target",
                "callable": matches_target,
                "args_type": "target_required",
                "return_type": "boolean",
                "threshold": 0.8,
            },
            {
                "path": "Local/Answer length",
                "callable": answer_length,
                "args_type": "target_free",
                "return_type": "number",
            },
            {"path": EXACT_MATCH, "threshold": 0.5},
        ],
        workers=3,
    )
    kwargs.update(overrides)
    return client.evaluations.run(**kwargs)


def test_flow_run_requests_in_order_and_content(sleeps: typing.List[float], capsys: pytest.CaptureFixture[str]) -> None:
    fake = FakeHumanloop()
    checks = run_flow(make_client(fake))
    calls = fake.calls()

    # set-up, in order: file, dataset (+ read back), local evaluators, evaluation
    assert calls[:6] == [
        "POST /flows",
        "POST /datasets",
        f"GET /datasets/{fx.DATASET_ID}",
        "POST /evaluators",
        "POST /evaluators",
        "POST /evaluations",
    ]
    # then per datapoint: one log, the full log read back, one judgment per local evaluator
    work = calls[6 : 6 + 4 * len(DATAPOINTS)]
    assert sorted(work) == sorted(
        [
            *["POST /flows/log"] * 4,
            *[f"GET /logs/log_{n:04d}QmX7Tz" for n in range(1, 5)],
            *["POST /evaluators/log"] * 8,
        ]
    )
    # then polling until completed, and the evaluation read once more
    evaluation_id = "evr_01aNg3qQnX0sJ2Hd5"
    assert calls[6 + 4 * len(DATAPOINTS) :] == [f"GET /evaluations/{evaluation_id}/stats"] * 3 + [
        f"GET /evaluations/{evaluation_id}",
        f"GET /evaluations/{evaluation_id}/logs",  # the error texts of this batch's judgments
    ]

    # the flow's version is sent as its attributes
    assert fake.bodies("POST", "/flows") == [{"path": FLOW_PATH, "attributes": {"model": "gpt-4o", "temperature": 0.2}}]
    # the dataset is upserted with the given datapoints, then read back with them
    assert fake.bodies("POST", "/datasets") == [{"path": DATASET_PATH, "datapoints": DATAPOINTS}]
    (get_dataset,) = fake.requests_to("GET", f"/datasets/{fx.DATASET_ID}")
    assert dict(get_dataset.url.params) == {"version_id": fx.DATASET_VERSION_ID, "include_datapoints": "true"}
    # local evaluators are upserted as external ones, keyed by their source code
    assert fake.bodies("POST", "/evaluators") == [
        {
            "path": "Local/Matches target",
            "spec": {
                "evaluator_type": "external",
                "arguments_type": "target_required",
                "return_type": "boolean",
                "attributes": {"code": inspect.getsource(matches_target)},
            },
        },
        {
            "path": "Local/Answer length",
            "spec": {
                "evaluator_type": "external",
                "arguments_type": "target_free",
                "return_type": "number",
                "attributes": {"code": inspect.getsource(answer_length)},
            },
        },
    ]
    (create,) = fake.bodies("POST", "/evaluations")
    assert create["name"] == "Nightly"
    assert create["dataset"] == {"version_id": fx.DATASET_VERSION_ID}  # the version the run works on
    assert create["file"] == {"id": fx.FLOW_ID}
    assert [e["path"] for e in create["evaluators"]] == ["Local/Matches target", "Local/Answer length", EXACT_MATCH]
    # the server runs only the evaluators it has the code of
    assert [e.get("orchestrated") for e in create["evaluators"]] == [False, False, True]

    # exactly one log per datapoint, all of one batch
    log_requests = fake.requests_to("POST", "/flows/log")
    assert len(log_requests) == len(DATAPOINTS)
    logs = [json.loads(r.content) for r in log_requests]
    assert {json.dumps(r.url.params.get("version_id")) for r in log_requests} == {
        json.dumps(fake.files[FLOW_PATH]["version_id"])
    }
    batch_ids = {log["batch_id"] for log in logs}
    assert len(batch_ids) == 1
    (batch_id,) = batch_ids
    assert_batch_id(batch_id)
    by_datapoint = {log["source_datapoint_id"]: log for log in logs}
    assert sorted(by_datapoint) == [dp["id"] for dp in fake.datapoints]
    for dp in fake.datapoints:
        log = by_datapoint[dp["id"]]
        assert log["id"] == fx.FLOW_ID
        assert log["evaluation_id"] == evaluation_id
        assert log["inputs"] == dp["inputs"]
        assert log["output"] == answer(**dp["inputs"])
        assert log["trace_status"] == "complete"
        assert "error" not in log
        assert parse_ts(log["start_time"]) <= parse_ts(log["end_time"])

    # the judgments: one per log and local evaluator, posted with the log as parent
    ev_matches = fake.evaluators["Local/Matches target"]
    ev_length = fake.evaluators["Local/Answer length"]
    got = {(j["parent_id"], j["id"], j["version_id"]): j["judgment"] for j in fake.judgments}
    expected = {}
    for log_id, log in fake.logs.items():
        dp = next(d for d in fake.datapoints if d["id"] == log["body"]["source_datapoint_id"])
        expected[(log_id, ev_matches["id"], ev_matches["version_id"])] = log["body"]["output"] == dp["target"]["answer"]
        expected[(log_id, ev_length["id"], ev_length["version_id"])] = len(log["body"]["output"])
    assert got == expected
    assert len(fake.judgments) == 2 * len(DATAPOINTS)

    # 3 of 4 answers are right ("7" for 3+3); lengths are 1, 1, 1, 2
    assert checks == [
        EvaluatorCheck(
            path="Local/Matches target",
            improvement_check=True,
            score=0.75,
            delta=0.0,
            threshold=0.8,
            threshold_check=False,
            num_logs=4,
        ),
        EvaluatorCheck(path="Local/Answer length", improvement_check=True, score=1.25, delta=0.0, num_logs=4),
        EvaluatorCheck(
            path=EXACT_MATCH,
            improvement_check=True,
            score=0.75,
            delta=0.0,
            threshold=0.5,
            threshold_check=True,
            num_logs=4,
        ),
    ]

    out = capsys.readouterr()
    assert f"Evaluating {FLOW_PATH}" in out.err and "4/4" in out.err  # the progress line
    assert "pending: 4 logs" in out.err and "completed: 4 logs" in out.err
    assert "Evaluation report" in out.out


def test_second_run_reuses_the_evaluation_by_name_and_reports_deltas(sleeps: typing.List[float]) -> None:
    fake = FakeHumanloop()
    client = make_client(fake)
    run_flow(client)
    first_batch = fake.bodies("POST", "/flows/log")[0]["batch_id"]
    fake.requests.clear()

    def right(question: str) -> str:
        a, b = question.split("+")
        return str(int(a) + int(b))

    checks = run_flow(
        client, file={"path": FLOW_PATH, "type": "flow", "version": {"model": "gpt-4o"}, "callable": right}
    )

    calls = fake.calls()
    # create answers 409: the Evaluation of that name is looked up among the file's Evaluations
    assert calls[5:7] == ["POST /evaluations", "GET /evaluations"]
    (listing,) = fake.requests_to("GET", "/evaluations")
    assert dict(listing.url.params) == {"file_id": fx.FLOW_ID, "page": "1", "size": "50"}
    assert len(fake.evaluations) == 1
    logs = fake.bodies("POST", "/flows/log")
    assert {log["evaluation_id"] for log in logs} == {"evr_01aNg3qQnX0sJ2Hd5"}
    second_batch = logs[0]["batch_id"]
    assert_batch_id(second_batch)
    assert second_batch != first_batch
    assert {log["batch_id"] for log in logs} == {second_batch}

    assert checks == [
        EvaluatorCheck(
            path="Local/Matches target",
            improvement_check=True,
            score=1.0,
            delta=0.25,
            threshold=0.8,
            threshold_check=True,
            num_logs=4,
        ),
        EvaluatorCheck(path="Local/Answer length", improvement_check=True, score=1.25, delta=0.0, num_logs=4),
        EvaluatorCheck(
            path=EXACT_MATCH,
            improvement_check=True,
            score=1.0,
            delta=0.25,
            threshold=0.5,
            threshold_check=True,
            num_logs=4,
        ),
    ]

    # a third run compares with the second (the batch right before it), not the first
    checks = run_flow(client, file={"path": FLOW_PATH, "type": "flow", "callable": lambda question: "0"})
    assert checks == [
        EvaluatorCheck(
            path="Local/Matches target",
            improvement_check=False,
            score=0.0,
            delta=-1.0,
            threshold=0.8,
            threshold_check=False,
            num_logs=4,
        ),
        EvaluatorCheck(path="Local/Answer length", improvement_check=False, score=1.0, delta=-0.25, num_logs=4),
        EvaluatorCheck(
            path=EXACT_MATCH,
            improvement_check=False,
            score=0.0,
            delta=-1.0,
            threshold=0.5,
            threshold_check=False,
            num_logs=4,
        ),
    ]


def test_409_without_a_matching_name_raises(sleeps: typing.List[float]) -> None:
    fake = FakeHumanloop()
    client = make_client(fake)
    fake.fail[("POST", "evaluations")] = 409
    with pytest.raises(ValueError, match="Nightly"):
        run_flow(client)
    assert fake.calls()[-2:] == ["POST /evaluations", "GET /evaluations"]
    assert not fake.requests_to("POST", "/flows/log")


def test_other_create_errors_propagate(sleeps: typing.List[float]) -> None:
    fake = FakeHumanloop()
    fake.fail[("POST", "evaluations")] = 403
    with pytest.raises(ApiError) as info:
        run_flow(make_client(fake))
    assert info.value.status_code == 403
    assert fake.calls()[-1] == "POST /evaluations"


def test_missing_target_raises_before_any_evaluation(sleeps: typing.List[float]) -> None:
    fake = FakeHumanloop()
    datapoints = [DATAPOINTS[0], {"inputs": {"question": "5+5"}}, {"inputs": {"question": "6+6"}, "target": {}}]
    with pytest.raises(ValueError, match="2 datapoint"):
        run_flow(make_client(fake), dataset={"path": DATASET_PATH, "datapoints": datapoints})
    assert "POST /evaluations" not in fake.calls()
    assert not fake.requests_to("POST", "/flows/log")


def test_polling_backs_off_and_is_capped(sleeps: typing.List[float]) -> None:
    fake = FakeHumanloop(polls_before_completion=12)
    run_flow(make_client(fake))
    assert len(fake.requests_to("GET", "/evaluations/evr_01aNg3qQnX0sJ2Hd5/stats")) == 13
    assert len(sleeps) == 12
    assert sleeps[0] <= 0.5  # quick at first
    assert all(a <= b for a, b in zip(sleeps, sleeps[1:]))  # never shorter than before
    assert sleeps[0] < sleeps[1] < sleeps[2]  # backing off
    assert max(sleeps) == sleeps[-1] == sleeps[-2] <= 5.0  # capped


def test_no_sleep_when_already_completed(sleeps: typing.List[float]) -> None:
    fake = FakeHumanloop(polls_before_completion=0)
    run_flow(make_client(fake))
    assert sleeps == []


def test_cancelled_evaluation_raises(sleeps: typing.List[float], monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeHumanloop()
    original = fake._stats

    def cancelled(*args: typing.Any) -> dict:
        return {**original(*args), "status": "cancelled"}

    monkeypatch.setattr(fake, "_stats", cancelled)
    with pytest.raises(RuntimeError, match="cancelled"):
        run_flow(make_client(fake))


# ------------------------------------------------------------------------------------------------
# failures inside callables


def test_a_raising_callable_is_logged_as_an_error_and_judged(sleeps: typing.List[float]) -> None:
    def flaky(question: str) -> str:
        if question == "2+2":
            raise RuntimeError("model overloaded")
        return answer(question)

    def judge_or_fail(log):
        if log["output"] is None:
            raise KeyError("output")
        return True

    fake = FakeHumanloop()
    run_flow(
        make_client(fake),
        file={"path": FLOW_PATH, "type": "flow", "callable": flaky},
        evaluators=[{"path": "Local/Judge", "callable": judge_or_fail, "return_type": "boolean"}],
    )
    logs = fake.bodies("POST", "/flows/log")
    assert len(logs) == len(DATAPOINTS)
    (failed,) = [log for log in logs if log["inputs"] == {"question": "2+2"}]
    assert "output" not in failed
    assert "model overloaded" in failed["error"] and "RuntimeError" in failed["error"]
    assert failed["trace_status"] == "complete"
    assert failed["batch_id"] == logs[0]["batch_id"]
    # a judge that raises posts its error instead of a judgment
    failed_id = next(i for i, log in fake.logs.items() if log["body"].get("error"))
    (judgment,) = [j for j in fake.judgments if j["parent_id"] == failed_id]
    assert "judgment" not in judgment and "KeyError" in judgment["error"]
    assert all(j["judgment"] is True for j in fake.judgments if j["parent_id"] != failed_id)


def test_a_non_string_output_is_logged_as_an_error(sleeps: typing.List[float]) -> None:
    fake = FakeHumanloop()
    run_flow(
        make_client(fake), file={"path": FLOW_PATH, "type": "flow", "callable": lambda question: 42}, evaluators=[]
    )
    logs = fake.bodies("POST", "/flows/log")
    assert len(logs) == len(DATAPOINTS)
    assert all("TypeError" in log["error"] and "output" not in log for log in logs)


def test_an_api_error_raised_by_the_callable_is_logged_not_fatal(sleeps: typing.List[float]) -> None:
    # the callable may itself call Humanloop (e.g. prompts.call): its failure belongs to that datapoint
    def calls_the_api(question: str) -> str:
        if question == "1+1":
            raise ApiError(status_code=429, body={"detail": "rate limited by the provider"})
        return answer(question)

    fake = FakeHumanloop()
    run_flow(make_client(fake), file={"path": FLOW_PATH, "type": "flow", "callable": calls_the_api}, evaluators=[])
    logs = fake.bodies("POST", "/flows/log")
    assert len(logs) == len(DATAPOINTS)
    (failed,) = [log for log in logs if log["inputs"] == {"question": "1+1"}]
    assert "ApiError" in failed["error"] and "429" in failed["error"]


def test_a_failing_log_request_stops_the_run(sleeps: typing.List[float]) -> None:
    fake = FakeHumanloop()
    fake.fail[("POST", "flows/log")] = 400
    with pytest.raises(ApiError) as info:
        run_flow(make_client(fake), workers=1, evaluators=[])
    assert info.value.status_code == 400
    # the failure is not re-logged as the datapoint's error, and the remaining datapoints are dropped
    assert len(fake.requests_to("POST", "/flows/log")) == 1
    assert not fake.requests_to("GET", "/evaluations/evr_01aNg3qQnX0sJ2Hd5/stats")


# ------------------------------------------------------------------------------------------------
# other file types


def test_prompt_run_passes_messages_and_logs_without_trace_status(sleeps: typing.List[float]) -> None:
    seen: typing.List[typing.Dict[str, typing.Any]] = []

    def chat(question: str, messages: typing.List[dict]) -> str:
        seen.append({"question": question, "messages": messages})
        return answer(question)

    fake = FakeHumanloop()
    datapoints = [
        {**dp, "messages": [{"role": "user", "content": f"What is {dp['inputs']['question']}?"}]} for dp in DATAPOINTS
    ]
    checks = make_client(fake).evaluations.run(
        file={
            "path": PROMPT_PATH,
            "type": "prompt",
            "version": {"model": "gpt-4o", "temperature": 0.0},
            "callable": chat,
        },
        name=None,
        dataset={"path": DATASET_PATH, "datapoints": datapoints},
        evaluators=[{"path": "Local/Short", "callable": is_short, "return_type": "boolean"}],
    )
    assert fake.bodies("POST", "/prompts") == [{"path": PROMPT_PATH, "model": "gpt-4o", "temperature": 0.0}]
    create = fake.bodies("POST", "/evaluations")[0]
    assert "name" not in create or create["name"] is None
    assert sorted(seen, key=lambda s: s["question"]) == [
        {
            "question": dp["inputs"]["question"],
            "messages": [{"role": "user", "content": f"What is {dp['inputs']['question']}?"}],
        }
        for dp in DATAPOINTS
    ]
    logs = fake.bodies("POST", "/prompts/log")
    assert len(logs) == len(DATAPOINTS)
    assert all("trace_status" not in log and log["id"] == fx.PROMPT_ID for log in logs)
    assert checks == [EvaluatorCheck(path="Local/Short", improvement_check=True, score=1.0, delta=0.0, num_logs=4)]


def test_tool_run_logs_with_the_evaluation(sleeps: typing.List[float]) -> None:
    fake = FakeHumanloop()
    checks = make_client(fake).evaluations.run(
        file={
            "path": TOOL_PATH,
            "type": "tool",
            "version": {"source_code": "def add(question): ..."},
            "callable": answer,
        },
        name="Tool check",
        dataset={"path": DATASET_PATH, "datapoints": DATAPOINTS},
        evaluators=[
            {
                "path": "Local/Matches target",
                "callable": matches_target,
                "args_type": "target_required",
                "return_type": "boolean",
            }
        ],
    )
    assert fake.bodies("POST", "/tools") == [{"path": TOOL_PATH, "source_code": "def add(question): ..."}]
    logs = fake.bodies("POST", "/tools/log")
    assert len(logs) == len(DATAPOINTS)
    assert {log["evaluation_id"] for log in logs} == {"evr_01aNg3qQnX0sJ2Hd5"}
    assert len({log["batch_id"] for log in logs}) == 1
    assert all(log["id"] == fx.TOOL_ID and "trace_status" not in log for log in logs)
    assert checks == [
        EvaluatorCheck(path="Local/Matches target", improvement_check=True, score=0.75, delta=0.0, num_logs=4)
    ]


def test_an_evaluator_file_cannot_be_evaluated(sleeps: typing.List[float]) -> None:
    fake = FakeHumanloop()
    with pytest.raises(ValueError, match="evaluator"):
        make_client(fake).evaluations.run(
            file={"path": "QA/Judge", "type": "evaluator", "callable": answer},
            name="Judges",
            dataset={"path": DATASET_PATH, "datapoints": DATAPOINTS},
        )
    assert fake.requests == []


def test_missing_callable_raises_before_any_request(sleeps: typing.List[float]) -> None:
    fake = FakeHumanloop()
    with pytest.raises(ValueError, match="callable"):
        make_client(fake).evaluations.run(
            file={"path": FLOW_PATH, "type": "flow"},  # type: ignore[typeddict-item]
            name="x",
            dataset={"path": DATASET_PATH, "datapoints": DATAPOINTS},
        )
    assert fake.requests == []


def test_custom_loggers(sleeps: typing.List[float]) -> None:
    fake = FakeHumanloop()
    logged: typing.List[typing.Dict[str, typing.Any]] = []
    judged: typing.List[typing.Dict[str, typing.Any]] = []

    def log_it(client: Humanloop, output: typing.Any, **log_args: typing.Any) -> typing.Any:
        logged.append({"output": output, **log_args})
        return client.flows.log(**log_args, output=json.dumps(output))

    def judge_it(client: Humanloop, parent_id: str, judgment: typing.Any) -> None:
        judged.append({"parent_id": parent_id, "judgment": judgment})

    run_flow(
        make_client(fake),
        file={
            "path": FLOW_PATH,
            "type": "flow",
            "callable": lambda question: {"answer": answer(question)},
            "custom_logger": log_it,
        },
        evaluators=[{"path": "Local/Short", "callable": is_short, "return_type": "boolean", "custom_logger": judge_it}],
    )
    assert len(logged) == len(DATAPOINTS)
    assert {item["output"]["answer"] for item in logged} == {"2", "4", "7", "10"}
    assert all(
        item["evaluation_id"] == "evr_01aNg3qQnX0sJ2Hd5" and item["trace_status"] == "complete" for item in logged
    )
    assert sorted(item["parent_id"] for item in judged) == sorted(fake.logs)
    assert fake.judgments == []  # the custom logger decides what to post


# ------------------------------------------------------------------------------------------------
# the async client


async def test_async_run_with_coroutine_callables(sleeps: typing.List[float], monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeHumanloop()
    twins: typing.List[Humanloop] = []

    def sync_twin(self: AsyncHumanloop) -> Humanloop:
        # what the real twin is built from: the async client's key and URL
        assert self._client_wrapper.get_base_url() == BASE_URL
        assert self._client_wrapper.api_key == API_KEY
        twins.append(make_client(fake))
        return twins[-1]

    monkeypatch.setattr(AsyncHumanloop, "_sync_twin", sync_twin)
    loop = asyncio.get_running_loop()
    loops: typing.List[asyncio.AbstractEventLoop] = []

    async def async_answer(question: str) -> str:
        loops.append(asyncio.get_running_loop())
        await asyncio.sleep(0)
        return answer(question)

    async def async_matches(log, target):
        loops.append(asyncio.get_running_loop())
        await asyncio.sleep(0)
        return log["output"] == target["answer"]

    client = AsyncHumanloop(
        api_key=API_KEY, base_url=BASE_URL, httpx_client=httpx.AsyncClient(transport=httpx.MockTransport(fake))
    )
    ticks = 0

    async def ticker() -> None:  # the event loop stays free while the run works
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    ticking = asyncio.ensure_future(ticker())
    try:
        checks = await client.evaluations.run(
            file={"path": FLOW_PATH, "type": "flow", "version": {"model": "gpt-4o"}, "callable": async_answer},
            name="Async",
            dataset={"path": DATASET_PATH, "datapoints": DATAPOINTS},
            evaluators=[
                {
                    "path": "Local/Matches target",
                    "callable": async_matches,
                    "args_type": "target_required",
                    "return_type": "boolean",
                },
                {"path": "Local/Short", "callable": is_short, "return_type": "boolean"},
                {"path": EXACT_MATCH},
            ],
        )
    finally:
        ticking.cancel()
    assert ticks > 0
    assert len(twins) == 1
    assert twins[0]._client_wrapper.httpx_client is not None
    assert loops and all(seen is loop for seen in loops)  # coroutines ran on the caller's loop
    logs = fake.bodies("POST", "/flows/log")
    assert len(logs) == len(DATAPOINTS)
    assert len({log["batch_id"] for log in logs}) == 1
    assert {log["output"] for log in logs} == {"2", "4", "7", "10"}
    assert len(fake.judgments) == 2 * len(DATAPOINTS)
    assert checks == [
        EvaluatorCheck(path="Local/Matches target", improvement_check=True, score=0.75, delta=0.0, num_logs=4),
        EvaluatorCheck(path="Local/Short", improvement_check=True, score=1.0, delta=0.0, num_logs=4),
        EvaluatorCheck(path=EXACT_MATCH, improvement_check=True, score=0.75, delta=0.0, num_logs=4),
    ]
    await client.aclose()


def test_sync_twin_copies_the_connection_settings() -> None:
    client = AsyncHumanloop(api_key=API_KEY, base_url=BASE_URL, timeout=7, follow_redirects=False)
    twin = client._sync_twin()
    try:
        assert isinstance(twin, Humanloop)
        assert twin._client_wrapper.get_base_url() == BASE_URL
        assert twin._client_wrapper.api_key == API_KEY
        raw = twin._client_wrapper.httpx_client.httpx_client
        assert raw.timeout == httpx.Timeout(7)
        assert raw.follow_redirects is False
    finally:
        twin.close()


# ------------------------------------------------------------------------------------------------
# scores


def test_score_helpers() -> None:
    from humanloop.types.boolean_evaluator_stats_response import BooleanEvaluatorStatsResponse
    from humanloop.types.numeric_evaluator_stats_response import NumericEvaluatorStatsResponse

    common = {"evaluator_version_id": "evv_1", "num_errors": 0, "num_nulls": 0, "num_judgments": 3}
    boolean = BooleanEvaluatorStatsResponse(**common, num_true=2, num_false=1, total_logs=3)
    assert eval_utils.get_score_from_evaluator_stat(boolean) == 0.67
    numeric = NumericEvaluatorStatsResponse(**common, total_logs=3, mean=3.14159, std=0.1, percentiles={})
    assert eval_utils.get_score_from_evaluator_stat(numeric) == 3.14
    empty = NumericEvaluatorStatsResponse(**common, total_logs=0, mean=None, percentiles={})
    assert eval_utils.get_score_from_evaluator_stat(empty) is None
