"""Bulk loader of generated Logs for the reads-at-scale benchmark.

The Files, versions, the Dataset, the Evaluation and the first Log of each kind are made through
the API (so they are exactly what the server makes); the bulk of the Logs is then written straight
into the ``logs`` table: SQLAlchemy Core ``insert`` executemany in large batches on SQLite, ``COPY``
on PostgreSQL. The rows are shaped like real ones:

- Prompt Logs of five Prompts (three versions each, one Prompt takes 40 % of them) with a system
  and a user message, inputs, an output and its output message, tokens, costs, metadata, and for
  a third of them the provider's response;
- traces: a Flow Log with two Prompt Logs under it and a Tool Log under the second one;
- judgments: Evaluator Logs (``parent_id``) of a Python Evaluator on 30 % of the plain Prompt Logs;
- an Evaluation over a Dataset of 1,000 datapoints, each with a Log and a judgment.

``created_at`` is spread uniformly over the last 90 days, so a one-week date filter selects about
8 % of a File's Logs at every size.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Optional, Tuple

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from humanloop import Humanloop
from humanloop_server.db.models import Log
from humanloop_server.services import log_counts

LOGS = Log.__table__
COLUMNS = [c.name for c in LOGS.columns]
JSON_COLUMNS = {
    "inputs",
    "messages",
    "output_message",
    "tool_choice",
    "judgment",
    "metadata",
    "provider_request",
    "provider_response",
}

POLITE = "def polite(log):\n    return 'sorry' not in (log['output'] or '').lower()\n"
SYSTEM = (
    "You are the customer support assistant of {{company}}. Answer briefly and kindly, in the language "
    "of the customer. Never promise refunds without checking the order first. If the order cannot be "
    "found, ask for the order number and the e-mail address used at checkout. Escalate to a human "
    "agent when the customer asks for one, or when the customer is upset twice in a row."
)
QUESTIONS = [
    "Where is my order {n}? It was due on Friday and the tracking page has not changed for days.",
    "Can I change the delivery address of order {n}? I moved last week.",
    "I was charged twice for order {n}, how do I get my money back?",
    "Do you ship to Norway, and how long does it take?",
    "The jacket from order {n} is too small. Can I exchange it for a larger size?",
    "How do I reset my password? The e-mail never arrives.",
    "Is the discount code SPRING24 still valid for orders over 50 euros?",
    "My parcel arrived damaged, the box was open. What should I do now?",
    "I would like a refund for order {n}, the item never arrived.",
    "Can I pay by invoice as a business customer?",
]
ANSWERS = [
    "Your order {n} left our warehouse yesterday and should arrive on Friday. You can follow it with "
    "the tracking link in your confirmation e-mail; it updates once the carrier scans the parcel.",
    "I have updated the delivery address of order {n}. You will receive a confirmation e-mail in a few "
    "minutes. If the parcel has already left, the carrier will forward it to the new address.",
    "I can see two charges for order {n}. The second one is a pre-authorisation and will disappear "
    "within five working days. If it does not, reply here and I will ask our billing team to refund it.",
    "Yes, we ship to Norway. Delivery takes three to five working days, customs fees are included.",
    "Of course. Please start the exchange from your account page; the return label is free and the "
    "larger size is reserved for you for fourteen days.",
    "Sorry for the trouble. Please check your spam folder; if the e-mail is not there, I can send "
    "the reset link to another address once you confirm your identity.",
]
NAMES = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "John", "Katherine", "Linus"]
REGIONS = ["eu-west", "eu-central", "us-east", "us-west", "ap-south"]
#: a word found in 10 % of the questions: the `search` filter of the reads
SEARCH_WORD = "refund"


@dataclass
class Shape:
    """Ids of what the setup made, which the generated rows refer to."""

    org_id: str
    prompts: List[Tuple[str, List[str]]]  # (file id, version ids)
    tools: List[Tuple[str, str]]
    flow: Tuple[str, str]
    evaluator: Tuple[str, str]
    directory_id: str
    evaluation_id: str
    evaluation_batch: str
    datapoint_ids: List[str]
    first_eval_log: str
    trace_ids: List[str] = field(default_factory=list)  # some flow Logs, for logs.get of a trace
    rows: int = 0  # Logs in the database (made by the setup and by the loader)
    evaluation_loaded: bool = False


def setup(client: Humanloop, engine: Engine, datapoints: int = 1000) -> Shape:
    """Files, versions, the Evaluation and its first Log, through the API."""
    prompts: List[Tuple[str, List[str]]] = []
    for k in range(5):
        versions = []
        for temperature in (0.2, 0.5, 0.8):
            p = client.prompts.upsert(
                path=f"app/support/answer-bot-{k}",
                model="gpt-4o",
                template=[
                    {"role": "system", "content": SYSTEM},
                    {"role": "user", "content": "{{question}}"},
                ],
                temperature=temperature,
                max_tokens=512,
                commit_message=f"temperature {temperature}",
            )
            versions.append(p.version_id)
        prompts.append((p.id, versions))
    tools = []
    for name in ("lookup_order", "issue_refund"):
        t = client.tools.upsert(
            path=f"app/tools/{name}",
            function={
                "name": name,
                "description": f"{name.replace('_', ' ')} by order number",
                "parameters": {"type": "object", "properties": {"order": {"type": "string"}}, "required": ["order"]},
            },
        )
        tools.append((t.id, t.version_id))
    flow = client.flows.upsert(path="app/agents/support-agent", attributes={"framework": "bench", "steps": 3})
    ev = client.evaluators.upsert(
        path="app/evals/polite",
        spec={"evaluator_type": "python", "arguments_type": "target_free", "return_type": "boolean", "code": POLITE},
    )
    rng = random.Random(7)
    ds = client.datasets.upsert(
        path="app/datasets/support-questions",
        datapoints=[
            {
                "inputs": {"customer": NAMES[i % len(NAMES)], "question": _question(rng, i), "ticket": str(i)},
                "target": {"output": _answer(rng, i)},
            }
            for i in range(datapoints)
        ],
    )
    dps = [dp.id for dp in client.datasets.list_datapoints(id=ds.id, size=1000)]
    evaluation = client.evaluations.create(
        name="nightly",
        file={"id": prompts[0][0]},
        dataset={"file_id": ds.id},
        evaluators=[{"version_id": ev.version_id, "orchestrated": False}],
    )
    first = client.prompts.log(
        id=prompts[0][0],
        version_id=prompts[0][1][0],
        evaluation_id=evaluation.id,
        batch_id="batch-1",
        source_datapoint_id=dps[0],
        inputs={"customer": "Ada", "question": "first"},
        output="first answer",
    )
    with engine.connect() as conn:
        org_id = conn.execute(text("SELECT org_id FROM logs WHERE id = :id"), {"id": first.id}).scalar_one()
        rows = conn.execute(text("SELECT count(*) FROM logs")).scalar_one()
    directory = client.prompts.get(id=prompts[0][0]).directory_id
    assert directory is not None
    return Shape(
        org_id=str(org_id),
        prompts=prompts,
        tools=tools,
        flow=(flow.id, flow.version_id),
        evaluator=(ev.id, ev.version_id),
        directory_id=directory,
        evaluation_id=evaluation.id,
        evaluation_batch="batch-1",
        datapoint_ids=dps,
        first_eval_log=first.id,
        rows=int(rows),
    )


def _question(rng: random.Random, i: int) -> str:
    return QUESTIONS[i % len(QUESTIONS)].format(n=rng.randint(1000, 99999))


def _answer(rng: random.Random, i: int) -> str:
    return ANSWERS[i % len(ANSWERS)].format(n=rng.randint(1000, 99999))


def _log_id() -> str:
    return "log_" + uuid.uuid4().hex[:21]


class Generator:
    """Rows of the ``logs`` table shaped like real Logs (see the module docstring)."""

    def __init__(self, shape: Shape, seed: int) -> None:
        self.shape = shape
        self.rng = random.Random(seed)
        self.now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        self.span = 90 * 24 * 3600

    def _when(self) -> dt.datetime:
        return self.now - dt.timedelta(seconds=self.rng.uniform(3600, self.span))

    def _base(self, file_id: str, file_type: str, version_id: str, when: dt.datetime) -> Dict[str, Any]:
        row: Dict[str, Any] = {name: None for name in COLUMNS}
        row.update(
            {
                "org_id": self.shape.org_id,
                "id": _log_id(),
                "file_id": file_id,
                "file_type": file_type,
                "version_id": version_id,
                "created_at": when,
                "received_at": when,
                "save": True,
                "inputs": {},
            }
        )
        return row

    def prompt_log(self, file_id: str, version_id: str, when: dt.datetime, i: int, **extra: Any) -> Dict[str, Any]:
        rng = self.rng
        question = _question(rng, rng.randrange(1 << 30))
        answer = _answer(rng, rng.randrange(1 << 30))
        name = NAMES[rng.randrange(len(NAMES))]
        row = self._base(file_id, "prompt", version_id, when)
        latency = rng.uniform(0.4, 6.0)
        prompt_tokens = rng.randint(150, 900)
        output_tokens = rng.randint(20, 300)
        row.update(
            {
                "inputs": {"company": "Acme", "customer": name, "question": question},
                "messages": [
                    {"role": "system", "content": SYSTEM.replace("{{company}}", "Acme")},
                    {"role": "user", "content": question},
                ],
                "output": answer,
                "output_message": {"role": "assistant", "content": answer},
                "prompt_tokens": prompt_tokens,
                "output_tokens": output_tokens,
                "prompt_cost": prompt_tokens * 2.5e-6,
                "output_cost": output_tokens * 1e-5,
                "finish_reason": "stop",
                "provider_latency": latency,
                "start_time": when - dt.timedelta(seconds=latency),
                "end_time": when,
                "source": "sdk",
                "user": f"customer-{rng.randrange(5000)}",
                "environment": "production",
                "metadata": {"region": REGIONS[i % len(REGIONS)], "request_id": uuid.uuid4().hex, "tier": "gold"},
            }
        )
        if rng.random() < 0.33:
            row["provider_response"] = {
                "id": "chatcmpl-" + uuid.uuid4().hex[:24],
                "object": "chat.completion",
                "model": "gpt-4o-2024-08-06",
                "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": output_tokens},
                "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": answer}}],
            }
        row.update(extra)
        return row

    def judgment(self, parent: Dict[str, Any], source: str = "monitoring") -> Dict[str, Any]:
        ev_file, ev_version = self.shape.evaluator
        when = parent["created_at"] + dt.timedelta(seconds=2)
        row = self._base(ev_file, "evaluator", ev_version, when)
        row.update(
            {
                "parent_id": parent["id"],
                "judgment": "sorry" not in (parent["output"] or "").lower(),
                "source": source,
                "start_time": when,
                "end_time": when,
                "stdout": "",
            }
        )
        return row

    def unit(self, i: int) -> List[Dict[str, Any]]:
        """One plain Prompt Log (with a judgment 30 % of the time), or one trace (4 Logs)."""
        rng = self.rng
        when = self._when()
        if rng.random() < 0.12:
            flow_file, flow_version = self.shape.flow
            flow = self._base(flow_file, "flow", flow_version, when)
            flow["trace_id"] = flow["id"]
            flow["trace_status"] = "complete"
            flow["inputs"] = {"question": _question(rng, i)}
            flow["output"] = _answer(rng, i)
            flow["start_time"] = when
            flow["end_time"] = when + dt.timedelta(seconds=9)
            step_file, step_versions = self.shape.prompts[1]
            a = self.prompt_log(
                step_file, step_versions[2], when + dt.timedelta(seconds=3), i, trace_parent_id=flow["id"]
            )
            b = self.prompt_log(
                step_file, step_versions[2], when + dt.timedelta(seconds=7), i, trace_parent_id=flow["id"]
            )
            a["trace_id"] = b["trace_id"] = flow["id"]
            tool_file, tool_version = self.shape.tools[i % 2]
            tool = self._base(tool_file, "tool", tool_version, when + dt.timedelta(seconds=8))
            tool.update(
                {
                    "inputs": {"order": str(rng.randint(1000, 99999))},
                    "output": json.dumps({"status": "shipped", "eta": "Friday", "carrier": "DHL"}),
                    "trace_parent_id": b["id"],
                    "trace_id": flow["id"],
                }
            )
            if len(self.shape.trace_ids) < 50:
                self.shape.trace_ids.append(flow["id"])
            return [flow, a, b, tool]
        k = 0 if rng.random() < 0.4 else rng.randrange(1, 5)
        file_id, versions = self.shape.prompts[k]
        row = self.prompt_log(file_id, versions[rng.randrange(3)], when, i)
        out = [row]
        if rng.random() < 0.3:
            out.append(self.judgment(row))
        return out

    def evaluation_rows(self) -> List[Dict[str, Any]]:
        """The Logs of the Evaluation's remaining datapoints, each with its judgment."""
        file_id, versions = self.shape.prompts[0]
        out = []
        for n, dp in enumerate(self.shape.datapoint_ids[1:], start=1):
            row = self.prompt_log(
                file_id,
                versions[0],
                self.now - dt.timedelta(hours=2),
                n,
                evaluation_id=self.shape.evaluation_id,
                batch_id=self.shape.evaluation_batch,
                source_datapoint_id=dp,
                source="evaluation",
            )
            out.append(row)
            out.append(self.judgment(row, source="evaluation"))
        return out

    def rows(self, count: int, first_index: int) -> Iterator[List[Dict[str, Any]]]:
        """About ``count`` rows (whole units), in batches."""
        batch: List[Dict[str, Any]] = []
        made = 0
        i = first_index
        while made < count:
            unit = self.unit(i)
            i += 1
            made += len(unit)
            batch.extend(unit)
            if len(batch) >= 5000:
                yield batch
                batch = []
        if batch:
            yield batch


