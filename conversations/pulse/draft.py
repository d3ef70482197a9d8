"""A survey in progress: the person's place and draft answers, as a frozen value with pure
transitions (answer, skip, back, stop, resume, consent). No I/O here: the flow loads a draft,
asks it for the next one and stores that (conversation_state.data, JSON; `from_data` also reads
drafts stored before this type existed).

The steps of a round are its questions in order, each optional "why?" follow-up as a step of its
own right after its question, and first the consent step (may we keep your segments?).

Stored, a draft is sealed (`sealed`/`opened`): the answers so far, the consent and the place are
encrypted for the running app (conversations.keyed), since the row names its person; only what
the clock needs to find drafts (round, occurrence, last day, paused) stays readable."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from types import MappingProxyType
from typing import Any

from conversations.keyed import KeyedHash, seal, unseal
from conversations.questions import Question

FLOW = "pulse"  # the conversation_state flow of a survey in progress
CONSENT_STEP = "@consent"
SEALED = "sealed"  # the stored key of the encrypted part of a draft
PRIVATE = ("pos", "answers", "share")  # what is sealed


@dataclass(frozen=True)
class Step:
    key: str  # "@consent", "<qid>" or "<qid>.why"
    question: Question | None  # None: the consent step
    number: int  # 1-based question number (0 for consent)

    @property
    def why(self) -> bool:
        """The open follow-up of the question before it."""
        return self.key.endswith(".why")


def steps_of(questions: Sequence[Question]) -> tuple[Step, ...]:
    steps = [Step(CONSENT_STEP, None, 0)]
    for n, q in enumerate(questions, start=1):
        steps.append(Step(q.id, q, n))
        if q.follow_up:
            steps.append(Step(f"{q.id}.why", q, n))
    return tuple(steps)


@dataclass(frozen=True)
class Answer:
    """A rating or choice value, or a written (already scrubbed) comment."""

    value: str = ""
    text: str | None = None

    @classmethod
    def from_data(cls, raw: Mapping[str, Any]) -> Answer:
        if raw.get("t") is not None:
            return cls(text=str(raw["t"]))
        return cls(value=str(raw.get("v", "")))

    def to_data(self) -> dict[str, str]:
        return {"t": self.text} if self.text is not None else {"v": self.value}


@dataclass(frozen=True)
class Draft:
    """Where someone is in a round's occurrence. `until` is the last day answers are accepted
    (ISO date); `share` is their consent to keep segments (None until asked)."""

    round_id: str
    occurrence: str
    until: str
    pos: int = 0
    answers: Mapping[str, Answer] = field(default_factory=dict)
    share: bool | None = None
    paused: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "answers", MappingProxyType(dict(self.answers)))

    @classmethod
    def start(cls, round_id: str, occurrence: str, until: date) -> Draft:
        return cls(round_id, occurrence, until.isoformat())

    # ---- stored form ---------------------------------------------------------------------

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Draft:
        """From conversation_state.data (the keys every stored draft has had)."""
        share = data.get("share")
        return cls(
            round_id=str(data["round"]),
            occurrence=str(data["occurrence"]),
            until=str(data["until"]),
            pos=int(data.get("pos", 0)),
            answers={str(k): Answer.from_data(v) for k, v in (data.get("answers") or {}).items()},
            share=None if share is None else bool(share),
            paused=bool(data.get("paused", False)),
        )

    def to_data(self) -> dict[str, Any]:
        return {
            "round": self.round_id,
            "occurrence": self.occurrence,
            "until": self.until,
            "pos": self.pos,
            "answers": {k: a.to_data() for k, a in self.answers.items()},
            "share": self.share,
            "paused": self.paused,
        }

    def sealed(self, keyed: KeyedHash, person_id: int) -> dict[str, Any]:
        """The stored form with the answers, consent and place sealed for this person."""
        data = self.to_data()
        private = {key: data.pop(key) for key in PRIVATE}
        data[SEALED] = seal(keyed, private, "draft", person_id, self.round_id, self.occurrence)
        return data

    @classmethod
    def opened(cls, keyed: KeyedHash, person_id: int, data: Mapping[str, Any]) -> Draft:
        """A stored draft, sealed or (stored before drafts were sealed) not. One that cannot
        be opened any more (the secret changed) starts again from the beginning."""
        data = dict(data)
        token = data.pop(SEALED, None)
        if isinstance(token, str):
            private = unseal(keyed, token, "draft", person_id, data.get("round"),
                             data.get("occurrence")) or {}
            data.update({key: private[key] for key in PRIVATE if key in private})
        return cls.from_data(data)

    # ---- reading -------------------------------------------------------------------------

    def current(self, steps: Sequence[Step]) -> Step:
        return steps[self.pos]

    def finished(self, steps: Sequence[Step]) -> bool:
        return self.pos >= len(steps)

    def message_key(self, step_key: str) -> str:
        """The key of the message that asks `step_key` (a later message replaces it)."""
        return f"pulse:{self.round_id}:{self.occurrence}:{step_key}"

    # ---- transitions ---------------------------------------------------------------------

    def answer(self, step: Step, answer: Answer) -> Draft:
        """The step answered (the person's place does not move: see `advance`)."""
        return replace(self, answers={**self.answers, step.key: answer})

    def consent(self, share: bool) -> Draft:
        return replace(self, share=share)

    def advance(self, steps: Sequence[Step]) -> Draft:
        """On to the next step; a follow-up "why" only follows an answered question."""
        pos = self.pos + 1
        while pos < len(steps) and steps[pos].why and steps[pos].key[:-4] not in self.answers:
            pos += 1
        return replace(self, pos=pos)

    def back(self, steps: Sequence[Step]) -> Draft:
        """Back to the previous step (skipping a "why" whose question was not answered);
        at the first step, nowhere."""
        if self.pos == 0:
            return self
        pos = self.pos - 1
        while pos > 0 and steps[pos].why and steps[pos].key[:-4] not in self.answers:
            pos -= 1
        return replace(self, pos=pos)

    def skip(self, steps: Sequence[Step]) -> Draft:
        """The current step left unanswered (and its "why" with it), then on. Skipping the
        consent step keeps no segments."""
        step = self.current(steps)
        answers = dict(self.answers)
        answers.pop(step.key, None)
        if not step.why:
            answers.pop(f"{step.key}.why", None)
        share = False if step.question is None else self.share
        return replace(self, answers=answers, share=share).advance(steps)

    def stop(self) -> Draft:
        return replace(self, paused=True)

    def resume(self) -> Draft:
        return replace(self, paused=False)
