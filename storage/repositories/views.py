"""Views of a round already shown to chairs (slice, item, batch), for differencing."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ShownView
from storage.repositories._sql import insert


class Views:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def shown(self, round_id: str) -> list[tuple[str, str, str, int]]:
        """(segment, value, item, batch) of every view of the round shown so far."""
        q = select(ShownView).where(ShownView.round_id == round_id)
        return [(v.segment, v.value, v.item, v.batch) for v in await self.s.scalars(q)]

    async def record(self, round_id: str, segment: str, value: str, item: str,
                     batch: int) -> None:
        stmt = (
            insert(self.s, ShownView)
            .values(round_id=round_id, segment=segment, value=value[:100], item=item[:80],
                    batch=batch)
            .on_conflict_do_nothing(
                index_elements=["round_id", "segment", "value", "item", "batch"])
        )
        await self.s.execute(stmt)
