"""Where a person is in a flow (one row per person; the data is JSON)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ConversationState
from storage.repositories._sql import chunks


class States:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def get(self, person_id: int) -> ConversationState | None:
        return await self.s.get(ConversationState, person_id)

    async def put(self, person_id: int, flow: str, data: Mapping[str, Any], now: datetime) -> None:
        state = await self.get(person_id)
        if state is None:
            self.s.add(
                ConversationState(person_id=person_id, flow=flow, data=dict(data), updated_at=now)
            )
        else:
            state.flow = flow
            state.data = dict(data)  # a new object, so SQLAlchemy sees the change
            state.updated_at = now
        await self.s.flush()

    async def clear(self, person_id: int) -> None:
        await self.s.execute(
            delete(ConversationState).where(ConversationState.person_id == person_id)
        )

    async def in_flow(self, flow: str) -> list[ConversationState]:
        q = select(ConversationState).where(ConversationState.flow == flow)
        return list(await self.s.scalars(q))

    async def for_people(self, ids: Iterable[int]) -> dict[int, ConversationState]:
        out: dict[int, ConversationState] = {}
        for batch in chunks(sorted(set(ids))):
            q = select(ConversationState).where(ConversationState.person_id.in_(batch))
            out.update((st.person_id, st) for st in await self.s.scalars(q))
        return out
