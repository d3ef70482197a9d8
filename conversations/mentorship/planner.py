"""Planning mentorship messages into the outbox (idempotent keys): milestone prompts and
check-ins, per person in their own time zone and the programme's send window, outside quiet
hours; and closing cohorts whose last check-in window has passed. When things are due is
decided in conversations.schedule."""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta

from conversations.context import Deps
from conversations.mentorship.admin import close_cohort
from conversations.mentorship.cadence import cadence_of
from conversations.mentorship.checkins import FLOW
from conversations.ports import UnitOfWork
from conversations.schedule import (
    checkin_occurrence,
    closes_on,
    cohort_over,
    local,
    milestone_dates,
    milestones_due,
    sendable,
)
from storage.mentorship_models import MentorCohort, MentorMember, MentorPair, MentorProgramme
from storage.models import Person

BUSY_FOR = timedelta(hours=12)  # a person mid-survey this recently gets the check-in later


class MentorshipPlanner:
    def __init__(self, deps: Deps, platforms: Collection[str]) -> None:
        self.deps = deps
        self.platforms = platforms

    async def __call__(self) -> int:
        return await self.plan()

    async def plan(self) -> int:
        added = 0
        async with self.deps.uow() as tx:
            m = tx.mentorship
            for cohort in await m.cohorts("active"):
                prog = await m.programme(cohort.programme_id)
                if prog is None:
                    continue
                if cohort_over(cohort.start_on, cohort.weeks, self.deps.org_today(),
                               cadence_of(prog.definition)):
                    await close_cohort(m, cohort)  # the last answers are in; people may join
                    continue                       # another cohort now
                members = {x.person_id: x for x in await m.members(cohort.id)}
                for pair in await m.pairs(cohort.id, "active"):
                    for pid in (pair.mentee_id, pair.mentor_id):
                        person = await tx.people.get(pid)
                        added += await self._plan_person(tx, cohort, prog, pair,
                                                         members.get(pid), person)
            await tx.commit()
        return added

    async def _plan_person(self, tx: UnitOfWork, cohort: MentorCohort, prog: MentorProgramme,
                           pair: MentorPair, mem: MentorMember | None,
                           person: Person | None) -> int:
        """What is due for one side of a pair now: milestone prompts, then a check-in."""
        if mem is None or mem.paused or mem.left or person is None or not person.active:
            return 0
        now = self.deps.clock.now()
        cad = cadence_of(prog.definition)
        now_local = local(now, person.timezone)
        if not sendable(now_local, cad, self.deps.policy.quiet_hours):
            return 0
        if await self.deps.reach.route(tx, person, self.platforms) is None:
            return 0
        today = now_local.date()
        started = pair.started_on or cohort.start_on
        added = 0
        dates = milestone_dates(cohort.start_on, cohort.weeks,
                                prog.definition.get("milestones", []))
        for d in milestones_due(dates, started, today):
            key = f"mentor:ms:{pair.id}:{d.milestone}:{d.phase}:{person.id}"
            payload = {"pair": pair.id, "milestone": d.milestone, "phase": d.phase}
            if await tx.outbox.enqueue_once(key, person.id, "mentor.milestone", payload, now):
                added += 1
        occ = checkin_occurrence(cohort.start_on, cohort.weeks, today, cad)
        if occ is None or occ < started:
            return added
        state = await tx.states.get(person.id)
        if state is not None and state.flow != FLOW and state.updated_at > now - BUSY_FOR:
            return added  # mid-survey: the check-in waits for a later tick
        key = f"mentor:checkin:{pair.id}:{occ.isoformat()}:{person.id}"
        payload = {"pair": pair.id, "occurrence": occ.isoformat()}
        if await tx.outbox.enqueue_once(key, person.id, "mentor.checkin", payload, now):
            # only the clock that inserted the key creates the check-in row
            added += 1
            if await tx.mentorship.checkin_for(pair.id, person.id, occ.isoformat()) is None:
                await tx.mentorship.add_checkin(pair.id, person.id, occ.isoformat(),
                                                closes_on(occ, cad))
        return added
