"""Planning a round's invitations and reminders into the outbox, on every clock tick, in any
number of processes: each send has a unique key (round, occurrence, person, invitation or
reminder number) and `Outbox.enqueue_once` inserts it at most once, so two clocks never
double-send. When they are due is decided in conversations.schedule."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

from conversations.context import Deps
from conversations.keyed import done_mark
from conversations.ports import UnitOfWork
from conversations.pulse.draft import FLOW
from conversations.schedule import due, local, occurrence_for, occurrence_key, schedule_of


class PulsePlanner:
    """Inserts due invitations and reminders into the outbox."""

    def __init__(self, deps: Deps, platforms: Collection[str]) -> None:
        self.deps = deps
        self.platforms = platforms  # a live view: adapters may register after wiring

    async def __call__(self) -> int:
        return await self.plan()

    async def plan(self) -> int:
        """Plan everything due now; returns how many outbox rows were added."""
        now = self.deps.clock.now()
        added = 0
        async with self.deps.uow() as tx:
            for rnd in await tx.rounds.with_status("open"):
                if rnd.opened_at is None or rnd.opened_on is None:
                    continue
                sched = schedule_of(rnd.schedule)
                parts = await tx.participation.for_round(rnd.id)
                done = await tx.marks.keys(rnd.id, "done")  # finished, answers still held
                for person in await tx.people.active(rnd.audience):
                    start = occurrence_for(now, person.timezone, rnd.opened_at, sched)
                    if start is None or (rnd.closes_on is not None and start > rnd.closes_on):
                        continue  # not started here yet, or after the round's closing date
                    occ = occurrence_key(start, rnd.opened_at, rnd.opened_on, person.timezone,
                                         sched)
                    part = parts.get((occ, person.id))
                    finished = bool(part and part.completed) or (
                        part is not None
                        and done_mark(self.deps.keyed, rnd.id, occ, person.id) in done)
                    d = due(now, person.timezone, rnd.opened_at, sched,
                            invited=part is not None, completed=finished,
                            reminders_sent=part.reminders if part else 0,
                            quiet_hours=self.deps.policy.quiet_hours)
                    if d is None:
                        continue
                    if await self.deps.reach.route(tx, person, self.platforms) is None:
                        continue
                    payload = {"round": rnd.id, "occurrence": occ}
                    if d.kind == "invite":
                        key = f"pulse:{rnd.id}:{occ}:{person.id}:invite"
                        if await tx.outbox.enqueue_once(key, person.id, "pulse.invite", payload,
                                                        now):
                            added += 1
                        await tx.participation.ensure(rnd.id, occ, person.id, start)
                    else:
                        key = f"pulse:{rnd.id}:{occ}:{person.id}:remind-{d.number}"
                        if await tx.outbox.enqueue_once(key, person.id, "pulse.reminder",
                                                        payload, now):
                            added += 1
                        if part is not None:
                            part.reminders = max(part.reminders, d.number)
            await tx.commit()
        return added


async def busy_today(deps: Deps, tx: UnitOfWork) -> set[tuple[int, date]]:
    """(person, local day) pairs with a survey in progress now, or one sent that day: other
    features (learning nudges) hold their messages back for them."""
    busy: set[tuple[int, date]] = set()
    now = deps.clock.now()
    for row in await tx.outbox.recent(now - timedelta(days=1)):
        if row.kind.startswith("pulse."):
            person = await tx.people.get(row.person_id)
            if person is not None:
                busy.add((row.person_id, local(row.due_at, person.timezone).date()))
    for state in await tx.states.in_flow(FLOW):
        if not state.data.get("paused"):
            person = await tx.people.get(state.person_id)
            if person is not None:
                busy.add((person.id, local(now, person.timezone).date()))
    return busy


async def delete_expired_drafts(deps: Deps) -> int:
    """Delete unfinished survey drafts whose answer window has passed (they are linked to the
    person, so they must not outlive the window). Returns how many were deleted."""
    today = deps.clock.now().date()
    n = 0
    async with deps.uow() as tx:
        for state in await tx.states.in_flow(FLOW):
            until = state.data.get("until")
            try:
                expired = until is None or date.fromisoformat(str(until)) < today - timedelta(1)
            except ValueError:
                expired = True
            if expired:
                await tx.states.clear(state.person_id)
                n += 1
        await tx.commit()
    return n
