"""The pulse flow: a person answers a round's questions one at a time in their 1:1 chat.

Their place and draft answers are a `Draft` kept in `conversation_state` (draft text is
scrubbed before it is kept). Buttons, the answer form and typed text all end here; the last
answer goes to `submit`."""

from __future__ import annotations

from collections.abc import Sequence

from conversations.context import Deps
from conversations.events import ButtonPressed, FormSubmitted
from conversations.messages import Message, localized
from conversations.ports import UnitOfWork
from conversations.pulse import render
from conversations.pulse.draft import CONSENT_STEP, FLOW, Answer, Draft, Step, steps_of
from conversations.pulse.invitations import Invitations
from conversations.pulse.render import ANSWER, CONSENT, LATER, NAV, START, TEXT_FORM
from conversations.pulse.submit import submit
from conversations.questions import questions_of
from conversations.words import ANSWERED_ANYWHERE, RESUME_WORDS
from storage.models import Person

NAV_WORDS: dict[str, str] = {
    "skip": "skip", "omitir": "skip", "saltar": "skip",
    "back": "back", "atrás": "back", "atras": "back",
    "stop": "stop", "pause": "stop", "parar": "stop", "pausa": "stop",
}
YES = ("yes", "y", "sí", "si", "share")
NO = ("no", "n")


