"""Commitments a committee made after a round (see storage.loop_models)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.loop_models import Commitment


class Commitments:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def for_round(self, round_id: str) -> list[Commitment]:
        """The round's commitments by number."""
        q = select(Commitment).where(Commitment.round_id == round_id).order_by(Commitment.number)
        return list(await self.s.scalars(q))

    async def add(self, round_id: str, text: str, author_id: int | None,
                  today: date) -> Commitment:
        """The round's next commitment (numbered after the last one). Hold the round first
        (Rounds.lock) so two chairs never get the same number."""
        last = await self.s.scalar(select(func.max(Commitment.number))
                                   .where(Commitment.round_id == round_id))
        row = Commitment(round_id=round_id, number=int(last or 0) + 1, text=text,
                         status="planned", note="", author_id=author_id, created_on=today,
                         updated_on=today, announced="")
        self.s.add(row)
        await self.s.flush()
        return row
