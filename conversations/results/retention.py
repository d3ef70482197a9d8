"""Retention: raw comment text is purged some days after a round closes; the themes each
comment belonged to (and so the counts) are kept, under the same comment threshold."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from conversations.context import Deps
from conversations.ports import UnitOfWork
from conversations.results.thresholds import enough_people
from storage.models import Response, Round


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
        by_question: dict[str, list[Response]] = {}
        for r in sorted(live, key=lambda r: r.id):  # the order summaries theme them in
            by_question.setdefault(r.question_id, []).append(r)
        for rows in by_question.values():  # each question keeps its own themes
            if not enough_people(rows, rnd.k_comments):
                for r in rows:  # never themed or quoted; still counted as comments
                    r.theme = "other"
                continue
            assert self.deps.themer is not None, "no theming engine wired"
            result = await asyncio.to_thread(self.deps.themer.theme, [str(r.text) for r in rows],
                                             min_theme_size=rnd.k_comments)
            labels = {t.id: t.label for t in result.themes if not t.is_other}
            small = {t.id for t in result.themes
                     if not enough_people([rows[i] for i in t.members], rnd.k_comments)}
            for r, theme_id in zip(rows, result.assignments, strict=True):
                r.theme = "other" if theme_id in small else labels.get(theme_id, "other")
        for r in live:
            r.text = None
        rnd.purged_on = today
