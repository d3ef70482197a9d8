"""People in a programme: applying to a cohort, pausing and resuming check-ins, leaving (the
pair ends, the partner and the liaison are told, and the admin can re-pair the partner)."""

from __future__ import annotations

from conversations.context import Deps
from conversations.mentorship.cohorts import load_cohort, other_cohort
from conversations.messages import Message
from conversations.ports import UnitOfWork
from storage.models import Person


class Members:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def join(self, tx: UnitOfWork, person: Person, rest: list[str]) -> Message:
        """`join COHORT mentee|mentor goals="..." [availability=...]`."""
        m, say = tx.mentorship, self.deps.reply
        if len(rest) < 2 or rest[1].lower() not in ("mentee", "mentor"):
            return say(person, "mentor.join_usage")
        ctx = await load_cohort(m, rest[0])
        if ctx is None or ctx.cohort.status == "closed":
            return say(person, "mentor.no_cohort", cohort=rest[0][:64])
        opts = dict(w.partition("=")[::2] for w in rest[2:])
        other = await other_cohort(m, person.id, ctx.cohort.id)
        if other is not None:
            return say(person, "mentor.in_other_cohort", cohort=other)
        mem = await m.member(ctx.cohort.id, person.id)
        if mem is None:
            mem = await m.add_member(ctx.cohort.id, person.id, rest[1].lower())
        mem.role = rest[1].lower()
        mem.goals = self.deps.scrub(opts.get("goals", ""))[:1000] if opts.get("goals") else ""
        mem.availability = opts.get("availability", "")[:200]
        mem.left = False
        return say(person, "mentor.joined", cohort=ctx.cohort.id, role=mem.role)

    async def pause(self, tx: UnitOfWork, person: Person, on: bool) -> Message:
        """Pause (or resume) this person's check-ins; a paused pair is never flagged."""
        mems = [x for x in await tx.mentorship.memberships(person.id) if not x.left]
        if not mems:
            return self.deps.reply(person, "mentor.not_in_programme")
        for x in mems:
            x.paused = on
        return self.deps.reply(person, "mentor.paused" if on else "mentor.resumed")

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
