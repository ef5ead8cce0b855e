"""Migration 0011 fills ``version_log_counts`` from the Logs already stored (a database upgraded
from 0007 reads the same File counts as one that kept them all along)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import func, select

from humanloop_server.db.database import Database
from humanloop_server.db.models import File, Log, Organization, Version, VersionLogCount
from humanloop_server.settings import Settings

from .conftest import migrate


def test_upgrade_counts_the_logs_already_stored(tmp_path: Path) -> None:
    db = Database.open(Settings(data_dir=tmp_path))
    migrate(db, "0009_evaluation_runs", down=True)  # as a server of before 0011 left it
    t0 = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
    with db.write() as s:
        s.add(Organization(id="org_m", name="m"))
        s.flush()
        s.add(File(id="pr_m", org_id="org_m", type="prompt", path="m/bot", name="bot"))
        s.flush()
        for v in ("prv_a", "prv_b"):
            s.add(Version(id=v, file_id="pr_m", kernel={}, kernel_hash=v))
        s.flush()
        for i in range(5):
            s.add(
                Log(
                    org_id="org_m",
                    id=f"log_{i}",
                    file_id="pr_m",
                    file_type="prompt",
                    version_id="prv_a" if i < 3 else "prv_b",
                    inputs={},
                    save=True,
                    received_at=t0 + dt.timedelta(minutes=i),
                )
            )
    migrate(db, "head")
    with db.read() as s:
        rows = {r.version_id: r for r in s.execute(select(VersionLogCount)).scalars()}
        assert {v: r.logs_count for v, r in rows.items()} == {"prv_a": 3, "prv_b": 2}
        assert rows["prv_b"].last_received_at == t0 + dt.timedelta(minutes=4)
        assert {r.file_id for r in rows.values()} == {"pr_m"}
        assert s.execute(select(func.count()).select_from(Log)).scalar_one() == 5
    db.dispose()
