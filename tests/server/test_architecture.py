"""The server's layering rules, checked on its source.

- Only ``api/`` (and the app factory and the OpenAPI exporter built on it) may know HTTP: no other
  module imports ``fastapi`` or ``starlette``.
- ``humanloop_server`` has no import cycle, counting imports inside functions too (only imports
  under ``if TYPE_CHECKING:`` are left out, since they never run).
- No service compares organisation ids by hand, and nothing rebinds a session.
- Every background job kind runs in a fresh interpreter that imported no service first.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Dict, Iterator, List, Set, Tuple

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "humanloop_server"
HTTP_MODULES = ("fastapi", "starlette")
#: modules outside api/ allowed to import HTTP frameworks: the app factory and the OpenAPI exporter
HTTP_ALLOWED = {"humanloop_server.app", "humanloop_server.openapi"}
#: packages that are HTTP layers like api/: the web app (pages for browsers, calling the same services)
HTTP_LAYERS = ("humanloop_server.api", "humanloop_server.web")


def is_http_layer(name: str) -> bool:
    return any(name == layer or name.startswith(layer + ".") for layer in HTTP_LAYERS) or name in HTTP_ALLOWED


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> Dict[str, Path]:
    return {
        module_name(p): p for p in sorted(PACKAGE.rglob("*.py")) if "migrations" not in p.relative_to(PACKAGE).parts
    }


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def runtime_imports(tree: ast.AST) -> Iterator[ast.AST]:
    """Import statements that can run (anywhere in the module, but not under ``if TYPE_CHECKING``)."""
    stack: List[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                stack.extend(child.orelse)
                continue
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                yield child
            stack.append(child)


def imported(name: str, path: Path, node: ast.AST, known: Set[str]) -> List[str]:
    """The modules (absolute names) that one import statement loads."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    assert isinstance(node, ast.ImportFrom)
    if node.level:
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        base_parts = package.split(".")
        base_parts = base_parts[: len(base_parts) - (node.level - 1)]
        base = ".".join(base_parts + ([node.module] if node.module else []))
    else:
        base = node.module or ""
    submodules = [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in known]
    # `from pkg import sub` loads only `pkg.sub` beyond the parent package (always loaded first);
    # `from mod import name` depends on `mod` itself
    return submodules if len(submodules) == len(node.names) else [base, *submodules]


def import_graph() -> Dict[str, Set[str]]:
    mods = modules()
    known = set(mods)
    graph: Dict[str, Set[str]] = {m: set() for m in mods}
    for name, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in runtime_imports(tree):
            for target in imported(name, path, node, known):
                if target in known and target != name:
                    graph[name].add(target)
    return graph


