"""A check-in, answered in a few taps: did you meet, how useful was it, what did you work on,
anything for your liaison (buttons, or a note typed or written in the box). The last answer may
alert the pair's liaison (conversations.mentorship.escalation)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from conversations.context import Deps
from conversations.events import ButtonPressed, FormSubmitted
from conversations.mentorship.cadence import cadence_of
from conversations.mentorship.escalation import escalate, help_choice
from conversations.mentorship.members import Members
from conversations.messages import Button, Message, TextInput, localized
from conversations.ports import UnitOfWork
from conversations.schedule import next_checkin
from conversations.words import RESUME_WORDS
from storage.mentorship_models import MentorCheckin, MentorCohort, MentorPair, MentorProgramme
from storage.models import Person

FLOW = "mentor"  # the conversation_state flow of a check-in waiting for its note
MET = "mentor:met"
USEFUL = "mentor:use"
TOPIC = "mentor:topic"
HELP = "mentor:help"
PAUSE = "mentor:pause"
NOTE_FORM = "mentor:note"
NOTE_FOR = timedelta(hours=2)  # how long typed text is taken as the note for the liaison
NOT_A_NOTE = RESUME_WORDS | {"help", "privacy", "ayuda"}  # words for another flow


class Checkins:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.members = Members(deps)

    def _say(self, person: Person, key: str, message_key: str = "",
             **values: object) -> Message:
        return Message(self.deps.text(person, key, **values), replaces=message_key)

    async def _context(self, tx: UnitOfWork, c: MentorCheckin
                       ) -> tuple[MentorPair, MentorCohort, MentorProgramme] | None:
        m = tx.mentorship
        pair = await m.pair(c.pair_id)
        cohort = await m.cohort(pair.cohort_id) if pair else None
        prog = await m.programme(cohort.programme_id) if cohort else None
        if pair is None or cohort is None or prog is None:
            return None
        return pair, cohort, prog

    def _next(self, cohort: MentorCohort, prog: MentorProgramme, c: MentorCheckin
              ) -> date | None:
        """The next check-in's date, or None after the programme's last one."""
        return next_checkin(cohort.start_on, cohort.weeks, date.fromisoformat(c.occurrence),
                            cadence_of(prog.definition))

    # ---- buttons --------------------------------------------------------------------------

    async def button(self, tx: UnitOfWork, person: Person, event: ButtonPressed) -> list[Message]:
        """A `mentor:` button: works whatever flow the person is in (it names its check-in)."""
        key = event.message_key
        if event.action == PAUSE:
            return [self._say(person, "mentor.check.paused_here", key),
                    await self.members.pause(tx, person, True)]
        raw_id, _, answer = event.value.partition("|")
        c = (await tx.mentorship.checkin(int(raw_id))  # a forged 30-digit id: no such row
             if raw_id.isascii() and raw_id.isdigit() and len(raw_id) < 19 else None)
        if c is None or c.person_id != person.id:
            return [self._say(person, "unknown_action")]
        found = await self._context(tx, c)
        if found is None or found[0].status != "active":
            return [self._say(person, "mentor.check.gone", key)]
        _, cohort, prog = found
        if self.deps.today(person) > c.closes_on:
            nxt = self._next(cohort, prog, c)
            if nxt is None:
                return [self._say(person, "mentor.check.closed_last", key, until=c.closes_on)]
            return [self._say(person, "mentor.check.closed", key, until=c.closes_on, next=nxt)]
        if c.done:
            return [self._say(person, "mentor.check.already", key)]
        topics = prog.definition.get("topics", [])
        if event.action == MET and answer in ("yes", "no"):
            c.met = answer == "yes"
            done = self._say(person, "mentor.check.you_met" if c.met
                             else "mentor.check.you_did_not", key)
            if c.met:
                return [done, self._useful_q(person, c)]
            return [done, await self._help_q(tx, person, c)]
        if event.action == USEFUL and answer in ("1", "2", "3", "4", "5"):
            c.usefulness = int(answer)
            return [self._say(person, "mentor.check.rated", key, n=answer),
                    self._topic_q(person, c, topics)]
        if event.action == TOPIC:
            valid = {str(t["value"]) for t in topics}
            if answer != "skip" and answer not in valid:
                return [self._say(person, "unknown_action")]
            c.topic = "" if answer == "skip" else answer
            label = next((localized(t["label"], person.locale) for t in topics
                          if str(t["value"]) == answer),
                         self.deps.text(person, "mentor.button.skip"))
            return [self._say(person, "mentor.check.topic", key, topic=label),
                    await self._help_q(tx, person, c)]
        if event.action == HELP and answer in ("none", "contact"):
            return await self._finish(tx, person, c, answer, "", key)
        return [self._say(person, "unknown_action")]

    def _useful_q(self, person: Person, c: MentorCheckin) -> Message:
        return Message(self.deps.text(person, "mentor.check.useful"),
                       tuple(Button(str(n), USEFUL, f"{c.id}|{n}") for n in range(1, 6)),
                       key=f"mentor:{c.id}:use")

    def _topic_q(self, person: Person, c: MentorCheckin,
                 topics: Sequence[Mapping[str, Any]]) -> Message:
        buttons = [Button(localized(t["label"], person.locale), TOPIC, f"{c.id}|{t['value']}")
                   for t in topics]
        buttons.append(Button(self.deps.text(person, "mentor.button.skip"), TOPIC,
                              f"{c.id}|skip"))
        return Message(self.deps.text(person, "mentor.check.topic_q"), tuple(buttons),
                       key=f"mentor:{c.id}:topic")

    async def _help_q(self, tx: UnitOfWork, person: Person, c: MentorCheckin) -> Message:
        """The last question. A note box is offered only when the person is not mid-survey, so
        the shared conversation state is never taken from an unfinished pulse."""
        buttons = (
            Button(self.deps.text(person, "mentor.button.no_help"), HELP, f"{c.id}|none",
                   "primary"),
            Button(self.deps.text(person, "mentor.button.contact"), HELP, f"{c.id}|contact"),
        )
        state = await tx.states.get(person.id)
        if state is not None and state.flow != FLOW:
            return Message(self.deps.text(person, "mentor.check.help_q"), buttons,
                           key=f"mentor:{c.id}:help")
        await tx.states.put(person.id, FLOW, {"checkin": c.id}, self.deps.clock.now())
        box = TextInput(NOTE_FORM, "note", self.deps.text(person, "mentor.check.note_label"),
                        max_length=self.deps.policy.max_answer_chars,
                        submit=self.deps.text(person, "pulse.button.send"))
        return Message(self.deps.text(person, "mentor.check.help_q_note"), buttons, box,
                       key=f"mentor:{c.id}:help")

    # ---- the note for the liaison ---------------------------------------------------------

    async def text(self, tx: UnitOfWork, person: Person, text: str) -> list[Message] | None:
        """Text while a check-in waits for its note; None when no check-in is waiting."""
        state = await tx.states.get(person.id)
        if state is None or state.flow != FLOW:
            return None
        if state.updated_at < self.deps.clock.now() - NOTE_FOR:
            await tx.states.clear(person.id)  # an old question: text is not a note any more
            return None
        if text.strip().lower().rstrip(".!?") in NOT_A_NOTE:
            return None
        return await self._note(tx, person, dict(state.data), text, "")

    async def form(self, tx: UnitOfWork, person: Person, event: FormSubmitted) -> list[Message]:
        state = await tx.states.get(person.id)
        if state is None or state.flow != FLOW:
            return [self._say(person, "mentor.check.gone")]
        return await self._note(tx, person, dict(state.data), event.values.get("note", ""),
                                event.message_key)

    async def _note(self, tx: UnitOfWork, person: Person, data: Mapping[str, Any], text: str,
                    message_key: str) -> list[Message]:
        raw = data.get("checkin")
        c = await tx.mentorship.checkin(int(raw)) if isinstance(raw, int) else None
        if c is None or c.person_id != person.id or c.done:
            await tx.states.clear(person.id)
            return [self._say(person, "mentor.check.gone")]
        if self.deps.today(person) > c.closes_on:
            await tx.states.clear(person.id)
            found = await self._context(tx, c)
            nxt = self._next(found[1], found[2], c) if found is not None else None
            if nxt is None:
                return [self._say(person, "mentor.check.closed_last", until=c.closes_on)]
            return [self._say(person, "mentor.check.closed", until=c.closes_on, next=nxt)]
        labels = {choice: [self.deps.catalog.text(loc, f"mentor.button.{key}")
                           for loc in ("en", "es")]
                  for choice, key in (("none", "no_help"), ("contact", "contact"))}
        key = message_key or f"mentor:{c.id}:help"
        choice = help_choice(text, labels)
        if choice is not None:  # a button's label or number, or a decline: no note
            return await self._finish(tx, person, c, choice, "", key)
        note = self.deps.scrub(text.strip())[: self.deps.policy.max_answer_chars]
        return await self._finish(tx, person, c, "contact", note, key)

    async def _finish(self, tx: UnitOfWork, person: Person, c: MentorCheckin, help_: str,
                      note: str, message_key: str) -> list[Message]:
        c.help, c.note, c.done = help_, note, True
        c.answered_at = self.deps.clock.now()
        state = await tx.states.get(person.id)
        if state is not None and state.flow == FLOW:
            await tx.states.clear(person.id)
        found = await self._context(tx, c)
        out = [self._say(person, "mentor.check.help_contact" if help_ == "contact"
                         else "mentor.check.help_none", message_key)]
        if found is None:
            return out
        pair, cohort, prog = found
        await escalate(self.deps, tx, pair, c)
        nxt = self._next(cohort, prog, c)
        out.append(self._say(person, "mentor.check.thanks", next=nxt) if nxt is not None
                   else self._say(person, "mentor.check.thanks_last"))
        return out
