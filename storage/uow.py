"""The SQL unit of work: one session, one transaction, every repository.

`async with uow() as tx: ...; await tx.commit()`. Leaving the block without commit rolls back,
so a failed step never half-writes."""

from __future__ import annotations

from types import TracebackType
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.repositories import (
    Commitments,
    Enrolments,
    Heartbeats,
    Identities,
    Marks,
    Mentorship,
    Outbox,
    Participations,
    People,
    Responses,
    Rounds,
    ShareBacks,
    States,
    Views,
)


class SqlUnitOfWork:
    """Satisfies conversations.ports.UnitOfWork; the session never leaves storage."""

    people: People
    identities: Identities
    rounds: Rounds
    participation: Participations
    responses: Responses
    states: States
    outbox: Outbox
    views: Views
    marks: Marks
    enrolments: Enrolments
    mentorship: Mentorship
    heartbeats: Heartbeats
    commitments: Commitments
    sharebacks: ShareBacks

    def __init__(self, sessions: async_sessionmaker[Any]) -> None:
        self._sessions = sessions

    async def __aenter__(self) -> SqlUnitOfWork:
        session: AsyncSession = self._sessions()
        self._session = session
        self.people = People(session)
        self.identities = Identities(session)
        self.rounds = Rounds(session)
        self.participation = Participations(session)
        self.responses = Responses(session)
        self.states = States(session)
        self.outbox = Outbox(session)
        self.views = Views(session)
        self.marks = Marks(session)
        self.enrolments = Enrolments(session)
        self.mentorship = Mentorship(session)
        self.heartbeats = Heartbeats(session)
        self.commitments = Commitments(session)
        self.sharebacks = ShareBacks(session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # close() rolls back anything uncommitted without expiring loaded objects
        await self._session.close()

    async def commit(self) -> None:
        await self._session.commit()
