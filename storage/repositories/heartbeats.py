"""Process heartbeats: when each worker and clock process last finished a run."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.ops_models import Heartbeat
from storage.repositories._sql import insert

FORGET_AFTER = timedelta(days=1)  # a process silent this long is gone (a redeploy, a crash)


class Heartbeats:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def beat(self, role: str, process: str, at: datetime) -> None:
        """Record a run of `process` in `role`, and forget the role's long-gone processes."""
        stmt = insert(self.s, Heartbeat).values(role=role, process=process[:200], beat_at=at)
        await self.s.execute(stmt.on_conflict_do_update(
            index_elements=["role", "process"], set_={"beat_at": stmt.excluded.beat_at}))
        await self.s.execute(delete(Heartbeat).where(
            Heartbeat.role == role, Heartbeat.beat_at < at - FORGET_AFTER))

    async def latest(self) -> dict[str, tuple[str, datetime]]:
        out: dict[str, tuple[str, datetime]] = {}
        q = select(Heartbeat).order_by(Heartbeat.role, Heartbeat.beat_at)
        for hb in await self.s.scalars(q):
            out[hb.role] = (hb.process, hb.beat_at)  # the newest comes last
        return out
