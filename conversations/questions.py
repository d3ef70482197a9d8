"""A round's questions as the core reads them: typed values built from the JSON definitions
stored with the round (a snapshot, so editing the YAML never changes an open round)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from conversations.messages import localized
from conversations.ports import UnitOfWork


@dataclass(frozen=True)
class Choice:
    """One option of a choice question (`value` is what is stored)."""

    value: str
    label: Mapping[str, str]


@dataclass(frozen=True)
class Question:
    """One question: `kind` is "rating" (1-5), "choice" or "open"; texts are per locale."""

    id: str
    kind: str
    text: Mapping[str, str]
    choices: tuple[Choice, ...] = ()
    scale: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    follow_up: Mapping[str, str] | None = None  # an optional open "why?" after an answer

    @classmethod
    def from_definition(cls, raw: Mapping[str, Any]) -> Question:
        """From a stored definition (`Question.definition()`, as every round keeps them)."""
        return cls(
            id=str(raw["id"]),
            kind=str(raw["kind"]),
            text=dict(raw.get("text") or {}),
            choices=tuple(Choice(str(c["value"]), dict(c["label"]))
                          for c in raw.get("choices") or ()),
            scale={str(k): (str(v[0]), str(v[1])) for k, v in (raw.get("scale") or {}).items()},
            follow_up=dict(raw["follow_up"]) if raw.get("follow_up") else None,
        )

    @classmethod
    def from_content(cls, q: Any) -> Question:
        """From a question of a round template (prompts.loader)."""
        return cls(
            id=q.id,
            kind=q.kind,
            text=dict(q.text),
            choices=tuple(Choice(c.value, dict(c.label)) for c in q.choices),
            scale={k: (str(v[0]), str(v[1])) for k, v in q.scale_labels.items()},
            follow_up=dict(q.follow_up) if q.follow_up else None,
        )

    def definition(self) -> dict[str, Any]:
        """The JSON kept with a round."""
        return {
            "id": self.id,
            "kind": self.kind,
            "text": dict(self.text),
            "choices": [{"value": c.value, "label": dict(c.label)} for c in self.choices],
            "scale": {k: list(v) for k, v in self.scale.items()},
            "follow_up": dict(self.follow_up) if self.follow_up else None,
        }

    def choice_label(self, value: str, locale: str) -> str:
        """How a stored value reads: a choice's label, else the value itself."""
        for c in self.choices:
            if c.value == value:
                return localized(c.label, locale)
        return value


def commitment_of(definition: Mapping[str, Any]) -> tuple[str, int] | None:
    """(round, number) of the commitment a stored question asks about ("Have you seen progress
    on ...?", added when a round opens), or None for every other question."""
    ref = definition.get("commitment")
    if isinstance(ref, Mapping) and isinstance(ref.get("number"), int):
        return str(ref.get("round", "")), int(ref["number"])
    return None


async def questions_of(tx: UnitOfWork, round_id: str) -> list[Question]:
    """A round's questions, in order."""
    return [Question.from_definition(d) for d in await tx.rounds.questions(round_id)]