def bulk_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=OFF")
            cur.execute("PRAGMA busy_timeout=60000")
            cur.close()

        return engine
    return create_engine(url)


def _pg_value(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in JSON_COLUMNS:
        return json.dumps(value)
    return value


def insert(engine: Engine, batches: Iterator[List[Dict[str, Any]]]) -> int:
    """Write the rows: Core executemany (SQLite) or COPY (PostgreSQL); returns how many."""
    written = 0
    if engine.dialect.name == "postgresql":
        raw = engine.raw_connection()
        conn: Any = raw.driver_connection
        try:
            cols = ", ".join(f'"{c}"' for c in COLUMNS)
            # the Logs are counted once at the end (log_counts.rebuild in grow): the per-row
            # counting trigger would only slow the COPY down
            conn.execute(f"ALTER TABLE logs DISABLE TRIGGER {log_counts.TRIGGER}")
            conn.commit()
            for batch in batches:
                with conn.cursor() as cur:
                    with cur.copy(f"COPY logs ({cols}) FROM STDIN") as copy:
                        for row in batch:
                            copy.write_row([_pg_value(c, row[c]) for c in COLUMNS])
                conn.commit()
                written += len(batch)
        finally:
            conn.rollback()  # whatever a failed batch left open
            conn.execute(f"ALTER TABLE logs ENABLE TRIGGER {log_counts.TRIGGER}")
            conn.commit()
            raw.close()
        return written
    with engine.connect() as conn:
        for batch in batches:
            with conn.begin():
                conn.execute(LOGS.insert(), batch)
            written += len(batch)
    return written


def grow(engine: Engine, shape: Shape, target: int, *, seed: int = 0) -> Dict[str, float]:
    """Add Logs until the database holds ``target`` (the Evaluation's rows come with the first call)."""
    started = time.perf_counter()
    gen = Generator(shape, seed=seed + shape.rows)
    added = 0
    if not shape.evaluation_loaded:  # first growth: the Evaluation's Logs and judgments
        added += insert(engine, iter([gen.evaluation_rows()]))
        shape.evaluation_loaded = True
    missing = target - shape.rows - added
    if missing > 0:
        added += insert(engine, gen.rows(missing, shape.rows))
    shape.rows += added
    with Session(engine) as session:  # the Logs went around create_log: count them as it would have
        log_counts.rebuild(session)
        session.commit()
    analyse = 0.0
    if engine.dialect.name == "postgresql":  # what autovacuum does after a large load
        t0 = time.perf_counter()
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE logs")  # the vacuum: statistics of the GIN indexes
            conn.exec_driver_sql("ANALYZE version_log_counts")
        analyse = time.perf_counter() - t0
    return {"added": added, "seconds": time.perf_counter() - started, "analyse_seconds": analyse}


def count_rows(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM logs")).scalar_one())


def pick(values: List[str], default: Optional[str] = None) -> Optional[str]:
    return values[0] if values else default
