"""Planning learning steps into the outbox: one nudge per person per local day across tracks,
in working hours, on each track's cadence (conversations.schedule.nudge_due), and none for
someone another feature is busy with that day (the `busy` port: a survey in progress)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from datetime import date

from conversations.context import Deps
from conversations.ports import UnitOfWork
from conversations.schedule import WORKING_HOURS, local, nudge_due, sendable
from prompts.loader import Track, TrackStep
from storage.learning_models import Enrolment

Busy = Callable[[UnitOfWork], Awaitable[set[tuple[int, date]]]]


def next_step(track: Track, enrolment: Enrolment) -> TrackStep | None:
    """The first step, in the track's current order, that this person has not been sent."""
    sent = set(enrolment.sent or [])
    return next((s for s in track.steps if s.id not in sent), None)


class LearningPlanner:
    def __init__(self, deps: Deps, platforms: Collection[str], busy: Busy) -> None:
        self.deps = deps
        self.platforms = platforms
        self.busy = busy

    async def __call__(self) -> int:
        return await self.plan()

    async def plan(self) -> int:
        now = self.deps.clock.now()
        added = 0
        async with self.deps.uow() as tx:
            busy = await self.busy(tx)
            for enrolment, person in await tx.enrolments.active():
                track = self.deps.tracks.get(enrolment.track_id)
                if track is None:
                    continue
                now_local = local(now, person.timezone)
                today = now_local.date()
                if (person.id, today) in busy:
                    continue
                if not sendable(now_local, WORKING_HOURS, self.deps.policy.quiet_hours):
                    continue
                if not nudge_due(today, enrolment.last_sent_on, enrolment.snoozed_until,
                                 track.cadence_days):
                    continue
                step = next_step(track, enrolment)
                if step is None:
                    continue
                if await self.deps.reach.route(tx, person, self.platforms) is None:
                    continue
                key = f"learn:{person.id}:{today.isoformat()}"
                payload = {"track": track.id, "step": step.id}
                if await tx.outbox.enqueue_once(key, person.id, "learn.step", payload, now):
                    enrolment.sent = [*(enrolment.sent or []), step.id]
                    enrolment.last_sent_on = today
                    enrolment.snoozed_until = None
                    busy.add((person.id, today))
                    added += 1
            await tx.commit()
        return added
