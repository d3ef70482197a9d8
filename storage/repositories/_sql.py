"""Helpers the SQL repositories share."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import Any, TypeVar

from sqlalchemy import Select, delete, exists, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.mentorship_models import MentorMember
from storage.models import SEGMENTS, Identity, Person

T = TypeVar("T")
Q = TypeVar("Q", bound=Select[Any])

# Rows per statement for bulk inserts and IN lists: well under SQLite's 32,766 bound
# parameters and PostgreSQL's 65,535, whatever the number of columns.
CHUNK = 2000


def insert(session: AsyncSession, table: Any) -> Any:
    """An INSERT that knows ON CONFLICT on this session's engine (PostgreSQL or SQLite)."""
    name = session.get_bind().dialect.name
    return pg_insert(table) if name == "postgresql" else sqlite_insert(table)


def chunks(items: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    """`items` in lists of at most `size`."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def in_audience(q: Q, audience: Mapping[str, str] | None) -> Q:
    """Only active people of a round's audience: segment values, and/or the members of a
    mentorship cohort (`cohort`) who have not left it."""
    q = q.where(Person.active.is_(True))
    for key, value in (audience or {}).items():
        if key in SEGMENTS:
            q = q.where(getattr(Person, key) == value)
        elif key == "cohort":
            members = select(MentorMember.person_id).where(
                MentorMember.cohort_id == value, MentorMember.left.is_(False)
            )
            q = q.where(Person.id.in_(members))
    return q


def reachable_in(q: Q, zones: Collection[str], reachable: Collection[str] | None) -> Q:
    """Only people in these time zones who can be reached: with an identity on one of the
    `reachable` platforms, or anyone when it is None."""
    q = q.where(Person.timezone.in_(sorted(zones)))
    if reachable is not None:
        q = q.where(exists().where(Identity.person_id == Person.id,
                                   Identity.platform.in_(sorted(reachable))))
    return q


async def rewrite_in_key_order(session: AsyncSession, table: Any, key: str,
                               where: Any) -> None:
    """Rewrite the rows of `table` that match `where` in one transaction, in the order of
    their random `key`:
    new row versions share one transaction id, and on PostgreSQL, whose heap keeps rows in the
    order they were written, their storage order then says nothing about when each was first
    written (an UPDATE would rewrite them in their old order). DELETE ... RETURNING takes
    exactly the rows this statement removed, so a row another process released or added
    meanwhile is neither lost nor written twice; the caller locks what a concurrent delete
    could touch (a row deleted while this one waits would otherwise be written back)."""
    rows = (await session.execute(delete(table).where(where).returning(*table.c))
            ).mappings().all()
    for batch in chunks(sorted((dict(r) for r in rows), key=lambda r: str(r[key]))):
        await session.execute(table.insert(), batch)
