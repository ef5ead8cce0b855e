"""A process trusts a key it found valid for `keys.KEY_CHECK_SECONDS` (no lookup meanwhile); a
revocation in the process itself is at once, one made elsewhere within that time; unknown keys are
looked up every time. Each database has its own memo."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator, List

import pytest
from sqlalchemy import event

from humanloop_server.db.database import Database
from humanloop_server.services import keys
from humanloop_server.services.context import Runtime
from humanloop_server.settings import Settings
from humanloop_server.wiring import build_runtime


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(keys, "_clock", fake)
    return fake


def _runtime(tmp_path: Path, name: str) -> Runtime:
    return build_runtime(Settings(data_dir=tmp_path / name, workers=0))


@pytest.fixture
def rt(tmp_path: Path) -> Iterator[Runtime]:
    runtime = _runtime(tmp_path, "one")
    yield runtime
    runtime.db.dispose()


def _statements(db: Database) -> List[str]:
    seen: List[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    return seen


def test_a_valid_key_is_looked_up_again_only_after_the_check_interval(rt: Runtime, clock: Clock) -> None:
    key = keys.create_key(rt, "acme")
    org = keys.org_for_key(rt.db, key)
    assert org is not None
    seen = _statements(rt.db)
    clock.now += keys.KEY_CHECK_SECONDS * 0.9
    assert keys.org_for_key(rt.db, key) == org
    assert seen == []  # remembered: no statement
    clock.now += keys.KEY_CHECK_SECONDS * 0.2
    assert keys.org_for_key(rt.db, key) == org
    assert len(seen) == 1  # looked up again


def test_a_revocation_elsewhere_holds_within_the_interval_and_here_at_once(
    tmp_path: Path, rt: Runtime, clock: Clock
) -> None:
    first, second = keys.create_key(rt, "acme"), keys.create_key(rt, "acme")
    assert keys.org_for_key(rt.db, first) and keys.org_for_key(rt.db, second)
    # another process (another Database on the same file) revokes the first key
    other = Database.open(rt.settings, migrate=False)
    try:
        listed = {k.prefix: k.id for k in keys.list_keys(other, "acme")}
        keys.revoke_key(other, listed[first[:10]])
    finally:
        other.dispose()
    assert keys.org_for_key(rt.db, first) is not None  # still trusted here, for a moment
    clock.now += keys.KEY_CHECK_SECONDS
    assert keys.org_for_key(rt.db, first) is None
    # revoked in this process: refused at once, though just looked up
    assert keys.org_for_key(rt.db, second) is not None
    keys.revoke_key(rt.db, {k.prefix: k.id for k in keys.list_keys(rt.db, "acme")}[second[:10]])
    assert keys.org_for_key(rt.db, second) is None


def test_unknown_keys_are_looked_up_every_time(rt: Runtime, clock: Clock) -> None:
    seen = _statements(rt.db)
    for _ in range(3):
        assert keys.org_for_key(rt.db, "hl_not_a_key") is None
    assert len(seen) == 3


def test_each_database_has_its_own_memo(tmp_path: Path, clock: Clock) -> None:
    one, two = _runtime(tmp_path, "a"), _runtime(tmp_path, "b")
    try:
        keys.register_key(one, "hl_same_key_text", "acme")
        keys.register_key(two, "hl_same_key_text", "globex")
        orgs = {keys.org_for_key(one.db, "hl_same_key_text"), keys.org_for_key(two.db, "hl_same_key_text")}
        assert len(orgs) == 2
        assert keys.org_for_key(one.db, "hl_same_key_text") != keys.org_for_key(two.db, "hl_same_key_text")
    finally:
        one.db.dispose()
        two.db.dispose()


def test_a_new_start_up_key_refuses_the_old_one_at_once_in_this_process(rt: Runtime, clock: Clock) -> None:
    keys.register_startup_key(rt, "hl_old_startup_key", "acme")
    assert keys.org_for_key(rt.db, "hl_old_startup_key") is not None
    keys.register_startup_key(rt, "hl_new_startup_key", "acme")
    assert keys.org_for_key(rt.db, "hl_old_startup_key") is None
    assert keys.org_for_key(rt.db, "hl_new_startup_key") is not None
