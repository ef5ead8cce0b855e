"""Realistic response bodies, as the API sends them, for the wire tests.

Each builder returns a fresh JSON-ready dict; keyword arguments override
top-level fields.
"""

from __future__ import annotations

import typing

CREATED = "2024-05-01T09:12:44.381000Z"
UPDATED = "2024-07-18T16:03:27.905000Z"
LAST_USED = "2024-07-19T00:29:35.178000Z"

PROMPT_ID = "pr_sVDEOEnj8oXVKyI2D0HAQ"
PROMPT_VERSION_ID = "prv_7ZlQREDHcRuUd8VAGDNZm"
TOOL_ID = "tl_789ghi3JkLmN0pQrStUv"
TOOL_VERSION_ID = "tv_012jklMnOpQrStUvWxYz"
DATASET_ID = "ds_b0baF1ca7652"
DATASET_VERSION_ID = "dsv_6L78pqrdFi2xa"
EVALUATOR_ID = "ev_890bcd2EfGhIjKlMn"
EVALUATOR_VERSION_ID = "evv_012def4GhIjKlMnOp"
FLOW_ID = "fl_hSlXA8Bef1pVkSaR23t2k"
FLOW_VERSION_ID = "flv_4hX2kYm9TqPz1LcRwB7sa"
EVALUATION_ID = "evr_8aNg3qQnX0sJ2Hd5Tz1Wc"
DIRECTORY_ID = "dir_3rEq9sVbHm2wKc8XpYt1L"
ENVIRONMENT_ID = "env_dgHh8o3CQ0O8j1lhGfqyJ"
USER_ID = "usr_xUkPdgCaCnrKi5CXjDeKO"


def user() -> dict:
    return {"id": USER_ID, "email_address": "raza@humanloop.com", "full_name": "Raza Habib"}


def environment(name: str = "production", tag: str = "default", id: str = ENVIRONMENT_ID) -> dict:
    return {"id": id, "created_at": CREATED, "name": name, "tag": tag}


def prompt(**overrides: typing.Any) -> dict:
    body = {
        "type": "prompt",
        "id": PROMPT_ID,
        "path": "Personal Projects/Coding Assistant",
        "name": "Coding Assistant",
        "directory_id": DIRECTORY_ID,
        "version_id": PROMPT_VERSION_ID,
        "model": "gpt-4o",
        "endpoint": "chat",
        "template": [
            {
                "role": "system",
                "content": "You are a helpful coding assistant specialising in {{language}}",
            }
        ],
        "provider": "openai",
        "max_tokens": -1,
        "temperature": 0.7,
        "top_p": 1.0,
        "stop": None,
        "presence_penalty": 0.0,
        "frequency_penalty": 0.0,
        "other": {},
        "seed": None,
        "response_format": None,
        "tools": [],
        "linked_tools": [],
        "attributes": {"team": "platform"},
        "commit_message": "Initial commit",
        "environments": [environment()],
        "created_at": CREATED,
        "updated_at": UPDATED,
        "created_by": user(),
        "status": "committed",
        "last_used_at": LAST_USED,
        "version_logs_count": 1,
        "total_logs_count": 1,
        "inputs": [{"name": "language"}],
        "evaluators": [],
        "evaluator_aggregates": [],
    }
    body.update(overrides)
    return body


def tool_function() -> dict:
    return {
        "name": "get_stock_price",
        "description": "Look up the latest price of a stock",
        "parameters": {
            "type": "object",
            "properties": {"ticker_symbol": {"type": "string", "name": "Ticker Symbol", "description": "Ticker"}},
            "required": ["ticker_symbol"],
        },
        "strict": True,
    }


