"""The in-memory outbox of tests/fakes.py (conversations.ports.Outbox over a dict), kept beside it
so the fake unit of work stays short. Records go through the unit of work (`tx.touch`,
`tx.put`), so a transaction left without commit rolls them back like everything else."""

from __future__ import annotations

import copy
import dataclasses
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from storage.models import Claimed, OutboxRow, Outcome
from tests.fake_bulk import OutboxBulk


class Outbox(OutboxBulk):
    def __init__(self, tx: Any) -> None:
        self.tx = tx
        self.db = tx.db

    def _out(self, row: Any) -> Any:
        if row is not None:
            self.tx.touch(row)
        return row

    def _insert(self, table: str, key: Any, row: Any) -> Any:
        self.tx.put(table, key, row)
        return self._out(row)

    async def enqueue_once(self, key: str, person_id: int, kind: str,
                           payload: Mapping[str, Any], due_at: datetime) -> bool:
        if any(r.key == key for r in self.db.outbox.values()):
            return False
        row = OutboxRow(id=self.db.next_id("outbox"), key=key, person_id=person_id, kind=kind,
                        payload=copy.deepcopy(dict(payload)), due_at=due_at, status="pending",
                        attempts=0, last_error="", lease_until=None, sent_at=None)
        self._insert("outbox", row.id, row)
        return True

    async def claim(self, now: datetime, lease: timedelta, limit: int = 50) -> list[Claimed]:
        due = sorted((r for r in self.db.outbox.values()
                      if r.status == "pending" and r.due_at <= now
                      and (r.lease_until is None or r.lease_until <= now)),
                     key=lambda r: (r.due_at, r.id))[:limit]
        for r in due:
            self._out(r)
            r.lease_until, r.attempts = now + lease, r.attempts + 1
        return [Claimed(r.id, r.key, r.person_id, r.kind, copy.deepcopy(r.payload), r.attempts,
                        r.lease_until) for r in due]

    async def renew(self, rows: Sequence[Claimed], until: datetime) -> list[Claimed]:
        held = [r for r in rows if (o := self._out(self.db.outbox.get(r.id))) is not None
                and (o.status, o.lease_until) == ("pending", r.lease_until)]
        for r in held:
            self.db.outbox[r.id].lease_until = until
        return [dataclasses.replace(r, lease_until=until) for r in held]

    async def settle(self, outcomes: Sequence[Outcome], now: datetime) -> None:
        for o in outcomes:  # put back or failed: only while the worker's lease holds
            r = self._out(self.db.outbox.get(o.row.id))
            if r is None or (o.status != "sent" and (r.status, r.lease_until) != (
                    "pending", o.row.lease_until)):
                continue
            r.lease_until, r.last_error, r.status = None, o.error[:300], o.status
            if o.status == "sent":
                r.sent_at = now
            elif o.status == "pending":
                r.due_at, r.attempts = o.due_at or now, o.row.attempts - int(o.refund)

    async def by_status(self) -> dict[str, int]:
        return dict(Counter(r.status for r in self.db.outbox.values()))

    async def recent(self, since: datetime) -> list[OutboxRow]:
        return [r for r in await self.rows() if r.due_at >= since]

    async def rows(self) -> list[OutboxRow]:
        return [r for r in sorted(self.db.outbox.values(), key=lambda r: r.id)
                if self._out(r) is not None]
