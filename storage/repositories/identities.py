"""Chat-platform accounts linked to roster people, with the route to reach them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import cast

from sqlalchemy import Table, bindparam, case, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Identity, Person
from storage.repositories._sql import chunks, insert

Account = tuple[str, str, str]  # (platform, workspace, user id)


class Identities:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def account(self, platform: str, workspace: str,
                      user_id: str) -> tuple[Person, Identity] | None:
        """The person linked to an account, with the account's link, in one query."""
        q = (
            select(Person, Identity)
            .join(Identity, Identity.person_id == Person.id)
            .where(
                Identity.platform == platform,
                Identity.workspace == workspace,
                Identity.user_id == user_id,
            )
        )
        row = (await self.s.execute(q)).first()
        return (row[0], row[1]) if row is not None else None

    async def for_person(self, person_id: int) -> list[Identity]:
        q = select(Identity).where(Identity.person_id == person_id).order_by(Identity.id)
        return list(await self.s.scalars(q))

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

    async def for_people(self, ids: Iterable[int]) -> dict[int, list[Identity]]:
        out: dict[int, list[Identity]] = {}
        for batch in chunks(sorted(set(ids))):
            q = select(Identity).where(Identity.person_id.in_(batch)).order_by(Identity.id)
            for ident in await self.s.scalars(q):
                out.setdefault(ident.person_id, []).append(ident)
        return out

    async def people_for(self, accounts: Iterable[Account]) -> dict[Account, Person]:
        """One query per workspace and a few thousand accounts (the unique index)."""
        out: dict[Account, Person] = {}
        for (platform, workspace), users in _by_workspace(accounts).items():
            for batch in chunks(sorted(users)):
                q = (select(Identity.user_id, Person)
                     .join(Person, Person.id == Identity.person_id)
                     .where(Identity.platform == platform, Identity.workspace == workspace,
                            Identity.user_id.in_(batch)))
                for user_id, person in (await self.s.execute(q)).all():
                    out[(platform, workspace, user_id)] = person
        return out

    async def link_many(self, links: Sequence[tuple[int, Account, str, str]]) -> None:
        """One INSERT ... ON CONFLICT DO UPDATE per few thousand accounts: re-linked to the
        person given, the conversation and reference kept unless new ones are given."""
        rows = {account: {"person_id": pid, "platform": account[0], "workspace": account[1],
                          "user_id": account[2], "conversation_id": conversation,
                          "reference": reference}
                for pid, account, conversation, reference in links}  # the last one wins
        if not rows:
            return
        table = Identity.__table__
        stmt = insert(self.s, table)
        new = stmt.excluded
        stmt = stmt.on_conflict_do_update(
            index_elements=["platform", "workspace", "user_id"],
            set_={
                "person_id": new.person_id,
                "conversation_id": case((new.conversation_id == "", table.c.conversation_id),
                                        else_=new.conversation_id),
                "reference": case((new.reference == "", table.c.reference),
                                  else_=new.reference),
            },
        )
        for batch in chunks(list(rows.values())):
            await self.s.execute(stmt, batch)

    async def unlink_many(self, accounts: Iterable[Account]) -> None:
        for (platform, workspace), users in _by_workspace(accounts).items():
            for batch in chunks(sorted(users)):
                await self.s.execute(delete(Identity).where(
                    Identity.platform == platform, Identity.workspace == workspace,
                    Identity.user_id.in_(batch)))


def _by_workspace(accounts: Iterable[Account]) -> dict[tuple[str, str], set[str]]:
    out: dict[tuple[str, str], set[str]] = {}
    for platform, workspace, user_id in accounts:
        out.setdefault((platform, workspace), set()).add(user_id)
    return out
