"""Reflections on a learning step: optional, scrubbed, and stored like survey answers in the
track's own round (`learn-<track>`): no person, no step, no segments, no date. They are held
with a keyed tag of their author and step and released once max(k, k_comments) different
people are waiting, one reflection per person per batch (conversations.results.release); that
someone reflected on a step is only a keyed-hash mark."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from conversations.context import Deps
from conversations.events import FormSubmitted
from conversations.keyed import author_tag, seal_held
from conversations.learning.render import FLOW
from conversations.messages import Message
from conversations.ports import UnitOfWork
from conversations.questions import Question
from prompts.loader import Track
from storage.models import Person, Round

REFLECTION = "reflection"  # the one question of a track's reflection round
SKIP_WORDS = ("skip", "omitir", "stop", "parar")


def round_id_for(track: Track) -> str:
    return f"learn-{track.id}"[:64]


def reflected_key(deps: Deps, track: Track, step_id: str, person: Person) -> str:
    """The keyed-hash mark that says this person reflected on this step."""
    return deps.keyed("reflected", track.id, step_id, person.id)


class Reflections:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def text(self, tx: UnitOfWork, person: Person, text: str) -> list[Message] | None:
        """Typed text while a reflection box is open (None when none is)."""
        state = await tx.states.get(person.id)
        if state is None or state.flow != FLOW:
            return None
        return await self.reflection(tx, person, dict(state.data), text)

    async def form(self, tx: UnitOfWork, person: Person, event: FormSubmitted) -> list[Message]:
        """The reflection box submitted."""
        state = await tx.states.get(person.id)
        if state is None or state.flow != FLOW:
            return [Message(self.deps.text(person, "pulse.nothing_in_progress"))]
        return await self.reflection(tx, person, dict(state.data),
                                     str(event.values.get("answer", "")))

    async def reflection(self, tx: UnitOfWork, person: Person, data: Mapping[str, Any],
                         text: str) -> list[Message]:
        """Store the reflection anonymously (or `skip` it)."""
        await tx.states.clear(person.id)
        if text.strip().lower() in SKIP_WORDS:
            return [Message(self.deps.text(person, "learn.reflection_skipped"))]
        track = self.deps.tracks.get(str(data.get("track")))
        enrolment = await tx.enrolments.get(person.id, track.id) if track else None
        if track is None or enrolment is None:
            return [Message(self.deps.text(person, "unknown_action"))]
        stripped = text.strip()
        if not stripped:
            return [Message(self.deps.text(person, "pulse.empty"))]
        limit = self.deps.policy.max_answer_chars
        if len(stripped) > limit:
            await tx.states.put(person.id, FLOW, data, self.deps.clock.now())
            return [Message(self.deps.text(person, "pulse.too_long",
                                           length=f"{len(stripped):,}", limit=f"{limit:,}"))]
        step_id = str(data.get("step"))
        rnd = await self._round(tx, track)
        if not await tx.marks.add_once(reflected_key(self.deps, track, step_id, person), rnd.id,
                                       "reflected"):
            return [Message(self.deps.text(person, "learn.reflected_already"))]
        # no step, no segments, no date; held with a keyed author tag and released once enough
        # different people reflected (conversations.results.release)
        await tx.responses.hold(
            rnd.id, "ongoing", [], {}, "", counted=False,
            author=author_tag(self.deps.keyed, rnd.id, person.id, step_id),
            sealed=seal_held(self.deps.keyed, rnd.id,
                             [(REFLECTION, "", self.deps.scrub(stripped))], {}),
        )
        return [Message(self.deps.text(person, "learn.reflection_saved",
                                       k_comments=rnd.k_comments))]

    async def _round(self, tx: UnitOfWork, track: Track) -> Round:
        """The anonymous round that collects a track's reflections (created on first use)."""
        rid = round_id_for(track)
        rnd = await tx.rounds.get(rid)
        if rnd is None:
            now = self.deps.clock.now()
            rnd = Round(
                id=rid,
                template=track.id,
                title=dict(track.title),
                owner={"en": "the learning team", "es": "el equipo de aprendizaje"},
                status="ongoing",  # collects reflections; never planned as a pulse survey
                audience={},
                schedule={},
                series=rid,
                k_responses=self.deps.policy.k_responses,
                k_comments=self.deps.policy.k_comments,
                results_while_open=True,
                opened_at=now,
                opened_on=now.date(),
            )
            question = Question(REFLECTION, "open", {"en": "Reflections", "es": "Reflexiones"})
            await tx.rounds.create(rnd, [question.definition()])
        return rnd
