"""Announcing commitment status changes to everyone who was asked, at most once a week per
round: on each clock tick, a round whose share-back was sent and whose last announcement (or
the share-back itself) is at least a week old gets one message per person listing every
commitment that changed since (new ones included), in their working hours. Planning is
idempotent: the key names the round, the announcement's number and the person."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from conversations.context import Deps
from conversations.loop.render import update_text
from conversations.loop.share import invited
from conversations.messages import Message
from conversations.ports import UnitOfWork
from conversations.schedule import next_sendable
from storage.models import Person

UPDATE = "loop.update"  # the outbox kind
EVERY = timedelta(days=7)


class Announcements:
    """The clock's step (a Job: returns how many messages it planned)."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def __call__(self) -> int:
        now = self.deps.clock.now()
        planned = 0
        async with self.deps.uow() as tx:
            for share in await tx.sharebacks.all():
                if now - share.announced_at < EVERY:
                    continue
                changed = [c for c in await tx.commitments.for_round(share.round_id)
                           if c.status != c.announced]
                if not changed:
                    continue
                number = share.announcements + 1
                payload = {"round": share.round_id, "commitments": [c.number for c in changed]}
                for p in await invited(tx, share.round_id):
                    due = next_sendable(now, p.timezone, quiet_hours=self.deps.policy.quiet_hours)
                    planned += await tx.outbox.enqueue_once(
                        f"loop:update:{share.round_id}:{number}:{p.id}", p.id, UPDATE, payload,
                        due)
                for c in changed:
                    c.announced = c.status
                share.announcements, share.announced_at = number, now
            await tx.commit()
        return planned

    async def render(self, tx: UnitOfWork, person: Person, kind: str,
                     payload: Mapping[str, Any]) -> list[Message] | None:
        """A planned update: the commitments it names, with their status now."""
        rnd = await tx.rounds.get(str(payload.get("round", "")))
        if rnd is None:
            return None
        numbers = {n for n in payload.get("commitments", []) if isinstance(n, int)}
        changed = [c for c in await tx.commitments.for_round(rnd.id) if c.number in numbers]
        if not changed:
            return None
        return [Message(update_text(self.deps.catalog, person.locale, rnd, changed))]