class PulseFlow:
    """Starting, answering and navigating a survey. Every method returns the messages to show."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.invitations = Invitations(deps)

    # ---- the draft in storage -------------------------------------------------------------

    async def draft(self, tx: UnitOfWork, person: Person) -> Draft | None:
        state = await tx.states.get(person.id)
        if state is None or state.flow != FLOW:
            return None
        return Draft.opened(self.deps.keyed, person.id, state.data)

    async def _save(self, tx: UnitOfWork, person: Person, draft: Draft) -> None:
        await tx.states.put(person.id, FLOW, draft.sealed(self.deps.keyed, person.id),
                            self.deps.clock.now())

    async def _steps(self, tx: UnitOfWork, draft: Draft) -> tuple[Step, ...]:
        return steps_of(await questions_of(tx, draft.round_id))

    def _say(self, person: Person, key: str, **values: object) -> Message:
        return Message(self.deps.text(person, key, **values))

    def _ask(self, person: Person, draft: Draft, steps: Sequence[Step]) -> Message:
        return render.question(self.deps.catalog, self.deps.policy, person, draft,
                               draft.current(steps), steps)

    # ---- what the registry calls -------------------------------------------------------------

    async def button(self, tx: UnitOfWork, person: Person, event: ButtonPressed) -> list[Message]:
        """A survey button (and any button nobody else knows: an old survey's)."""
        if event.action == START:
            rid, _, occ = event.value.partition("|")
            out, started = await self._start(tx, person, rid or None, occ or None)
            if event.message_key and started:  # the invitation loses its buttons once used
                # (the pause note's Continue button says so: it continues, it does not start)
                here = ("pulse.continued_here" if event.message_key.endswith(":paused")
                        else "pulse.started_here")
                return [Message(self.deps.text(person, here), replaces=event.message_key), *out]
            return out
        if event.action == LATER:
            return [Message(self.deps.text(person, "pulse.later"), replaces=event.message_key)]
        draft = await self.draft(tx, person)
        if draft is None:
            return [Message(self.deps.text(person, "pulse.nothing_in_progress"),
                            replaces=event.message_key)]
        if event.action == ANSWER:
            return await self.answer(tx, person, draft, event.value, event.message_key)
        if event.action == CONSENT:
            return await self.consent(tx, person, draft, event.value, event.message_key)
        if event.action == NAV:
            return await self.navigate(tx, person, draft, event.value, event.message_key)
        return [self._say(person, "unknown_action")]

    async def form(self, tx: UnitOfWork, person: Person, event: FormSubmitted) -> list[Message]:
        """The answer box of an open question or a "why?"."""
        draft = await self.draft(tx, person)
        if event.form != TEXT_FORM or draft is None:
            return [self._say(person, "pulse.nothing_in_progress")]
        checked = await self._check(tx, person, draft, event.message_key)
        if isinstance(checked, list):
            return checked
        return await self._answer_text(tx, person, *checked,
                                       str(event.values.get("answer", "")), event.message_key)

    async def text(self, tx: UnitOfWork, person: Person, text: str) -> list[Message] | None:
        """Text typed while a survey is in progress: a navigation word or an answer. Help and
        privacy are commands, not answers: the survey stays where it was (None)."""
        draft = await self.draft(tx, person)
        if draft is None or text.strip().lower().rstrip(".!?") in ANSWERED_ANYWHERE:
            return None
        word = text.strip().lower().rstrip(".!")
        if await self.invitations.expired(tx, person, draft):
            return [self._say(person, "pulse.expired", until=draft.until)]
        if draft.paused:
            if word in RESUME_WORDS:
                return await self._resume(tx, person, draft)
            return [self._say(person, "pulse.paused_hint")]
        if word in NAV_WORDS:
            return await self.navigate(tx, person, draft, NAV_WORDS[word], "")
        return await self._answer_text(tx, person, draft, await self._steps(tx, draft), text, "")

    async def resume_word(self, tx: UnitOfWork, person: Person, text: str
                          ) -> list[Message] | None:
        """"start", "continue" ... typed with no survey in progress: the open survey."""
        if text.strip().lower().rstrip(".!?") in RESUME_WORDS:
            return await self.start(tx, person)
        return None

    async def open_hint(self, tx: UnitOfWork, person: Person, text: str
                        ) -> list[Message] | None:
        """Any other text while a survey is open for the person: how to start it."""
        if await self.invitations.open_for(tx, person) is not None:
            return [self._say(person, "pulse.open_hint")]
        return None

    # ---- starting and resuming ------------------------------------------------------------

    async def start(
        self, tx: UnitOfWork, person: Person, round_id: str | None = None, occ: str | None = None
    ) -> list[Message]:
        """Start or resume a survey (from the invitation's button, `/pulse`, or 'start')."""
        return (await self._start(tx, person, round_id, occ))[0]

    async def _start(self, tx: UnitOfWork, person: Person, round_id: str | None,
                     occ: str | None) -> tuple[list[Message], bool]:
        """`start`, and whether a survey is now under way (started or resumed): only then does
        the invitation pressed lose its buttons."""
        state = await tx.states.get(person.id)
        if state is not None and state.flow == FLOW:
            draft = Draft.opened(self.deps.keyed, person.id, state.data)
            if round_id is None or (draft.round_id == round_id and draft.occurrence == occ):
                resumed = await self._resume(tx, person, draft)
                return resumed, len(resumed) > 1  # [expired] or [resumed, the question]
            if draft.answers and not await self.invitations.expired(tx, person, draft):
                # never silently drop a draft in progress for another survey
                return [self._say(person, "pulse.finish_other_first")], False
        elif state is not None:
            # another flow (a reflection, a check-in note) is waiting for text: it gives way
            await tx.states.clear(person.id)
        if round_id is None or occ is None:
            found = await self.invitations.open_for(tx, person)
            if found is None:
                return [self._say(person, "pulse.nothing_open")], False
            rnd, occ = found
        else:
            maybe = await tx.rounds.get(round_id)
            if maybe is None:
                return [self._say(person, "pulse.nothing_open")], False
            rnd = maybe
        if await tx.participation.get(rnd.id, occ, person.id) is None:
            return [self._say(person, "pulse.nothing_open")], False
        if await self.invitations.finished(tx, rnd.id, occ, person):
            return [self._say(person, "pulse.already_done")], False
        until = self.invitations.until(rnd, occ)
        if rnd.status == "closed" or self.deps.today(person) > until:
            # closed early by an admin: the day it really closed, not the planned last day
            ended = min(until, rnd.closed_on) if rnd.closed_on else until
            return [self._say(person, "pulse.closed", until=ended.isoformat())], False
        draft = Draft.start(rnd.id, occ, until)
        await self._save(tx, person, draft)
        loc = person.locale
        intro = self._say(person, "pulse.intro", title=localized(rnd.title, loc),
                          owner=localized(rnd.owner, loc), until=until.isoformat())
        return [intro, self._ask(person, draft, await self._steps(tx, draft))], True

    async def _resume(self, tx: UnitOfWork, person: Person, draft: Draft) -> list[Message]:
        if await self.invitations.expired(tx, person, draft):
            return [self._say(person, "pulse.expired", until=draft.until)]
        draft = draft.resume()
        await self._save(tx, person, draft)
        return [self._say(person, "pulse.resumed"),
                self._ask(person, draft, await self._steps(tx, draft))]

    async def _check(self, tx: UnitOfWork, person: Person, draft: Draft,
                     message_key: str) -> tuple[Draft, tuple[Step, ...]] | list[Message]:
        """The draft to act on (no longer paused) and its round's steps, or what to say
        instead: the window closed, or the button pressed belongs to another question than
        the current one."""
        if await self.invitations.expired(tx, person, draft):
            return [Message(self.deps.text(person, "pulse.expired", until=draft.until),
                            replaces=message_key)]
        steps = await self._steps(tx, draft)
        if message_key and message_key != draft.message_key(draft.current(steps).key):
            return [self._say(person, "pulse.stale"), self._ask(person, draft, steps)]
        return draft.resume(), steps

    # ---- answering ------------------------------------------------------------------------

    async def _answer_text(self, tx: UnitOfWork, person: Person, draft: Draft,
                           steps: tuple[Step, ...], text: str, message_key: str
                           ) -> list[Message]:
        """Text typed as the answer to the current step, for a draft already checked (window
        open, not paused, the right question) whose round's steps are `steps`."""
        step = draft.current(steps)
        q = step.question
        if q is None:  # the consent step takes yes/no
            word = text.strip().lower()
            if word in YES:
                return await self._consent(tx, person, draft, steps, "yes", message_key)
            if word in NO:
                return await self._consent(tx, person, draft, steps, "no", message_key)
            return [self._say(person, "pulse.consent_hint")]
        stripped = text.strip()
        if step.why or q.kind == "open":
            limit = self.deps.policy.max_answer_chars
            if not stripped:
                return [self._say(person, "pulse.empty")]
            if len(stripped) > limit:
                return [self._say(person, "pulse.too_long", length=f"{len(stripped):,}",
                                  limit=f"{limit:,}")]
            scrubbed = self.deps.scrub(stripped)
            draft = draft.answer(step, Answer(text=scrubbed))
            note = self.deps.text(person, "pulse.scrubbed") if scrubbed != stripped else ""
            return await self._advance(tx, person, draft, step, steps, note, message_key)
        if q.kind == "rating":
            if stripped in ("1", "2", "3", "4", "5"):
                return await self._answer(tx, person, draft, steps, f"{q.id}={int(stripped)}",
                                          message_key)
            return [self._say(person, "pulse.rating_hint")]
        # choice: the number or the label
        for i, c in enumerate(q.choices, start=1):
            labels = {str(v).strip().lower() for v in c.label.values()}
            if stripped.lower() in labels or stripped == str(i) or stripped.lower() == c.value:
                return await self._answer(tx, person, draft, steps, f"{q.id}={c.value}",
                                          message_key)
        return [self._say(person, "pulse.choice_hint", count=len(q.choices))]

    async def answer(self, tx: UnitOfWork, person: Person, draft: Draft, value: str,
                     message_key: str) -> list[Message]:
        """A rating or choice button (or its typed equivalent)."""
        checked = await self._check(tx, person, draft, message_key)
        if isinstance(checked, list):
            return checked
        return await self._answer(tx, person, *checked, value, message_key)

    async def _answer(self, tx: UnitOfWork, person: Person, checked: Draft,
                      steps: tuple[Step, ...], value: str, message_key: str) -> list[Message]:
        step = checked.current(steps)
        qid, _, raw = value.partition("=")
        q = step.question
        if q is None or step.key != qid or q.kind == "open":
            return [self._say(person, "pulse.stale"), self._ask(person, checked, steps)]
        if q.kind == "rating":
            if raw not in {"1", "2", "3", "4", "5"}:
                return [self._say(person, "pulse.rating_hint")]
        elif raw not in {c.value for c in q.choices}:
            return [self._say(person, "pulse.choice_hint", count=len(q.choices))]
        answered = checked.answer(step, Answer(value=raw))
        return await self._advance(tx, person, answered, step, steps, "", message_key)

    async def consent(self, tx: UnitOfWork, person: Person, draft: Draft, value: str,
                      message_key: str) -> list[Message]:
        """The consent buttons (or yes/no typed)."""
        checked = await self._check(tx, person, draft, message_key)
        if isinstance(checked, list):
            return checked
        return await self._consent(tx, person, *checked, value, message_key)

    async def _consent(self, tx: UnitOfWork, person: Person, checked: Draft,
                       steps: tuple[Step, ...], value: str, message_key: str) -> list[Message]:
        if checked.current(steps).key != CONSENT_STEP:
            return [self._say(person, "pulse.stale"), self._ask(person, checked, steps)]
        return await self._advance(tx, person, checked.consent(value == "yes"), steps[0], steps,
                                   "", message_key)

    async def _advance(self, tx: UnitOfWork, person: Person, draft: Draft, step: Step,
                       steps: Sequence[Step], note: str, message_key: str) -> list[Message]:
        """`step` is answered (or skipped) in `draft`: on to the next step, or submit."""
        done = render.answered(self.deps.catalog, person, draft, step, message_key)
        out = [done] if done else []
        if note:
            out.append(Message(note))
        draft = draft.advance(steps)
        if draft.finished(steps):
            return out + await submit(self.deps, tx, person, draft)
        await self._save(tx, person, draft)
        return [*out, self._ask(person, draft, steps)]

    async def navigate(self, tx: UnitOfWork, person: Person, draft: Draft, how: str,
                       message_key: str) -> list[Message]:
        """skip, back or stop (a button, or the word typed)."""
        checked_steps = await self._check(tx, person, draft, message_key)
        if isinstance(checked_steps, list):
            return checked_steps
        checked, steps = checked_steps
        step = checked.current(steps)
        if how == "stop":
            stopped = checked.stop()
            await self._save(tx, person, stopped)
            return [render.stopped(self.deps.catalog, person, stopped, message_key)]
        if how == "back":
            if checked.pos == 0:
                return [self._say(person, "pulse.at_start"), self._ask(person, checked, steps)]
            back = checked.back(steps)
            await self._save(tx, person, back)
            out = ([Message(self.deps.text(person, "pulse.went_back"), replaces=message_key)]
                   if message_key else [])
            return [*out, self._ask(person, back, steps)]
        skipped = checked.skip(steps)  # already moved on: announce the step it left
        done = render.answered(self.deps.catalog, person, skipped, step, message_key)
        out = [done] if done else []
        if skipped.finished(steps):
            return out + await submit(self.deps, tx, person, skipped)
        await self._save(tx, person, skipped)
        return [*out, self._ask(person, skipped, steps)]
