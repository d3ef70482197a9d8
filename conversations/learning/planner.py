"""Planning learning steps into the outbox: one nudge per person per local day across tracks,
in working hours, on each track's cadence (conversations.schedule.nudge_due), and none for
someone another feature is busy with that day (`HoldBack`: sent a survey today, or one in
progress).

A tick looks only at the time zones inside working hours now, and asks storage (by index) for
the enrolments there that may get a step today; everything else is done in bulk."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from conversations.context import Deps
from conversations.ports import UnitOfWork
from conversations.schedule import WORKING_HOURS, day_start, local, sendable
from prompts.loader import Track, TrackStep
from storage.learning_models import Enrolment
from storage.models import Person, Planned

# which of these people another feature is busy with now
Busy = Callable[[UnitOfWork, Sequence[Person]], Awaitable[set[int]]]


@dataclass(frozen=True)
class HoldBack:
    """Whom another feature is busy with (given by the composition root, so features never
    import each other): people sent an outbox message of one of `kinds` on their local today
    (left out by storage's query), and those `check` names among the rest."""

    kinds: tuple[str, ...] = ()
    check: Busy | None = None


def next_step(track: Track, enrolment: Enrolment) -> TrackStep | None:
    """The first step, in the track's current order, that this person has not been sent."""
    sent = set(enrolment.sent or [])
    return next((s for s in track.steps if s.id not in sent), None)


class LearningPlanner:
    def __init__(self, deps: Deps, platforms: Collection[str],
                 hold: HoldBack = HoldBack()) -> None:
        self.deps = deps
        self.platforms = platforms
        self.hold = hold

    async def __call__(self) -> int:
        return await self.plan()

    async def plan(self) -> int:
        reachable = self.deps.reach.reachable(self.platforms)
        if not self.deps.tracks or (reachable is not None and not reachable):
            return 0
        now = self.deps.clock.now()
        cadences: dict[int, list[str]] = defaultdict(list)
        for track in self.deps.tracks.values():
            cadences[track.cadence_days].append(track.id)
        async with self.deps.uow() as tx:
            # zones open now, by their local date; the instant that date began in each
            days: dict[date, dict[str, datetime]] = defaultdict(dict)
            for tz in sorted(await tx.people.zones()):
                now_local = local(now, tz)
                if sendable(now_local, WORKING_HOURS, self.deps.policy.quiet_hours):
                    days[now_local.date()][tz] = day_start(now_local.date(), tz)
            due: list[tuple[Enrolment, Person, date]] = []
            for today, zones in days.items():
                for cadence, tracks in cadences.items():
                    found = await tx.enrolments.due(
                        tracks, zones, today, today - timedelta(days=cadence), reachable,
                        self.hold.kinds, zones)
                    due += [(e, p, today) for e, p in found]
            if not due:
                return 0
            chosen = await self._one_each(tx, due)
            payloads = {f"learn:{p.id}:{today.isoformat()}": (e, step, p, today)
                        for e, step, p, today in chosen}
            added = await tx.outbox.enqueue_many([
                Planned(key, p.id, "learn.step", {"track": e.track_id, "step": step.id}, now)
                for key, (e, step, p, _) in payloads.items()])
            for key in added:
                e, step, _, today = payloads[key]
                e.sent = [*(e.sent or []), step.id]
                e.last_sent_on = today
                e.snoozed_until = None
            await tx.commit()
        return len(added)

    async def _one_each(self, tx: UnitOfWork, due: list[tuple[Enrolment, Person, date]]
                        ) -> list[tuple[Enrolment, TrackStep, Person, date]]:
        """Per person, the first due enrolment (by id) with a step left, unless they are busy
        today or cannot be reached."""
        people = list({p.id: p for _, p, _ in due}.values())
        busy = await self.hold.check(tx, people) if self.hold.check else set()
        # Someone busy when their step comes due gets it tomorrow, not as soon as they are
        # free: a nudge planned the minute a survey ended would date, in the outbox, the
        # moment that person finished it.
        for e, p, today in due:
            if p.id in busy:
                e.snoozed_until = today + timedelta(days=1)
        routes = await self.deps.reach.routes(tx, [p for p in people if p.id not in busy],
                                              self.platforms)
        out: list[tuple[Enrolment, TrackStep, Person, date]] = []
        taken: set[int] = set()
        for e, p, today in sorted(due, key=lambda x: (x[1].id, x[0].id)):
            track = self.deps.tracks.get(e.track_id)
            step = next_step(track, e) if track is not None else None
            if p.id in taken or p.id not in routes or step is None:
                continue
            taken.add(p.id)
            out.append((e, step, p, today))
        return out
