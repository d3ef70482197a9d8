"""Mentorship programmes, cohorts, members, pairs, check-ins and the statistics already shown."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.mentorship_models import (
    MentorCheckin,
    MentorCohort,
    MentorMember,
    MentorPair,
    MentorProgramme,
    MentorShownStats,
)
from storage.repositories._sql import chunks, insert


class Mentorship:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def _add(self, row: Any) -> Any:
        self.s.add(row)
        await self.s.flush()
        return row

    # ---- programmes and cohorts ----------------------------------------------------------

    async def programme(self, programme_id: str) -> MentorProgramme | None:
        return await self.s.get(MentorProgramme, programme_id)

    async def add_programme(self, programme_id: str, title: str, lead_id: int | None,
                            definition: dict[str, Any]) -> MentorProgramme:
        return await self._add(MentorProgramme(id=programme_id, title=title, lead_id=lead_id,
                                               definition=definition))

    async def cohort(self, cohort_id: str) -> MentorCohort | None:
        return await self.s.get(MentorCohort, cohort_id)

    async def add_cohort(self, cohort_id: str, programme_id: str, start_on: date,
                         weeks: int) -> MentorCohort:
        return await self._add(MentorCohort(id=cohort_id, programme_id=programme_id,
                                            start_on=start_on, weeks=weeks, status="open"))

    async def cohorts(self, *statuses: str) -> list[MentorCohort]:
        q = select(MentorCohort).order_by(MentorCohort.id)
        if statuses:
            q = q.where(MentorCohort.status.in_(statuses))
        return list(await self.s.scalars(q))

    # ---- members ---------------------------------------------------------------------------

    async def members(self, cohort_id: str) -> list[MentorMember]:
        q = select(MentorMember).where(MentorMember.cohort_id == cohort_id)
        return list(await self.s.scalars(q.order_by(MentorMember.id)))

    async def memberships(self, person_id: int) -> list[MentorMember]:
        q = select(MentorMember).where(MentorMember.person_id == person_id)
        return list(await self.s.scalars(q.order_by(MentorMember.id)))

    async def member(self, cohort_id: str, person_id: int) -> MentorMember | None:
        q = select(MentorMember).where(
            MentorMember.cohort_id == cohort_id, MentorMember.person_id == person_id
        )
        return (await self.s.scalars(q)).first()

    async def add_member(self, cohort_id: str, person_id: int, role: str) -> MentorMember:
        return await self._add(MentorMember(cohort_id=cohort_id, person_id=person_id, role=role,
                                            goals="", availability="", manager="",
                                            priority="", prefers="", paused=False, left=False))

    # ---- pairs -----------------------------------------------------------------------------

    async def pairs(self, cohort_id: str | None = None, *statuses: str) -> list[MentorPair]:
        q = select(MentorPair).order_by(MentorPair.id)
        if cohort_id is not None:
            q = q.where(MentorPair.cohort_id == cohort_id)
        if statuses:
            q = q.where(MentorPair.status.in_(statuses))
        return list(await self.s.scalars(q))

    async def pair(self, pair_id: int) -> MentorPair | None:
        return await self.s.get(MentorPair, pair_id)

    async def pairs_of(self, person_id: int) -> list[MentorPair]:
        q = select(MentorPair).where(
            (MentorPair.mentee_id == person_id) | (MentorPair.mentor_id == person_id)
        )
        return list(await self.s.scalars(q.order_by(MentorPair.id)))

    async def pairs_for_liaison(self, person_id: int) -> list[MentorPair]:
        q = select(MentorPair).where(MentorPair.liaison_id == person_id)
        return list(await self.s.scalars(q.order_by(MentorPair.id)))

    async def add_pair(self, cohort_id: str, mentee_id: int, mentor_id: int,
                       liaison_id: int | None, status: str,
                       started_on: date | None = None) -> MentorPair:
        return await self._add(MentorPair(cohort_id=cohort_id, mentee_id=mentee_id,
                                          mentor_id=mentor_id, liaison_id=liaison_id,
                                          status=status, started_on=started_on))

    async def delete_pair(self, pair: MentorPair) -> None:
        """Forget a pair that never started (a proposal replaced or dropped)."""
        await self.s.delete(pair)
        await self.s.flush()

    # ---- check-ins -------------------------------------------------------------------------

    async def checkin(self, checkin_id: int) -> MentorCheckin | None:
        return await self.s.get(MentorCheckin, checkin_id)

    async def checkin_for(
        self, pair_id: int, person_id: int, occurrence: str
    ) -> MentorCheckin | None:
        q = select(MentorCheckin).where(
            MentorCheckin.pair_id == pair_id,
            MentorCheckin.person_id == person_id,
            MentorCheckin.occurrence == occurrence,
        )
        return (await self.s.scalars(q)).first()

    async def checkins(self, pair_ids: list[int]) -> list[MentorCheckin]:
        if not pair_ids:
            return []
        q = select(MentorCheckin).where(MentorCheckin.pair_id.in_(pair_ids))
        return list(await self.s.scalars(q.order_by(MentorCheckin.occurrence, MentorCheckin.id)))

    async def add_checkin(self, pair_id: int, person_id: int, occurrence: str,
                          closes_on: date) -> MentorCheckin:
        return await self._add(MentorCheckin(pair_id=pair_id, person_id=person_id,
                                             occurrence=occurrence, closes_on=closes_on,
                                             topic="", help="", note="", done=False))

    async def add_checkins(self, rows: Sequence[tuple[int, int, str, date]]) -> None:
        """`add_checkin` for many (pair, person, occurrence, closes on), unless present:
        INSERT ... ON CONFLICT DO NOTHING, executemany."""
        if not rows:
            return
        stmt = insert(self.s, MentorCheckin.__table__).on_conflict_do_nothing(
            index_elements=["pair_id", "person_id", "occurrence"])
        for batch in chunks(rows):
            await self.s.execute(stmt, [
                {"pair_id": pair, "person_id": person, "occurrence": occ, "closes_on": closes,
                 "topic": "", "help": "", "note": "", "done": False}
                for pair, person, occ, closes in batch])

    # ---- statistics already shown ------------------------------------------------------------

    async def shown_stats(self, cohort_id: str) -> list[MentorShownStats]:
        q = select(MentorShownStats).where(MentorShownStats.cohort_id == cohort_id)
        return list(await self.s.scalars(q.order_by(MentorShownStats.id)))

    async def record_shown(self, cohort_id: str, shown_on: date, checkins: list[int]) -> None:
        self.s.add(MentorShownStats(cohort_id=cohort_id, shown_on=shown_on,
                                    checkins=sorted(checkins)))
        await self.s.flush()
