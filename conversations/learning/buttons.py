"""The buttons on a learning step: done, skip, snooze (the same step comes back), stop the
track, and reflect (opens a text box; see reflections)."""

from __future__ import annotations

from datetime import timedelta

from conversations.context import Deps
from conversations.events import ButtonPressed
from conversations.learning.reflections import reflected_key
from conversations.learning.render import DONE, FLOW, REFLECT, REFLECT_FORM, SKIP, SNOOZE, STOP
from conversations.messages import Message, TextInput, localized
from conversations.ports import UnitOfWork
from prompts.loader import Track
from storage.learning_models import Enrolment
from storage.models import Person


def finish_if_done(track: Track, e: Enrolment) -> None:
    """Every step done or skipped: the track is finished."""
    handled = set(e.done or []) | set(e.skipped or [])
    if all(s.id in handled for s in track.steps):
        e.status = "finished"


class LearningButtons:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def __call__(self, tx: UnitOfWork, person: Person,
                       event: ButtonPressed) -> list[Message]:
        action, message_key = event.action, event.message_key
        parts = event.value.split("|")
        track = self.deps.tracks.get(parts[0])
        enrolment = await tx.enrolments.get(person.id, parts[0]) if track else None
        step_id = parts[1] if len(parts) > 1 else ""
        if track is None or enrolment is None or all(s.id != step_id for s in track.steps):
            return [Message(self.deps.text(person, "unknown_action"))]
        title = localized(track.title, person.locale)

        def done(key: str, **values: object) -> list[Message]:
            return [Message(self.deps.text(person, key, **values), replaces=message_key)]

        if action == DONE:
            if step_id not in (enrolment.done or []):
                enrolment.done = [*(enrolment.done or []), step_id]
            finish_if_done(track, enrolment)
            return done("learn.finished" if enrolment.status == "finished" else "learn.done",
                        title=title)
        if action == SKIP:
            if step_id not in (enrolment.skipped or []):
                enrolment.skipped = [*(enrolment.skipped or []), step_id]
            finish_if_done(track, enrolment)
            return done("learn.skipped", title=title)
        if action == STOP:
            enrolment.status = "stopped"
            return done("learn.left", title=title, track=track.id)
        if action == SNOOZE:
            days = 7 if parts[-1] == "7" else 1
            # the same step comes back after the snooze
            enrolment.sent = [s for s in (enrolment.sent or []) if s != step_id]
            enrolment.snoozed_until = self.deps.today(person) + timedelta(days=days)
            return done("learn.snoozed", until=enrolment.snoozed_until.isoformat())
        if action == REFLECT:
            return await self._reflect(tx, person, track, step_id)
        return [Message(self.deps.text(person, "unknown_action"))]

    async def _reflect(self, tx: UnitOfWork, person: Person, track: Track,
                       step_id: str) -> list[Message]:
        """Open the reflection box, unless this person already reflected on the step or
        another flow (a survey) is waiting for their text."""
        step = next((s for s in track.steps if s.id == step_id), None)
        if step is None or step.reflection is None:
            return [Message(self.deps.text(person, "unknown_action"))]
        if await tx.marks.has(reflected_key(self.deps, track, step_id, person)):
            return [Message(self.deps.text(person, "learn.reflected_already"))]
        state = await tx.states.get(person.id)
        if state is not None and state.flow != FLOW:
            return [Message(self.deps.text(person, "learn.finish_survey_first"))]
        await tx.states.put(person.id, FLOW, {"track": track.id, "step": step_id},
                            self.deps.clock.now())
        box = TextInput(REFLECT_FORM, "answer", self.deps.text(person, "pulse.input_label"),
                        self.deps.policy.max_answer_chars,
                        self.deps.text(person, "pulse.button.send"))
        question = localized(step.reflection, person.locale)
        return [Message(self.deps.text(person, "learn.reflect_prompt", question=question),
                        text_input=box, key=f"learn-reflect:{track.id}:{step_id}")]
