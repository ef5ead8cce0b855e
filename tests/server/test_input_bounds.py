"""Bounded, validated input: no 5xx, no silent change, the same answer on SQLite and PostgreSQL.

Each test here reproduces a finding of an attack probe against the server:

1. request bodies have a size limit, enforced before anything reads them (413);
2. a large CSV upload holds SQLite's write lock only briefly: other writers are never answered 5xx,
   and a writer that cannot get the lock in time gets 503 with ``Retry-After``;
3. text longer than the column that stores it is 422 at its location (PostgreSQL refused it with a
   500, SQLite stored it);
4. NaN, Infinity, 1e400, lone surrogates and datetimes out of range in UTC are 422 at their location;
5. an Idempotency-Key longer than 255 characters is refused, never cut;
6. a request with two X-API-KEY headers is refused, wherever it is read;
7. the SQLite data directory and database files are private to the server's user.
"""

import io
import json
import os
import re
import select
import socket
import sqlite3
import stat
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple, TypeVar
from urllib.parse import urlparse

import httpx
import pytest

from humanloop_server.settings import Settings

from .conftest import API_KEY, Server, serve

T = TypeVar("T")

# ---------------------------------------------------------------- helpers


def _detail_at(r: httpx.Response, loc: List[Any]) -> Dict[str, Any]:
    """The 422 entry at ``loc``; fails when the answer is anything else."""
    assert r.status_code == 422, (r.status_code, r.text[:500])
    entries = [e for e in r.json()["detail"] if e.get("loc") == loc]
    assert entries, r.text[:500]
    entry: Dict[str, Any] = entries[0]
    return entry


