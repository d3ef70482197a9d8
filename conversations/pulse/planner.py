"""Planning a round's invitations and reminders into the outbox, on every clock tick, in any
number of processes: each send has a unique key (round, occurrence, person, invitation or
reminder number) and the outbox inserts each key at most once, so two clocks never
double-send. When they are due is decided in conversations.schedule.

The cost of a tick follows what is due, not the size of the roster: whether a round may send
now depends only on a person's time zone, so the planner first finds the zones where each
round's window is open, then asks storage (in bulk, by index) only for the people there who
have not been invited to their occurrence, or are behind on reminders."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from datetime import date, datetime, timedelta

from conversations.context import Deps
from conversations.ports import Reachable, UnitOfWork
from conversations.pulse.draft import FLOW
from conversations.schedule import Window, occurrence_key, schedule_of, window
from storage.models import Person, Planned, Round


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
        reachable = self.deps.reach.reachable(self.platforms)
        if reachable is not None and not reachable:
            return 0  # no platform to reach anyone on
        added = 0
        async with self.deps.uow() as tx:
            rounds = [r for r in await tx.rounds.with_status("open")
                      if r.opened_at is not None and r.opened_on is not None]
            zones = await tx.people.zones() if rounds else set()
            for rnd in rounds:
                for open_, occ, in_zones in self._windows(rnd, zones, now):
                    added += await self._invite(tx, rnd, open_, occ, in_zones, reachable, now)
                    if open_.reminders:
                        added += await self._remind(tx, rnd, open_, occ, in_zones, reachable,
                                                    now)
            await tx.commit()
        return added

    def _windows(self, rnd: Round, zones: Collection[str], now: datetime
                 ) -> list[tuple[Window, str, list[str]]]:
        """The round's open windows now, each with its occurrence key and its zones."""
        assert rnd.opened_at is not None and rnd.opened_on is not None
        sched = schedule_of(rnd.schedule)
        groups: dict[tuple[Window, str], list[str]] = defaultdict(list)
        for tz in sorted(zones):
            open_ = window(now, tz, rnd.opened_at, sched, self.deps.policy.quiet_hours)
            if open_ is not None and (rnd.closes_on is None or open_.start <= rnd.closes_on):
                # (an occurrence starting after the round's closing date is never sent)
                occ = occurrence_key(open_.start, rnd.opened_at, rnd.opened_on, tz, sched)
                groups[(open_, occ)].append(tz)
        return [(open_, occ, zs) for (open_, occ), zs in groups.items()]

    async def _invite(self, tx: UnitOfWork, rnd: Round, open_: Window, occ: str,
                      zones: list[str], reachable: Reachable, now: datetime) -> int:
        people = await tx.people.to_invite(rnd.id, occ, zones, rnd.audience or {}, reachable)
        routes = await self.deps.reach.routes(tx, people, self.platforms)
        people = [p for p in people if p.id in routes]
        if not people:
            return 0
        payload = {"round": rnd.id, "occurrence": occ}
        added = await tx.outbox.enqueue_many([
            Planned(f"pulse:{rnd.id}:{occ}:{p.id}:invite", p.id, "pulse.invite", payload, now)
            for p in people])
        await tx.participation.ensure_many(rnd.id, occ, [p.id for p in people], open_.start)
        return len(added)

    async def _remind(self, tx: UnitOfWork, rnd: Round, open_: Window, occ: str,
                      zones: list[str], reachable: Reachable, now: datetime) -> int:
        """The next reminder for everyone behind, finished or not: while a round is open only
        a keyed mark says who finished, and an outbox that left them out would say it to
        anyone reading the database (and so whose held answers are whose). The reminder of
        someone who has finished is settled without a message when it is delivered
        (`Invitations.render`), so their row ends exactly like everyone else's."""
        parts = await tx.participation.to_remind(rnd.id, occ, zones, rnd.audience or {},
                                                 reachable, open_.reminders)
        if not parts:
            return 0
        people = await tx.people.get_many(p.person_id for p in parts)
        routes = await self.deps.reach.routes(
            tx, [people[p.person_id] for p in parts if p.person_id in people], self.platforms)
        payload = {"round": rnd.id, "occurrence": occ}
        rows: list[Planned] = []
        numbers: dict[int, list[int]] = defaultdict(list)
        for part in parts:
            if part.person_id in routes:
                n = part.reminders + 1
                rows.append(Planned(f"pulse:{rnd.id}:{occ}:{part.person_id}:remind-{n}",
                                    part.person_id, "pulse.reminder", payload, now))
                numbers[n].append(part.id)
        added = await tx.outbox.enqueue_many(rows)
        for n, ids in sorted(numbers.items()):
            await tx.participation.remind(ids, n)
        return len(added)


# Someone sent one of these on their local today is busy with a survey that day: other
# features (learning nudges) hold their messages back (storage checks this in its queries).
BUSY_KINDS = ("pulse.",)


async def in_survey(deps: Deps, tx: UnitOfWork, people: Sequence[Person]) -> set[int]:
    """Which of these people have a survey in progress (not paused): other features hold
    their messages back for them. One query, whatever the number of people."""
    states = await tx.states.for_people(p.id for p in people)
    return {pid for pid, state in states.items()
            if state.flow == FLOW and not state.data.get("paused")}


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
