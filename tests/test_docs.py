"""The documentation's code runs as written.

Every block fenced as ```python in README.md and docs/*.md is run, unchanged, as a script in a fresh
interpreter against a real server (the embedded one, on a throw-away SQLite database) with
``HUMANLOOP_API_KEY`` and ``HUMANLOOP_BASE_URL`` set as the README tells a reader to set them.
Blocks fenced as ```py are illustrations and are not run. The README's two first commands are run
by CI itself (`scripts/test.py`) and by ``test_the_demo_command_runs`` below.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from pathlib import Path
from typing import Iterator, List, Tuple

import pytest

from humanloop_server.settings import Settings
from humanloop_server.wiring import JOB_HANDLERS
from humanloop_server.workers.pool import run_pending

from .server.conftest import Server, serve

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def python_blocks() -> List[Tuple[str, str]]:
    found = []
    for doc in DOCUMENTS:
        text = doc.read_text(encoding="utf-8")
        for match in FENCE.finditer(text):
            line = text[: match.start()].count("\n") + 1
            found.append((f"{doc.relative_to(ROOT)}:{line}", match.group(1)))
    return found


BLOCKS = python_blocks()


def test_the_documents_have_runnable_examples() -> None:
    assert any(where.startswith("README.md") for where, _ in BLOCKS)
    assert any("evaluations.run" in code for _, code in BLOCKS)


@pytest.fixture(scope="module")
def doc_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("docs"), api_key="my-secret", workers=0)
    with serve(settings, "sqlite") as srv:
        stop = threading.Event()

        def drain() -> None:  # the server's background work (judgments), done here
            while not stop.is_set():
                run_pending(srv.runtime, JOB_HANDLERS, 100)
                stop.wait(0.05)

        worker = threading.Thread(target=drain, daemon=True)
        worker.start()
        try:
            yield srv
        finally:
            stop.set()
            worker.join(timeout=60)


@pytest.mark.parametrize("where,code", BLOCKS, ids=[where for where, _ in BLOCKS])
def test_documented_python_runs_as_written(doc_server: Server, where: str, code: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUMANLOOP_")}
    env.update(
        HUMANLOOP_API_KEY="my-secret",
        HUMANLOOP_BASE_URL=doc_server.base_url,
        PYTHONPATH=str(ROOT / "src"),
        NO_COLOR="1",
    )
    script = tmp_path / "snippet.py"
    script.write_text(code, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300
    )
    assert done.returncode == 0, f"{where} failed:\n{done.stdout}\n{done.stderr}"


def test_the_demo_command_runs() -> None:
    """`python3 scripts/demo.py`, the README's first command (the project's .venv exists by now)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUMANLOOP_")}
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "demo.py")], capture_output=True, text=True, env=env, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr


def test_the_test_run_says_what_it_depends_on() -> None:
    def header(extra: dict) -> str:
        env = {k: v for k, v in os.environ.items() if k != "HUMANLOOP_TEST_DATABASE_URL"}
        env.update(extra)
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "--collect-only",
                "-p",
                "no:cacheprovider",
                "tests/test_docs.py::test_the_documents_have_runnable_examples",
            ],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=120,
        )
        return done.stdout

    without = header({})
    assert "PostgreSQL: not configured, set HUMANLOOP_TEST_DATABASE_URL" in without
    assert "humanloop==0.8.6 is installed from the package index" in without
    with_pg = header({"HUMANLOOP_TEST_DATABASE_URL": "postgresql+psycopg://u:hidden-pw@127.0.0.1:1/db"})
    assert "PostgreSQL: postgresql+psycopg://u:***@127.0.0.1:1/db" in with_pg and "hidden-pw" not in with_pg


def test_the_benchmark_command_runs_with_a_bare_python() -> None:
    """`python bench/run.py` needs no environment made by another script (it makes the project's own)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUMANLOOP_", "VIRTUAL_ENV"))}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p)
    bare = sys.base_prefix + "/bin/python3"
    done = subprocess.run(
        [bare, str(ROOT / "bench" / "run.py"), "--versions", "--repeat", "1"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "prompts.log (README)" in done.stdout and "import humanloop" in done.stdout


SH_FENCE = re.compile(r"^```sh\n(.*?)^```", re.S | re.M)
#: lines of the documents' shell blocks that other tests run, or that install the project (done by then)
NOT_RUN_HERE = ("python3 scripts/", "pip install")


def shell_lines() -> List[Tuple[str, List[str]]]:
    blocks = []
    for doc in DOCUMENTS:
        text = doc.read_text(encoding="utf-8")
        for match in SH_FENCE.finditer(text):
            line = text[: match.start()].count("\n") + 1
            commands = [
                ln.split("  #", 1)[0].strip()
                for ln in match.group(1).splitlines()
                if ln.strip() and not ln.lstrip().startswith("#") and not ln.startswith(NOT_RUN_HERE)
            ]
            if commands:
                blocks.append((f"{doc.relative_to(ROOT)}:{line}", commands))
    return blocks


SHELL = shell_lines()


@pytest.mark.parametrize("where,commands", SHELL, ids=[where for where, _ in SHELL])
def test_documented_commands_run_as_written(where: str, commands: List[str], tmp_path: Path) -> None:
    """Each block's commands in order, in one fresh directory, with the project's commands on PATH;
    `serve` runs until it answers, then stops."""
    import httpx

    env = {k: v for k, v in os.environ.items() if not k.startswith("HUMANLOOP_")}
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["PYTHONPATH"] = str(ROOT / "src")
    for command in commands:
        if " serve" not in command:
            done = subprocess.run(
                command, shell=True, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120
            )
            assert done.returncode == 0, f"{where}: {command}\n{done.stdout}\n{done.stderr}"
            continue
        server = subprocess.Popen(
            command,
            shell=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=tmp_path,
            env=env,
            start_new_session=True,
        )
        try:
            assert server.stdout is not None
            first = server.stdout.readline()
            url = re.search(r"http://\S+/v5", first)
            assert url, f"{where}: {command} said {first!r}"
            for _ in range(300):
                try:
                    httpx.get(url.group(0) + "/prompts", timeout=2)
                    break
                except httpx.TransportError as refused:
                    if server.poll() is not None:  # say why: its output, up to its exit
                        raise AssertionError(
                            f"{where}: {command} exited with {server.returncode}:\n{server.stdout.read()}"
                        ) from refused
                    threading.Event().wait(0.1)
        finally:
            os.killpg(server.pid, 15)
            server.wait(timeout=30)


def test_install_commands_name_this_project_not_the_package_index_humanloop() -> None:
    """`pip install humanloop...` installs the original SDK from the package index, not this project."""
    wrong = re.compile(r"pip install\s+[\"']?humanloop\b")
    offenders = [
        f"{doc.relative_to(ROOT)}:{n}"
        for doc in [*DOCUMENTS, ROOT / "codegen" / "README.md"]
        for n, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), start=1)
        if wrong.search(line)
    ]
    assert offenders == []
    assert 'pip install ".[server]"' in (ROOT / "docs" / "SERVER.md").read_text(encoding="utf-8")
