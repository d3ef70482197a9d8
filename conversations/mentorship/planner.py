"""Planning mentorship messages into the outbox (idempotent keys): milestone prompts and
check-ins, per person in their own time zone and the programme's send window, outside quiet
hours; and closing cohorts whose last check-in window has passed. When things are due is
decided in conversations.schedule.

A tick reads each active cohort's pairs and then their people, routes and conversation
states in bulk (a few queries, not a few per person), and inserts what is due in one go."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

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
from prompts.loader import Schedule
from storage.mentorship_models import MentorCohort, MentorMember, MentorPair, MentorProgramme
from storage.models import ConversationState, Person, Planned

BUSY_FOR = timedelta(hours=12)  # a person mid-survey this recently gets the check-in later


@dataclass(frozen=True)
class _Side:
    """One side of an active pair, in a cohort of a programme."""

    cohort: MentorCohort
    prog: MentorProgramme
    pair: MentorPair
    member: MentorMember | None
    person_id: int


class MentorshipPlanner:
    def __init__(self, deps: Deps, platforms: Collection[str]) -> None:
        self.deps = deps
        self.platforms = platforms

    async def __call__(self) -> int:
        return await self.plan()

    async def plan(self) -> int:
        async with self.deps.uow() as tx:
            sides = await self._sides(tx)
            added = await self._plan(tx, sides) if sides else 0
            await tx.commit()
        return added

    async def _sides(self, tx: UnitOfWork) -> list[_Side]:
        """Both sides of every active pair of every active cohort; cohorts that are over are
        closed on the way (the last answers are in; people may join another cohort now)."""
        m = tx.mentorship
        sides: list[_Side] = []
        for cohort in await m.cohorts("active"):
            prog = await m.programme(cohort.programme_id)
            if prog is None:
                continue
            if cohort_over(cohort.start_on, cohort.weeks, self.deps.org_today(),
                           cadence_of(prog.definition)):
                await close_cohort(m, cohort)
                continue
            members = {x.person_id: x for x in await m.members(cohort.id)}
            for pair in await m.pairs(cohort.id, "active"):
                for pid in (pair.mentee_id, pair.mentor_id):
                    sides.append(_Side(cohort, prog, pair, members.get(pid), pid))
        return sides

    async def _plan(self, tx: UnitOfWork, sides: list[_Side]) -> int:
        now = self.deps.clock.now()
        people = await tx.people.get_many(s.person_id for s in sides)
        ready = [s for s in sides if self._sendable(s, people.get(s.person_id), now)]
        routes = await self.deps.reach.routes(
            tx, list({s.person_id: people[s.person_id] for s in ready}.values()),
            self.platforms)
        ready = [s for s in ready if s.person_id in routes]
        states = await tx.states.for_people(s.person_id for s in ready)
        rows: list[Planned] = []
        checkins: dict[str, tuple[int, int, date, Schedule]] = {}
        for s in ready:
            person = people[s.person_id]
            cad = cadence_of(s.prog.definition)
            today = local(now, person.timezone).date()
            started = s.pair.started_on or s.cohort.start_on
            dates = milestone_dates(s.cohort.start_on, s.cohort.weeks,
                                    s.prog.definition.get("milestones", []))
            for d in milestones_due(dates, started, today):
                rows.append(Planned(
                    f"mentor:ms:{s.pair.id}:{d.milestone}:{d.phase}:{person.id}", person.id,
                    "mentor.milestone",
                    {"pair": s.pair.id, "milestone": d.milestone, "phase": d.phase}, now))
            occ = checkin_occurrence(s.cohort.start_on, s.cohort.weeks, today, cad)
            if occ is None or occ < started or _busy(states.get(person.id), now):
                continue  # mid-survey: the check-in waits for a later tick
            key = f"mentor:checkin:{s.pair.id}:{occ.isoformat()}:{person.id}"
            rows.append(Planned(key, person.id, "mentor.checkin",
                                {"pair": s.pair.id, "occurrence": occ.isoformat()}, now))
            checkins[key] = (s.pair.id, person.id, occ, cad)
        added = await tx.outbox.enqueue_many(rows)
        # only the clock that inserted the key creates the check-in row
        await tx.mentorship.add_checkins([
            (pair_id, pid, occ.isoformat(), closes_on(occ, cad))
            for pair_id, pid, occ, cad in (checkins[k] for k in sorted(added & checkins.keys()))])
        return len(added)

    def _sendable(self, side: _Side, person: Person | None, now: datetime) -> bool:
        """An active member, now inside the programme's send window in their zone."""
        mem = side.member
        if mem is None or mem.paused or mem.left or person is None or not person.active:
            return False
        return sendable(local(now, person.timezone), cadence_of(side.prog.definition),
                        self.deps.policy.quiet_hours)


def _busy(state: ConversationState | None, now: datetime) -> bool:
    return state is not None and state.flow != FLOW and state.updated_at > now - BUSY_FOR
