"""A request with an Idempotency-Key looks its API key up once (with the key's stored answer, in one
read transaction) and hands the organisation to the route: an unknown or revoked key is refused
at once all the same, and its body still reaches the route (which answers 401, as without a key)."""

from __future__ import annotations

import uuid

import httpx

from humanloop_server.services import keys

from .conftest import Server


def test_keyed_requests_of_unknown_and_revoked_keys_get_401(server: Server, uid: str) -> None:
    body = {"path": f"{uid}/keyed", "prompt": {"model": "gpt-4o", "template": "hi"}, "output": "ok"}
    with server.client(key="hl_not_a_key_" + uuid.uuid4().hex) as bad:
        r = bad.post("/prompts/log", json=body, headers={"Idempotency-Key": uuid.uuid4().hex})
        assert r.status_code == 401, r.text

    secret = keys.create_key(server.runtime, f"keyed-{uid}")
    infos = [k for k in keys.list_keys(server.runtime.db, f"keyed-{uid}")]
    with server.client(key=secret) as c:
        first_key = uuid.uuid4().hex
        r = c.post("/prompts/log", json=body, headers={"Idempotency-Key": first_key})
        assert r.status_code == 200, r.text
        replay = c.post("/prompts/log", json=body, headers={"Idempotency-Key": first_key})
        assert replay.status_code == 200 and replay.json()["id"] == r.json()["id"]
        keys.revoke_key(server.runtime.db, infos[0].id)
        for idem in (uuid.uuid4().hex, first_key):  # a new request, and the replay of a stored one
            r = c.post("/prompts/log", json=body, headers={"Idempotency-Key": idem})
            assert r.status_code == 401, r.text
    with server.client() as c:  # the organisation's own data did not move
        listed = c.get("/prompts", params={"name": "keyed"})
        assert listed.status_code == 200


def test_keyed_request_with_a_refused_idempotency_key_and_a_bad_api_key_is_401(server: Server) -> None:
    with httpx.Client(base_url=server.base_url, headers={"X-API-KEY": "hl_nope"}) as bad:
        r = bad.post("/prompts/log", json={}, headers={"Idempotency-Key": "x" * 10_000})
        assert r.status_code == 401, r.text