def _raw_request(
    server: Server,
    head: str,
    *,
    content_length: Optional[int] = None,
    chunked_up_to: int = 0,
    timeout: float = 20,
) -> Tuple[int, Dict[str, Any], int]:
    """POST /v5/prompts/log over a plain socket; returns (status, JSON body, body bytes sent).

    With ``content_length`` the header is sent and no body at all: only a server that answers
    before reading the body answers within ``timeout``. Otherwise the body is sent chunked, 64 KiB
    at a time, until the server answers or ``chunked_up_to`` bytes went out.
    """
    url = urlparse(server.base_url)
    assert url.hostname == "127.0.0.1"
    sock = socket.create_connection((url.hostname, url.port), timeout=timeout)
    request = (
        f"POST /v5/prompts/log HTTP/1.1\r\nHost: {url.hostname}\r\nX-API-KEY: {server.api_key}\r\n"
        f"Content-Type: application/json\r\n{head}"
    )
    sent = 0
    try:
        if content_length is not None:
            sock.sendall(f"{request}Content-Length: {content_length}\r\n\r\n".encode())
        else:
            sock.sendall(f"{request}Transfer-Encoding: chunked\r\n\r\n".encode())
            chunk = b" " * 65536
            try:
                while sent < chunked_up_to:
                    sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    sent += len(chunk)
                    if select.select([sock], [], [], 0)[0]:
                        break  # the server answered
                else:
                    sock.sendall(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server answered and closed: its answer is still there to read
        answer = b""
        while b"\r\n\r\n" not in answer or len(answer.partition(b"\r\n\r\n")[2]) < _length(answer):
            part = sock.recv(65536)
            if not part:
                break
            answer += part
    finally:
        sock.close()
    head_bytes, _, body = answer.partition(b"\r\n\r\n")
    status = int(head_bytes.split(b" ", 2)[1])
    return status, json.loads(body), sent


def _length(answer: bytes) -> int:
    m = re.search(rb"\r\ncontent-length: *(\d+)", answer.partition(b"\r\n\r\n")[0], re.IGNORECASE)
    return int(m.group(1)) if m else 1 << 62


def _log_count(http: httpx.Client, file_id: str) -> int:
    r = http.get("/logs", params={"file_id": file_id, "size": 0})
    assert r.status_code == 200, r.text
    return int(r.json()["total"])


def _prompt_log(http: httpx.Client, uid: str, **fields: Any) -> httpx.Response:
    body = {"path": f"{uid}/p", "prompt": {"model": "gpt-4o"}, "output": "o", **fields}
    return http.post("/prompts/log", json=body)


def _raw_json(http: httpx.Client, path: str, text: str) -> httpx.Response:
    """POST a JSON text as it is (what ``json=`` cannot send: NaN, lone surrogates ...)."""
    return http.post(path, content=text.encode("utf-8", "surrogatepass"), headers={"content-type": "application/json"})


# ---------------------------------------------------------------- 1. body size


#: the default of HUMANLOOP_MAX_BODY_BYTES, which the `server` fixture keeps
LIMIT = 32 * 1024 * 1024


def test_a_content_length_over_the_limit_is_413_before_the_body_is_read(server: Server, uid: str) -> None:
    limit = LIMIT
    for head in ("", f"Idempotency-Key: {uuid.uuid4().hex}\r\n"):
        # no body follows: a server that waited for it would not answer at all
        status, body, _ = _raw_request(server, head, content_length=limit + 1)
        assert status == 413, body
        assert str(limit) in body["detail"] and "32 MiB" in body["detail"], body
    with server.client() as http:  # a body under the limit is read as before
        big = "x" * (2 * 1024 * 1024)
        r = http.post("/prompts/log", json={"path": f"{uid}/p", "prompt": {"model": "gpt-4o"}, "output": big})
        assert r.status_code == 200, r.text[:300]
        assert http.get(f"/logs/{r.json()['id']}").json()["output"] == big


def test_a_chunked_body_is_refused_as_soon_as_it_goes_over_the_limit(server: Server) -> None:
    limit = LIMIT
    for head in ("", f"Idempotency-Key: {uuid.uuid4().hex}\r\n"):  # the idempotency layer reads bodies first
        status, body, sent = _raw_request(server, head, chunked_up_to=4 * limit)
        assert status == 413, body
        assert str(limit) in body["detail"], body
        # the answer came while the client was still sending: the rest was never read
        assert sent < 4 * limit


# ---------------------------------------------------------------- 2. large CSV, concurrent writers


def _csv(rows: int, salt: str) -> bytes:
    out = io.StringIO()
    out.write("question,context,target\n")
    for i in range(rows):
        out.write(f"What is {i} plus {i * 7}? {salt},Arithmetic drill {i} of many,{i + i * 7}\n")
    return out.getvalue().encode()


def _while_another_organisation_writes(server: Server, uid: str, work: Callable[[httpx.Client], T]) -> T:
    """Run ``work`` (with a client of a generous timeout) while the other organisation writes Logs.

    Every write of the other organisation must succeed, and none may wait anywhere near as long as
    ``work`` takes: a generous bound, as the write lock is to be held one short transaction at a
    time (before, one upload held it for the whole upload, and the others got 500 "database is
    locked" after the 30 s busy timeout).
    """
    samples: List[Tuple[float, int]] = []
    done = threading.Event()

    def other_organisation_writes() -> None:
        with httpx.Client(base_url=server.base_url, headers={"X-API-KEY": server.other_key}, timeout=120) as c:
            n = 0
            while not done.is_set():
                t = time.monotonic()
                r = c.post("/prompts/log", json={"path": f"{uid}/other", "prompt": {"model": "m"}, "output": str(n)})
                samples.append((time.monotonic() - t, r.status_code))
                n += 1
                time.sleep(0.02)

    writer = threading.Thread(target=other_organisation_writes)
    writer.start()
    try:
        with httpx.Client(base_url=server.base_url, headers={"X-API-KEY": server.api_key}, timeout=300) as owner:
            result = work(owner)
    finally:
        done.set()
        writer.join()
    assert samples and all(status == 200 for _, status in samples), sorted({s for _, s in samples})
    assert max(t for t, _ in samples) < 10, max(t for t, _ in samples)
    return result


def test_a_large_csv_upload_never_makes_other_writers_fail(server: Server, uid: str) -> None:
    rows = 25_000  # about 2 MB: it held SQLite's write lock for about 20 s before
    csv = _csv(rows, uid)
    with server.client() as owner:
        ds = owner.post("/datasets", json={"path": f"{uid}/big", "datapoints": []}).json()

    def upload(owner: httpx.Client) -> httpx.Response:
        return owner.post(
            f"/datasets/{ds['id']}/datapoints/csv",
            files={"file": ("big.csv", csv, "text/csv")},
            data={"commit_message": "big"},
        )

    r = _while_another_organisation_writes(server, uid, upload)
    assert r.status_code == 200, r.text[:500]
    assert r.json()["datapoints_count"] == rows
    with server.client() as http:
        first = http.get(f"/datasets/{ds['id']}/datapoints", params={"size": 2}).json()
        assert first["total"] == rows
        assert first["records"][0]["inputs"] == {
            "question": f"What is 0 plus 0? {uid}",
            "context": "Arithmetic drill 0 of many",
        }
        assert first["records"][0]["target"] == {"output": "0"}
        last = http.get(f"/datasets/{ds['id']}/datapoints", params={"size": 1, "page": rows}).json()["records"][0]
        assert last["target"] == {"output": str(8 * (rows - 1))}
    # the same rows again add nothing: the same version (a client as patient as the first upload's)
    with httpx.Client(base_url=server.base_url, headers={"X-API-KEY": server.api_key}, timeout=300) as patient:
        again = upload(patient)
    assert again.status_code == 200 and again.json()["version_id"] == r.json()["version_id"], again.text[:300]


def test_a_large_datapoint_set_never_makes_other_writers_fail(server: Server, uid: str) -> None:
    n = 20_000
    datapoints = [{"inputs": {"q": f"{uid}-{i}"}, "target": {"a": i}} for i in range(n)]
    r = _while_another_organisation_writes(
        server, uid, lambda owner: owner.post("/datasets", json={"path": f"{uid}/many", "datapoints": datapoints})
    )
    assert r.status_code == 200, r.text[:300]
    assert r.json()["datapoints_count"] == n
    with server.client() as http:
        page = http.get(f"/datasets/{r.json()['id']}/datapoints", params={"size": n}).json()["records"]
        assert [d["inputs"]["q"] for d in page] == [f"{uid}-{i}" for i in range(n)]
        assert page[-1]["target"] == {"a": n - 1}
        removed = http.post(
            "/datasets", json={"id": r.json()["id"], "action": "remove", "datapoints": datapoints[: n - 1]}
        ).json()
        assert removed["datapoints_count"] == 1


def test_a_writer_that_cannot_get_the_lock_in_time_gets_503_with_retry_after(tmp_path: Path, uid: str) -> None:
    """SQLite only (the lock it waits for is SQLite's): a short busy timeout, and the lock held by hand."""
    settings = Settings(data_dir=tmp_path, api_key=API_KEY, sqlite_busy_timeout_ms=300, workers=0)
    with serve(settings, "sqlite") as srv, srv.client() as http:
        assert _prompt_log(http, uid).status_code == 200
        holder = sqlite3.connect(str(tmp_path / "humanloop.db"), isolation_level=None)
        try:
            holder.execute("BEGIN IMMEDIATE")  # the write lock, as a long write transaction holds it
            for headers in ({}, {"Idempotency-Key": uuid.uuid4().hex}):
                r = http.post(
                    "/prompts/log",
                    json={"path": f"{uid}/p", "prompt": {"model": "gpt-4o"}, "output": "o"},
                    headers=headers,
                )
                assert r.status_code == 503, r.text
                assert r.headers["retry-after"] == "1" and r.headers["x-should-retry"] == "true"
                assert "busy" in r.json()["detail"]
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert _prompt_log(http, uid).status_code == 200


# ---------------------------------------------------------------- 3. text lengths


@pytest.mark.parametrize(
    "field,limit",
    [("user", 255), ("source", 255), ("environment", 255), ("batch_id", 128), ("source_datapoint_id", 64)],
)
def test_log_text_longer_than_its_column_is_422_and_the_longest_is_kept_whole(
    http: httpx.Client, uid: str, field: str, limit: int
) -> None:
    r = _prompt_log(http, uid, **{field: "x" * (limit + 1)})
    assert _detail_at(r, ["body", field])["type"] == "string_too_long"
    assert str(limit) in _detail_at(r, ["body", field])["msg"]
    ok = _prompt_log(http, uid, **{field: "y" * limit})
    assert ok.status_code == 200, ok.text
    stored = http.get(f"/logs/{ok.json()['id']}").json()
    got = stored["batches"][0] if field == "batch_id" else stored[field]
    assert got == "y" * limit
    if field == "source":  # the one of these a Prompt Log update takes
        patched = http.patch(
            f"/prompts/{ok.json()['prompt_id']}/log/{ok.json()['id']}", json={field: "z" * (limit + 1)}
        )
        _detail_at(patched, ["body", field])


def test_finish_reason_and_flow_log_ids_longer_than_their_columns_are_422(http: httpx.Client, uid: str) -> None:
    _detail_at(_prompt_log(http, uid, finish_reason="f" * 256), ["body", "finish_reason"])
    _detail_at(http.post("/flows/log", json={"path": f"{uid}/f", "log_id": "l" * 129}), ["body", "log_id"])
    longest = f"{uid}-" + "l" * (128 - len(uid) - 1)
    ok = http.post("/flows/log", json={"path": f"{uid}/f", "log_id": longest})
    assert ok.status_code == 200 and ok.json()["id"] == longest, ok.text


def test_prompt_call_refuses_long_text_before_calling_the_provider(http: httpx.Client, uid: str) -> None:
    kernel = {"model": "mock-1", "provider": "mock", "template": [{"role": "user", "content": "hi"}]}
    made = http.post("/prompts", json={"path": f"{uid}/c", **kernel}).json()
    r = http.post("/prompts/call", json={"path": f"{uid}/c", "prompt": kernel, "user": "u" * 256})
    _detail_at(r, ["body", "user"])
    assert _log_count(http, made["id"]) == 0


def test_paths_and_names_longer_than_their_columns_are_422(http: httpx.Client, uid: str) -> None:
    long_path = f"{uid}/" + "/".join(["d" * 200] * 6)  # 1200+ characters
    assert len(long_path) > 1024
    _detail_at(http.post("/prompts", json={"path": long_path, "model": "gpt-4o"}), ["body", "path"])
    _detail_at(_prompt_log(http, uid, path=long_path), ["body", "path"])
    _detail_at(http.post("/directories", json={"path": long_path}), ["body", "path"])
    long_name = f"{uid}/" + "n" * 256
    _detail_at(http.post("/prompts", json={"path": long_name, "model": "gpt-4o"}), ["body", "path"])
    _detail_at(http.post("/datasets", json={"path": long_name, "datapoints": []}), ["body", "path"])
    _detail_at(http.post("/directories", json={"path": long_name}), ["body", "path"])
    d = http.post("/directories", json={"path": f"{uid}/dir"}).json()
    _detail_at(http.post("/directories", json={"name": "n" * 256, "parent_id": d["id"]}), ["body", "name"])
    _detail_at(http.patch(f"/directories/{d['id']}", json={"name": "n" * 256}), ["body", "name"])
    p = http.post("/prompts", json={"path": f"{uid}/dir/p", "model": "gpt-4o"}).json()
    _detail_at(http.patch(f"/prompts/{p['id']}", json={"name": "n" * 256}), ["body", "name"])
    # names at the limit are kept whole
    ok = http.post("/prompts", json={"path": f"{uid}/" + "m" * 255, "model": "gpt-4o"})
    assert ok.status_code == 200 and ok.json()["name"] == "m" * 255, ok.text[:300]


def test_moving_a_directory_where_its_contents_paths_would_be_too_long_is_422(http: httpx.Client, uid: str) -> None:
    inner = f"{uid}/mv/" + "a" * 250 + "/" + "b" * 250
    p = http.post("/prompts", json={"path": inner + "/p", "model": "gpt-4o"})
    assert p.status_code == 200, p.text
    mv = {d["path"]: d["id"] for d in http.get("/directories").json()}[f"{uid}/mv"]
    target = f"{uid}/" + "/".join(["t" * 240] * 3)  # fine itself; with the contents over 1024
    r = http.patch(f"/directories/{mv}", json={"path": target})
    _detail_at(r, ["body", "path"])
    assert http.get(f"/prompts/{p.json()['id']}").json()["path"] == inner + "/p"


def test_evaluation_names_and_batches_longer_than_their_columns_are_422(http: httpx.Client, uid: str) -> None:
    prompt = http.post("/prompts", json={"path": f"{uid}/e/p", "model": "gpt-4o"}).json()
    ds = http.post("/datasets", json={"path": f"{uid}/e/d", "datapoints": [{"inputs": {"a": "1"}}]}).json()
    base = {"file": {"id": prompt["id"]}, "dataset": {"version_id": ds["version_id"]}, "evaluators": []}
    _detail_at(http.post("/evaluations", json={**base, "name": "e" * 256}), ["body", "name"])
    r = http.post(
        "/evaluations", json={**base, "evaluatees": [{"version_id": prompt["version_id"], "batch_id": "b" * 129}]}
    )
    _detail_at(r, ["body", "evaluatees", 0, "batch_id"])
    ev = http.post("/evaluations", json={**base, "name": "e" * 255})
    assert ev.status_code == 201 and ev.json()["name"] == "e" * 255, ev.text[:300]


def test_a_long_url_with_an_idempotency_key_is_422_not_a_database_error(http: httpx.Client, uid: str) -> None:
    r = http.post(
        "/prompts/log" + "x" * 2100,
        json={"path": f"{uid}/p", "prompt": {"model": "gpt-4o"}, "output": "o"},
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert "2048" in _detail_at(r, ["path"])["msg"]


# ---------------------------------------------------------------- 4. numbers, text and datetimes


@pytest.mark.parametrize(
    "text,loc",
    [
        ('{"path": "UID/n", "model": "gpt-4o", "temperature": NaN}', ["body", "temperature"]),
        ('{"path": "UID/n", "model": "gpt-4o", "top_p": Infinity}', ["body", "top_p"]),
        (
            '{"path": "UID/n", "model": "gpt-4o", "max_tokens": 1, "presence_penalty": -Infinity}',
            ["body", "presence_penalty"],
        ),
        ('{"path": "UID/n", "model": "gpt-4o", "temperature": 1e400}', ["body", "temperature"]),
        ('{"path": "UID/n", "model": "gpt-4o", "attributes": {"a": [1, NaN]}}', ["body", "attributes", "a", 1]),
    ],
)
def test_non_finite_numbers_in_a_prompt_are_422_where_they_are(
    http: httpx.Client, uid: str, text: str, loc: List[Any]
) -> None:
    r = _raw_json(http, "/prompts", text.replace("UID", uid))
    assert "finite" in _detail_at(r, loc)["msg"]
    assert not [d for d in http.get("/directories").json() if d["path"] == uid]  # nothing was stored


@pytest.mark.parametrize(
    "extra,loc,word",
    [
        ('"prompt_cost": NaN', ["body", "prompt_cost"], "finite"),
        ('"output_cost": 1e400', ["body", "output_cost"], "finite"),
        ('"metadata": {"deep": {"x": -Infinity}}', ["body", "metadata", "deep", "x"], "finite"),
        ('"start_time": "9999-12-31T23:59:59-14:00"', ["body", "start_time"], "range"),
        ('"created_at": "0001-01-01T00:00:00+14:00"', ["body", "created_at"], "range"),
    ],
)
def test_unstorable_values_in_a_log_are_422_where_they_are(
    http: httpx.Client, uid: str, extra: str, loc: List[Any], word: str
) -> None:
    made = _prompt_log(http, uid).json()
    text = '{"path": "UID/p", "prompt": {"model": "gpt-4o"}, EXTRA}'.replace("UID", uid).replace("EXTRA", extra)
    r = _raw_json(http, "/prompts/log", text)
    assert word in _detail_at(r, loc)["msg"]
    assert _log_count(http, made["prompt_id"]) == 1  # nothing was stored


def test_lone_surrogates_are_422_where_they_are_and_pairs_are_text(http: httpx.Client, uid: str) -> None:
    made = _prompt_log(http, uid).json()
    for extra, loc in (
        ('"output": "\\ud800"', ["body", "output"]),
        ('"inputs": {"q": "a\\udfffb"}', ["body", "inputs", "q"]),
        ('"metadata": {"\\udbff": 1}', ["body", "metadata"]),
    ):
        text = '{"path": "UID/p", "prompt": {"model": "gpt-4o"}, EXTRA}'.replace("UID", uid).replace("EXTRA", extra)
        assert "surrogate" in _detail_at(_raw_json(http, "/prompts/log", text), loc)["msg"]
    assert _log_count(http, made["prompt_id"]) == 1  # nothing was stored
    pair = '{"path": "UID/p", "prompt": {"model": "gpt-4o"}, "output": "\\ud83d\\ude00"}'.replace("UID", uid)
    r = _raw_json(http, "/prompts/log", pair)
    assert r.status_code == 200, r.text
    assert http.get(f"/logs/{r.json()['id']}").json()["output"] == "\U0001f600"


def test_datetimes_out_of_range_in_utc_are_422_in_updates_and_queries(http: httpx.Client, uid: str) -> None:
    made = _prompt_log(http, uid).json()
    r = http.patch(f"/prompts/{made['prompt_id']}/log/{made['id']}", json={"end_time": "9999-12-31T23:30:00-01:00"})
    _detail_at(r, ["body", "end_time"])
    r = http.get("/logs", params={"file_id": made["prompt_id"], "start_date": "0001-01-01T00:00:00+01:00"})
    _detail_at(r, ["query", "start_date"])
    ok = _prompt_log(http, uid, start_time="9999-12-31T10:00:00-01:00")
    assert ok.status_code == 200, ok.text
    assert http.get(f"/logs/{ok.json()['id']}").json()["start_time"].startswith("9999-12-31T11:00:00")


def test_datapoints_with_non_finite_numbers_are_422_and_csv_cells_that_are_not_json_stay_text(
    http: httpx.Client, uid: str
) -> None:
    r = _raw_json(
        http, "/datasets", '{"path": "UID/d", "datapoints": [{"inputs": {}, "target": {"t": NaN}}]}'.replace("UID", uid)
    )
    _detail_at(r, ["body", "datapoints", 0, "target", "t"])
    ds = http.post("/datasets", json={"path": f"{uid}/d", "datapoints": []}).json()
    cells = ['{"x": NaN}', '{"x": 1e999}', '{"x": "\\ud800"}']
    csv = "q,target\n" + "".join(f'{i},"{c.replace(chr(34), chr(34) * 2)}"\n' for i, c in enumerate(cells))
    up = http.post(
        f"/datasets/{ds['id']}/datapoints/csv",
        files={"file": ("d.csv", csv.encode(), "text/csv")},
        data={"commit_message": "odd"},
    )
    assert up.status_code == 200, up.text
    got = http.get(f"/datasets/{ds['id']}/datapoints").json()["records"]
    assert [d["target"] for d in got] == [{"output": c} for c in cells]


# ---------------------------------------------------------------- 5. Idempotency-Key length


def test_an_idempotency_key_longer_than_255_is_refused_not_cut(http: httpx.Client, uid: str) -> None:
    made = _prompt_log(http, uid).json()
    prefix = "k" * 255
    body = {"path": f"{uid}/p", "prompt": {"model": "gpt-4o"}}
    first = http.post("/prompts/log", json={**body, "output": "1"}, headers={"Idempotency-Key": prefix + "A"})
    assert "255" in _detail_at(first, ["header", "Idempotency-Key"])["msg"]
    second = http.post("/prompts/log", json={**body, "output": "2"}, headers={"Idempotency-Key": prefix + "B"})
    _detail_at(second, ["header", "Idempotency-Key"])
    assert _log_count(http, made["prompt_id"]) == 1
    key = uuid.uuid4().hex + "k" * 223  # exactly 255: honoured
    ok = http.post("/prompts/log", json={**body, "output": "3"}, headers={"Idempotency-Key": key})
    again = http.post("/prompts/log", json={**body, "output": "3"}, headers={"Idempotency-Key": key})
    assert ok.status_code == 200 and again.json()["id"] == ok.json()["id"], (ok.text, again.text)
    assert again.headers.get("idempotent-replayed") == "true"
    two = [("Idempotency-Key", uuid.uuid4().hex), ("Idempotency-Key", uuid.uuid4().hex)]
    r = http.post("/prompts/log", json={**body, "output": "4"}, headers=two)
    assert r.status_code == 400 and "one Idempotency-Key" in r.json()["detail"], r.text
    assert _log_count(http, made["prompt_id"]) == 2


# ---------------------------------------------------------------- 6. two X-API-KEY headers


def test_two_api_keys_are_refused_by_the_routes_and_the_idempotency_layer_alike(server: Server, uid: str) -> None:
    with server.client() as mine:
        made = _prompt_log(mine, uid).json()
    body = {"path": f"{uid}/p", "prompt": {"model": "gpt-4o"}, "output": "o"}
    for first, second in ((server.api_key, server.other_key), (server.other_key, server.api_key)):
        for extra in ([], [("Idempotency-Key", uuid.uuid4().hex)]):
            headers = [("X-API-KEY", first), ("X-API-KEY", second), *extra]
            with httpx.Client(base_url=server.base_url, timeout=30) as c:
                r = c.post("/prompts/log", json=body, headers=headers)
                assert r.status_code == 400, r.text
                assert "one X-API-KEY" in r.json()["detail"]
                g = c.get(f"/prompts/{made['prompt_id']}", headers=headers)
                assert g.status_code == 400, g.text
    with server.client() as mine:
        assert _log_count(mine, made["prompt_id"]) == 1
    with server.client(server.other_key) as theirs:
        assert not [d for d in theirs.get("/directories").json() if d["path"] == uid]


# ---------------------------------------------------------------- 7. private files


def test_the_data_directory_and_database_files_are_private(tmp_path: Path, uid: str) -> None:
    data_dir = tmp_path / "new" / "data"
    with serve(Settings(data_dir=data_dir, api_key=API_KEY, workers=0), "sqlite") as srv, srv.client() as http:
        assert _prompt_log(http, uid).status_code == 200
        modes = {p.name: stat.S_IMODE(os.stat(p).st_mode) for p in data_dir.iterdir()}
        assert stat.S_IMODE(os.stat(data_dir).st_mode) == 0o700
        assert {"humanloop.db", "humanloop.db-wal", "humanloop.db-shm"} <= set(modes), modes
        assert set(modes.values()) == {0o600}, {k: oct(v) for k, v in modes.items()}
