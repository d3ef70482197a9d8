"""Share-backs: a round's headline results and commitments, sent once to everyone asked."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.loop_models import ShareBack
from storage.repositories._sql import insert


class ShareBacks:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def get(self, round_id: str) -> ShareBack | None:
        return await self.s.get(ShareBack, round_id)

    async def add_once(self, round_id: str, sent_at: datetime, sent_by: int | None,
                       headline: Mapping[str, Any]) -> bool:
        """Record the round's share-back unless it has one (any process). True if this call
        recorded it."""
        stmt = (
            insert(self.s, ShareBack)
            .values(round_id=round_id, sent_at=sent_at, sent_by=sent_by,
                    headline=dict(headline), announced_at=sent_at, announcements=0)
            .on_conflict_do_nothing(index_elements=["round_id"])
        )
        result = await self.s.execute(stmt)
        return bool(getattr(result, "rowcount", 0))

    async def all(self) -> list[ShareBack]:
        """Every share-back, the newest first."""
        q = select(ShareBack).order_by(ShareBack.sent_at.desc(), ShareBack.round_id)
        return list(await self.s.scalars(q))
