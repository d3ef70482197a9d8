"""Rounds that run themselves: on every clock tick, a scheduled round opens once its start has
come, and a round closes once its answer window has ended for everyone in its audience (in
every time zone they are in). Opening and closing go through RoundAdmin, the same path as an
admin's `/pulse start` and `/pulse close`; each round changes in a transaction of its own."""

from __future__ import annotations

import logging

from conversations.context import Deps
from conversations.ports import UnitOfWork
from conversations.pulse.admin import RoundAdmin, window_ended
from storage.models import Round

log = logging.getLogger(__name__)


class RoundCalendar:
    """The clock's round step (a Job: returns how many rounds opened or closed)."""

    def __init__(self, deps: Deps, admin: RoundAdmin | None = None) -> None:
        self.deps = deps
        self.admin = admin or RoundAdmin(deps)

    async def __call__(self) -> int:
        now = self.deps.clock.now()
        async with self.deps.uow() as tx:
            opening = [r.id for r in await tx.rounds.with_status("scheduled")
                       if r.starts_at is not None and r.starts_at <= now]
            org = {self.deps.policy.default_timezone}
            closing = [r.id for r in await tx.rounds.with_status("open", "paused")
                       if window_ended(r, now, org)  # cheap first: all zones need it
                       and window_ended(r, now, await self._zones(tx, r))]
        changed = 0
        for round_id in opening:
            async with self.deps.uow() as tx:
                await tx.rounds.lock(round_id)  # one clock opens it
                rnd = await tx.rounds.get(round_id)
                if rnd is None or rnd.status != "scheduled":  # another clock got there first
                    continue
                outcome = await self.admin.start(tx, round_id)
                await tx.commit()
            log.info("round %s opened on schedule (%s)", round_id, outcome.key)
            changed += int(outcome.ok)
        for round_id in closing:
            async with self.deps.uow() as tx:
                await tx.rounds.lock(round_id)
                rnd = await tx.rounds.get(round_id)
                if rnd is None or rnd.status not in ("open", "paused"):
                    continue
                outcome = await self.admin.close(tx, round_id)
                await tx.commit()
            log.info("round %s closed: its answer window has ended", round_id)
            changed += int(outcome.ok)
        return changed

    async def _zones(self, tx: UnitOfWork, rnd: Round) -> set[str]:
        """The time zones the round's answer window must have ended in: its audience's and
        the organisation's."""
        zones = {p.timezone for p in await tx.people.active(rnd.audience)}
        return zones | {self.deps.policy.default_timezone}
