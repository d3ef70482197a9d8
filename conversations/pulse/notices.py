"""Telling chairs a round has closed: the chairs who asked for its results while it was open
(or, when none did, every chair) get a message through the outbox, in their working hours,
with what to do next (read the results, record commitments, send the share-back)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from conversations.context import Deps, roles
from conversations.messages import Message, localized
from conversations.ports import UnitOfWork
from conversations.results.release import participation
from conversations.schedule import next_sendable
from storage.models import Person, Round

CLOSED = "pulse.closed"  # the outbox kind


async def tell_chairs(deps: Deps, tx: UnitOfWork, rnd: Round) -> int:
    """Plan the round-closed message for its waiting chairs (else every chair); returns how
    many were planned. Idempotent: one message per round and chair, whoever closes it."""
    now = deps.clock.now()
    chairs = [p for p in await tx.people.active() if "chair" in roles(p)]
    waiting = {x for x in (rnd.waiting or []) if isinstance(x, int)}
    wanted = [p for p in chairs if p.id in waiting] or chairs
    planned = 0
    for chair in wanted:
        due = next_sendable(now, chair.timezone, quiet_hours=deps.policy.quiet_hours)
        planned += await tx.outbox.enqueue_once(f"pulse:closed:{rnd.id}:{chair.id}", chair.id,
                                                CLOSED, {"round": rnd.id}, due)
    rnd.waiting = []
    return planned


class ClosedNotice:
    """The outbox renderer of `pulse.closed`."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def __call__(self, tx: UnitOfWork, person: Person, kind: str,
                       payload: Mapping[str, Any]) -> list[Message] | None:
        rnd = await tx.rounds.get(str(payload.get("round", "")))
        if rnd is None or rnd.status != "closed" or "chair" not in roles(person):
            return None
        invited, completed = await participation(tx, rnd)
        return [Message(self.deps.text(
            person, "pulse.closed_notice", title=localized(rnd.title, person.locale),
            round=rnd.id, closed=rnd.closed_on or "", completed=completed, invited=invited))]
