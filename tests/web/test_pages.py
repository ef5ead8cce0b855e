"""The web app in a real browser: what the SDK writes shows in the pages, what the pages write shows
through the SDK. Each test fails when its feature breaks."""

from __future__ import annotations

import csv
import io
import re
import time
from pathlib import Path
from typing import Any, List

import httpx
from playwright.sync_api import expect

from humanloop import Humanloop

from ..server.conftest import Server
from .conftest import Visit, csrf_token, root_url

SCRIPT = "<script>window.__pwned = 1</script>"
IMG = '<img src="x" onerror="window.__pwned = 2">'


def chat_prompt(hl: Humanloop, path: str, content: str = "{{question}}", **kw: Any) -> Any:
    return hl.prompts.upsert(
        path=path,
        model=kw.pop("model", "mock-1"),
        provider="mock",
        template=[{"role": "user", "content": content}],
        **kw,
    )


# ---------------------------------------------------------------- signing in


def test_sign_in_and_out(browser: Any, server: Server, uid: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    visit = Visit(page, root_url(server), f"sign_in_and_out_{server.backend}")
    # an unauthenticated page sends the browser to the sign-in page, and back after it
    visit.go(f"/files?q={uid}")
    assert "/sign-in?next=" in page.url
    page.get_by_label("API key").fill("not-a-key")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("not valid")
    visit.shot("wrong-key")
    page.get_by_label("API key").fill(server.api_key)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(rf".*/files\?q={uid}$"))
    visit.shot("back")
    cookie = next(c for c in context.cookies() if c["name"] == "hl_web_session")
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict"
    assert server.api_key not in cookie["value"]
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r".*/sign-in$"))
    visit.go("/files")
    assert "/sign-in" in page.url
    # the old session id is dead on the server too, not only forgotten by the browser
    stale = httpx.get(root_url(server) + "/files", cookies={"hl_web_session": cookie["value"]}, follow_redirects=False)
    assert stale.status_code == 303 and "/sign-in" in stale.headers["location"]
    context.close()


# ---------------------------------------------------------------- the tree


def test_browse_the_tree_and_search(tab: Visit, hl: Humanloop, uid: str) -> None:
    prompt = chat_prompt(hl, f"{uid}/support/answer", commit_message="v1")
    chat_prompt(hl, f"{uid}/support/answer", content="Please: {{question}}")
    for i in range(3):
        hl.prompts.log(id=prompt.id, inputs={"question": f"q{i}"}, output=f"a{i}")
    hl.datasets.upsert(path=f"{uid}/support/questions", datapoints=[{"inputs": {"question": "hi"}}])
    hl.tools.log(
        path=f"{uid}/tools/search",
        tool={"function": {"name": "search", "description": "find", "parameters": {}}},
        inputs={"q": "x"},
        output="y",
    )
    tab.go(f"/files?q={uid}")
    page = tab.page
    row = page.locator("li.file", has_text="answer")
    expect(row).to_contain_text("prompt")
    expect(row).to_contain_text("2 versions")
    expect(row).to_contain_text("3 Logs")
    expect(page.locator("li.file", has_text="questions")).to_contain_text("dataset")
    expect(page.locator("li.file", has_text="search")).to_contain_text("tool")
    # search narrows the tree to matching paths
    page.get_by_label("Search files by path").fill(f"{uid}/tools")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r".*q=.*tools"))
    tab.shot("searched")
    expect(page.locator("li.file")).to_have_count(1)
    expect(page.locator("li.file")).to_contain_text("search")
    # a File opens on its page with its versions
    page.get_by_role("link", name="search").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("search")
    tab.shot("file")


# ---------------------------------------------------------------- Logs


