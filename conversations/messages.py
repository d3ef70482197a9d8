"""Neutral outbound messages; adapters render them (Block Kit, Adaptive Cards, terminal text)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Unicode bidirectional embeddings, overrides and isolates (U+202A..U+202E, U+2066..U+2069):
# text a user wrote could reorder what the bot's reply appears to say ("Trojan Source").
BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def without_bidi(text: str) -> str:
    return text.translate(BIDI_CONTROLS)


def localized(texts: Any, locale: str) -> str:
    """A content text in the person's locale, else English, else "" (texts: locale -> text)."""
    if isinstance(texts, Mapping):
        return str(texts.get(locale) or texts.get("en") or "")
    return str(texts or "")


@dataclass(frozen=True)
class Button:
    """A button; pressing it comes back as ButtonPressed(action, value)."""

    label: str
    action: str
    value: str
    style: str = ""  # "" | "primary" | "danger"


@dataclass(frozen=True)
class TextInput:
    """An open-text answer box; submitting it comes back as FormSubmitted(form, {name: text})."""

    form: str
    name: str
    label: str
    max_length: int = 4000
    submit: str = ""  # the send button's label, in the reader's language (adapters: "Send")


@dataclass(frozen=True)
class Message:
    """One message to a person.

    `text` is plain text with *bold* the only markup. Text a user wrote is passed in `quotes`, not
    mixed into `text`, so every adapter can escape it for its platform.
    `key` names the message so a later message with `replaces=key` updates it in place (e.g. an
    answered question loses its buttons); adapters that cannot update just send the new one.
    `private` asks for an ephemeral reply where the platform has them (slash commands).
    `chart` is a bar chart as data, (label, share 0..1) per bar, with `chart_title`, for
    platforms that show images (adapters.chart draws it with its labels and values); the text
    always carries the same numbers.
    `bars` are shares as data for text displays: (line, share 0..1) where line `line` of `text`
    (0-based) states that share as a percent. A terminal may draw a bar under that line; chat
    platforms show nothing for them, because a screen reader reads a text bar ("█████░░░")
    aloud character by character (WCAG 1.1.1: the line's percent already says it).
    `direct` means: deliver to the person's one-to-one chat with the bot, whatever conversation
    the event came from (never to a channel or group chat, and never as an ephemeral reply
    there); it wins over `private`. The router sets it on everything but help and privacy
    when an event comes from outside that chat (surveys and results live only there)."""

    text: str
    buttons: tuple[Button, ...] = ()
    text_input: TextInput | None = None
    quotes: tuple[str, ...] = ()
    key: str = ""
    replaces: str = ""
    private: bool = False
    chart: tuple[tuple[str, float], ...] = ()
    direct: bool = False
    chart_title: str = ""
    bars: tuple[tuple[int, float], ...] = ()

    def __post_init__(self) -> None:
        # nothing the bot posts carries a bidirectional control, whatever it quotes
        object.__setattr__(self, "text", without_bidi(self.text))
        object.__setattr__(self, "quotes", tuple(without_bidi(q) for q in self.quotes))
        object.__setattr__(self, "chart", tuple((without_bidi(label), share)
                                                for label, share in self.chart))
        object.__setattr__(self, "chart_title", without_bidi(self.chart_title))


@dataclass(frozen=True)
class Outcome:
    """The result of an action shared by chat and the CLI: a catalog key and its values,
    rendered in the reader's locale."""

    ok: bool
    key: str
    values: Mapping[str, Any] = field(default_factory=dict)
