"""Chat-platform accounts linked to roster people, with the route to reach them."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import cast

from sqlalchemy import Table, bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Identity, Person


class Identities:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def person_for(self, platform: str, workspace: str, user_id: str) -> Person | None:
        q = (
            select(Person)
            .join(Identity, Identity.person_id == Person.id)
            .where(
                Identity.platform == platform,
                Identity.workspace == workspace,
                Identity.user_id == user_id,
            )
        )
        return (await self.s.scalars(q)).first()

    async def for_person(self, person_id: int) -> list[Identity]:
        q = select(Identity).where(Identity.person_id == person_id).order_by(Identity.id)
        return list(await self.s.scalars(q))

    async def for_people(self, person_ids: Collection[int]) -> dict[int, list[Identity]]:
        """Each person's identities (as `for_person`), for many people in one query."""
        out: dict[int, list[Identity]] = {pid: [] for pid in person_ids}
        if out:
            q = select(Identity).where(Identity.person_id.in_(list(out))).order_by(Identity.id)
            for ident in await self.s.scalars(q):
                out[ident.person_id].append(ident)
        return out

    async def link(
        self,
        person_id: int,
        platform: str,
        workspace: str,
        user_id: str,
        conversation_id: str = "",
        reference: str = "",
    ) -> Identity:
        """Link (or re-link) a platform account to a person, keeping the latest route."""
        q = select(Identity).where(
            Identity.platform == platform,
            Identity.workspace == workspace,
            Identity.user_id == user_id,
        )
        ident = (await self.s.scalars(q)).first()
        if ident is None:
            ident = Identity(
                person_id=person_id,
                platform=platform,
                workspace=workspace,
                user_id=user_id,
                conversation_id=conversation_id,
                reference=reference,
            )
            self.s.add(ident)
        else:
            ident.person_id = person_id
            if conversation_id:
                ident.conversation_id = conversation_id
            if reference:
                ident.reference = reference
        await self.s.flush()
        return ident

    async def set_routes(self, routes: Sequence[tuple[str, str, str, str, str]]) -> None:
        """Store the route to many linked accounts in one statement, each (platform, workspace,
        user_id, conversation_id, reference): an empty part keeps what is stored, an account
        no longer linked is skipped (the delivery worker's resolved DM channels)."""
        if not routes:
            return
        t = cast(Table, Identity.__table__)
        await self.s.execute(
            update(t)
            .where(t.c.platform == bindparam("p"), t.c.workspace == bindparam("w"),
                   t.c.user_id == bindparam("u"))
            .values(conversation_id=func.coalesce(func.nullif(bindparam("c"), ""),
                                                  t.c.conversation_id),
                    reference=func.coalesce(func.nullif(bindparam("r"), ""), t.c.reference)),
            [{"p": p, "w": w, "u": u, "c": c, "r": r} for p, w, u, c, r in routes],
        )

    async def unlink(self, platform: str, workspace: str, user_id: str) -> None:
        await self.s.execute(
            delete(Identity).where(
                Identity.platform == platform,
                Identity.workspace == workspace,
                Identity.user_id == user_id,
            )
        )