def test_filter_and_page_logs(tab: Visit, hl: Humanloop, uid: str) -> None:
    first = chat_prompt(hl, f"{uid}/logs/p")
    second = chat_prompt(hl, f"{uid}/logs/p", model="mock-2")
    for i in range(60):
        hl.prompts.log(
            id=first.id,
            version_id=first.version_id,
            inputs={"question": f"apple {i}"},
            output=f"answer {i}",
            created_at=f"2026-01-01T00:{i:02d}:00Z",
            metadata={"team": "red" if i % 2 else "blue"},
        )
    hl.prompts.log(
        id=second.id,
        version_id=second.version_id,
        inputs={"question": "banana"},
        output="yellow",
        created_at="2026-02-01T00:00:00Z",
    )
    page = tab.page
    tab.go(f"/files/{first.id}/logs")
    rows = page.locator("table.logs tbody tr")
    expect(rows).to_have_count(50)
    expect(rows.first).to_contain_text("banana")  # newest first
    # keyset paging: older, then newer again
    page.get_by_role("link", name="Older →").click()
    expect(rows).to_have_count(11)
    expect(rows.last).to_contain_text("apple 0")
    tab.shot("older")
    page.get_by_role("link", name="← Newer").click()
    expect(rows).to_have_count(50)
    expect(rows.first).to_contain_text("banana")
    # text search
    tab.go(f"/files/{first.id}/logs")
    page.get_by_label("Inputs or output contain").fill("banana")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("yellow")
    assert "search=banana" in page.url  # the filtered view has its own URL
    tab.shot("search")
    # version and metadata and dates, from a shareable URL
    tab.go(f"/files/{first.id}/logs?version_id={second.version_id}")
    expect(rows).to_have_count(1)
    tab.go(f"/files/{first.id}/logs?metadata_search=blue&start=2026-01-01T00:10:00&end=2026-01-01T00:19:59")
    expect(rows).to_have_count(5)
    expect(rows.first).to_contain_text("apple 18")
    page.get_by_label("Version", exact=True).select_option(label="v1")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(5)
    page.get_by_label("Version", exact=True).select_option(label="v2")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(".empty")).to_contain_text("No Log matches")
    tab.shot("none")


def test_open_a_trace(tab: Visit, hl: Humanloop, uid: str) -> None:
    flow = hl.flows.log(path=f"{uid}/agent/flow", flow={"attributes": {"k": "v"}}, inputs={"task": "plan a trip"})
    prompt = chat_prompt(hl, f"{uid}/agent/planner")
    step = hl.prompts.log(
        id=prompt.id, inputs={"question": "where to?"}, output="Lisbon", trace_parent_id=flow.id, prompt_tokens=7
    )
    hl.tools.log(
        path=f"{uid}/agent/weather",
        tool={"function": {"name": "weather", "description": "forecast", "parameters": {}}},
        inputs={"city": "Lisbon"},
        output="sunny",
        trace_parent_id=step.id,
    )
    hl.flows.update_log(log_id=flow.id, trace_status="complete", output="Go to Lisbon")
    page = tab.page
    tab.go(f"/logs/{step.id}")
    trace = page.locator("section", has=page.get_by_role("heading", name=re.compile("^Trace")))
    expect(trace).to_contain_text("3 Logs")
    expect(trace.locator("summary").first).to_contain_text(f"{uid}/agent/flow")
    expect(trace.locator(".trace-node.current > summary")).to_contain_text("planner")
    tool_node = trace.locator("details.trace-node", has_text="weather").last
    expect(tool_node.locator(".node-body").first).to_be_hidden()  # a leaf other than this Log starts closed
    tool_node.locator("summary").first.click()
    expect(tool_node.locator(".node-body").first).to_be_visible()
    expect(tool_node.locator(".node-body").first).to_contain_text("sunny")
    expect(page.locator("pre.output").first).to_have_text("Lisbon")
    expect(page.locator("dl.facts")).to_contain_text("7 in")
    tab.shot("trace")
    # the nodes open one by one and lead to each Log
    tool_node.locator("a", has_text="Open Log").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Log")
    expect(page.locator("pre.output")).to_have_text("sunny")
    tab.shot("tool-log")


# ---------------------------------------------------------------- versions


