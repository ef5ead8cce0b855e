"""Datapoints as the API shows them, on their own and as part of a Dataset version."""

from __future__ import annotations

from typing import Any, Dict

from sqlalchemy import func, select

from ..db.models import Datapoint, DatasetVersionDatapoint, Version
from .common import iso
from .context import Context


def serialize_datapoint(dp: Datapoint) -> Dict[str, Any]:
    return {"id": dp.id, "inputs": dp.inputs or {}, "messages": dp.messages, "target": dp.target}


def version_fields(ctx: Context, v: Version, include_datapoints: bool) -> Dict[str, Any]:
    count = ctx.session.execute(
        select(func.count()).select_from(DatasetVersionDatapoint).where(DatasetVersionDatapoint.version_id == v.id)
    ).scalar_one()
    body: Dict[str, Any] = {
        "datapoints_count": int(count),
        "attributes": (v.kernel or {}).get("attributes"),
        "last_used_at": iso(v.created_at),
    }
    if include_datapoints:
        rows = ctx.session.execute(
            select(Datapoint)
            .join(DatasetVersionDatapoint, DatasetVersionDatapoint.datapoint_id == Datapoint.id)
            .where(DatasetVersionDatapoint.version_id == v.id)
            .order_by(DatasetVersionDatapoint.position)
        ).scalars()
        body["datapoints"] = [serialize_datapoint(d) for d in rows]
    return body
