"""Learning-track enrolments (one row per person and track)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.learning_models import Enrolment
from storage.models import Person


class Enrolments:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def get(self, person_id: int, track_id: str) -> Enrolment | None:
        q = select(Enrolment).where(
            Enrolment.person_id == person_id, Enrolment.track_id == track_id
        )
        return (await self.s.scalars(q)).first()

    async def for_person(self, person_id: int) -> list[Enrolment]:
        q = select(Enrolment).where(Enrolment.person_id == person_id).order_by(Enrolment.id)
        return list(await self.s.scalars(q))

    async def for_track(self, track_id: str) -> list[Enrolment]:
        q = select(Enrolment).where(Enrolment.track_id == track_id).order_by(Enrolment.id)
        return list(await self.s.scalars(q))

    async def active(self) -> list[tuple[Enrolment, Person]]:
        """Active enrolments of active people, with the person."""
        q = (
            select(Enrolment, Person)
            .join(Person, Person.id == Enrolment.person_id)
            .where(Enrolment.status == "active", Person.active.is_(True))
            .order_by(Enrolment.person_id, Enrolment.id)
        )
        return [(e, p) for e, p in (await self.s.execute(q)).all()]

    async def enrol(
        self, person_id: int, track_id: str, today: date, source: str
    ) -> tuple[Enrolment, bool]:
        """Enrol (or re-activate, keeping progress). Returns (enrolment, newly active)."""
        found = await self.get(person_id, track_id)
        if found is not None:
            if found.status == "active":
                return found, False
            if found.status == "stopped":
                found.status = "active"
                return found, True
            return found, False  # finished stays finished
        e = Enrolment(
            person_id=person_id,
            track_id=track_id,
            status="active",
            enrolled_on=today,
            source=source,
            sent=[],
            done=[],
            skipped=[],
        )
        self.s.add(e)
        await self.s.flush()
        return e, True