def test_diff_two_versions(tab: Visit, hl: Humanloop, uid: str) -> None:
    old = chat_prompt(hl, f"{uid}/diff/p", content="Answer briefly: {{question}}", temperature=0.2)
    new = chat_prompt(hl, f"{uid}/diff/p", content="Answer in detail: {{question}}", temperature=0.9, model="mock-9")
    page = tab.page
    tab.go(f"/files/{old.id}")
    page.get_by_role("button", name="Compare the chosen versions").click()
    page.wait_for_url(re.compile(r".*/diff\?.*b=.*"))
    tab.shot("diff")
    assert f"a={old.version_id}" in page.url and f"b={new.version_id}" in page.url
    template = page.locator("section.diff", has=page.get_by_role("heading", name=re.compile("^Template")))
    expect(template.locator("td.minus")).to_contain_text("Answer briefly")
    expect(template.locator("td.plus")).to_contain_text("Answer in detail")
    expect(page.locator("section.diff", has_text="Model").locator("td.plus")).to_contain_text("mock-9")
    expect(page.locator("section.diff", has_text="Parameters").locator("td.minus")).to_contain_text("0.2")
    # the same version on both sides: nothing changed
    tab.go(f"/files/{old.id}/diff?a={old.version_id}&b={old.version_id}")
    expect(page.locator("td.minus")).to_have_count(0)
    expect(page.locator("td.plus")).to_have_count(0)


def test_deploy_and_remove_a_version(tab: Visit, hl: Humanloop, uid: str) -> None:
    v1 = chat_prompt(hl, f"{uid}/deploy/p", commit_message="first")
    v2 = chat_prompt(hl, f"{uid}/deploy/p", content="Now: {{question}}", commit_message="second")
    page = tab.page
    tab.go(f"/files/{v1.id}")
    page.get_by_label("Version to deploy to production").select_option(v1.version_id)
    page.get_by_role("button", name="Deploy to production").click()
    expect(page.get_by_role("status").filter(has_text="Deployed v1")).to_be_visible()
    tab.shot("deployed")
    deployed = {e.name: e.file for e in hl.prompts.list_environments(id=v1.id)}
    assert deployed["production"] is not None and deployed["production"].version_id == v1.version_id
    assert hl.prompts.get(id=v1.id, environment="production").version_id == v1.version_id
    page.get_by_label("Version to deploy to production").select_option(v2.version_id)
    page.get_by_role("button", name="Deploy to production").click()
    expect(page.get_by_role("status").filter(has_text="Deployed v2")).to_be_visible()
    assert hl.prompts.get(id=v1.id, environment="production").version_id == v2.version_id
    page.get_by_role("button", name="Remove from production").click()
    expect(page.get_by_role("status").filter(has_text="Removed")).to_be_visible()
    tab.shot("removed")
    deployed = {e.name: e.file for e in hl.prompts.list_environments(id=v1.id)}
    assert deployed["production"] is None
    # the page after a reload says the same
    tab.go(f"/files/{v1.id}")
    expect(page.locator("#deployments")).to_contain_text("nothing deployed")


def test_deleted_versions_are_not_listed(tab: Visit, hl: Humanloop, uid: str) -> None:
    kept = chat_prompt(hl, f"{uid}/gone/p", commit_message="kept")
    gone = chat_prompt(hl, f"{uid}/gone/p", content="Old idea: {{question}}", commit_message="dropped")
    latest = chat_prompt(hl, f"{uid}/gone/p", content="Latest: {{question}}", commit_message="latest")
    hl.prompts.log(id=kept.id, version_id=gone.version_id, inputs={"question": "q"}, output="from the dropped one")
    hl.prompts.delete_prompt_version(id=kept.id, version_id=gone.version_id)
    page = tab.page
    tab.go(f"/files/{kept.id}")
    table = page.locator("table.versions tbody")
    expect(table.locator("tr")).to_have_count(2)
    expect(table).to_contain_text("kept")
    expect(table).to_contain_text("latest")
    expect(table).not_to_contain_text("dropped")
    expect(page.locator(f"input[name=a][value='{gone.version_id}']")).to_have_count(0)
    # nor offered for deploying or comparing
    expect(page.locator(f"option[value='{gone.version_id}']")).to_have_count(0)
    expect(page.locator(f"option[value='{latest.version_id}']").first).to_be_attached()
    tab.go(f"/files/{kept.id}/diff")
    expect(page.locator(f"#diff-a option[value='{gone.version_id}']")).to_have_count(0)
    expect(page.locator("#diff-a option")).to_have_count(2)
    # the tree counts the versions left
    tab.go(f"/files?q={uid}/gone")
    expect(page.locator("li.file", has_text="p")).to_contain_text("2 versions")
    # its Log stays, with the label it had; the version filter no longer offers it
    tab.go(f"/files/{kept.id}/logs")
    expect(page.get_by_text("from the dropped one")).to_be_visible()
    expect(page.locator(f"option[value='{gone.version_id}']")).to_have_count(0)
    expect(page.locator(f"option[value='{kept.version_id}']")).to_have_count(1)