def tool(**overrides: typing.Any) -> dict:
    body = {
        "type": "tool",
        "id": TOOL_ID,
        "path": "Finance Tools/Stock Price Lookup",
        "name": "Stock Price Lookup",
        "directory_id": DIRECTORY_ID,
        "version_id": TOOL_VERSION_ID,
        "function": tool_function(),
        "source_code": "def get_stock_price(ticker_symbol):\n    return 182.5\n",
        "setup_values": {"api_base": "https://quotes.example.com"},
        "attributes": {"category": "finance"},
        "tool_type": "json_schema",
        "commit_message": "Initial commit",
        "environments": [environment()],
        "created_at": CREATED,
        "updated_at": UPDATED,
        "created_by": user(),
        "status": "committed",
        "last_used_at": LAST_USED,
        "version_logs_count": 3,
        "total_logs_count": 7,
        "inputs": [{"name": "ticker_symbol"}],
        "evaluators": [],
        "signature": "def get_stock_price(ticker_symbol: str) -> float",
        "evaluator_aggregates": [],
    }
    body.update(overrides)
    return body


def datapoint(n: int = 1, **overrides: typing.Any) -> dict:
    body = {
        "id": f"dp_{n:02d}kRz7WqLm4Vh",
        "inputs": {"question": f"What is {n} + {n}?"},
        "messages": [{"role": "user", "content": f"Please add {n} and {n}."}],
        "target": {"answer": str(n + n)},
    }
    body.update(overrides)
    return body


def dataset(**overrides: typing.Any) -> dict:
    body = {
        "type": "dataset",
        "id": DATASET_ID,
        "path": "test-questions",
        "name": "test-questions",
        "directory_id": None,
        "version_id": DATASET_VERSION_ID,
        "commit_message": "Add two new questions and answers",
        "environments": [environment()],
        "created_at": CREATED,
        "updated_at": UPDATED,
        "created_by": user(),
        "status": "committed",
        "last_used_at": LAST_USED,
        "datapoints_count": 2,
        "datapoints": None,
        "attributes": {"source": "support tickets"},
    }
    body.update(overrides)
    return body


def llm_spec() -> dict:
    return {
        "arguments_type": "target_required",
        "return_type": "number",
        "evaluator_type": "llm",
        "prompt": {
            "model": "gpt-4o-mini",
            "template": [{"role": "system", "content": "Rate the answer from 1 to 5: {{log.output}}"}],
            "temperature": 0.0,
        },
        "attributes": {"criterion": "helpfulness"},
    }


def evaluator(**overrides: typing.Any) -> dict:
    body = {
        "type": "evaluator",
        "id": EVALUATOR_ID,
        "path": "Shared Evaluators/Helpfulness",
        "name": "Helpfulness",
        "directory_id": DIRECTORY_ID,
        "version_id": EVALUATOR_VERSION_ID,
        "spec": llm_spec(),
        "commit_message": "Initial commit",
        "environments": [environment()],
        "created_at": CREATED,
        "updated_at": UPDATED,
        "created_by": user(),
        "status": "committed",
        "last_used_at": LAST_USED,
        "version_logs_count": 12,
        "total_logs_count": 40,
        "inputs": [{"name": "log"}],
        "evaluators": [],
        "evaluator_aggregates": [],
    }
    body.update(overrides)
    return body


def flow(**overrides: typing.Any) -> dict:
    body = {
        "type": "flow",
        "id": FLOW_ID,
        "path": "Personal Projects/MedQA Flow",
        "name": "MedQA Flow",
        "directory_id": DIRECTORY_ID,
        "version_id": FLOW_VERSION_ID,
        "attributes": {
            "prompt": {"template": "You are a helpful assistant helping with medical anamnesis", "model": "gpt-4o"},
            "tool": {"name": "retrieval_tool_v3", "description": "Retrieval tool for MedQA."},
        },
        "commit_message": "Initial commit",
        "environments": [environment()],
        "created_at": CREATED,
        "updated_at": UPDATED,
        "created_by": user(),
        "status": "committed",
        "last_used_at": LAST_USED,
        "version_logs_count": 1,
        "evaluators": [],
        "evaluator_aggregates": [],
    }
    body.update(overrides)
    return body


