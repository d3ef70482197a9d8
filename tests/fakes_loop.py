"""The in-memory repositories of closing the loop (commitments, share-backs), for the unit of
work in tests/fakes.py: same protocols as storage (conversations.ports), same rollback rules."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Protocol

from storage.loop_models import Commitment, ShareBack


class _Tx(Protocol):
    db: Any

    def touch(self, row: Any) -> None: ...
    def put(self, table: str, key: Any, row: Any) -> None: ...


class _Rows:
    def __init__(self, tx: _Tx) -> None:
        self.tx = tx

    def _out(self, row: Any) -> Any:
        if row is not None:
            self.tx.touch(row)
        return row


class Commitments(_Rows):
    async def for_round(self, round_id: str) -> list[Commitment]:
        rows = [c for c in self.tx.db.commitments.values() if c.round_id == round_id]
        return [self._out(c) for c in sorted(rows, key=lambda c: c.number)]

    async def add(self, round_id: str, text: str, author_id: int | None,
                  today: date) -> Commitment:
        number = 1 + max((c.number for c in self.tx.db.commitments.values()
                          if c.round_id == round_id), default=0)
        row = Commitment(id=self.tx.db.next_id("commitments"), round_id=round_id,
                         number=number, text=text, status="planned", note="",
                         author_id=author_id, created_on=today, updated_on=today, announced="")
        self.tx.put("commitments", row.id, row)
        return self._out(row)


class ShareBacks(_Rows):
    async def get(self, round_id: str) -> ShareBack | None:
        return self._out(self.tx.db.sharebacks.get(round_id))

    async def add_once(self, round_id: str, sent_at: datetime, sent_by: int | None,
                       headline: Mapping[str, Any]) -> bool:
        if round_id in self.tx.db.sharebacks:
            return False
        self.tx.put("sharebacks", round_id, ShareBack(
            round_id=round_id, sent_at=sent_at, sent_by=sent_by,
            headline=copy.deepcopy(dict(headline)), announced_at=sent_at, announcements=0))
        return True

    async def all(self) -> list[ShareBack]:
        rows = sorted(self.tx.db.sharebacks.values(), key=lambda s: s.round_id)
        return [self._out(s) for s in sorted(rows, key=lambda s: s.sent_at, reverse=True)]