# ---------------------------------------------------------------- feedback


def test_rate_a_log(tab: Visit, hl: Humanloop, uid: str) -> None:
    prompt = chat_prompt(hl, f"{uid}/rate/p")
    log = hl.prompts.log(id=prompt.id, inputs={"question": "2+2"}, output="4")
    page = tab.page
    tab.go(f"/logs/{log.id}")
    form = page.locator("form.feedback", has_text="Example Evaluators/Human/rating")
    form.get_by_label("good").check()
    form.get_by_role("button", name="Save judgment").click()
    expect(page.locator("#judgment-list .judgment-value")).to_have_text("good")
    tab.shot("rated")
    judged = [e for e in hl.logs.get(id=log.id).evaluator_logs if e.evaluator.path == "Example Evaluators/Human/rating"]
    assert [j.judgment for j in judged] == ["good"]
    # stored as evaluators.log stores it: the judgment names the rated Log and the rating's version
    rating = hl.evaluators.get(id=judged[0].evaluator.id)
    assert judged[0].parent_id == log.id and judged[0].evaluator.version_id == rating.version_id
    # the Logs table shows it as well
    tab.go(f"/files/{prompt.id}/logs")
    expect(page.locator("table.logs tbody tr").first).to_contain_text("rating: good")


# ---------------------------------------------------------------- Datasets


def test_upload_a_csv(tab: Visit, hl: Humanloop, uid: str, tmp_path: Path) -> None:
    ds = hl.datasets.upsert(path=f"{uid}/data/qa", datapoints=[{"inputs": {"question": "old"}}])
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["question", "target"])
    writer.writerow(["capital of France?", "Paris"])
    writer.writerow(["capital of Peru?", '{"output": "Lima"}'])
    upload = tmp_path / "rows.csv"
    upload.write_text(buffer.getvalue())
    page = tab.page
    tab.go(f"/files/{ds.id}")
    expect(page.locator("table.datapoints tbody tr")).to_have_count(1)
    page.get_by_label("CSV file", exact=True).set_input_files(str(upload))
    page.get_by_label("Commit message").fill("two capitals")
    page.get_by_role("button", name="Upload").click()
    page.wait_for_url(re.compile(r".*\?version=dsv_.*"))
    tab.shot("uploaded")
    expect(page.locator("table.datapoints tbody tr")).to_have_count(3)
    expect(page.locator("table.datapoints")).to_contain_text("capital of Peru?")
    new_version = page.url.split("version=")[1]
    points = list(hl.datasets.list_datapoints(id=ds.id, version_id=new_version))
    assert [p.inputs["question"] for p in points] == ["old", "capital of France?", "capital of Peru?"]
    assert points[1].target == {"output": "Paris"} and points[2].target == {"output": "Lima"}
    versions = hl.datasets.list_versions(id=ds.id).records
    assert any(v.version_id == new_version and v.commit_message == "two capitals" for v in versions)


# ---------------------------------------------------------------- Evaluations


