"""Load and validate the YAML content in this package (or an admin's own files).

Every error names the file, the item and what is wrong, so an admin editing a question bank gets
one clear line instead of a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml

QuestionKind = Literal["rating", "choice", "open"]
LOCALES: tuple[str, ...] = ("en", "es")
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_WINDOW = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]|24):([0-5]\d)$")
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class ContentError(ValueError):
    """A content file is invalid; the message names the file, the item and the problem."""


@dataclass(frozen=True)
class Choice:
    """One option of a choice question (`value` is what is stored)."""

    value: str
    label: Mapping[str, str]


@dataclass(frozen=True)
class Question:
    """One question of a question set. Text is per locale."""

    id: str
    kind: QuestionKind
    text: Mapping[str, str]
    choices: tuple[Choice, ...] = ()
    scale_labels: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    follow_up: Mapping[str, str] | None = None  # optional open "why?" asked after a rating/choice

    def localized(self, locale: str) -> str:
        return self.text.get(locale) or self.text["en"]


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
    audience: Mapping[
        str, str
    ]  # empty = everyone; else segment filters, e.g. {"branch": "Central"}
    schedule: Schedule
    source: str


def _fail(source: str, item: str, problem: str) -> ContentError:
    return ContentError(f"{source}: {item}: {problem}")


def _texts(raw: Any, source: str, item: str, what: str) -> dict[str, str]:
    if isinstance(raw, str):
        raw = {"en": raw}
    if not isinstance(raw, dict) or not raw:
        raise _fail(source, item, f"{what} must be a text or a mapping of locale to text")
    out: dict[str, str] = {}
    for loc, text in raw.items():
        if loc not in LOCALES:
            raise _fail(
                source, item, f"{what} has unknown locale {loc!r} (known: {', '.join(LOCALES)})"
            )
        if not isinstance(text, str) or not text.strip():
            raise _fail(source, item, f"{what} in {loc!r} is empty")
        out[loc] = text.strip()
    if "en" not in out:
        raise _fail(source, item, f"{what} needs an English ('en') text")
    return out


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


def _question(raw: Any, source: str, index: int, seen: set[str]) -> Question:
    if not isinstance(raw, dict):
        raise _fail(source, f"question #{index + 1}", "must be a mapping with id, kind and text")
    qid = raw.get("id")
    if not isinstance(qid, str) or not _ID.match(qid):
        raise _fail(
            source,
            f"question #{index + 1}",
            f"id {qid!r} must be lowercase letters, digits, - or _",
        )
    item = f"question {qid!r}"
    if qid in seen:
        raise _fail(source, item, "id is used twice")
    seen.add(qid)
    unknown = set(raw) - {"id", "kind", "text", "choices", "scale", "follow_up"}
    if unknown:
        raise _fail(source, item, f"unknown field(s): {', '.join(sorted(unknown))}")
    kind = raw.get("kind")
    if kind not in ("rating", "choice", "open"):
        raise _fail(source, item, f"kind {kind!r} must be rating, choice or open")
    text = _texts(raw.get("text"), source, item, "text")
    choices: list[Choice] = []
    scale: dict[str, tuple[str, str]] = {}
    if kind == "choice":
        raw_choices = raw.get("choices")
        if not isinstance(raw_choices, list) or len(raw_choices) < 2:
            raise _fail(source, item, "a choice question needs at least two choices")
        values: set[str] = set()
        for c in raw_choices:
            if not isinstance(c, dict) or not isinstance(c.get("value"), str):
                raise _fail(source, item, "each choice needs a value and a label")
            if c["value"] in values:
                raise _fail(source, item, f"choice value {c['value']!r} is used twice")
            values.add(c["value"])
            choices.append(Choice(c["value"], _texts(c.get("label"), source, item, "choice label")))
    elif raw.get("choices") is not None:
        raise _fail(source, item, f"only choice questions have choices (this one is {kind})")
    if kind == "rating":
        raw_scale = raw.get("scale") or {}
        if not isinstance(raw_scale, dict):
            raise _fail(source, item, "scale must map locale to [low label, high label]")
        for loc, pair in raw_scale.items():
            if loc not in LOCALES or not isinstance(pair, list) or len(pair) != 2:
                raise _fail(source, item, f"scale for {loc!r} must be [low label, high label]")
            scale[loc] = (str(pair[0]), str(pair[1]))
    follow = raw.get("follow_up")
    follow_up = _texts(follow, source, item, "follow_up") if follow is not None else None
    if follow_up is not None and kind == "open":
        raise _fail(source, item, "an open question cannot have a follow_up")
    return Question(qid, kind, text, tuple(choices), scale, follow_up)


def _schedule(raw: Any, source: str) -> Schedule:
    if raw is None:
        return Schedule()
    if not isinstance(raw, dict):
        raise _fail(source, "schedule", "must be a mapping")
    unknown = set(raw) - set(Schedule.__dataclass_fields__)
    if unknown:
        raise _fail(source, "schedule", f"unknown field(s): {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    for name in ("every_days", "response_days", "reminders", "reminder_every_days"):
        if name in raw:
            v = raw[name]
            if not isinstance(v, int) or isinstance(v, bool) or v < 0 or v > 366:
                raise _fail(source, f"schedule.{name}", f"{v!r} must be a whole number 0-366")
            values[name] = v
    if values.get("response_days", 1) < 1:
        raise _fail(source, "schedule.response_days", "must be at least 1")
    if values.get("reminder_every_days", 1) < 1:
        raise _fail(source, "schedule.reminder_every_days", "must be at least 1")
    if "weekdays" in raw:
        days = raw["weekdays"]
        if not isinstance(days, list) or not days or any(d not in WEEKDAYS for d in days):
            raise _fail(
                source, "schedule.weekdays", f"must be a list drawn from {', '.join(WEEKDAYS)}"
            )
        values["weekdays"] = tuple(days)
    if "send_window" in raw:
        try:
            parse_window(str(raw["send_window"]))
        except ValueError as exc:
            raise _fail(source, "schedule.send_window", str(exc)) from None
        values["send_window"] = str(raw["send_window"])
    return Schedule(**values)


def _read_yaml(path: Path | str, text: str | None, shape: str) -> dict[str, Any]:
    """A YAML mapping from `text` (or the file); errors name the file."""
    source = str(path)
    try:
        data = yaml.safe_load(text if text is not None else Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ContentError(f"{source}: not valid YAML: {exc}".replace("\n", " ")) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(f"{source}: cannot read: {exc}") from None
    if not isinstance(data, dict):
        raise ContentError(f"{source}: must be {shape}")
    return data


def load_round_template(path: Path | str, text: str | None = None) -> RoundTemplate:
    """Parse one round file (question set + audience + schedule)."""
    source = str(path)
    data = _read_yaml(path, text, "a mapping with id, title and questions")
    rid = data.get("id")
    if not isinstance(rid, str) or not _ID.match(rid):
        raise _fail(source, "id", f"{rid!r} must be lowercase letters, digits, - or _")
    raw_qs = data.get("questions")
    if not isinstance(raw_qs, list) or not raw_qs:
        raise _fail(source, "questions", "must be a non-empty list")
    seen: set[str] = set()
    questions = tuple(_question(q, source, i, seen) for i, q in enumerate(raw_qs))
    audience = data.get("audience") or {}
    if not isinstance(audience, dict) or any(
        k not in ("branch", "classification", "employment", "cohort") or not isinstance(v, str)
        for k, v in audience.items()
    ):
        raise _fail(
            source, "audience", "must map branch/classification/employment/cohort to a value"
        )
    return RoundTemplate(
        id=rid,
        title=_texts(data.get("title"), source, "title", "title"),
        owner=_texts(data.get("owner", "the committee"), source, "owner", "owner"),
        questions=questions,
        audience=dict(audience),
        schedule=_schedule(data.get("schedule"), source),
        source=source,
    )


def builtin_round_templates() -> dict[str, RoundTemplate]:
    """The round definitions shipped in prompts/rounds/*.yaml, by id."""
    out: dict[str, RoundTemplate] = {}
    folder = resources.files("prompts").joinpath("rounds")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith((".yaml", ".yml")):
            tpl = load_round_template(f"prompts/rounds/{entry.name}", entry.read_text("utf-8"))
            out[tpl.id] = tpl
    return out


@dataclass(frozen=True)
class Catalog:
    """Interface texts per locale, with English as the fallback."""

    texts: Mapping[str, Mapping[str, str]]

    def text(self, locale: str, key: str, **values: object) -> str:
        table = self.texts.get(locale) or self.texts["en"]
        template = table.get(key) or self.texts["en"][key]
        return template.format(**values) if values else template


def load_catalog() -> Catalog:
    """The interface texts in prompts/i18n/*.yaml; every locale must have every English key."""
    texts: dict[str, dict[str, str]] = {}
    folder = resources.files("prompts").joinpath("i18n")
    for loc in LOCALES:
        source = f"prompts/i18n/{loc}.yaml"
        try:
            data = yaml.safe_load(folder.joinpath(f"{loc}.yaml").read_text("utf-8"))
        except yaml.YAMLError as exc:
            raise ContentError(f"{source}: not valid YAML: {exc}".replace("\n", " ")) from None
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            raise ContentError(f"{source}: must map message keys to texts")
        texts[loc] = {str(k): v.rstrip("\n") for k, v in data.items()}
    missing = set(texts["en"]) - set(texts["es"])
    if missing:
        raise ContentError(f"prompts/i18n/es.yaml: missing key(s): {', '.join(sorted(missing))}")
    return Catalog(texts)


def sample_roster_csv() -> str:
    """The bundled fictional organisation (CSV text) loaded by `--sample`."""
    return resources.files("prompts").joinpath("sample/organisation.csv").read_text("utf-8")


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


_URL = re.compile(r"^https?://[^\s<>\"']+$")


def load_track(path: Path | str, text: str | None = None) -> Track:
    """Parse and validate one track file; errors name the file, the step and the problem."""
    source = str(path)
    data = _read_yaml(path, text, "a mapping with id, title and steps")
    tid = data.get("id")
    if not isinstance(tid, str) or not _ID.match(tid):
        raise _fail(source, "id", f"{tid!r} must be lowercase letters, digits, - or _")
    unknown = set(data) - {"id", "title", "summary", "cadence_days", "steps", "audience"}
    if unknown:
        raise _fail(source, "track", f"unknown field(s): {', '.join(sorted(unknown))}")
    cadence = data.get("cadence_days", 7)
    if not isinstance(cadence, int) or isinstance(cadence, bool) or not 1 <= cadence <= 90:
        raise _fail(source, "cadence_days", f"{cadence!r} must be a whole number 1-90")
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not 1 <= len(raw_steps) <= 20:
        raise _fail(source, "steps", "must be a list of 1-20 steps")
    steps: list[TrackStep] = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_steps):
        if not isinstance(raw, dict):
            raise _fail(source, f"step #{i + 1}", "must be a mapping with id and text")
        sid = raw.get("id")
        if not isinstance(sid, str) or not _ID.match(sid):
            raise _fail(
                source, f"step #{i + 1}", f"id {sid!r} must be lowercase letters, digits, -"
            )
        item = f"step {sid!r}"
        if sid in seen:
            raise _fail(source, item, "id is used twice")
        seen.add(sid)
        bad = set(raw) - {"id", "text", "activity", "reflection", "link"}
        if bad:
            raise _fail(source, item, f"unknown field(s): {', '.join(sorted(bad))}")
        link = raw.get("link") or ""
        if link and (not isinstance(link, str) or not _URL.match(link)):
            raise _fail(source, item, f"link {link!r} must be an http(s) URL")
        steps.append(
            TrackStep(
                id=sid,
                text=_texts(raw.get("text"), source, item, "text"),
                activity=_texts(raw["activity"], source, item, "activity")
                if raw.get("activity")
                else None,
                reflection=_texts(raw["reflection"], source, item, "reflection")
                if raw.get("reflection")
                else None,
                link=link,
            )
        )
    return Track(
        id=tid,
        title=_texts(data.get("title"), source, "title", "title"),
        summary=_texts(data.get("summary", data.get("title")), source, "summary", "summary"),
        cadence_days=cadence,
        steps=tuple(steps),
        source=source,
    )


def builtin_tracks() -> dict[str, Track]:
    """The learning tracks shipped in prompts/tracks/*.yaml, by id."""
    out: dict[str, Track] = {}
    folder = resources.files("prompts").joinpath("tracks")
    if not folder.is_dir():
        return out
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith((".yaml", ".yml")):
            track = load_track(f"prompts/tracks/{entry.name}", entry.read_text("utf-8"))
            out[track.id] = track
    return out
