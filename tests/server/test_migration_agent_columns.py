"""Migration 0012 moves what Agent versions kept as JSON in ``commit_message`` into the columns every
other kind uses (version name and description on the version; description, tags and readme on the
File), on SQLite and, when ``HUMANLOOP_TEST_DATABASE_URL`` is set, PostgreSQL; its downgrade puts
the JSON back."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from humanloop_server.db.models import File, Organization, Version

from .conftest import _backends, migrate, migration_database

T0 = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)


def _version(id: str, file_id: str, minutes: int, commit_message: object = None, **kw: object) -> Version:
    text = commit_message if isinstance(commit_message, str) or commit_message is None else json.dumps(commit_message)
    return Version(
        id=id,
        file_id=file_id,
        kernel={"model": id},
        kernel_hash=id,
        status="uncommitted",
        commit_message=text,
        created_at=T0 + dt.timedelta(minutes=minutes),
        **kw,
    )


@pytest.mark.parametrize("backend", _backends())
def test_agent_notes_move_into_the_columns_and_back(backend: str, tmp_path: Path) -> None:
    with migration_database(backend, tmp_path) as db:
        migrate(db, "0011_version_log_counts", down=True)  # as a server of before 0012 left it
        with db.write() as s:
            s.add(Organization(id="org_m", name="m"))
            s.flush()
            for fid, ftype in (("ag_a", "agent"), ("ag_b", "agent"), ("pr_p", "prompt")):
                s.add(File(id=fid, org_id="org_m", type=ftype, path=f"m/{fid}", name=fid))
            s.flush()
            s.add_all(
                [
                    _version("agv_1", "ag_a", 0, {"version_name": "first", "tags": ["old"], "readme": "r1"}),
                    _version(
                        "agv_2",
                        "ag_a",
                        1,
                        {"version_name": "second", "version_description": "better", "tags": ["a", "b"]},
                    ),
                    _version("agv_3", "ag_a", 2, {"description": "answers questions"}),
                    _version("agv_4", "ag_a", 3),
                    # a name used twice (the old check ran in the application only): the older keeps it
                    _version("agv_5", "ag_b", 0, {"version_name": "dup"}),
                    _version("agv_6", "ag_b", 1, {"version_name": "dup", "version_description": "d"}),
                    _version("agv_7", "ag_b", 2, "plain words"),
                    # another kind's commit message is never read, even one that looks like the notes
                    _version("prv_1", "pr_p", 0, {"version_name": "not-moved"}),
                ]
            )
        migrate(db, "head")
        with db.read() as s:
            v = {row.id: row for row in s.execute(select(Version)).scalars()}
            f = {row.id: row for row in s.execute(select(File)).scalars()}
            assert (v["agv_1"].version_name, v["agv_1"].commit_message, v["agv_1"].status) == (
                "first",
                None,
                "committed",
            )
            assert v["agv_1"].committed_at == T0
            assert (v["agv_2"].version_name, v["agv_2"].commit_message) == ("second", "better")
            # only File notes: the version itself stays unnamed and uncommitted
            assert (v["agv_3"].version_name, v["agv_3"].commit_message, v["agv_3"].status) == (
                None,
                None,
                "uncommitted",
            )
            assert v["agv_3"].committed_at is None
            assert (v["agv_4"].version_name, v["agv_4"].commit_message) == (None, None)
            assert (f["ag_a"].description, f["ag_a"].tags, f["ag_a"].readme) == ("answers questions", ["a", "b"], "r1")
            assert (v["agv_5"].version_name, v["agv_6"].version_name, v["agv_6"].commit_message) == ("dup", None, "d")
            assert v["agv_6"].status == "committed"
            assert (v["agv_7"].commit_message, v["agv_7"].version_name) == ("plain words", None)
            assert (f["ag_b"].description, f["ag_b"].tags, f["ag_b"].readme) == (None, None, None)
            assert json.loads(v["prv_1"].commit_message) == {"version_name": "not-moved"}
            assert v["prv_1"].version_name is None and f["pr_p"].tags is None

        migrate(db, "0011_version_log_counts", down=True)
        with db.read() as s:
            v = {row.id: row for row in s.execute(select(Version)).scalars()}
            f = {row.id: row for row in s.execute(select(File)).scalars()}
            file_notes = {"description": "answers questions", "tags": ["a", "b"], "readme": "r1"}
            assert json.loads(v["agv_2"].commit_message) == {
                "version_name": "second",
                "version_description": "better",
                **file_notes,
            }
            assert json.loads(v["agv_4"].commit_message) == file_notes
            assert json.loads(v["agv_7"].commit_message) == {"version_description": "plain words"}
            assert all(v[i].version_name is None for i in ("agv_1", "agv_2", "agv_5"))
            assert (f["ag_a"].description, f["ag_a"].tags) == (None, None)
            assert json.loads(v["prv_1"].commit_message) == {"version_name": "not-moved"}