def make_evaluation(hl: Humanloop, uid: str) -> Any:
    """An Evaluation of two Prompt versions on three datapoints, judged by a boolean and a number Evaluator."""
    base = f"{uid}/eval"
    v1 = chat_prompt(hl, f"{base}/capitals", content="Capital? {{question}}", commit_message="terse")
    v2 = chat_prompt(hl, f"{base}/capitals", content="Think, then answer: {{question}}", commit_message="careful")
    ds = hl.datasets.upsert(
        path=f"{base}/countries",
        datapoints=[
            {"inputs": {"question": "France"}, "target": {"output": "Paris"}},
            {"inputs": {"question": "Spain"}, "target": {"output": "Madrid"}},
            {"inputs": {"question": "Italy"}, "target": {"output": "Rome"}},
        ],
    )
    ds = hl.datasets.get(id=ds.id, include_datapoints=True)
    correct = hl.evaluators.upsert(
        path=f"{base}/correct",
        spec={"evaluator_type": "external", "arguments_type": "target_required", "return_type": "boolean"},
    )
    score = hl.evaluators.upsert(
        path=f"{base}/fluency",
        spec={"evaluator_type": "external", "arguments_type": "target_free", "return_type": "number"},
    )
    ev = hl.evaluations.create(
        name=f"capitals {uid}",
        file={"id": v1.id},
        dataset={"version_id": ds.version_id},
        evaluators=[{"path": correct.path, "orchestrated": False}, {"path": score.path, "orchestrated": False}],
        evaluatees=[
            {"version_id": v1.version_id, "batch_id": "terse", "orchestrated": False},
            {"version_id": v2.version_id, "batch_id": "careful", "orchestrated": False},
        ],
    )
    answers = {"terse": ["Paris", "Barcelona", "Rome"], "careful": ["Paris", "Madrid", "Rome"]}
    for version, batch in ((v1, "terse"), (v2, "careful")):
        for i, dp in enumerate(ds.datapoints):
            out = answers[batch][i]
            log = hl.prompts.log(
                id=v1.id,
                version_id=version.version_id,
                evaluation_id=ev.id,
                batch_id=batch,
                source_datapoint_id=dp.id,
                inputs=dp.inputs,
                output=out,
            )
            hl.evaluators.log(
                parent_id=log.id, id=correct.id, version_id=correct.version_id, judgment=out == dp.target["output"]
            )
            hl.evaluators.log(
                parent_id=log.id,
                id=score.id,
                version_id=score.version_id,
                judgment=float(i + (2 if batch == "careful" else 0)),
            )
    return ev, v1, ds


def test_read_an_evaluation_report(tab: Visit, hl: Humanloop, uid: str) -> None:
    ev, prompt, _ds = make_evaluation(hl, uid)
    stats = hl.evaluations.get_stats(id=ev.id)
    assert stats.status == "completed"
    page = tab.page
    tab.go(f"/files/{prompt.id}/evaluations")
    page.get_by_role("link", name=f"capitals {uid}").click()
    page.wait_for_url(re.compile(rf".*/evaluations/{ev.id}$"))
    tab.shot("report")
    scores = page.locator("table.scores")
    expect(scores.locator("thead")).to_contain_text("terse")
    expect(scores.locator("thead")).to_contain_text("careful")
    correct_row = scores.locator("tbody tr", has_text="correct")
    expect(correct_row.locator("td").nth(0)).to_contain_text("67% true (2/3)")
    expect(correct_row.locator("td").nth(1)).to_contain_text("100% true (3/3)")
    fluency_row = scores.locator("tbody tr", has_text="fluency")
    expect(fluency_row.locator("td").nth(0)).to_contain_text("1 ±")  # mean of 0, 1, 2
    expect(fluency_row.locator("td").nth(1)).to_contain_text("3 ±")  # mean of 2, 3, 4
    # one chart per Evaluator, one bar per version, with the spread drawn
    charts = page.locator("figure.chart")
    expect(charts).to_have_count(2)
    expect(charts.first.locator("svg rect")).to_have_count(2)
    expect(charts.nth(1).locator("svg rect.box")).to_have_count(2)
    heights = [
        float(h) for h in charts.first.locator("svg rect").evaluate_all("rs => rs.map(r => r.getAttribute('height'))")
    ]
    assert heights[1] > heights[0] > 0  # 100% is taller than 67%
    # the Logs of each datapoint side by side, with their judgments
    spain = page.locator("table.side-by-side tbody tr", has_text="Spain")
    expect(spain.locator("td").nth(0)).to_contain_text("Barcelona")
    expect(spain.locator("td").nth(0)).to_contain_text("correct: false")
    expect(spain.locator("td").nth(1)).to_contain_text("Madrid")
    expect(spain.locator("td").nth(1)).to_contain_text("correct: true")


# ---------------------------------------------------------------- playground


