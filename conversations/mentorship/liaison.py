"""`/mentor pairs`: a liaison's own pairs: status, meetings, scores, and who asked for help
with the note they chose to share."""

from __future__ import annotations

from conversations.context import Deps, roles
from conversations.mentorship.escalation import answer_of, pair_met, paused_pair
from conversations.messages import Message
from conversations.ports import UnitOfWork
from storage.models import Person


class Liaison:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def __call__(self, tx: UnitOfWork, person: Person) -> Message:
        m, say = tx.mentorship, self.deps.text
        if "liaison" not in roles(person) and not await m.pairs_for_liaison(person.id):
            return self.deps.reply(person, "mentor.liaison_only")
        pairs = [p for p in await m.pairs_for_liaison(person.id)
                 if p.status in ("active", "ended")]
        if not pairs:
            return self.deps.reply(person, "mentor.no_liaison_pairs")
        lines = [say(person, "mentor.l.header", n=len(pairs))]
        quotes: list[str] = []
        for p in pairs:
            mentee = await tx.people.get(p.mentee_id)
            mentor = await tx.people.get(p.mentor_id)
            paused = await paused_pair(tx, p)
            checkins = await m.checkins([p.id])
            met = pair_met([answer_of(c) for c in checkins if c.met is not None])
            occs = sorted({c.occurrence for c in checkins})
            status = "ended" if p.status == "ended" else "paused" if paused else "active"
            stalled = len(met) >= 2 and not any(met[o] for o in sorted(met)[-2:])
            silent = len(occs) >= 2 and all(o not in met for o in occs[-2:])
            if status == "active" and (stalled or silent):
                status = "stalled"
            lines.append(say(
                person, "mentor.l.pair", mentee=mentee.display_name if mentee else "?",
                mentor=mentor.display_name if mentor else "?", cohort=p.cohort_id,
                status=say(person, f"mentor.status.{status}"),
                met=sum(1 for v in met.values() if v), checkins=len(occs)))
            for c in checkins:
                who = mentee if c.person_id == p.mentee_id else mentor
                name = who.display_name if who else "?"
                if c.usefulness is not None:
                    lines.append(say(person, "mentor.l.score", occ=c.occurrence, name=name,
                                     score=c.usefulness))
                if c.help == "contact":
                    lines.append(say(person, "mentor.l.asked", occ=c.occurrence, name=name))
                    if c.note:
                        quotes.append(f"{name}: {c.note}")
        return Message("\n".join(lines), quotes=tuple(quotes), private=True)
