"""People in a programme: applying to a cohort, pausing and resuming check-ins, leaving (the
pair ends, the partner and the liaison are told, and the admin can re-pair the partner)."""

from __future__ import annotations

from datetime import timedelta

from conversations.context import Deps
from conversations.mentorship.cohorts import load_cohort, other_cohort
from conversations.messages import Message
from conversations.ports import UnitOfWork
from conversations.schedule import MILESTONE_GRACE_DAYS, milestone_dates
from storage.models import Person

# `/mentoria unirse COHORTE mentoreada metas="..." disponibilidad="mar;jue"`: Spanish words
JOIN_ROLES = {"mentora": "mentor", "mentoreado": "mentee", "mentoreada": "mentee",
              "aprendiz": "mentee"}
JOIN_OPTIONS = {"metas": "goals", "objetivos": "goals", "disponibilidad": "availability"}


class Members:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def join(self, tx: UnitOfWork, person: Person, rest: list[str]) -> Message:
        """`join COHORT mentee|mentor goals="..." [availability=...]`."""
        m, say = tx.mentorship, self.deps.reply
        if len(rest) >= 2:  # "mentora", "mentoreada": the role in Spanish words
            rest = [rest[0], JOIN_ROLES.get(rest[1].lower(), rest[1].lower()), *rest[2:]]
        if len(rest) < 2 or rest[1] not in ("mentee", "mentor"):
            return say(person, "mentor.join_usage")
        ctx = await load_cohort(m, rest[0])
        if ctx is None or ctx.cohort.status == "closed":
            return say(person, "mentor.no_cohort", cohort=rest[0][:64])
        opts = {JOIN_OPTIONS.get(k.lower(), k.lower()): v
                for k, v in (w.partition("=")[::2] for w in rest[2:])}
        other = await other_cohort(m, person.id, ctx.cohort.id)
        if other is not None:
            return say(person, "mentor.in_other_cohort", cohort=other)
        mem = await m.member(ctx.cohort.id, person.id)
        if mem is not None and not mem.left:
            return say(person, "mentor.already_member", cohort=ctx.cohort.id,
                       role=self.deps.text(person, f"mentor.role.{mem.role}"))
        if mem is None:
            mem = await m.add_member(ctx.cohort.id, person.id, rest[1].lower())
        mem.role = rest[1].lower()
        mem.goals = self.deps.scrub(opts.get("goals", ""))[:1000] if opts.get("goals") else ""
        mem.availability = opts.get("availability", "")[:200]
        mem.left = False
        return say(person, "mentor.joined", cohort=ctx.cohort.id,
                   role=self.deps.text(person, f"mentor.role.{mem.role}"))

    async def pause(self, tx: UnitOfWork, person: Person, on: bool) -> Message:
        """Pause (or resume) this person's check-ins; a paused pair is never flagged."""
        mems = [x for x in await tx.mentorship.memberships(person.id) if not x.left]
        if not mems:
            return self.deps.reply(person, "mentor.not_in_programme")
        was_paused = any(x.paused for x in mems)
        for x in mems:
            x.paused = on
        if not on and was_paused:
            await self._missed_milestones(tx, person)
        return self.deps.reply(person, "mentor.paused" if on else "mentor.resumed")

    async def _missed_milestones(self, tx: UnitOfWork, person: Person) -> None:
        """On resume: the latest milestone prompt of each active pair whose grace days passed
        while the person was paused (the planner skips paused people, and sends a prompt only
        within its grace days), sent now. The key is the planner's, so a prompt already sent
        is never sent again."""
        m, now, today = tx.mentorship, self.deps.clock.now(), self.deps.today(person)
        for pair in await m.pairs_of(person.id):
            cohort = await m.cohort(pair.cohort_id) if pair.status == "active" else None
            prog = await m.programme(cohort.programme_id) if cohort else None
            if cohort is None or prog is None:
                continue
            started = pair.started_on or cohort.start_on
            dates = milestone_dates(cohort.start_on, cohort.weeks,
                                    prog.definition.get("milestones", []))
            # past its grace days (the planner sends those still within them)
            missed = [d for d in dates if d.day + timedelta(days=MILESTONE_GRACE_DAYS) < today
                      and (d.day >= started
                           or (d.milestone == dates[0].milestone and d.phase == "main"))]
            if missed:
                d = missed[-1]
                await tx.outbox.enqueue_once(
                    f"mentor:ms:{pair.id}:{d.milestone}:{d.phase}:{person.id}", person.id,
                    "mentor.milestone",
                    {"pair": pair.id, "milestone": d.milestone, "phase": d.phase}, now)

    async def leave(self, tx: UnitOfWork, person: Person) -> Message:
        """A mentor or mentee leaves: their pair ends, the partner and the liaison are told,
        and the admin can re-pair the partner with `/mentor pair`."""
        m = tx.mentorship
        mems = [x for x in await m.memberships(person.id) if not x.left]
        if not mems:
            return self.deps.reply(person, "mentor.not_in_programme")
        now = self.deps.clock.now()
        for x in mems:
            x.left = True
        for p in await m.pairs_of(person.id):
            if p.status not in ("active", "proposed"):
                continue
            if p.status == "proposed":
                await m.delete_pair(p)
                continue
            p.status = "ended"
            partner = p.mentee_id if p.mentor_id == person.id else p.mentor_id
            await tx.outbox.enqueue_once(
                f"mentor:left:{p.id}:{partner}", partner, "mentor.notice",
                {"key": "mentor.notice.partner_left",
                 "values": {"name": person.display_name}}, now)
            if p.liaison_id is not None:
                other = await tx.people.get(partner)
                await tx.outbox.enqueue_once(
                    f"mentor:left:{p.id}:{p.liaison_id}", p.liaison_id, "mentor.notice",
                    {"key": "mentor.notice.left_liaison",
                     "values": {"name": person.display_name,
                                "partner": other.display_name if other else "?",
                                "handle": other.handle if other else "?",
                                "cohort": p.cohort_id}}, now)
        return self.deps.reply(person, "mentor.left")
