"""Pairing a cohort: propose pairs (conversations.mentorship.matching), confirm them (both
sides and the liaison are told; whoever is left out is told too), or pair two people by hand
within the same hard rules."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from conversations.context import Deps
from conversations.mentorship.cohorts import Cohort, handles, load_cohort, previous_pairs
from conversations.mentorship.matching import (
    Applicant,
    applicant,
    least_loaded,
    priority_rank,
    propose,
    same_reporting_line,
)
from conversations.messages import Message
from conversations.ports import UnitOfWork
from storage.mentorship_models import MentorMember, MentorPair
from storage.models import Person


class Pairing:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def _unmatched_lines(self, person: Person, mentees: Sequence[Applicant],
                         mentors: Sequence[Applicant]) -> list[str]:
        out = []
        if mentees:
            out.append(self.deps.text(person, "mentor.unmatched_mentees",
                                      handles=", ".join(a.handle for a in mentees)))
        if mentors:
            out.append(self.deps.text(person, "mentor.unmatched_mentors",
                                      handles=", ".join(a.handle for a in mentors)))
        return out

    async def propose(self, tx: UnitOfWork, person: Person, rest: list[str]) -> Message:
        """`propose COHORT`: a fresh proposal replaces the last one."""
        m = tx.mentorship
        if len(rest) != 1:
            return self.deps.reply(person, "mentor.propose_usage")
        ctx = await load_cohort(m, rest[0])
        if ctx is None or ctx.cohort.status == "closed":
            return self.deps.reply(person, "mentor.no_cohort", cohort=rest[0][:64])
        for p in await m.pairs(ctx.cohort.id, "proposed"):
            await m.delete_pair(p)
        active = await m.pairs(ctx.cohort.id, "active")
        busy = {p.mentee_id for p in active} | {p.mentor_id for p in active}
        names = await handles(tx, [mem.person_id for mem in ctx.members])
        live = [mem for mem in ctx.members if not mem.left and mem.person_id not in busy]
        mentees = [applicant(x, names[x.person_id]) for x in live if x.role == "mentee"]
        mentors = [applicant(x, names[x.person_id]) for x in live if x.role == "mentor"]
        priority = [str(t) for t in ctx.programme.definition.get("priority", [])]
        proposal = propose(mentees, mentors, await previous_pairs(m), priority)
        liaisons = [x.person_id for x in ctx.members if x.role == "liaison" and not x.left]
        load: dict[int, int] = {}
        for p in active:
            if p.liaison_id is not None:
                load[p.liaison_id] = load.get(p.liaison_id, 0) + 1
        lines = []
        for mentee, mentor in proposal.pairs:
            liaison = least_loaded(liaisons, load)
            if liaison is not None:
                load[liaison] = load.get(liaison, 0) + 1
            await m.add_pair(ctx.cohort.id, mentee.person_id, mentor.person_id, liaison,
                             "proposed")
            shown = (await handles(tx, [liaison]))[liaison] if liaison else "-"
            lines.append(self.deps.text(person, "mentor.pair_line", mentee=mentee.handle,
                                        mentor=mentor.handle, liaison=shown))
        text = [self.deps.text(person, "mentor.proposed", cohort=ctx.cohort.id,
                               n=len(proposal.pairs))]
        text += lines or [self.deps.text(person, "mentor.none")]
        text += self._unmatched_lines(person, proposal.unmatched_mentees,
                                      proposal.unmatched_mentors)
        if not liaisons and proposal.pairs:
            text.append(self.deps.text(person, "mentor.no_liaison"))
        text.append(self.deps.text(person, "mentor.confirm_hint", cohort=ctx.cohort.id))
        return Message("\n".join(text), private=True)

    async def confirm(self, tx: UnitOfWork, person: Person, rest: list[str]) -> Message:
        """`confirm COHORT`: the proposed pairs start; everyone is told."""
        m = tx.mentorship
        if len(rest) != 1:
            return self.deps.reply(person, "mentor.confirm_usage")
        ctx = await load_cohort(m, rest[0])
        if ctx is None or ctx.cohort.status == "closed":
            return self.deps.reply(person, "mentor.no_cohort", cohort=rest[0][:64])
        proposed = await m.pairs(ctx.cohort.id, "proposed")
        if not proposed:
            return self.deps.reply(person, "mentor.nothing_proposed", cohort=ctx.cohort.id)
        now = self.deps.clock.now()
        today = self.deps.org_today()
        for p in proposed:
            p.status = "active"
            p.started_on = max(today, ctx.cohort.start_on)
            await self.notify_pair(tx, p, ctx.cohort.id, now)
        ctx.cohort.status = "active"
        active = await m.pairs(ctx.cohort.id, "active")
        busy = {p.mentee_id for p in active} | {p.mentor_id for p in active}
        names = await handles(tx, [x.person_id for x in ctx.members])
        left_out = [x for x in ctx.members
                    if x.role in ("mentee", "mentor") and not x.left and x.person_id not in busy]
        for x in left_out:
            await tx.outbox.enqueue_once(
                f"mentor:unmatched:{ctx.cohort.id}:{x.person_id}:{today.isoformat()}",
                x.person_id, "mentor.notice",
                {"key": "mentor.notice.unmatched", "values": {"cohort": ctx.cohort.id}}, now)
        text = [self.deps.text(person, "mentor.confirmed", cohort=ctx.cohort.id,
                               n=len(proposed), start=ctx.cohort.start_on)]
        text += self._unmatched_lines(
            person,
            [applicant(x, names[x.person_id]) for x in left_out if x.role == "mentee"],
            [applicant(x, names[x.person_id]) for x in left_out if x.role == "mentor"])
        return Message("\n".join(text), private=True)

    @staticmethod
    def _order(ctx: Cohort) -> list[str]:
        return [str(t).lower() for t in ctx.programme.definition.get("priority", [])]

    async def _bumped(self, tx: UnitOfWork, ctx: Cohort, mentee_m: MentorMember,
                      mentee_id: int, mentor_id: int) -> list[Applicant]:
        """Mentees this pairing would take a proposed mentor from who come before the mentee
        in the programme's priority order."""
        order = self._order(ctx)
        names = await handles(tx, [mentee_id])
        rank = priority_rank(applicant(mentee_m, names[mentee_id]), order)
        out = []
        for p in await tx.mentorship.pairs(ctx.cohort.id, "proposed"):
            if p.mentor_id != mentor_id or p.mentee_id == mentee_id:
                continue
            other = await tx.mentorship.member(ctx.cohort.id, p.mentee_id)
            if other is None:
                continue
            them = applicant(other, (await handles(tx, [p.mentee_id]))[p.mentee_id])
            if priority_rank(them, order) < rank:
                out.append(them)
        return out

    async def notify_pair(self, tx: UnitOfWork, p: MentorPair, cohort: str,
                          now: datetime) -> None:
        """Tell both sides who their partner and liaison are, and the liaison their pair."""
        people = await handles(tx, [p.mentee_id, p.mentor_id])
        names = {}
        for pid in (p.mentee_id, p.mentor_id, p.liaison_id):
            if pid is not None:
                who = await tx.people.get(pid)
                names[pid] = who.display_name if who else "?"
        liaison = names.get(p.liaison_id, "-") if p.liaison_id else "-"
        for pid, other, role in ((p.mentee_id, p.mentor_id, "mentor"),
                                 (p.mentor_id, p.mentee_id, "mentee")):
            await tx.outbox.enqueue_once(
                f"mentor:paired:{p.id}:{pid}", pid, "mentor.notice",
                {"key": f"mentor.notice.paired_{role}",
                 "values": {"cohort": cohort, "other": names[other], "liaison": liaison,
                            "handle": people[other]}}, now)
        if p.liaison_id is not None:
            await tx.outbox.enqueue_once(
                f"mentor:liaise:{p.id}", p.liaison_id, "mentor.notice",
                {"key": "mentor.notice.liaison",
                 "values": {"cohort": cohort, "mentee": names[p.mentee_id],
                            "mentor": names[p.mentor_id]}}, now)

    async def pair(self, tx: UnitOfWork, person: Person, rest: list[str]) -> Message:
        """`pair COHORT MENTEE MENTOR`: by hand, within the same hard rules."""
        m, say = tx.mentorship, self.deps.reply
        confirmed = len(rest) == 4 and rest[3].lower() in ("confirm", "confirmar")
        if len(rest) != 3 and not confirmed:
            return say(person, "mentor.pair_usage")
        ctx = await load_cohort(m, rest[0])
        if ctx is None or ctx.cohort.status == "closed":
            return say(person, "mentor.no_cohort", cohort=rest[0][:64])
        found: list[tuple[Person, MentorMember]] = []
        for handle, role in ((rest[1], "mentee"), (rest[2], "mentor")):
            who = await tx.people.by_handle(handle.lstrip("@").lower())
            mem = await m.member(ctx.cohort.id, who.id) if who else None
            if who is None or mem is None or mem.left or mem.role != role:
                return say(person, "mentor.not_member", handle=handle[:64],
                           role=self.deps.text(person, f"mentor.role.{role}"),
                           cohort=ctx.cohort.id)
            found.append((who, mem))
        (mentee, mentee_m), (mentor, mentor_m) = found
        if same_reporting_line(applicant(mentee_m, mentee.handle),
                               applicant(mentor_m, mentor.handle)):
            return say(person, "mentor.same_line", mentee=mentee.handle, mentor=mentor.handle,
                       cohort=ctx.cohort.id)
        if (mentee.id, mentor.id) in await previous_pairs(m):
            return say(person, "mentor.repeat", mentee=mentee.handle, mentor=mentor.handle,
                       cohort=ctx.cohort.id)
        if not confirmed:
            bumped = await self._bumped(tx, ctx, mentee_m, mentee.id, mentor.id)
            if bumped:
                return say(person, "mentor.pair_warning", mentee=mentee.handle,
                           mentor=mentor.handle, cohort=ctx.cohort.id,
                           others=", ".join(a.handle for a in bumped),
                           priority=", ".join(sorted({t for a in bumped for t in a.priority
                                                      if t in self._order(ctx)})))
        liaison: int | None = None
        active = ctx.cohort.status == "active"
        for p in await m.pairs(ctx.cohort.id, "proposed", "active"):
            if {p.mentee_id, p.mentor_id} & {mentee.id, mentor.id}:
                if p.status == "active":
                    return say(person, "mentor.already_paired", mentee=mentee.handle,
                               mentor=mentor.handle)
                liaison = liaison or p.liaison_id
                await m.delete_pair(p)
        for p in await m.pairs(ctx.cohort.id, "ended"):
            if p.mentee_id == mentee.id and p.liaison_id is not None:
                liaison = liaison or p.liaison_id
        if liaison is None:
            load: dict[int, int] = {}
            for p in await m.pairs(ctx.cohort.id, "proposed", "active"):
                if p.liaison_id is not None:
                    load[p.liaison_id] = load.get(p.liaison_id, 0) + 1
            liaison = least_loaded(
                [x.person_id for x in ctx.members if x.role == "liaison" and not x.left], load)
        pair = await m.add_pair(ctx.cohort.id, mentee.id, mentor.id, liaison,
                                "active" if active else "proposed",
                                self.deps.org_today() if active else None)
        if active:
            await self.notify_pair(tx, pair, ctx.cohort.id, self.deps.clock.now())
        return say(person, "mentor.paired" if active else "mentor.pair_set",
                   mentee=mentee.handle, mentor=mentor.handle, cohort=ctx.cohort.id)
