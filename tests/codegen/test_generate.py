"""generate / check on a scratch project built from the mini document."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from codegen.render_common import HEADER

from codegen import generate as gen

from .mini_openapi import doc

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "openapi.json").write_text(json.dumps(doc()), encoding="utf-8")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(ROOT / "src" / "humanloop" / "core", tmp_path / "src" / "humanloop" / "core")
    (tmp_path / ".fernignore").write_text(
        "# hand-written\nsrc/humanloop/core/\nsrc/humanloop/client.py\nsrc/humanloop/version.py\n", encoding="utf-8"
    )
    (tmp_path / "src" / "humanloop" / "version.py").write_text('__version__ = "hand"\n', encoding="utf-8")
    gen.generate(tmp_path)
    return tmp_path


def test_every_generated_file_has_the_header(project: Path) -> None:
    files = gen.build(project)
    assert "src/humanloop/widgets/client.py" in files
    assert "src/humanloop/types/log_response.py" in files
    assert "src/humanloop/requests/widget_response.py" in files
    assert "src/humanloop/widgets/types/widget_log_request_choice.py" in files
    for rel, text in files.items():
        first = text.splitlines()[0]
        if rel.endswith(".py"):
            assert first == HEADER, rel
        else:
            assert first == gen.REFERENCE_HEADER, rel


def test_fernignore_paths_are_never_written(project: Path) -> None:
    assert (project / "src/humanloop/version.py").read_text(encoding="utf-8") == '__version__ = "hand"\n'
    assert "src/humanloop/version.py" not in gen.build(project)
    assert "src/humanloop/environment.py" in gen.build(project)
    assert not list((project / "src/humanloop/core").glob("*.py")) or all(
        not p.read_text(encoding="utf-8").startswith(HEADER) for p in (project / "src/humanloop/core").glob("*.py")
    )


def test_check_is_clean_after_generate_and_reports_stale_files(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert gen.check(project, export_check=False) == 0
    target = project / "src/humanloop/types/widget_response.py"
    target.write_text(target.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    leftover = project / "src/humanloop/types/old_type.py"
    leftover.write_text(HEADER + "\n", encoding="utf-8")
    assert gen.check(project, export_check=False) == 1
    err = capsys.readouterr().err
    assert "src/humanloop/types/widget_response.py" in err
    assert "src/humanloop/types/old_type.py (no longer generated)" in err
    # a change of the document makes the output stale too
    gen.generate(project)
    assert not leftover.exists()
    changed = doc()
    changed["components"]["schemas"]["WidgetChunk"]["properties"]["extra"] = {"type": "integer"}
    (project / "api/openapi.json").write_text(json.dumps(changed), encoding="utf-8")
    assert "src/humanloop/types/widget_chunk.py" in gen.stale_files(project)


def test_generation_is_deterministic(project: Path) -> None:
    assert gen.build(project) == gen.build(project)


def test_generated_code_sends_what_the_contract_says(project: Path) -> None:
    """Run the generated mini SDK (with the real core) against httpx.MockTransport in a subprocess."""
    script = textwrap.dedent(
        """
        import json, httpx
        from humanloop.base_client import BaseHumanloop
        from humanloop.types.log_response import LogResponse
        from humanloop.types.widget_log_response import WidgetLogResponse

        seen = []
        def handler(request):
            seen.append(request)
            if request.url.path.endswith("/widgets/log"):
                return httpx.Response(200, json={"id": "l1", "widget": {"id": "w", "kind": "widget"},
                                                 "children": [{"id": "l2", "gadget": {"id": "g", "kind": "gadget"}}]})
            if request.url.path.endswith("/csv"):
                return httpx.Response(200, json={"id": "w", "kind": "widget"})
            if request.url.path.endswith("/widgets/call"):
                return httpx.Response(200, headers={"content-type": "text/event-stream"},
                                      content=b'data: {"delta": "a"}\\n\\ndata: {"delta": "b"}\\n\\n')
            if request.method == "DELETE":
                return httpx.Response(204)
            return httpx.Response(200, json={"records": [{"id": "w1", "kind": "widget"}], "page": 1, "size": 10, "total": 1})

        client = BaseHumanloop(api_key="k", base_url="http://x/v5",
                               httpx_client=httpx.Client(transport=httpx.MockTransport(handler)))
        out = {}
        log = client.widgets.log(environment="q", widget_log_request_environment="b", output=None)
        out["log"] = [str(seen[-1].url), json.loads(seen[-1].content), type(log).__name__,
                      type(log.children[0]).__name__]
        client.widgets.log()
        out["empty_body"] = [seen[-1].content.decode(), seen[-1].headers.get("content-type")]
        client.widgets.log(choice={"id": "w", "kind": "widget", "ai_21": "k"})
        out["renamed"] = json.loads(seen[-1].content)
        out["list"] = [w.id for w in client.widgets.list(tag=["a", "b"])] + [str(seen[-1].url)]
        out["delete"] = [client.widgets.delete("a/b"), str(seen[-1].url)]
        out["stream"] = [c.delta for c in client.widgets.call_stream(mode="fast")] + [json.loads(seen[-1].content)]
        client.widgets.upload_csv("w", file=b"a,b\\n1,2\\n", commit_message="m")
        out["upload"] = [seen[-1].headers["content-type"].split(";")[0], b"commit_message" in seen[-1].content]
        print(json.dumps(out))
        """
    )
    env = dict(os.environ, PYTHONPATH=str(project / "src"))
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=project)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["log"] == [
        "http://x/v5/widgets/log?environment=q",
        {"environment": "b", "output": None},  # OMIT dropped, explicit None sent as null
        "WidgetLogResponse",
        "GadgetLogResponse",
    ]
    assert out["empty_body"] == ["", None]  # no body parameter set: no body at all, as the 0.8.6 SDK
    assert out["renamed"] == {"choice": {"id": "w", "kind": "widget", "ai21": "k"}}  # TypedDict key -> wire name
    assert out["list"] == ["w1", "http://x/v5/widgets?page=1&tag=a&tag=b"]
    assert out["delete"] == [None, "http://x/v5/widgets/a%2Fb"]
    assert out["stream"] == ["a", "b", {"stream": True, "mode": "fast"}]
    assert out["upload"] == ["multipart/form-data", True]


def test_committed_sdk_matches_the_committed_document() -> None:
    assert gen.stale_files(ROOT) == []


def test_reference_examples_are_valid_python() -> None:
    text = (ROOT / "reference.md").read_text(encoding="utf-8")
    blocks = text.split("```python\n")[1:]
    assert len(blocks) >= 83
    for block in blocks:
        compile(block.split("```", 1)[0], "reference.md", "exec")