def file_environment(name: str = "production", tag: str = "default", file: typing.Any = None) -> dict:
    return {**environment(name=name, tag=tag), "file": file}


def monitoring_evaluator() -> dict:
    return {
        "version_reference": {"type": "version", "version": evaluator()},
        "version": evaluator(),
        "state": "active",
        "created_at": CREATED,
        "updated_at": UPDATED,
    }


def chat_message(role: str, content: str) -> dict:
    return {"role": role, "content": content, "name": None, "tool_call_id": None, "tool_calls": None}


def prompt_log(**overrides: typing.Any) -> dict:
    body = {
        "id": "data_7cQm2Lk9VxR4tNpW0aEjs",
        "prompt": prompt(),
        "output_message": chat_message("assistant", "Use a list comprehension: [x * 2 for x in xs]"),
        "prompt_tokens": 42,
        "output_tokens": 13,
        "prompt_cost": 0.00021,
        "output_cost": 0.00039,
        "finish_reason": "stop",
        "messages": [chat_message("user", "How do I double every item of a list?")],
        "tool_choice": None,
        "output": "Use a list comprehension: [x * 2 for x in xs]",
        "created_at": LAST_USED,
        "start_time": "2024-07-19T00:29:28.584000Z",
        "end_time": LAST_USED,
        "error": None,
        "provider_latency": 6.59,
        "stdout": None,
        "provider_request": {"model": "gpt-4o"},
        "provider_response": {"id": "chatcmpl-9mXy0"},
        "inputs": {"language": "python"},
        "source": "sdk",
        "metadata": {"session": "s-001"},
        "source_datapoint_id": None,
        "trace_parent_id": None,
        "user": "raza@humanloop.com",
        "environment": "production",
        "save": True,
        "batches": None,
        "trace_flow_id": None,
        "trace_id": None,
        "trace_children": None,
        "evaluator_logs": [],
    }
    body.update(overrides)
    return body


def tool_log(**overrides: typing.Any) -> dict:
    body = {
        "id": "data_T0oLlOg9aXc1Vbn2Mq3Re",
        "tool": tool(),
        "output": "182.5",
        "created_at": LAST_USED,
        "start_time": "2024-07-19T00:29:35.001000Z",
        "end_time": LAST_USED,
        "error": None,
        "provider_latency": None,
        "stdout": None,
        "provider_request": None,
        "provider_response": None,
        "inputs": {"ticker_symbol": "NVDA"},
        "source": "sdk",
        "metadata": None,
        "source_datapoint_id": None,
        "trace_parent_id": None,
        "user": None,
        "environment": None,
        "save": True,
        "batches": None,
        "trace_flow_id": None,
        "trace_id": None,
        "trace_children": None,
        "evaluator_logs": [],
    }
    body.update(overrides)
    return body


def evaluator_log(**overrides: typing.Any) -> dict:
    body = {
        "id": "data_Ev4lLogQp7Zr2Yx9Wm1Kd",
        "evaluator": evaluator(),
        "parent_id": "data_7cQm2Lk9VxR4tNpW0aEjs",
        "judgment": 4,
        "output": "4",
        "created_at": LAST_USED,
        "inputs": None,
        "source": None,
        "metadata": None,
        "save": True,
        "evaluator_logs": [],
    }
    body.update(overrides)
    return body


def flow_log(**overrides: typing.Any) -> dict:
    body = {
        "id": "log_FloW9zLm2Qx7Ty4Rv8Nb",
        "flow": flow(),
        "inputs": {"question": "Patient with chest pain radiating to the left arm: what next?"},
        "output": "Obtain an ECG within 10 minutes.",
        "error": None,
        "created_at": LAST_USED,
        "start_time": "2024-07-08T21:40:35Z",
        "end_time": "2024-07-08T21:40:39Z",
        "trace_status": "complete",
        "trace_children": [],
        "metadata": {"patient_id": "P-22"},
        "source": None,
        "save": True,
        "evaluator_logs": [],
    }
    body.update(overrides)
    return body


