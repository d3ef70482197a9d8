"""`/pulse status`: one line per round saying what is scheduled, open and closed, with dates
in the reader's language (Babel, through the catalog) and time zone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from conversations.context import Deps
from conversations.messages import localized
from conversations.ports import UnitOfWork
from conversations.results.release import participation
from conversations.schedule import local, schedule_of
from storage.models import Round


def state(deps: Deps, locale: str, status: str) -> str:
    """A round's status in the reader's language."""
    key = f"rounds.state.{status}"
    return deps.catalog.text(locale, key) if key in deps.catalog.texts["en"] else status


async def status_lines(deps: Deps, tx: UnitOfWork, rounds: Sequence[Round], locale: str,
                       tz: str) -> list[str]:
    cat = deps.catalog
    lines: list[str] = []
    for rnd in rounds:
        title = localized(rnd.title, locale) or rnd.id
        values: dict[str, object] = {"round": rnd.id, "title": title,
                                     "status": state(deps, locale, rnd.status)}
        if rnd.status == "scheduled" and rnd.starts_at is not None:
            values.update(start=local(rnd.starts_at, tz), close=rnd.closes_on or "",
                          closing=int(rnd.closes_on is not None))
            lines.append(cat.text(locale, "rounds.line.scheduled", **values))
            continue
        if rnd.status == "draft":
            lines.append(cat.text(locale, "rounds.line.other", **values))
            continue
        invited, completed = await participation(tx, rnd)
        values.update(invited=invited, completed=completed, k=rnd.k_responses,
                      rate=f"{round(100 * completed / invited)}%" if invited else "-")
        if rnd.status == "closed":
            lines.append(cat.text(locale, "rounds.line.closed", closed=rnd.closed_on or "",
                                  **values))
            continue
        if rnd.status not in ("open", "paused") or rnd.opened_at is None:
            lines.append(cat.text(locale, "rounds.line.counts", **values))
            continue
        sched = schedule_of(rnd.schedule)
        until: object = rnd.closes_on or ""
        if sched.every_days <= 0:
            last = local(rnd.opened_at, tz).date() + timedelta(days=sched.response_days - 1)
            until = min(last, rnd.closes_on) if rnd.closes_on else last
        lines.append(cat.text(locale, f"rounds.line.{rnd.status}",
                              opened=local(rnd.opened_at, tz), until=until,
                              every=sched.every_days if not until else 0, **values))
    return lines
