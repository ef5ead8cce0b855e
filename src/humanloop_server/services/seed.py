"""Organisations and the starter content every new organisation gets."""

from typing import Optional, Tuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import ids
from ..db.models import Organization
from . import environments, files, kinds
from .bounds import max_length
from .context import Context, Runtime

EXAMPLES_DIR = "Example Evaluators"
RATING_PATH = files.RATING_PATH  # EXAMPLES_DIR + "/Human/rating", seeded below

EXACT_MATCH = '''\
def exact_match(log, testcase):
    """True when the output equals the expected output (surrounding whitespace ignored)."""
    target = testcase.get("target") or {}
    expected = target.get("output") if isinstance(target, dict) else target
    output = log.get("output")
    if output is None or expected is None:
        return False
    return str(output).strip() == str(expected).strip()
'''

LEVENSHTEIN = '''\
def levenshtein_distance(log, testcase):
    """Number of single-character edits that turn the output into the expected output."""
    target = testcase.get("target") or {}
    expected = target.get("output") if isinstance(target, dict) else target
    a = str(log.get("output") or "")
    b = str(expected or "")
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + (char_a != char_b),
            ))
        previous = current
    return previous[-1]
'''

LATENCY = '''\
from datetime import datetime


def _parse(value):
    if value is None:
        return None
    if isinstance(value, datetime):
        return value
    text = str(value)
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    return datetime.fromisoformat(text)


def latency(log):
    """Seconds the logged call took: provider latency if given, else end_time - start_time."""
    if log.get("provider_latency") is not None:
        return float(log["provider_latency"])
    start = _parse(log.get("start_time"))
    end = _parse(log.get("end_time"))
    if start is None or end is None:
        return None
    return (end - start).total_seconds()
'''

#: the model the AI examples call (any configured OpenAI-compatible server: OPENAI_BASE_URL)
AI_EXAMPLE_MODEL = {"provider": "openai", "model": "gpt-4o-mini", "temperature": 0}

SEMANTIC_SIMILARITY = [
    {
        "role": "system",
        "content": "You compare two texts by meaning. Explain your reasoning in one short sentence, "
        "then give a whole number from 1 (unrelated) to 5 (the same meaning) alone on the last line.",
    },
    {"role": "user", "content": "Text A:\n{{log.output}}\n\nText B (expected):\n{{target.output}}"},
]

HELPFULNESS = [
    {
        "role": "system",
        "content": "You judge whether an answer helps the person who asked. Explain your reasoning in one "
        "short sentence, then write True (helpful) or False (not helpful) alone on the last line.",
    },
    {"role": "user", "content": "What was asked (inputs):\n{{log.inputs}}\n\nThe answer:\n{{log.output}}"},
]

EXAMPLE_EVALUATORS = [
    (
        "Code/Exact match",
        {
            "evaluator_type": "python",
            "arguments_type": "target_required",
            "return_type": "boolean",
            "code": EXACT_MATCH,
        },
    ),
    (
        "Code/Levenshtein distance",
        {"evaluator_type": "python", "arguments_type": "target_required", "return_type": "number", "code": LEVENSHTEIN},
    ),
    (
        "Code/Latency",
        {"evaluator_type": "python", "arguments_type": "target_free", "return_type": "number", "code": LATENCY},
    ),
    (
        "AI/Semantic similarity",
        {
            "evaluator_type": "llm",
            "arguments_type": "target_required",
            "return_type": "number",
            "prompt": {**AI_EXAMPLE_MODEL, "template": SEMANTIC_SIMILARITY},
        },
    ),
    (
        "AI/Helpfulness",
        {
            "evaluator_type": "llm",
            "arguments_type": "target_free",
            "return_type": "boolean",
            "prompt": {**AI_EXAMPLE_MODEL, "template": HELPFULNESS},
        },
    ),
    (
        "Human/rating",
        {
            "evaluator_type": "human",
            "arguments_type": "target_free",
            "return_type": "select",
            "instructions": "Was the output good or bad?",
            "options": [{"name": "good", "valence": "positive"}, {"name": "bad", "valence": "negative"}],
        },
    ),
]


def seed_organization(ctx: Context) -> None:
    """Default environment and example evaluators (no commit)."""
    env = environments.default_env(ctx) or environments.create(ctx, environments.DEFAULT_ENVIRONMENT, tag="default")
    for rel, spec in EXAMPLE_EVALUATORS:
        f = files.ensure_file(ctx, "evaluator", None, f"{EXAMPLES_DIR}/{rel}")
        v, _ = files.ensure_version(ctx, f, kinds.EVALUATOR.kernel({"spec": spec}), "Example evaluator")
        files.deploy(ctx, f, env, v)


def find_org(session: Session, name: str) -> Optional[Organization]:
    return session.execute(select(Organization).where(Organization.name == name)).scalar_one_or_none()


def get_or_create_org(session: Session, rt: Runtime, name: str) -> Tuple[Organization, bool]:
    """The organisation called ``name``; a new one is created with its starter content (no commit)."""
    limit = max_length(Organization, "name")
    if limit is not None and len(name) > limit:
        raise ValueError(f"an organisation name has at most {limit} characters; this one has {len(name)}")
    org = find_org(session, name)
    if org is not None:
        return org, False
    org = Organization(id=ids.new_id("org"), name=name)
    session.add(org)
    session.flush()
    seed_organization(Context(session=session, org_id=org.id, rt=rt))
    return org, True
