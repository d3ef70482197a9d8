"""Keyed-hash marks (see PrivateMark): set once, asked by key, never listed by person."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import PrivateMark
from storage.repositories._sql import chunks, insert, rewrite_in_key_order


class Marks:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def add_once(self, key: str, round_id: str, kind: str) -> bool:
        """Insert unless present (any process). True if this call inserted it."""
        stmt = (
            insert(self.s, PrivateMark)
            .values(key=key, round_id=round_id, kind=kind)
            .on_conflict_do_nothing(index_elements=["key"])
        )
        result = await self.s.execute(stmt)
        return bool(getattr(result, "rowcount", 0))

    async def has(self, key: str) -> bool:
        return (await self.s.scalar(
            select(PrivateMark.key).where(PrivateMark.key == key))) is not None

    async def having(self, keys: Collection[str]) -> set[str]:
        """Which of `keys` are set (`has` for many keys, in one query)."""
        if not keys:
            return set()
        q = select(PrivateMark.key).where(PrivateMark.key.in_(list(keys)))
        return set(await self.s.scalars(q))

    async def keys(self, round_id: str, kind: str) -> set[str]:
        q = select(PrivateMark.key).where(PrivateMark.round_id == round_id,
                                          PrivateMark.kind == kind)
        return set(await self.s.scalars(q))

    async def rounds(self, kind: str) -> set[str]:
        q = select(PrivateMark.round_id).where(PrivateMark.kind == kind).distinct()
        return {str(r) for r in await self.s.scalars(q)}

    async def reseal(self, round_ids: Collection[str]) -> None:
        """Rewrite the marks of these rounds at once, in the order of their keys (one
        transaction id for all of them, and a storage order that is not the order they were
        set in). The caller holds the rounds' locks."""
        await rewrite_in_key_order(self.s, PrivateMark.__table__, "key",
                                   PrivateMark.round_id.in_(sorted(round_ids)))

    async def present(self, keys: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for batch in chunks(sorted(set(keys))):
            q = select(PrivateMark.key).where(PrivateMark.key.in_(batch))
            found.update(await self.s.scalars(q))
        return found

    async def delete(self, round_id: str, kind: str, keys: Iterable[str] | None = None) -> None:
        q = delete(PrivateMark).where(PrivateMark.round_id == round_id, PrivateMark.kind == kind)
        if keys is not None:
            q = q.where(PrivateMark.key.in_(list(keys)))
        await self.s.execute(q)
