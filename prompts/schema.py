"""The typed schema of content files (pydantic), the checks a schema cannot express, and the
JSON Schema files editors use (`python -m prompts.schema` rewrites prompts/schemas/*.json).

Four kinds of file: round question sets (rounds/*.yaml), learning tracks (tracks/*.yaml),
codebooks (codebooks/*.yaml) and mentorship programme definitions (mentorship/*.yaml).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    StringConstraints,
    TypeAdapter,
    WithJsonSchema,
    field_validator,
)

from prompts.model import ID_PATTERN, LOCALES, parse_window
from prompts.problems import Loc

Lang = Literal["en", "es"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Text = Annotated[StrictStr, StringConstraints(strip_whitespace=True, min_length=1)]
Id = Annotated[StrictStr, StringConstraints(pattern=ID_PATTERN)]
Url = Annotated[StrictStr, StringConstraints(pattern=r"^https?://[^\s<>\"']+$")]


def _as_texts(value: Any) -> Any:
    return {"en": value} if isinstance(value, str) else value


def _needs_english(value: dict[str, str]) -> dict[str, str]:
    if "en" not in value:
        raise ValueError("needs an English ('en') text: English is what every reader falls "
                         "back to")
    return value


_TEXTS_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "string", "minLength": 1, "description": "English text only"},
        {
            "type": "object",
            "description": "Text per language; English is required",
            "properties": {loc: {"type": "string", "minLength": 1} for loc in LOCALES},
            "required": ["en"],
            "additionalProperties": False,
        },
    ]
}
Texts = Annotated[
    dict[Lang, Text],
    BeforeValidator(_as_texts),
    AfterValidator(_needs_english),
    WithJsonSchema(_TEXTS_SCHEMA),
]


def _as_scale(value: Any) -> Any:
    return {"en": value} if isinstance(value, list) else value


_PAIR_SCHEMA: dict[str, Any] = {"type": "array", "items": {"type": "string", "minLength": 1},
                                "minItems": 2, "maxItems": 2}
Scale = Annotated[
    dict[Lang, Annotated[list[Text], Field(min_length=2, max_length=2)]],
    BeforeValidator(_as_scale),
    WithJsonSchema({"anyOf": [
        {**_PAIR_SCHEMA, "description": "English labels only: [label for 1, label for 5]"},
        {"type": "object", "description": "[label for 1, label for 5] per language",
         "properties": dict.fromkeys(LOCALES, _PAIR_SCHEMA), "additionalProperties": False},
    ]}),
]


def _window(value: str) -> str:
    parse_window(value)  # ValueError names the problem
    return value.strip()


Window = Annotated[StrictStr, AfterValidator(_window),
                   WithJsonSchema({"type": "string", "pattern": r"^\d\d:\d\d-\d\d:\d\d$",
                                   "description": "HH:MM-HH:MM in each person's time zone"})]


def _languages(value: list[str]) -> list[str]:
    if "en" not in value:
        raise ValueError("must include en (English is what every reader falls back to)")
    if len(set(value)) != len(value):
        raise ValueError("lists a language twice")
    return value


Languages = Annotated[list[Lang], AfterValidator(_languages),
                      Field(description="Languages every text of this file is written in")]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---- rounds ----------------------------------------------------------------------------------


class ChoiceSpec(_Spec):
    """One option of a choice question."""

    value: Annotated[StrictStr, StringConstraints(min_length=1, max_length=64),
                     Field(description="What is stored (quote yes/no/on/off)")]
    label: Texts


class QuestionSpec(_Spec):
    """One question: a 1-5 rating, a choice, or an open text answer."""

    id: Id
    kind: Literal["rating", "choice", "open"]
    text: Texts
    choices: list[ChoiceSpec] | None = Field(None, description="choice questions only (2+)")
    scale: Scale | None = Field(
        None, description="rating questions only: [label for 1, label for 5], one pair or a "
                          "pair per language")
    follow_up: Texts | None = Field(None, description="optional open 'why?' after a rating or "
                                                      "choice")


class ScheduleSpec(_Spec):
    """When invitations and reminders go out, in each person's own time zone."""

    every_days: Annotated[StrictInt, Field(ge=0, le=366)] = 0
    weekdays: Annotated[list[Weekday], Field(min_length=1)] = ["mon", "tue", "wed", "thu", "fri"]
    send_window: Window = "09:00-17:00"
    response_days: Annotated[StrictInt, Field(ge=1, le=366)] = 7
    reminders: Annotated[StrictInt, Field(ge=0, le=20)] = 2
    reminder_every_days: Annotated[StrictInt, Field(ge=1, le=366)] = 2


