"""`/mentor history`: a mentor's or mentee's own pair(s), their own answers in full and the
partner's "met" and topic only."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from conversations.context import Deps
from conversations.mentorship.cohorts import first_name, topics
from conversations.messages import Message, localized
from conversations.ports import UnitOfWork
from storage.mentorship_models import MentorCheckin
from storage.models import Person


class History:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def _answer_text(self, person: Person, c: MentorCheckin, full: bool,
                     topic_labels: Mapping[str, Any], active: bool) -> str:
        say = self.deps.text
        if not c.done and c.met is None:
            if active and self.deps.today(person) <= c.closes_on:  # it can still be answered
                return say(person, "mentor.h.open", until=c.closes_on)
            return say(person, "mentor.h.no_answer")
        parts = [say(person, "mentor.h.met" if c.met else "mentor.h.not_met")]
        if full and c.usefulness is not None:
            parts.append(f"{c.usefulness}/5")
        if c.topic:
            parts.append(localized(topic_labels.get(c.topic, {}), person.locale) or c.topic)
        if full and c.help == "contact":
            parts.append(say(person, "mentor.h.asked"))
        return ", ".join(parts)

    async def __call__(self, tx: UnitOfWork, person: Person) -> Message:
        m, say = tx.mentorship, self.deps.text
        pairs = [p for p in await m.pairs_of(person.id) if p.status in ("active", "ended")]
        if not pairs:
            return self.deps.reply(person, "mentor.no_pair")
        lines: list[str] = []
        for p in pairs:
            partner_id = p.mentor_id if p.mentee_id == person.id else p.mentee_id
            partner = await tx.people.get(partner_id)
            pname = first_name(partner) if partner else "?"
            lines.append(say(person, "mentor.h.header", cohort=p.cohort_id,
                             other=partner.display_name if partner else "?",
                             status=say(person, f"mentor.status.{p.status}")))
            for who, mem in ((person.id, await m.member(p.cohort_id, person.id)),
                             (partner_id, await m.member(p.cohort_id, partner_id))):
                if p.status == "active" and mem is not None and mem.paused and not mem.left:
                    lines.append(say(person, "mentor.h.paused_you") if who == person.id
                                 else say(person, "mentor.h.paused_them", name=pname))
            labels = await topics(m, p.cohort_id)
            by_occ: dict[str, dict[int, MentorCheckin]] = {}
            for c in await m.checkins([p.id]):
                by_occ.setdefault(c.occurrence, {})[c.person_id] = c
            if not by_occ:
                lines.append(say(person, "mentor.h.none_yet"))
            for occ, sides in sorted(by_occ.items()):
                own = sides.get(person.id)
                other = sides.get(partner_id)
                active = p.status == "active"
                you = self._answer_text(person, own, True, labels, active) if own else "-"
                them = self._answer_text(person, other, False, labels, active) if other else "-"
                lines.append(say(person, "mentor.h.line", occ=occ, you=you, name=pname,
                                 them=them))
        return Message("\n".join(lines), private=True)
