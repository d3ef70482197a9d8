"""Who was invited to which occurrence of a round (never linked to answers)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Participation, Person, Round
from storage.repositories._sql import chunks, in_audience, insert, reachable_in


class Participations:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def get(self, round_id: str, occurrence: str, person_id: int) -> Participation | None:
        q = select(Participation).where(
            Participation.round_id == round_id,
            Participation.occurrence == occurrence,
            Participation.person_id == person_id,
        )
        return (await self.s.scalars(q)).first()

    async def of(self, round_id: str, occurrence: str,
                 person_ids: Collection[int]) -> dict[int, Participation]:
        """`get` for many people of one occurrence, in one query (person id -> row)."""
        if not person_ids:
            return {}
        q = select(Participation).where(
            Participation.round_id == round_id,
            Participation.occurrence == occurrence,
            Participation.person_id.in_(list(person_ids)),
        )
        return {p.person_id: p for p in await self.s.scalars(q)}

    async def ensure(
        self, round_id: str, occurrence: str, person_id: int, invited_on: date
    ) -> Participation:
        """Create the participation row unless it exists; safe when two clocks race."""
        stmt = (
            insert(self.s, Participation)
            .values(
                round_id=round_id,
                occurrence=occurrence,
                person_id=person_id,
                invited_on=invited_on,
                reminders=0,
                completed=False,
            )
            .on_conflict_do_nothing(index_elements=["round_id", "occurrence", "person_id"])
        )
        await self.s.execute(stmt)
        found = await self.get(round_id, occurrence, person_id)
        assert found is not None
        return found

    async def for_round(self, round_id: str) -> dict[tuple[str, int], Participation]:
        q = select(Participation).where(Participation.round_id == round_id)
        return {(p.occurrence, p.person_id): p for p in await self.s.scalars(q)}

    async def open_for(self, person_id: int) -> list[Participation]:
        """The person's unfinished invitations to open rounds, newest first."""
        q = (
            select(Participation)
            .join(Round, Round.id == Participation.round_id)
            .where(
                Participation.person_id == person_id,
                Participation.completed.is_(False),
                Round.status == "open",
            )
            .order_by(Participation.invited_on.desc(), Participation.id.desc())
        )
        return list(await self.s.scalars(q))

    async def counts(self, round_id: str) -> tuple[int, int]:
        """(invited, marked complete) across every occurrence of a round. Finishes are counted
        on the round (`Round.counted`), never marked per person (see
        conversations.results.release); only rounds closed before that may have rows marked."""
        q = select(
            func.count(Participation.id),
            func.count(Participation.id).filter(Participation.completed.is_(True)),
        ).where(Participation.round_id == round_id)
        invited, completed = (await self.s.execute(q)).one()
        return int(invited), int(completed)

    async def segment_counts(self, round_id: str) -> dict[tuple[str, str, str], int]:
        """How many people invited to the round (any occurrence) have each combination of
        segments (branch, classification, employment): one row per combination."""
        q = (select(Person.branch, Person.classification, Person.employment,
                    func.count(func.distinct(Person.id)))
             .join(Participation, Participation.person_id == Person.id)
             .where(Participation.round_id == round_id)
             .group_by(Person.branch, Person.classification, Person.employment))
        return {(b or "", c or "", e or ""): int(n)
                for b, c, e, n in (await self.s.execute(q)).all()}

    async def ensure_many(self, round_id: str, occurrence: str, person_ids: Sequence[int],
                          invited_on: date) -> None:
        """`ensure` for many people: INSERT ... ON CONFLICT DO NOTHING, executemany. The rows
        go in by person id, so their order says nothing new."""
        if not person_ids:
            return
        stmt = insert(self.s, Participation.__table__).on_conflict_do_nothing(
            index_elements=["round_id", "occurrence", "person_id"])
        for batch in chunks(sorted(set(person_ids))):
            await self.s.execute(stmt, [
                {"round_id": round_id, "occurrence": occurrence, "person_id": pid,
                 "invited_on": invited_on, "reminders": 0, "completed": False}
                for pid in batch])

    async def to_remind(self, round_id: str, occurrence: str, zones: Collection[str],
                        audience: Mapping[str, str], reachable: Collection[str] | None,
                        below: int) -> list[Participation]:
        q = (select(Participation)
             .join(Person, Person.id == Participation.person_id)
             .where(Participation.round_id == round_id,
                    Participation.occurrence == occurrence,
                    Participation.completed.is_(False),
                    Participation.reminders < below))
        q = reachable_in(in_audience(q, audience), zones, reachable)
        return list(await self.s.scalars(q.order_by(Participation.person_id)))

    async def remind(self, ids: Sequence[int], number: int) -> None:
        """Raise the rows' reminder count to `number` (never lower it: another clock may have
        got further)."""
        for batch in chunks(sorted(set(ids))):
            await self.s.execute(
                update(Participation)
                .where(Participation.id.in_(batch), Participation.reminders < number)
                .values(reminders=number)
                .execution_options(synchronize_session=False))
