"""The content types the core uses: small frozen dataclasses, built from validated files.

`prompts.schema` validates the YAML files and builds these; nothing here reads a file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, cast

QuestionKind = Literal["rating", "choice", "open"]
LOCALES: tuple[str, ...] = ("en", "es")
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,62}$"
_WINDOW = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]|24):([0-5]\d)$")


def parse_window(text: str) -> tuple[int, int]:
    """'09:00-17:00' -> (540, 1020) minutes after midnight. Raises ValueError."""
    m = _WINDOW.match(text.strip())
    if not m:
        raise ValueError(f"{text!r} is not a time window like 09:00-17:00")
    start = int(m.group(1)) * 60 + int(m.group(2))
    end = int(m.group(3)) * 60 + int(m.group(4))
    if end > 24 * 60:
        raise ValueError(f"{text!r} ends after 24:00")
    if start == end:
        raise ValueError(f"{text!r} is empty")
    return start, end


@dataclass(frozen=True)
class Choice:
    """One option of a choice question (`value` is what is stored)."""

    value: str
    label: Mapping[str, str]


def _commitment(ref: Any) -> tuple[str, int] | None:
    """A stored definition's `commitment` ({"round", "number"}) as (round, number)."""
    if isinstance(ref, Mapping) and isinstance(ref.get("number"), int):
        return str(ref.get("round", "")), int(ref["number"])
    return None


@dataclass(frozen=True)
class Question:
    """One question of a question set. Text is per locale."""

    id: str
    kind: QuestionKind
    text: Mapping[str, str]
    choices: tuple[Choice, ...] = ()
    scale_labels: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    follow_up: Mapping[str, str] | None = None  # optional open "why?" asked after a rating/choice
    # (round, number) of the commitment a "Have you seen progress on ...?" rating asks about
    commitment: tuple[str, int] | None = None

    def localized(self, locale: str) -> str:
        return self.text.get(locale) or self.text["en"]

    @classmethod
    def from_definition(cls, raw: Mapping[str, Any]) -> Question:
        """From a stored definition (`definition()`): every round keeps a snapshot of its
        questions, so editing the YAML never changes an open round."""
        kind = str(raw["kind"])
        if kind not in ("rating", "choice", "open"):
            raise ValueError(f"unknown question kind {kind!r}")
        return cls(
            id=str(raw["id"]),
            kind=cast(QuestionKind, kind),
            text=dict(raw.get("text") or {}),
            choices=tuple(Choice(str(c["value"]), dict(c["label"]))
                          for c in raw.get("choices") or ()),
            scale_labels={str(k): (str(v[0]), str(v[1]))
                          for k, v in (raw.get("scale") or {}).items()},
            follow_up=dict(raw["follow_up"]) if raw.get("follow_up") else None,
            commitment=_commitment(raw.get("commitment")),
        )

    def definition(self) -> dict[str, Any]:
        """The JSON kept with a round."""
        out: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "text": dict(self.text),
            "choices": [{"value": c.value, "label": dict(c.label)} for c in self.choices],
            "scale": {k: list(v) for k, v in self.scale_labels.items()},
            "follow_up": dict(self.follow_up) if self.follow_up else None,
        }
        if self.commitment is not None:
            out["commitment"] = {"round": self.commitment[0], "number": self.commitment[1]}
        return out

    def choice_label(self, value: str, locale: str) -> str:
        """How a stored value reads: a choice's label (locale, else English), else the value."""
        for c in self.choices:
            if c.value == value:
                return str(c.label.get(locale) or c.label.get("en") or "")
        return value


@dataclass(frozen=True)
class Schedule:
    """When a round's invitations and reminders go out, in each person's own time zone."""

    every_days: int = 0  # 0 = once; 7 = weekly; 14 = fortnightly
    weekdays: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
    send_window: str = "09:00-17:00"
    response_days: int = 7
    reminders: int = 2
    reminder_every_days: int = 2


@dataclass(frozen=True)
class RoundTemplate:
    """A round's default definition: questions + audience + schedule."""

    id: str
    title: Mapping[str, str]
    owner: Mapping[str, str]  # who reads the results, e.g. "the Equity Committee"
    questions: tuple[Question, ...]
    audience: Mapping[str, str]  # empty = everyone; else segment filters, e.g. {"branch": "X"}
    schedule: Schedule
    source: str
    languages: tuple[str, ...] = ("en",)  # every text is complete in these


@dataclass(frozen=True)
class TrackStep:
    """One step of a learning track: a short reading, an optional activity and reflection."""

    id: str
    text: Mapping[str, str]
    activity: Mapping[str, str] | None = None
    reflection: Mapping[str, str] | None = None
    link: str = ""


@dataclass(frozen=True)
class Track:
    """A self-paced learning track delivered one step at a time."""

    id: str
    title: Mapping[str, str]
    summary: Mapping[str, str]
    cadence_days: int
    steps: tuple[TrackStep, ...]
    source: str
    languages: tuple[str, ...] = ("en",)


@dataclass(frozen=True)
class CodebookEntry:
    """One theme of an organisation's codebook: stable code, display name, keywords (lower case,
    single spaces)."""

    code: str
    name: str  # English
    keywords: tuple[str, ...]
    description: str = ""
    names: tuple[tuple[str, str], ...] = ()  # (locale, name) for every language it has

    def name_in(self, locale: str) -> str:
        """The name in `locale`, else in English."""
        return dict(self.names).get(locale) or self.name


@dataclass(frozen=True)
class CodebookSpec:
    """A validated codebook file (`id` is the file name without .yaml)."""

    id: str
    name: str
    themes: tuple[CodebookEntry, ...]
    source: str