def test_playground_runs_with_the_mock_provider_and_saves_a_version(tab: Visit, hl: Humanloop, uid: str) -> None:
    prompt = chat_prompt(hl, f"{uid}/play/p", content="Tell me about {{topic}}", commit_message="start")
    page = tab.page
    tab.go(f"/files/{prompt.id}/playground")
    template = page.get_by_label("Content of message 1")
    template.fill("Explain {{topic}} to a {{audience}}")
    expect(page.get_by_label("audience")).to_be_visible()  # the inputs follow the template
    page.get_by_label("topic").fill("tides")
    page.get_by_label("audience").fill("child")
    page.get_by_label("Temperature").fill("0.3")
    page.get_by_role("button", name="Run").click()
    output = page.locator("#pg-output")
    expect(output).to_have_text("mock response to: Explain tides to a child")
    expect(page.locator("#pg-log-link")).to_be_visible()
    tab.shot("ran")
    log_id = page.locator("#pg-log-link").get_attribute("href").rsplit("/", 1)[1]
    stored = hl.logs.get(id=log_id)
    assert stored.output == "mock response to: Explain tides to a child"
    assert stored.inputs == {"topic": "tides", "audience": "child"} and stored.prompt.temperature == 0.3
    # save the edit as a committed version
    page.get_by_label("Commit message").fill("for children")
    page.get_by_role("button", name="Save version").click()
    page.wait_for_url(re.compile(r".*saved=1"))
    expect(page.get_by_role("status").filter(has_text="Saved as")).to_be_visible()
    tab.shot("saved")
    versions = hl.prompts.list_versions(id=prompt.id).records
    saved = next(v for v in versions if v.commit_message == "for children")
    assert saved.status == "committed" and saved.template[0].content == "Explain {{topic}} to a {{audience}}"
    assert saved.temperature == 0.3 and saved.version_id == stored.prompt.version_id
    # a refused run is said on the page, and nothing is stored
    before = len(list(hl.logs.list(file_id=prompt.id)))
    page.locator("summary", has_text="More settings").click()
    page.get_by_label("More settings as JSON").fill("{not json")
    page.get_by_role("button", name="Run").click()
    expect(page.locator("#pg-status")).to_contain_text("not valid JSON")
    assert len(list(hl.logs.list(file_id=prompt.id))) == before


# ---------------------------------------------------------------- safety


def test_another_organisation_sees_none_of_it(browser: Any, server: Server, hl: Humanloop, uid: str) -> None:
    ev, prompt, ds = make_evaluation(hl, uid)
    log = hl.prompts.log(id=prompt.id, inputs={"question": "secret"}, output="classified")
    context = browser.new_context()
    page = context.new_page()
    visit = Visit(page, root_url(server), f"another_organisation_{server.backend}")
    visit.sign_in(server.other_key)
    visit.go(f"/files?q={uid}")
    expect(page.locator("li.file")).to_have_count(0)
    for path in [
        f"/files/{prompt.id}",
        f"/files/{prompt.id}/logs",
        f"/files/{prompt.id}/diff",
        f"/files/{prompt.id}/evaluations",
        f"/files/{prompt.id}/playground",
        f"/files/{ds.id}",
        f"/logs/{log.id}",
        f"/evaluations/{ev.id}",
    ]:
        response = visit.go(path)
        assert response.status == 404, path
        expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
        assert "classified" not in page.content()
    token = csrf_token(page)
    production = next(e for e in hl.prompts.list_environments(id=prompt.id) if e.name == "production")
    for path, form in [
        (f"/files/{prompt.id}/deploy", {"environment_id": production.id, "version_id": prompt.version_id}),
        (f"/logs/{log.id}/feedback", {"evaluator_id": "x", "judgment": "good"}),
        (f"/files/{prompt.id}/playground/save", {"model": "m", "message_count": "0"}),
    ]:
        answer = page.request.post(root_url(server) + path, form={"csrf_token": token or "", **form})
        assert answer.status == 404, path
    assert all(e.file is None for e in hl.prompts.list_environments(id=prompt.id))
    assert hl.logs.get(id=log.id).evaluator_logs == []
    context.close()