def cycles(graph: Dict[str, Set[str]]) -> List[List[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    on_stack: Set[str] = set()
    stack: List[str] = []
    found: List[List[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_import_graph_is_read_correctly() -> None:
    graph = import_graph()
    # a few edges that must be there, so that an empty graph cannot pass the checks below
    assert "humanloop_server.services.files" in graph["humanloop_server.services.logs"]
    assert "humanloop_server.services.evaluations.lookup" in graph["humanloop_server.services.evaluations.setup"]
    assert "humanloop_server.services.monitoring" in graph["humanloop_server.wiring"]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycle() -> None:
    assert cycles(import_graph()) == []


def test_only_the_http_layer_imports_http_frameworks() -> None:
    offenders: List[Tuple[str, str]] = []
    for name, path in modules().items():
        if is_http_layer(name):
            continue
        for node in runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            for target in imported(name, path, node, set()):
                if target.split(".")[0] in HTTP_MODULES:
                    offenders.append((name, target))
    assert offenders == []


def _source_lines() -> Iterator[Tuple[str, int, str]]:
    for name, path in modules().items():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            yield name, number, line


def test_organisation_ids_are_compared_only_by_the_tenancy_helper() -> None:
    hand_written = [
        (name, n, line.strip())
        for name, n, line in _source_lines()
        if "org_id !=" in line and name != "humanloop_server.services.tenancy"
    ]
    assert hand_written == []


def test_no_session_is_rebound() -> None:
    assert [(name, n) for name, n, line in _source_lines() if ".bind =" in line] == []


FRESH_WORKER = textwrap.dedent(
    """
    import json, sys, time
    from humanloop_server.settings import Settings
    from humanloop_server.wiring import JOB_HANDLERS, build_runtime
    from humanloop_server.workers.pool import run_pending
    from sqlalchemy import select
    from humanloop_server.db.models import Job

    rt = build_runtime(Settings(data_dir=sys.argv[1], workers=0))
    ran = 0
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # completion re-checks are due a second later
        ran += run_pending(rt, JOB_HANDLERS, 100)
        with rt.db.read() as s:
            rows = [(j.kind, j.status, j.last_error) for j in s.execute(select(Job)).scalars()]
        if all(status in ("done", "failed") for _, status, _ in rows):
            break
        time.sleep(0.2)
    print(json.dumps({"ran": ran, "jobs": rows, "kinds": sorted(JOB_HANDLERS)}))
    """
)


def test_every_job_kind_runs_in_a_fresh_interpreter(tmp_path: Path) -> None:
    """Jobs of every kind are queued by one process through the API, then run by another that only
    knows the job table (no service was imported first for its side effects)."""
    from humanloop import Humanloop
    from humanloop_server.settings import Settings

    from .conftest import serve

    key = "hl_fresh_worker_key"
    settings = Settings(data_dir=tmp_path, api_key=key, workers=0)
    with serve(settings, "sqlite") as srv:
        hl = Humanloop(api_key=key, base_url=srv.base_url)
        judge = hl.evaluators.upsert(
            path="fresh/says-yes",
            spec={
                "evaluator_type": "python",
                "arguments_type": "target_free",
                "return_type": "boolean",
                "code": "def yes(log):\n    return True\n",
            },
        )
        prompt = hl.prompts.upsert(path="fresh/p", model="mock-1", provider="mock", template="{{q}}")
        hl.prompts.update_monitoring(id=prompt.id, activate=[{"evaluator_version_id": judge.version_id}])
        monitored = hl.prompts.log(id=prompt.id, inputs={"q": "a"}, output="b")
        ds = hl.datasets.upsert(path="fresh/data", datapoints=[{"inputs": {"q": "hello"}}])
        evaluation = hl.evaluations.create(
            name="fresh",
            file={"id": prompt.id},
            dataset={"version_id": ds.version_id},
            evaluators=[{"version_id": judge.version_id}],
            evaluatees=[{"version_id": prompt.version_id, "orchestrated": True}],
        )
    env = {**os.environ, "PYTHONPATH": str(PACKAGE.parent)}
    out = subprocess.run(
        [sys.executable, "-c", FRESH_WORKER, str(tmp_path)], capture_output=True, text=True, env=env, timeout=120
    )
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["kinds"] == ["evaluation_step", "monitor_log"]
    kinds_run = {kind for kind, _status, _error in report["jobs"]}
    assert {"evaluation_step", "monitor_log"} <= kinds_run
    assert [row for row in report["jobs"] if row[1] != "done"] == []
    # what the jobs did is visible through the API of a server started again on the same data
    with serve(settings, "sqlite") as srv:
        hl = Humanloop(api_key=key, base_url=srv.base_url)
        judged = [e for e in hl.logs.get(id=monitored.id).evaluator_logs if e.evaluator.id == judge.id]
        assert [j.judgment for j in judged] == [True]
        stats = hl.evaluations.get_stats(id=evaluation.id)
        assert stats.status == "completed" and stats.overall_stats.total_logs == 1


@pytest.mark.parametrize("word", ["HTTPException", "StreamingResponse", "status_code in ("])
def test_services_speak_no_http(word: str) -> None:
    found = [(name, n) for name, n, line in _source_lines() if word in line and not is_http_layer(name)]
    assert found == []


def test_the_web_app_reaches_the_database_only_through_services() -> None:
    """``web/`` is an HTTP layer like ``api/``: it opens transactions with ``rt.db.read()`` /
    ``rt.db.write()`` and hands them to services, and never imports models or SQLAlchemy."""
    offenders: List[Tuple[str, str]] = []
    known = set(modules())
    for name, path in modules().items():
        if not name.startswith("humanloop_server.web"):
            continue
        for node in runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            for target in imported(name, path, node, known):
                if target.split(".")[0] == "sqlalchemy" or target.startswith("humanloop_server.db"):
                    offenders.append((name, target))
    assert "humanloop_server.web.auth" in known and offenders == []
