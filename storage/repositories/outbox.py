"""The outbox: proactive messages to deliver, planned idempotently, leased to one worker."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, Update, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Claimed, OutboxRow, Outcome, Planned
from storage.repositories._sql import chunks, insert


class Outbox:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def enqueue_once(
        self, key: str, person_id: int, kind: str, payload: Mapping[str, Any], due_at: datetime
    ) -> bool:
        """Insert unless a row with `key` exists (any clock, any process). True if inserted."""
        stmt = (
            insert(self.s, OutboxRow)
            .values(
                key=key,
                person_id=person_id,
                kind=kind,
                payload=dict(payload),
                due_at=due_at,
                status="pending",
                attempts=0,
                last_error="",
            )
            .on_conflict_do_nothing(index_elements=["key"])
        )
        result = await self.s.execute(stmt)
        return bool(getattr(result, "rowcount", 0))

    async def claim(self, now: datetime, lease: timedelta, limit: int = 50) -> list[Claimed]:
        """Lease up to `limit` due rows to this worker, in one statement: the oldest due first.

        PostgreSQL: the rows are picked FOR UPDATE SKIP LOCKED, so concurrent workers never
        share a row; SQLite runs one worker. A row whose lease ran out (its worker crashed or
        stalled) is due again; each claim counts an attempt."""
        until = now + lease
        due = (
            select(OutboxRow.id)
            .where(
                OutboxRow.status == "pending",
                OutboxRow.due_at <= now,
                (OutboxRow.lease_until.is_(None)) | (OutboxRow.lease_until <= now),
            )
            .order_by(OutboxRow.due_at, OutboxRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        stmt = (
            update(OutboxRow)
            .where(OutboxRow.id.in_(due))
            .values(lease_until=until, attempts=OutboxRow.attempts + 1)
            .returning(OutboxRow.id, OutboxRow.key, OutboxRow.person_id, OutboxRow.kind,
                       OutboxRow.payload, OutboxRow.attempts, OutboxRow.due_at)
            .execution_options(synchronize_session=False)
        )
        rows = sorted((await self.s.execute(stmt)).all(), key=lambda r: (r.due_at, r.id))
        return [Claimed(r.id, r.key, r.person_id, r.kind, dict(r.payload or {}), r.attempts,
                        until) for r in rows]

    async def renew(self, rows: Sequence[Claimed], until: datetime) -> list[Claimed]:
        """Extend this worker's leases (one statement per lease held). Returns the rows still
        held, with the new lease; a row missing from the answer was claimed by another worker
        after its lease ran out (that worker sends it; this one must not)."""
        held: list[Claimed] = []
        by_lease: dict[datetime | None, list[Claimed]] = {}
        for row in rows:
            by_lease.setdefault(row.lease_until, []).append(row)
        for lease, group in by_lease.items():
            result = await self.s.execute(
                update(OutboxRow)
                .where(OutboxRow.id.in_([r.id for r in group]),
                       OutboxRow.status == "pending", OutboxRow.lease_until == lease)
                .values(lease_until=until)
                .returning(OutboxRow.id)
                .execution_options(synchronize_session=False)
            )
            kept = set(result.scalars())
            held += [replace(r, lease_until=until) for r in group if r.id in kept]
        return held

    async def settle(self, outcomes: Sequence[Outcome], now: datetime) -> None:
        """Write what became of delivered rows: one statement per kind of outcome (sent, put
        back, failed) for the whole batch. A row put back or failed is touched only while the
        worker's lease on it holds."""
        sent = [o.row.id for o in outcomes if o.status == "sent"]
        if sent:
            await self.s.execute(_settled()[0], {"ids": sent, "now": now})
        back = [{"row_id": o.row.id, "lease": o.row.lease_until, "due": o.due_at or now,
                 "error": o.error[:300], "tries": o.row.attempts - (1 if o.refund else 0)}
                for o in outcomes if o.status == "pending"]
        if back:
            await self.s.execute(_settled()[1], back)
        failed = [{"row_id": o.row.id, "lease": o.row.lease_until, "error": o.error[:300]}
                  for o in outcomes if o.status == "failed"]
        if failed:
            await self.s.execute(_settled()[2], failed)

    async def by_status(self) -> dict[str, int]:
        q = select(OutboxRow.status, func.count()).group_by(OutboxRow.status)
        return {str(s): int(n) for s, n in (await self.s.execute(q)).all()}

    async def recent(self, since: datetime) -> list[OutboxRow]:
        """Rows due since `since` (any status), e.g. to avoid stacking messages in a day."""
        q = select(OutboxRow).where(OutboxRow.due_at >= since).order_by(OutboxRow.id)
        return list(await self.s.scalars(q))

    async def rows(self) -> list[OutboxRow]:
        return list(await self.s.scalars(select(OutboxRow).order_by(OutboxRow.id)))

    async def enqueue_many(self, rows: Sequence[Planned]) -> set[str]:
        """`enqueue_once` for many rows: INSERT ... ON CONFLICT DO NOTHING RETURNING key,
        executemany (batched into multi-row statements by the driver layer). Returns the keys
        inserted by this call."""
        if not rows:
            return set()
        table = OutboxRow.__table__
        stmt = (insert(self.s, table).on_conflict_do_nothing(index_elements=["key"])
                .returning(table.c.key))
        inserted: set[str] = set()
        for batch in chunks(rows):
            result = await self.s.execute(stmt, [
                {"key": r.key, "person_id": r.person_id, "kind": r.kind,
                 "payload": dict(r.payload), "due_at": r.due_at, "status": "pending",
                 "attempts": 0, "last_error": ""} for r in batch])
            inserted.update(result.scalars())
        return inserted

    async def recent_for(self, person_ids: Iterable[int], since: datetime) -> list[OutboxRow]:
        out: list[OutboxRow] = []
        for batch in chunks(sorted(set(person_ids))):
            q = select(OutboxRow).where(OutboxRow.person_id.in_(batch),
                                        OutboxRow.due_at >= since)
            out += await self.s.scalars(q)
        return sorted(out, key=lambda r: r.id)


@functools.cache
def _settled() -> tuple[Update, Update, Update]:
    """`settle`'s three statements (sent, put back, failed), built once: the worker writes a
    few dozen outcomes at a time, so building and caching a statement each time would cost
    more than running it."""
    table = cast(Table, OutboxRow.__table__)
    guard = (table.c.id == bindparam("row_id")) & (table.c.status == "pending") & (
        table.c.lease_until == bindparam("lease"))
    return (
        update(table).where(table.c.id.in_(bindparam("ids", expanding=True))).values(
            status="sent", sent_at=bindparam("now"), lease_until=None, last_error=""),
        update(table).where(guard).values(
            due_at=bindparam("due"), lease_until=None, last_error=bindparam("error"),
            attempts=bindparam("tries")),
        update(table).where(guard).values(
            status="failed", lease_until=None, last_error=bindparam("error")),
    )