def test_a_form_without_its_csrf_token_is_refused(tab: Visit, hl: Humanloop, uid: str) -> None:
    prompt = chat_prompt(hl, f"{uid}/csrf/p", commit_message="one")
    log = hl.prompts.log(id=prompt.id, inputs={"question": "q"}, output="a")
    production = next(e for e in hl.prompts.list_environments(id=prompt.id) if e.name == "production")
    tab.go(f"/files/{prompt.id}")
    request = tab.page.request
    deploy = {"environment_id": production.id, "version_id": prompt.version_id}
    for token in (None, "forged-token"):
        form = dict(deploy, **({"csrf_token": token} if token else {}))
        answer = request.post(tab.root + f"/files/{prompt.id}/deploy", form=form)
        assert answer.status == 403
        assert "security token" in answer.text()
        rating = request.post(tab.root + f"/logs/{log.id}/feedback", form={"evaluator_id": "x", "judgment": "good"})
        assert rating.status == 403
    assert all(e.file is None for e in hl.prompts.list_environments(id=prompt.id))
    assert hl.logs.get(id=log.id).evaluator_logs == []
    # with the page's token the same form goes through
    answer = request.post(tab.root + f"/files/{prompt.id}/deploy", form=dict(deploy, csrf_token=csrf_token(tab.page)))
    assert answer.status == 200
    assert hl.prompts.get(id=prompt.id, environment="production").version_id == prompt.version_id


def test_pages_escape_what_users_wrote(tab: Visit, hl: Humanloop, uid: str) -> None:
    prompt = chat_prompt(hl, f"{uid}/xss/{SCRIPT}", content=SCRIPT + "{{question}}", commit_message=IMG)
    flow = hl.flows.log(path=f"{uid}/xss/flow", flow={"attributes": {}}, inputs={"x": IMG})
    log = hl.prompts.log(
        id=prompt.id,
        inputs={"question": SCRIPT},
        output=IMG,
        messages=[{"role": "user", "content": SCRIPT}],
        metadata={"note": IMG},
        trace_parent_id=flow.id,
        error=SCRIPT,
    )
    hl.evaluators.log(parent_id=log.id, path="Example Evaluators/Human/rating", judgment=IMG)
    page = tab.page
    visited: List[str] = [
        f"/files?q={uid}",
        f"/files/{prompt.id}",
        f"/files/{prompt.id}/logs",
        f"/logs/{log.id}",
        f"/logs/{flow.id}",
        f"/files/{prompt.id}/playground",
        f"/files/{prompt.id}/diff",
        f"/files?q={SCRIPT}",
    ]
    for path in visited:
        response = tab.go(path)
        # and had anything slipped through, the page's policy lets no inline script run
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        time.sleep(0.1)  # an injected handler would have run by now
        assert page.evaluate("window.__pwned") is None, path
        assert page.locator("script:not([src])").count() == 0, path
        assert page.locator("img").count() == 0, path
    tab.go(f"/logs/{log.id}")
    expect(page.locator("pre.output")).to_have_text(IMG)
    expect(page.get_by_role("region", name="Inputs")).to_contain_text(SCRIPT)
    expect(page.locator("#judgment-list")).to_contain_text(IMG)


def test_api_clients_keep_the_json_answers(server: Server) -> None:
    root = root_url(server)
    api = httpx.get(f"{root}/prompts", headers={"X-API-KEY": server.api_key})
    assert api.status_code == 404 and f"{root}/v5" in api.json()["detail"]
    # a web page asked for by an API client is the API's 404 too, not a redirect to sign in
    files = httpx.get(f"{root}/files", headers={"Accept": "application/json"}, follow_redirects=False)
    assert files.status_code == 404 and "/v5" in files.json()["detail"]
    page = httpx.get(f"{root}/no-such-page", headers={"Accept": "text/html"})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "There is no page at /no-such-page" in page.text
    # web routes are not part of the API's document
    paths = httpx.get(f"{root}/openapi.json").json()["paths"]
    assert paths and all(p.startswith("/v5/") for p in paths)


def test_revoking_the_key_signs_its_sessions_out(browser: Any, server: Server, uid: str) -> None:
    from humanloop_server.services import keys

    key = f"hl_web_revoked_{uid}"
    keys.register_key(server.runtime, key, f"e2e-{server.backend}", name=f"web-{uid}")
    context = browser.new_context()
    visit = Visit(context.new_page(), root_url(server), f"revoked_key_{server.backend}")
    visit.sign_in(key)
    visit.go("/files")
    assert visit.page.url.endswith("/files")
    info = next(k for k in keys.list_keys(server.runtime.db) if k.name == f"web-{uid}")
    keys.revoke_key(server.runtime.db, info.id)
    visit.go("/files")
    assert "/sign-in" in visit.page.url
    context.close()
