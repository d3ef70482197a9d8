"""Retention: raw comment text is purged some days after a round closes; the themes each
comment belonged to (and so the counts) are kept, under the same comment threshold."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from conversations.context import Deps
from conversations.ports import UnitOfWork
from conversations.results.thresholds import enough_people
from storage.models import Round


class Retention:
    """Purges raw comment text some days after a round closes, keeping themes and counts."""

    def __init__(self, deps: Deps, days: int) -> None:
        self.deps = deps
        self.days = days

    async def purge(self) -> list[str]:
        """Purge every round due; returns their ids."""
        if self.days <= 0:
            return []
        today = self.deps.clock.now().date()
        done: list[str] = []
        async with self.deps.uow() as tx:
            for rnd in await tx.rounds.with_status("closed"):
                if rnd.purged_on is not None or rnd.closed_on is None:
                    continue
                if rnd.closed_on + timedelta(days=self.days) > today:
                    continue
                await self._purge_round(tx, rnd, today)
                done.append(rnd.id)
            await tx.commit()
        return done

    async def _purge_round(self, tx: UnitOfWork, rnd: Round, today: date) -> None:
        live = [r for r in await tx.responses.for_round(rnd.id) if r.text]
        if live and enough_people(live, rnd.k_comments):
            assert self.deps.themer is not None, "no theming engine wired"
            result = await asyncio.to_thread(self.deps.themer.theme, [str(r.text) for r in live])
            labels = {t.id: t.label for t in result.themes}
            small = {t.id for t in result.themes
                     if not enough_people([live[i] for i in t.members], rnd.k_comments)}
            for r, theme_id in zip(live, result.assignments, strict=True):
                r.theme = "other" if theme_id in small else labels.get(theme_id, "other")
        for r in live:
            r.text = None
        rnd.purged_on = today
