"""People on the roster."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from sqlalchemy import Table, bindparam, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from storage.models import Participation, Person
from storage.ops_models import Revision
from storage.repositories._sql import chunks, in_audience, insert, reachable_in

ROSTER = "roster"  # the revision bumped when a name is added or changed


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
        q = in_audience(select(Person), audience).order_by(Person.id)
        return list(await self.s.scalars(q))

    async def count(self) -> int:
        return int(await self.s.scalar(select(func.count()).select_from(Person)) or 0)

    async def all(self) -> list[Person]:
        return list(await self.s.scalars(select(Person).order_by(Person.handle)))

    async def upsert(
        self, rows: Iterable[tuple[Mapping[str, Any], Mapping[str, Any]]]
    ) -> tuple[int, int]:
        """Insert (first mapping) or update (second mapping) people by handle, a few thousand
        rows per statement (executemany), never one query per person. Returns (added,
        updated)."""
        table: Table = Person.__table__  # type: ignore[assignment]
        added = updated = 0
        renamed = False
        for batch in chunks(rows):
            found = {h: (pid, name) for h, pid, name in (await self.s.execute(
                select(Person.handle, Person.id, Person.display_name)
                .where(Person.handle.in_([ins["handle"] for ins, _ in batch])))).all()}
            new: dict[frozenset[str], list[dict[str, Any]]] = {}
            changed: dict[frozenset[str], list[dict[str, Any]]] = {}
            for ins, change in batch:
                if ins["handle"] not in found:
                    new.setdefault(frozenset(ins), []).append(dict(ins))
                    continue
                pid, name = found[ins["handle"]]
                values = {k: v for k, v in change.items() if k not in ("id", "handle")}
                renamed = renamed or values.get("display_name", name) != name
                if values:
                    changed.setdefault(frozenset(values), []).append(
                        {"_id": pid, **{f"v_{k}": v for k, v in values.items()}})
                updated += 1
            for same in new.values():
                await self.s.execute(table.insert(), same)
                added += len(same)
                renamed = True
            await self._update(changed)
        if renamed:
            await self._bump(ROSTER)
        return added, updated

    async def update_many(self, changes: Iterable[tuple[int, Mapping[str, Any]]]) -> None:
        """Set these columns of these people (not their names), one executemany per set of
        columns."""
        changed: dict[frozenset[str], list[dict[str, Any]]] = {}
        for pid, values in changes:
            if values:
                assert "display_name" not in values, "names change through upsert"
                changed.setdefault(frozenset(values), []).append(
                    {"_id": pid, **{f"v_{k}": v for k, v in values.items()}})
        await self._update(changed)

    async def _update(self, changed: Mapping[frozenset[str], list[dict[str, Any]]]) -> None:
        table: Table = Person.__table__  # type: ignore[assignment]
        for columns, params in changed.items():
            stmt = (table.update().where(table.c.id == bindparam("_id"))
                    .values({c: bindparam(f"v_{c}") for c in columns}))
            for batch in chunks(params):
                await self.s.execute(stmt, batch)
            self._refresh_loaded(params)

    def _refresh_loaded(self, params: list[dict[str, Any]]) -> None:
        """People this session already holds take the new values (without a query)."""
        by_id = {p["_id"]: p for p in params}
        for obj in list(self.s.identity_map.values()):
            if isinstance(obj, Person) and obj.id in by_id:
                for key, value in by_id[obj.id].items():
                    if key.startswith("v_"):
                        set_committed_value(obj, key[2:], value)

    async def emails(self) -> dict[str, str]:
        q = select(Person.handle, func.lower(Person.email))
        return {h: e or "" for h, e in (await self.s.execute(q)).all()}

    async def names(self) -> list[str]:
        return list(await self.s.scalars(select(Person.display_name)))

    async def revision(self) -> int:
        return int(await self.s.scalar(
            select(Revision.value).where(Revision.name == ROSTER)) or 0)

    async def _bump(self, name: str) -> None:
        stmt = insert(self.s, Revision).values(name=name, value=1)
        stmt = stmt.on_conflict_do_update(index_elements=["name"],
                                          set_={"value": Revision.value + 1})
        await self.s.execute(stmt)

    async def get_many(self, ids: Iterable[int]) -> dict[int, Person]:
        out: dict[int, Person] = {}
        for batch in chunks(sorted(set(ids))):
            for p in await self.s.scalars(select(Person).where(Person.id.in_(batch))):
                out[p.id] = p
        return out

    async def by_emails(self, emails: Iterable[str]) -> dict[str, Person]:
        """People by email, case-insensitively (the `lower(email)` index), keyed lower-case."""
        wanted = sorted({e.lower() for e in emails if e})
        out: dict[str, Person] = {}
        for batch in chunks(wanted):
            q = select(Person).where(func.lower(Person.email).in_(batch)).order_by(Person.id)
            for p in await self.s.scalars(q):
                out.setdefault(p.email.lower(), p)
        return out

    async def zones(self) -> set[str]:
        """Distinct zones by skipping through the `timezone` index (a loose index scan: one
        probe per zone, not one row per person), on SQLite and PostgreSQL alike."""
        first = select(func.min(Person.timezone).label("tz")).where(Person.active.is_(True))
        zone = first.cte("zone", recursive=True)
        after = (select(func.min(Person.timezone))
                 .where(Person.active.is_(True), Person.timezone > zone.c.tz)
                 .scalar_subquery())
        zone = zone.union_all(select(after).where(zone.c.tz.is_not(None)))
        return {str(z) for z in await self.s.scalars(select(zone.c.tz)) if z is not None}

    async def to_invite(self, round_id: str, occurrence: str, zones: Collection[str],
                        audience: Mapping[str, str], reachable: Collection[str] | None
                        ) -> list[Person]:
        invited = exists().where(Participation.round_id == round_id,
                                 Participation.occurrence == occurrence,
                                 Participation.person_id == Person.id)
        q = reachable_in(in_audience(select(Person), audience), zones, reachable)
        return list(await self.s.scalars(q.where(~invited).order_by(Person.id)))