class RoundSpec(_Spec):
    """A round's question set, owner, audience and schedule (prompts/rounds/*.yaml)."""

    model_config = ConfigDict(title="Outward round")

    id: Id
    title: Texts
    owner: Texts = {"en": "the committee", "es": "el comité"}
    languages: Languages = ["en"]
    audience: dict[Literal["branch", "classification", "employment", "cohort"], Text] | None = (
        None)
    schedule: ScheduleSpec | None = None
    questions: Annotated[list[QuestionSpec], Field(min_length=1, max_length=40)]


# ---- learning tracks -------------------------------------------------------------------------


class StepSpec(_Spec):
    """One step of a track: a short reading, an optional activity and reflection question."""

    id: Id
    text: Texts
    activity: Texts | None = None
    reflection: Texts | None = None
    link: Url | None = None


class TrackSpec(_Spec):
    """A self-paced learning track delivered one step at a time (prompts/tracks/*.yaml)."""

    model_config = ConfigDict(title="Outward learning track")

    id: Id
    title: Texts
    summary: Texts | None = None
    languages: Languages = ["en"]
    cadence_days: Annotated[StrictInt, Field(ge=1, le=90)] = 7
    audience: dict[Literal["branch", "classification", "employment"], Text] | None = None
    steps: Annotated[list[StepSpec], Field(min_length=1, max_length=20)]


# ---- codebooks (aligned with storage.themes' codebook loader) --------------------------------


class ThemeSpec(_Spec):
    """A codebook theme: stable code, display name (English, or per language: every reader
    sees it in their own), keywords (single words or short phrases)."""

    code: Text
    name: Texts
    keywords: Annotated[list[Text], Field(min_length=1)]
    description: StrictStr | None = None


class CodebookSpecFile(_Spec):
    """An organisation's codebook for theming comments (prompts/codebooks/*.yaml)."""

    model_config = ConfigDict(title="Outward codebook")

    name: Text
    themes: Annotated[list[ThemeSpec], Field(min_length=1)]


# ---- mentorship programme definitions --------------------------------------------------------


class CadenceSpec(_Spec):
    """How often pairs get a check-in, from the cohort's start date."""

    every_days: Annotated[StrictInt, Field(ge=1, le=366)] = 14
    weekdays: Annotated[list[Weekday], Field(min_length=1)] = ["mon", "tue", "wed", "thu", "fri"]
    send_window: Window = "09:00-17:00"
    response_days: Annotated[StrictInt, Field(ge=1, le=366)] = 7


class MilestoneSpec(_Spec):
    """A milestone prompt at a fraction of the cohort (0 = start, 1 = last week)."""

    id: Id
    at: Annotated[float, Field(ge=0, le=1, description="0 = the start date, 1 = the last week")]
    text: Texts
    prepare: Texts | None = None
    prepare_days: Annotated[StrictInt, Field(ge=1, le=60)] | None = None
    review: Texts | None = None
    review_days: Annotated[StrictInt, Field(ge=1, le=60)] | None = None


class TopicSpec(_Spec):
    value: Annotated[StrictStr, StringConstraints(min_length=1, max_length=64)]
    label: Texts


class MentorshipSpec(_Spec):
    """A mentorship programme: cadence, matching priority, milestones, check-in topics
    (prompts/mentorship/*.yaml)."""

    model_config = ConfigDict(title="Outward mentorship programme")

    id: Id
    title: Texts
    languages: Languages = ["en"]
    cadence: CadenceSpec
    priority: list[Text] = Field(default_factory=list,
                                 description="applicant tags matched first, in order")
    milestones: list[MilestoneSpec] = Field(default_factory=list)
    topics: Annotated[list[TopicSpec], Field(min_length=1)]

    @field_validator("priority")
    @classmethod
    def _lower(cls, value: list[str]) -> list[str]:
        return [v.lower() for v in value]


SPECS: dict[str, type[_Spec]] = {
    "round": RoundSpec, "track": TrackSpec, "codebook": CodebookSpecFile,
    "mentorship": MentorshipSpec,
}