def prompt_call_response() -> dict:
    return {
        "id": "data_c4llQ2aZx8Lm3Rt6Wy1Kp",
        "prompt": prompt(),
        "messages": [chat_message("user", "How do I reverse a string in Python?")],
        "inputs": {"language": "python"},
        "source": "sdk",
        "metadata": None,
        "start_time": None,
        "end_time": None,
        "source_datapoint_id": None,
        "trace_parent_id": None,
        "trace_id": None,
        "batch_id": None,
        "user": None,
        "environment": None,
        "save": True,
        "tool_choice": "auto",
        "logs": [
            {
                "index": 0,
                "output": "Use slicing: s[::-1]",
                "output_message": chat_message("assistant", "Use slicing: s[::-1]"),
                "created_at": LAST_USED,
                "error": None,
                "provider_latency": 0.83,
                "stdout": None,
                "prompt_tokens": 21,
                "prompt_cost": 0.0001,
                "output_tokens": 7,
                "output_cost": 0.0002,
                "finish_reason": "stop",
            }
        ],
    }


def stream_chunk(index: int, output: str, finish_reason: typing.Optional[str] = None) -> dict:
    return {
        "index": index,
        "id": "data_c4llQ2aZx8Lm3Rt6Wy1Kp",
        "prompt_id": PROMPT_ID,
        "version_id": PROMPT_VERSION_ID,
        "output": output,
        "created_at": LAST_USED,
        "error": None,
        "provider_latency": None,
        "stdout": None,
        "output_message": None,
        "prompt_tokens": None,
        "prompt_cost": None,
        "output_tokens": None,
        "output_cost": None,
        "finish_reason": finish_reason,
    }


def evaluation(**overrides: typing.Any) -> dict:
    body = {
        "id": EVALUATION_ID,
        "name": "Coding Assistant regression",
        "file_id": PROMPT_ID,
        "dataset": dataset(),
        "evaluatees": [
            {
                "version": prompt(),
                "batch_id": "batch_9Hq2LmXc",
                "orchestrated": False,
                "pinned": True,
                "added_at": CREATED,
            }
        ],
        "evaluators": [{"version": evaluator(), "orchestrated": True, "added_at": CREATED}],
        "status": "pending",
        "created_at": CREATED,
        "updated_at": UPDATED,
        "created_by": user(),
        "url": f"https://app.humanloop.com/evaluations/{EVALUATION_ID}",
    }
    body.update(overrides)
    return body


def evaluation_stats() -> dict:
    return {
        "overall_stats": {"num_datapoints": 2, "total_logs": 2, "total_evaluator_logs": 2},
        "version_stats": [
            {
                "version_id": PROMPT_VERSION_ID,
                "batch_id": "batch_9Hq2LmXc",
                "num_logs": 2,
                "evaluator_version_stats": [
                    {
                        "evaluator_version_id": EVALUATOR_VERSION_ID,
                        "total_logs": 2,
                        "num_judgments": 2,
                        "num_nulls": 0,
                        "num_errors": 0,
                        "mean": 4.5,
                        "std": 0.5,
                        "percentiles": {"25": 4.0, "50": 4.5, "75": 5.0},
                    }
                ],
            }
        ],
        "status": "completed",
        "progress": "2/2",
        "report": None,
    }


def directory(id: str = DIRECTORY_ID, name: str = "Personal Projects", **overrides: typing.Any) -> dict:
    body = {
        "id": id,
        "name": name,
        "path": name,
        "parent_id": None,
        "created_at": CREATED,
        "updated_at": UPDATED,
    }
    body.update(overrides)
    return body


def paginated(records: typing.List[dict], page: int = 1, size: int = 10, total: typing.Optional[int] = None) -> dict:
    return {"records": records, "page": page, "size": size, "total": len(records) if total is None else total}


def validation_error(field: str = "path") -> dict:
    return {"detail": [{"loc": ["body", field], "msg": "field required", "type": "value_error.missing"}]}
