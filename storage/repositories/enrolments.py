"""Learning-track enrolments (one row per person and track)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime

from sqlalchemy import and_, case, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.learning_models import Enrolment
from storage.models import OutboxRow, Person
from storage.repositories._sql import in_audience, reachable_in


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

    async def due(self, track_ids: Collection[str], zones: Collection[str], today: date,
                  cutoff: date, reachable: Collection[str] | None,
                  quiet_kinds: Sequence[str] = (),
                  quiet_since: Mapping[str, datetime] | None = None
                  ) -> list[tuple[Enrolment, Person]]:
        """By index (`ix_enrolments_due`, the outbox's person index): enrolments not sent a
        step since `cutoff` and those whose snooze has ended, of people in `zones`."""
        other = aliased(Enrolment)
        sent_today = exists().where(other.person_id == Enrolment.person_id,
                                    other.last_sent_on == today)
        may = or_(
            and_(Enrolment.snoozed_until.is_not(None), Enrolment.snoozed_until <= today),
            and_(Enrolment.snoozed_until.is_(None),
                 or_(Enrolment.last_sent_on.is_(None), Enrolment.last_sent_on <= cutoff)),
        )
        q = (select(Enrolment, Person)
             .join(Person, Person.id == Enrolment.person_id)
             .where(Enrolment.status == "active", Enrolment.track_id.in_(sorted(track_ids)),
                    may, ~sent_today))
        if quiet_kinds and quiet_since:
            since = case(*((Person.timezone == tz, at) for tz, at in sorted(quiet_since.items())),
                         else_=None)
            q = q.where(~exists().where(
                OutboxRow.person_id == Person.id, OutboxRow.due_at >= since,
                or_(*(OutboxRow.kind.startswith(k, autoescape=True) for k in quiet_kinds))))
        q = reachable_in(in_audience(q, None), zones, reachable)
        q = q.order_by(Enrolment.person_id, Enrolment.id)
        return [(e, p) for e, p in (await self.s.execute(q)).all()]
