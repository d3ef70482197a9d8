"""Retention: raw comment text is purged some days after a round closes; the themes each
comment belonged to (and so the counts) are kept, under the same comment threshold."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from functools import partial

from conversations.context import Deps
from conversations.ports import UnitOfWork
from conversations.results.thresholds import TEXT, WHOLE, Ledger, Shown, enough_people
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
        responses = await tx.responses.for_round(rnd.id)
        live = [r for r in responses if r.text]
        by_id = {r.id: r for r in live}
        shown = [Shown((seg, val), item, batch)
                 for seg, val, item, batch in await tx.views.shown(rnd.id)]
        ledger = Ledger(responses, shown, rnd.k_responses)
        for r in live:  # still counted as comments; named below only by a theme a view shows
            r.theme, r.theme_code = "other", None
        for item in sorted(ledger.items() - {TEXT}):  # each question keeps its own themes
            # the comments its whole-round view shows, in the order summaries theme them: a
            # comment no view shows (the few that came in at the close after early results)
            # must not name a theme, so it is counted as other
            batch, _ = ledger.choose(item, WHOLE)
            rows = ledger.live(item, batch) if batch is not None else []
            if not enough_people(rows, rnd.k_comments):
                continue
            assert self.deps.themer is not None, "no theming engine wired"
            result = await asyncio.to_thread(
                partial(self.deps.themer.theme, [str(r.text) for r in rows],
                        min_theme_size=rnd.k_comments,
                        groups=[r.submission or r.id for r in rows]))
            labels = {t.id: t.label for t in result.themes if not t.is_other}
            # a codebook theme's code, so each reader sees its name in their own language
            codes = {t.id: t.code for t in result.themes if not t.is_other and t.coded}
            small = {t.id for t in result.themes
                     if not enough_people([rows[i] for i in t.members], rnd.k_comments)}
            for row, theme_id in zip(rows, result.assignments, strict=True):
                kept = by_id[row.id]
                kept.theme = "other" if theme_id in small else labels.get(theme_id, "other")
                kept.theme_code = None if theme_id in small else codes.get(theme_id)
        for r in live:
            r.text = None
        rnd.purged_on = today
