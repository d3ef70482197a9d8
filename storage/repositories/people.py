"""People on the roster."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.mentorship_models import MentorMember
from storage.models import SEGMENTS, Person


class People:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def by_handle(self, handle: str) -> Person | None:
        return (await self.s.scalars(select(Person).where(Person.handle == handle))).first()

    async def get(self, person_id: int) -> Person | None:
        return await self.s.get(Person, person_id)

    async def many(self, ids: Collection[int]) -> list[Person]:
        """The people with these ids (any order; unknown ids are left out), in one query."""
        if not ids:
            return []
        return list(await self.s.scalars(select(Person).where(Person.id.in_(list(ids)))))

    async def active(self, audience: Mapping[str, str] | None = None) -> list[Person]:
        """Active people matching a round's audience: segment values, and/or the members of a
        mentorship cohort (`cohort`) who have not left it."""
        q = select(Person).where(Person.active.is_(True)).order_by(Person.id)
        for key, value in (audience or {}).items():
            if key in SEGMENTS:
                q = q.where(getattr(Person, key) == value)
            elif key == "cohort":
                members = select(MentorMember.person_id).where(
                    MentorMember.cohort_id == value, MentorMember.left.is_(False)
                )
                q = q.where(Person.id.in_(members))
        return list(await self.s.scalars(q))

    async def count(self) -> int:
        return int(await self.s.scalar(select(func.count()).select_from(Person)) or 0)

    async def all(self) -> list[Person]:
        return list(await self.s.scalars(select(Person).order_by(Person.handle)))

    async def upsert(
        self, rows: Iterable[tuple[Mapping[str, Any], Mapping[str, Any]]]
    ) -> tuple[int, int]:
        """Insert (first mapping) or update (second mapping) people by handle.
        Returns (added, updated)."""
        added = updated = 0
        for insert, changes in rows:
            person = await self.by_handle(insert["handle"])
            if person is None:
                self.s.add(Person(**insert))
                added += 1
            else:
                for key, value in changes.items():
                    setattr(person, key, value)
                updated += 1
        await self.s.flush()
        return added, updated