# The collections whose items are checked one by one (prompts.problems.ITEMS names them).
ITEM_SPECS: dict[str, type[_Spec]] = {
    "questions": QuestionSpec, "choices": ChoiceSpec, "steps": StepSpec,
    "milestones": MilestoneSpec, "topics": TopicSpec, "themes": ThemeSpec,
}


def field_names() -> set[str]:
    """Every field name of every kind of file (for "did you mean" hints)."""
    return {name for model in _Spec.__subclasses__() for name in model.model_fields}


# ---- what the checks can still look at in a file the schema refused -------------------------


def _field(model: type[_Spec], name: str, value: Any) -> Any:
    info = model.model_fields[name]
    kind: Any = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
    return TypeAdapter(kind).validate_python(value)


@dataclass(frozen=True)
class Broken:
    """An item of a collection with a schema error in it (a step whose id is missing): the
    checks skip it, except that its fields that passed still count when ids are compared."""

    fields: Mapping[str, Any]


def partial(model: type[_Spec], data: Any, errors: Sequence[Loc], top: bool = True) -> Any:
    """`model` built from the parts of `data` that passed the schema (`errors` are the
    locations of the ones that did not), so the checks below can still run on them. An item
    of a collection with an error in it is :class:`Broken` in its list, which keeps every
    other item's index; a field of the file itself with an error is None. Raises
    ValidationError if a part said to pass does not."""
    if not errors:
        return model.model_validate(data)
    if not isinstance(data, dict):
        return Broken({})
    values: dict[str, Any] = {}
    failed = False
    for name in model.model_fields:
        inner = [loc[1:] for loc in errors if loc[:1] == (name,)]
        if not inner:
            if name in data:
                values[name] = _field(model, name, data[name])
            continue
        items = data.get(name)
        if (name in ITEM_SPECS and isinstance(items, list)
                and all(loc and isinstance(loc[0], int) for loc in inner)):
            values[name] = [partial(ITEM_SPECS[name], item, [loc[1:] for loc in inner
                                                             if loc[0] == i], top=False)
                            for i, item in enumerate(items)]
        elif top:
            values[name] = None
        else:
            failed = True
    if failed:
        return Broken({k: v for k, v in values.items() if not isinstance(v, list)})
    return model.model_construct(**values)  # unknown fields were left out: nothing uses them


# ---- checks the schema cannot express --------------------------------------------------------

Check = Iterator[tuple[Loc, bool, str]]  # (location, point at the key, message)
LineOf = Callable[[Loc], int]


def _unique(items: list[Any], field: str, collection: str, noun: str, line: LineOf) -> Check:
    first: dict[str, int] = {}
    for i, item in enumerate(items or ()):
        key = item.fields.get(field) if isinstance(item, Broken) else getattr(item, field)
        if key is None:  # failed the schema (see partial)
            continue
        loc: Loc = (collection, i, field)
        if key in first:
            yield loc, False, (f"{noun} {field} '{key}' is used twice (first on line "
                               f"{first[key]}); give each {noun} its own {field}")
        first.setdefault(key, line(loc))


def _has(texts: Mapping[Any, Any] | None, languages: Sequence[str], loc: Loc, what: str
         ) -> Check:
    if texts is None:
        return
    missing = [lang for lang in languages if lang not in texts]
    if missing:
        names = ", ".join(repr(m) for m in missing)
        yield loc, False, (f"{what} has no {names} text (the file declares languages: "
                           f"{', '.join(languages)}); write it as "
                           f"{' and '.join(f'{m}: ...' for m in ['en', *missing])} lines, or "
                           f"take {' and '.join(missing)} out of languages")


