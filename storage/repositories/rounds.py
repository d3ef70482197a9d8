"""Rounds and the snapshot of their questions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Round, RoundQuestion


class Rounds:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def get(self, round_id: str) -> Round | None:
        return await self.s.get(Round, round_id)

    async def all(self) -> list[Round]:
        return list(await self.s.scalars(select(Round).order_by(Round.id)))

    async def lock(self, round_id: str) -> None:
        """Hold the round's row until this transaction ends (PostgreSQL; SQLite has one
        writer at a time anyway)."""
        await self.s.execute(select(Round.id).where(Round.id == round_id).with_for_update())

    async def with_status(self, *statuses: str) -> list[Round]:
        q = select(Round).where(Round.status.in_(statuses)).order_by(Round.id)
        return list(await self.s.scalars(q))

    async def create(self, rnd: Round, questions: Sequence[Mapping[str, Any]]) -> Round:
        """Store a new round and its question definitions (JSON, in order)."""
        self.s.add(rnd)
        await self.s.flush()
        for pos, definition in enumerate(questions):
            self.s.add(
                RoundQuestion(
                    round_id=rnd.id,
                    question_id=definition["id"],
                    position=pos,
                    definition=dict(definition),
                )
            )
        await self.s.flush()
        return rnd

    async def append_questions(self, round_id: str,
                               questions: Sequence[Mapping[str, Any]]) -> None:
        """Add question definitions after the round's last one."""
        last = await self.s.scalar(select(func.max(RoundQuestion.position))
                                   .where(RoundQuestion.round_id == round_id))
        start = -1 if last is None else int(last)
        for pos, definition in enumerate(questions, start=start + 1):
            self.s.add(RoundQuestion(round_id=round_id, question_id=definition["id"],
                                     position=pos, definition=dict(definition)))
        await self.s.flush()

    async def questions(self, round_id: str) -> list[dict[str, Any]]:
        """The round's question definitions (JSON), in order."""
        q = (
            select(RoundQuestion)
            .where(RoundQuestion.round_id == round_id)
            .order_by(RoundQuestion.position)
        )
        return [dict(rq.definition) for rq in await self.s.scalars(q)]
