"""A learning step as a message with its buttons, the outbox renderer for `learn.step`, and the
home tab's lines about the person's tracks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from conversations.context import Deps
from conversations.messages import Button, Message, localized
from conversations.ports import UnitOfWork
from prompts.loader import Catalog, Track, TrackStep
from storage.models import Person

FLOW = "learn"  # the conversation_state flow of a reflection being written
DONE, SNOOZE, SKIP, STOP, REFLECT = (
    "learn:done",
    "learn:snooze",
    "learn:skip",
    "learn:stop",
    "learn:reflect",
)
REFLECT_FORM = "learn:reflection"
ENROLLED = "learn.enrolled"  # the outbox kind of "an admin enrolled you"


def nudge(cat: Catalog, person: Person, track: Track, step: TrackStep) -> list[Message]:
    loc = person.locale
    n = [s.id for s in track.steps].index(step.id) + 1
    parts = [
        cat.text(loc, "learn.step_header", title=localized(track.title, loc), n=n,
                 total=len(track.steps)),
        localized(step.text, loc),
    ]
    if step.activity:
        parts.append(cat.text(loc, "learn.activity", text=localized(step.activity, loc)))
    if step.link:
        parts.append(step.link)
    value = f"{track.id}|{step.id}"
    # Reflect comes last, when the step has one: every other button keeps its place (the
    # console numbers buttons, so "2" means the same on every step)
    buttons = [
        Button(cat.text(loc, "learn.button.done"), DONE, value, "primary"),
        Button(cat.text(loc, "learn.button.tomorrow"), SNOOZE, f"{value}|1"),
        Button(cat.text(loc, "learn.button.week"), SNOOZE, f"{value}|7"),
        Button(cat.text(loc, "learn.button.skip"), SKIP, value),
        Button(cat.text(loc, "learn.button.stop"), STOP, value, "danger"),
    ]
    if step.reflection:
        buttons.append(Button(cat.text(loc, "learn.button.reflect"), REFLECT, value))
    return [Message("\n".join(parts), tuple(buttons), key=f"learn:{track.id}:{step.id}")]


class LearningRender:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def enrolled(self, tx: UnitOfWork, person: Person, kind: str,
                       payload: Mapping[str, Any]) -> list[Message] | None:
        """`learn.enrolled`: who enrolled the person in which track, and how to leave (None
        when the track is gone or they have left it already)."""
        track = self.deps.tracks.get(str(payload.get("track")))
        enrolment = await tx.enrolments.get(person.id, track.id) if track else None
        if track is None or enrolment is None or enrolment.status != "active":
            return None
        return [Message(self.deps.text(
            person, "learn.enrolled_notice", admin=str(payload.get("admin", ""))[:200],
            title=localized(track.title, person.locale), days=track.cadence_days,
            track=track.id))]

    async def step(self, tx: UnitOfWork, person: Person, kind: str,
                   payload: Mapping[str, Any]) -> list[Message] | None:
        """An outbox row of kind learn.step (None if the track, the step or the enrolment is
        gone)."""
        track = self.deps.tracks.get(str(payload.get("track")))
        if track is None:
            return None
        step = next((s for s in track.steps if s.id == payload.get("step")), None)
        enrolment = await tx.enrolments.get(person.id, track.id)
        if step is None or enrolment is None or enrolment.status != "active":
            return None
        return nudge(self.deps.catalog, person, track, step)

    async def home(self, tx: UnitOfWork, person: Person) -> list[Message]:
        """One line per active track: its title and how many steps are done."""
        loc = person.locale
        lines = []
        for e in await tx.enrolments.for_person(person.id):
            track = self.deps.tracks.get(e.track_id)
            if track is not None and e.status == "active":
                done = len([s for s in track.steps if s.id in (e.done or [])])
                lines.append(self.deps.text(person, "learn.home",
                                            title=localized(track.title, loc), done=done,
                                            total=len(track.steps)))
        return [Message("\n".join(lines))] if lines else []
