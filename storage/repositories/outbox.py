"""The outbox: proactive messages to deliver, planned idempotently, leased to one worker."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Claimed, OutboxRow, Planned
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
        """Lease due rows to this worker. PostgreSQL: FOR UPDATE SKIP LOCKED, so workers never
        share a row; SQLite runs one worker. An expired lease (a crashed worker) is re-claimed."""
        q = (
            select(OutboxRow)
            .where(
                OutboxRow.status == "pending",
                OutboxRow.due_at <= now,
                (OutboxRow.lease_until.is_(None)) | (OutboxRow.lease_until <= now),
            )
            .order_by(OutboxRow.due_at, OutboxRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        rows = list(await self.s.scalars(q))
        for row in rows:
            row.lease_until = now + lease
            row.attempts += 1
        await self.s.flush()
        return [
            Claimed(r.id, r.key, r.person_id, r.kind, dict(r.payload), r.attempts, r.lease_until)
            for r in rows
        ]

    async def renew(self, row: Claimed, until: datetime) -> Claimed | None:
        """Extend this worker's lease just before sending. None when the lease ran out and
        another worker has claimed the row since (it will send it; this one must not)."""
        result = await self.s.execute(
            update(OutboxRow)
            .where(
                OutboxRow.id == row.id,
                OutboxRow.status == "pending",
                OutboxRow.lease_until == row.lease_until,
            )
            .values(lease_until=until)
        )
        if not getattr(result, "rowcount", 0):
            return None
        return Claimed(row.id, row.key, row.person_id, row.kind, row.payload, row.attempts, until)

    async def sent(self, row_id: int, now: datetime) -> None:
        await self.s.execute(
            update(OutboxRow)
            .where(OutboxRow.id == row_id)
            .values(status="sent", sent_at=now, lease_until=None, last_error="")
        )

    async def retry(
        self, row_id: int, due_at: datetime, error: str, refund: bool = False
    ) -> None:
        """Put a row back for later; `refund` gives back the attempt (a rate-limit wait)."""
        values: dict[str, Any] = {"due_at": due_at, "lease_until": None, "last_error": error[:300]}
        if refund:
            values["attempts"] = OutboxRow.attempts - 1
        await self.s.execute(update(OutboxRow).where(OutboxRow.id == row_id).values(**values))

    async def failed(self, row_id: int, error: str) -> None:
        await self.s.execute(
            update(OutboxRow)
            .where(OutboxRow.id == row_id)
            .values(status="failed", lease_until=None, last_error=error[:300])
        )

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
