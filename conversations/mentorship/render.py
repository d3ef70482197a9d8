"""The messages of planned `mentor.*` outbox rows: notices, liaison escalations, milestone
prompts and check-ins (None when a row no longer applies)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from conversations.context import Deps
from conversations.mentorship.cadence import cadence_of
from conversations.mentorship.checkins import MET, PAUSE
from conversations.mentorship.cohorts import first_name
from conversations.messages import Button, Message, localized
from conversations.ports import UnitOfWork
from conversations.schedule import closes_on
from storage.mentorship_models import MentorPair, MentorProgramme
from storage.models import Person

ESCALATIONS = ("asked", "not_met", "low")


class MentorshipRender:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def __call__(self, tx: UnitOfWork, person: Person, kind: str,
                       payload: Mapping[str, Any]) -> list[Message] | None:
        if kind == "mentor.notice":
            values = dict(payload.get("values") or {})
            return [Message(self.deps.text(person, str(payload.get("key")), **values))]
        if kind == "mentor.escalation":
            return await self._escalation(tx, person, payload)
        m = tx.mentorship
        pair = await m.pair(int(payload.get("pair", 0)))
        if pair is None or pair.status != "active" or person.id not in (pair.mentee_id,
                                                                         pair.mentor_id):
            return None
        mem = await m.member(pair.cohort_id, person.id)
        cohort = await m.cohort(pair.cohort_id)
        prog = await m.programme(cohort.programme_id) if cohort else None
        if mem is None or mem.paused or mem.left or cohort is None or prog is None:
            return None
        other = await tx.people.get(pair.mentor_id if person.id == pair.mentee_id
                                    else pair.mentee_id)
        other_name = other.display_name if other else "?"
        if kind == "mentor.milestone":
            return self._milestone(person, prog, payload, other_name)
        if kind == "mentor.checkin":
            return await self._checkin(tx, person, pair, prog, payload, other_name)
        return None

    async def open_hint(self, tx: UnitOfWork, person: Person, text: str
                        ) -> list[Message] | None:
        """Other text while the person's check-in waits for its first answer (typed "yes we
        met" instead of pressing a button): the check-in again, with a word on how to answer."""
        today = self.deps.today(person)
        for pair in await tx.mentorship.pairs_of(person.id):
            if pair.status != "active":
                continue
            for c in await tx.mentorship.checkins([pair.id]):
                if c.person_id != person.id or c.done or c.met is not None or \
                        today > c.closes_on:
                    continue
                again = await self(tx, person, "mentor.checkin",
                                   {"pair": pair.id, "occurrence": c.occurrence})
                if again:
                    return [Message(self.deps.text(person, "mentor.check.press")), *again]
        return None

    def _milestone(self, person: Person, prog: MentorProgramme, payload: Mapping[str, Any],
                   other_name: str) -> list[Message] | None:
        ms = next((x for x in prog.definition.get("milestones", [])
                   if x.get("id") == payload.get("milestone")), None)
        if ms is None:
            return None
        phase = str(payload.get("phase", "main"))
        body = localized(ms.get(phase if phase != "main" else "text"), person.locale)
        return [Message(self.deps.text(person, "mentor.milestone", other=other_name, text=body))]

    async def _checkin(self, tx: UnitOfWork, person: Person, pair: MentorPair,
                       prog: MentorProgramme, payload: Mapping[str, Any],
                       other_name: str) -> list[Message] | None:
        """The check-in's first question, while its answer window is open and unanswered."""
        occ = str(payload.get("occurrence", ""))
        closes = closes_on(date.fromisoformat(occ), cadence_of(prog.definition))
        if self.deps.today(person) > closes:
            return None
        c = await tx.mentorship.checkin_for(pair.id, person.id, occ)
        if c is None or c.done or c.met is not None:
            return None
        liaison = await tx.people.get(pair.liaison_id) if pair.liaison_id else None
        role = "mentor" if person.id == pair.mentee_id else "mentee"
        text = self.deps.text(person, "mentor.check.intro", name=first_name(person),
                              role=self.deps.text(person, f"mentor.role.{role}"),
                              other=other_name, until=closes,
                              liaison=liaison.display_name if liaison else "-")
        buttons = (
            Button(self.deps.text(person, "mentor.button.met"), MET, f"{c.id}|yes", "primary"),
            Button(self.deps.text(person, "mentor.button.not_met"), MET, f"{c.id}|no"),
            Button(self.deps.text(person, "mentor.button.pause"), PAUSE, ""),
        )
        return [Message(text, buttons, key=f"mentor:{c.id}:met")]

    async def _escalation(self, tx: UnitOfWork, person: Person,
                          payload: Mapping[str, Any]) -> list[Message] | None:
        """A liaison's notice, with only what the person chose to share."""
        pair = await tx.mentorship.pair(int(payload.get("pair", 0)))
        if pair is None or pair.liaison_id != person.id:
            return None
        mentee = await tx.people.get(pair.mentee_id)
        mentor = await tx.people.get(pair.mentor_id)
        who = await tx.people.get(int(payload.get("person", 0)))
        c = await tx.mentorship.checkin(int(payload.get("checkin", 0)))
        reason = str(payload.get("reason"))
        if reason not in ESCALATIONS:
            return None
        values = {
            "mentee": mentee.display_name if mentee else "?",
            "mentor": mentor.display_name if mentor else "?",
            "cohort": pair.cohort_id,
            "name": who.display_name if who else "?",
            "handle": who.handle if who else "?",
        }
        quotes = (c.note,) if reason == "asked" and c is not None and c.note else ()
        return [Message(self.deps.text(person, f"mentor.escalation.{reason}", **values),
                        quotes=quotes)]
