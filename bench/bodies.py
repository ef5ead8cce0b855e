"""Realistic response bodies for the benchmarks, built in code (no network, no reference files)."""

from __future__ import annotations

import json
import typing

TS = "2024-07-19T00:29:35.178000Z"


def prompt_response(index: int = 0) -> typing.Dict[str, typing.Any]:
    """A full Prompt as the server returns it: kernel, tools, environments, monitoring."""
    return {
        "path": f"support/answer-bot-{index}",
        "id": f"pr_{index:021d}",
        "directory_id": "dir_000000000000000000001",
        "model": "gpt-4o",
        "endpoint": "chat",
        "template": [
            {"role": "system", "content": "You help customers of {{company}}. Be brief and kind."},
            {"role": "user", "content": "{{question}}"},
        ],
        "provider": "openai",
        "max_tokens": -1,
        "temperature": 0.7,
        "top_p": 1.0,
        "stop": ["\n\n"],
        "presence_penalty": 0.0,
        "frequency_penalty": 0.0,
        "other": {},
        "seed": 42,
        "response_format": {"type": "json_object"},
        "tools": [
            {
                "name": "lookup_order",
                "description": "Find an order by its number",
                "strict": False,
                "parameters": {
                    "type": "object",
                    "properties": {"order_number": {"type": "string", "description": "The order number"}},
                    "required": ["order_number"],
                },
            }
        ],
        "linked_tools": [],
        "attributes": {"team": "support", "owner": "ada"},
        "commit_message": "Tighter system message",
        "name": f"answer-bot-{index}",
        "version_id": f"prv_{index:021d}",
        "type": "prompt",
        "environments": [{"id": "env_000000000000000000001", "created_at": TS, "name": "production", "tag": "default"}],
        "created_at": TS,
        "updated_at": TS,
        "created_by": {"id": "usr_01", "email_address": "ada@example.com", "full_name": "Ada L"},
        "status": "committed",
        "last_used_at": TS,
        "version_logs_count": 1234,
        "total_logs_count": 5678,
        "inputs": [{"name": "company"}, {"name": "question"}],
        "evaluators": [],
        "evaluator_aggregates": [],
    }


def prompt_log(index: int) -> typing.Dict[str, typing.Any]:
    """A full Prompt Log, including the Prompt version it was made with."""
    answer = "Your order 4521 left our warehouse yesterday and should arrive on Friday. " * 3
    return {
        "output_message": {
            "content": answer,
            "role": "assistant",
            "name": None,
            "tool_call_id": None,
            "tool_calls": None,
        },
        "prompt_tokens": 182,
        "output_tokens": 64,
        "prompt_cost": 0.00091,
        "output_cost": 0.00096,
        "finish_reason": "stop",
        "messages": [
            {"role": "system", "content": "You help customers of Acme. Be brief and kind."},
            {"role": "user", "content": f"Where is my order 4521? (request {index})"},
        ],
        "tool_choice": None,
        "prompt": prompt_response(0),
        "start_time": TS,
        "end_time": TS,
        "output": answer,
        "created_at": TS,
        "error": None,
        "provider_latency": 1.8734,
        "stdout": None,
        "provider_request": {"model": "gpt-4o", "temperature": 0.7},
        "provider_response": {"id": f"chatcmpl-{index}", "object": "chat.completion"},
        "inputs": {"company": "Acme", "question": f"Where is my order 4521? (request {index})"},
        "source": "sdk",
        "metadata": {"customer_tier": "gold", "region": "eu-west"},
        "source_datapoint_id": None,
        "trace_parent_id": None,
        "batches": None,
        "user": f"customer-{index % 17}",
        "environment": "production",
        "save": True,
        "id": f"log_{index:021d}",
        "evaluator_logs": [],
        "trace_flow_id": None,
        "trace_id": None,
        "trace_children": [],
    }


def log_page(count: int = 100) -> bytes:
    return json.dumps(
        {"records": [prompt_log(i) for i in range(count)], "page": 1, "size": count, "total": count}
    ).encode()


def stream_body(events: int = 1000) -> bytes:
    chunks = []
    for i in range(events):
        event = {
            "output": f"word{i} ",
            "created_at": TS,
            "error": None,
            "provider_latency": None,
            "stdout": None,
            "output_message": None,
            "prompt_tokens": None,
            "output_tokens": None,
            "prompt_cost": None,
            "output_cost": None,
            "finish_reason": "stop" if i == events - 1 else None,
            "index": 0,
            "id": "log_000000000000000000001",
            "prompt_id": "pr_000000000000000000001",
            "version_id": "prv_00000000000000000001",
        }
        chunks.append(f"data: {json.dumps(event)}\n\n")
    return "".join(chunks).encode()


def create_log_response() -> bytes:
    return json.dumps(
        {
            "id": "log_000000000000000000009",
            "prompt_id": "pr_000000000000000000001",
            "version_id": "prv_01",
            "session_id": None,
        }
    ).encode()