def check_round(spec: RoundSpec, line: LineOf) -> Check:
    langs = list(spec.languages or ())
    yield from _has(spec.title, langs, ("title",), "title")
    yield from _has(spec.owner, langs, ("owner",), "owner")
    yield from _unique(spec.questions, "id", "questions", "question", line)
    for i, q in enumerate(spec.questions or ()):
        if isinstance(q, Broken):
            continue
        here: Loc = ("questions", i)
        name = f"question '{q.id}'"
        if q.kind == "choice":
            if q.choices is None or len(q.choices) < 2:
                yield (*here, "choices" if q.choices is not None else "kind"), False, (
                    f"{name}: a choice question needs at least two choices")
            else:
                def inner(loc: Loc, here: Loc = here) -> int:
                    return line((*here, *loc))

                yield from (((*here, *loc), key, f"{name}: {msg}") for loc, key, msg in
                            _unique(q.choices, "value", "choices", "choice", inner))
        elif q.choices is not None:
            yield (*here, "choices"), True, f"{name}: only choice questions have choices " \
                                            f"(this one is {q.kind})"
        if q.scale is not None and q.kind != "rating":
            yield (*here, "scale"), True, f"{name}: only rating questions have a scale " \
                                          f"(this one is {q.kind})"
        if q.follow_up is not None and q.kind == "open":
            yield (*here, "follow_up"), True, f"{name}: an open question cannot have a follow_up"
        yield from _has(q.text, langs, (*here, "text"), f"{name}: text")
        yield from _has(q.follow_up, langs, (*here, "follow_up"), f"{name}: follow_up")
        if q.kind == "rating" and q.scale is not None:
            yield from _has(q.scale, langs, (*here, "scale"), f"{name}: scale")
        for j, c in enumerate(q.choices or ()):
            if not isinstance(c, Broken):
                    yield from _has(c.label, langs, (*here, "choices", j, "label"),
                                f"{name}: choice '{c.value}': label")


MAX_STEP_CHARS = 1500  # a step is read in chat in a minute or two (bundled ones are < 400)


def check_track(spec: TrackSpec, line: LineOf) -> Check:
    langs = list(spec.languages or ())
    yield from _has(spec.title, langs, ("title",), "title")
    yield from _has(spec.summary, langs, ("summary",), "summary")
    yield from _unique(spec.steps, "id", "steps", "step", line)
    for i, s in enumerate(spec.steps or ()):
        if isinstance(s, Broken):
            continue
        for field in ("text", "activity", "reflection"):
            yield from _has(getattr(s, field), langs, ("steps", i, field),
                            f"step '{s.id}': {field}")
            for lang, text in (getattr(s, field) or {}).items():
                if len(text) > MAX_STEP_CHARS:
                    yield ("steps", i, field, lang), False, (
                        f"step '{s.id}': {field} ({lang}) is {len(text):,} characters, more "
                        f"than the {MAX_STEP_CHARS:,} a chat message should carry; split it "
                        "into two steps, or put the longer reading on a web page and its "
                        "address in the step's link: field")


def check_codebook(spec: CodebookSpecFile, line: LineOf) -> Check:
    yield from _unique(spec.themes, "code", "themes", "theme", line)
    for i, t in enumerate(spec.themes or ()):
        if not isinstance(t, Broken) and t.code == "other":
            yield ("themes", i, "code"), False, "theme code 'other' is reserved (comments that " \
                                                "match no theme are reported as other)"


def check_mentorship(spec: MentorshipSpec, line: LineOf) -> Check:
    langs = list(spec.languages or ())
    yield from _has(spec.title, langs, ("title",), "title")
    yield from _unique(spec.milestones, "id", "milestones", "milestone", line)
    yield from _unique(spec.topics, "value", "topics", "topic", line)
    for i, m in enumerate(spec.milestones or ()):
        if isinstance(m, Broken):
            continue
        for field in ("text", "prepare", "review"):
            yield from _has(getattr(m, field), langs, ("milestones", i, field),
                            f"milestone '{m.id}': {field}")
        for text, days in (("prepare", "prepare_days"), ("review", "review_days")):
            if getattr(m, days) is not None and getattr(m, text) is None:
                yield ("milestones", i, days), True, (
                    f"milestone '{m.id}': {days} has no effect without a {text} text")
    for i, t in enumerate(spec.topics or ()):
        if not isinstance(t, Broken):
                yield from _has(t.label, langs, ("topics", i, "label"), f"topic '{t.value}': label")


CHECKS: dict[str, Callable[[Any, LineOf], Check]] = {
    "round": check_round, "track": check_track, "codebook": check_codebook,
    "mentorship": check_mentorship,
}

# ---- JSON Schema -----------------------------------------------------------------------------

SCHEMA_DIR = Path(__file__).with_name("schemas")


def json_schemas() -> dict[str, str]:
    """File name -> JSON Schema text for each kind of content file."""
    out: dict[str, str] = {}
    for kind, spec in SPECS.items():
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema",
                  **spec.model_json_schema()}
        out[f"{kind}.schema.json"] = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    return out


def write_json_schemas(folder: Path = SCHEMA_DIR) -> list[Path]:
    """Rewrite the committed JSON Schema files from the models."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in json_schemas().items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":  # python -m prompts.schema
    for path in write_json_schemas():
        sys.stdout.write(f"wrote {path}\n")
