"""Loading every kind of content, bundled and from an organisation's own folder.

The bundled files live in this package (rounds/, tracks/, codebooks/, mentorship/). An
organisation's folder (OUTWARD_CONTENT_DIR) has the same four sub-folders; a file there adds a
round, track, codebook or programme, or replaces the bundled one with the same id. Every
problem is reported as ``FILE:LINE: message``; nothing half-valid is ever used.

Entry points: :func:`load_content` (start-up), :func:`validate_files` and
:func:`validation_report` (``python -m bot rounds validate``), :func:`round_listing`
(``python -m bot rounds list``), :func:`read_codebook` (the theming codebook) and
:func:`mentorship_definition` (the programme a new mentorship cohort snapshots).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from prompts.files import MB, TooLarge, read_at_most
from prompts.model import (
    Choice,
    CodebookEntry,
    CodebookSpec,
    Question,
    RoundTemplate,
    Schedule,
    Track,
    TrackStep,
)
from prompts.problems import (
    ContentError,
    Problem,
    YamlDoc,
    describe,
    line_of,
    read_yaml,
)
from prompts.schema import (
    CHECKS,
    SPECS,
    CodebookSpecFile,
    MentorshipSpec,
    RoundSpec,
    TrackSpec,
    field_names,
    partial,
)

SETTING = "OUTWARD_CONTENT_DIR"
BUNDLED = "bundled"
FOLDERS: dict[str, str] = {
    "rounds": "round", "tracks": "track", "codebooks": "codebook", "mentorship": "mentorship",
}
_SHAPE = {
    "round": "id, title and questions", "track": "id, title and steps",
    "codebook": "name and themes", "mentorship": "id, title, cadence, milestones and topics",
}
MAX_FILE_BYTES = 1 * MB  # a round, track, codebook or programme file (README: "Rounds")
DEFAULT_CODEBOOK = "workplace"
FIELD_NAMES = frozenset(field_names())


@dataclass(frozen=True)
class Loaded:
    """One valid content file: its kind, id, what the core uses, and where it came from."""

    kind: str
    id: str
    value: Any  # RoundTemplate | Track | CodebookSpec | dict (mentorship definition)
    source: str
    line: int  # of the id


@dataclass(frozen=True)
class Content:
    """Everything the core can use, by id, with where each item came from."""

    rounds: Mapping[str, RoundTemplate] = field(default_factory=dict)
    tracks: Mapping[str, Track] = field(default_factory=dict)
    codebooks: Mapping[str, CodebookSpec] = field(default_factory=dict)
    mentorship: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    origins: Mapping[tuple[str, str], str] = field(default_factory=dict)  # (kind, id) -> origin

    def origin(self, kind: str, item_id: str) -> str:
        """'bundled', or the file in the organisation's folder."""
        return self.origins.get((kind, item_id), BUNDLED)


# ---- one file --------------------------------------------------------------------------------


def _build(kind: str, spec: Any, source: str) -> tuple[str, Any]:
    if kind == "round":
        return spec.id, _round(spec, source)
    if kind == "track":
        return spec.id, _track(spec, source)
    if kind == "codebook":
        return Path(source).stem, _codebook(spec, source)
    return spec.id, mentorship_dict(spec)


def _schema(kind: str, source: str, doc: YamlDoc) -> tuple[Any, list[Problem]]:
    """(the spec, no problems), or (the parts that passed, the schema's problems): a file
    with a wrong type in one step is still checked for duplicate ids, missing languages ..."""
    try:
        return SPECS[kind].model_validate(doc.data), []
    except ValidationError as exc:
        errors = exc.errors()
    problems = []
    for error in errors:
        loc, key, message = describe(error, doc.data, FIELD_NAMES)
        problems.append(Problem(source, line_of(doc.node, loc, key), message))
    places = [tuple(p for p in error["loc"] if p != "[key]") for error in errors]
    try:
        return partial(SPECS[kind], doc.data, places), problems
    except ValidationError:  # not expected: then only the schema's problems are reported
        return None, problems


def parse(kind: str, source: str, text: str) -> tuple[Loaded | None, list[Problem]]:
    """Validate one file's text as `kind` ('round', 'track', 'codebook' or 'mentorship')."""
    doc, problems = read_yaml(source, text)
    if doc is None:
        return None, problems
    if not isinstance(doc.data, dict):
        problems.append(Problem(source, line_of(doc.node, ()),
                                f"must be a mapping with {_SHAPE[kind]}"))
        return None, problems
    spec, schema_problems = _schema(kind, source, doc)
    problems += schema_problems
    if spec is not None:  # the checks run on what passed the schema, so one run finds all
        for loc, key, message in CHECKS[kind](spec, lambda loc: line_of(doc.node, loc)):
            problems.append(Problem(source, line_of(doc.node, loc, key), message))
    if problems:
        return None, sorted(problems, key=lambda p: p.line)
    item_id, value = _build(kind, spec, source)
    id_line = line_of(doc.node, ("id",)) if kind != "codebook" else 1
    return Loaded(kind, item_id, value, source, id_line), []


def read_content_file(path: Path) -> tuple[str | None, Problem | None]:
    """The text of a content file, or the problem reading it (too large, not UTF-8 ...)."""
    try:
        text = read_at_most(path, MAX_FILE_BYTES).decode("utf-8")
        return text.replace("\r\n", "\n").replace("\r", "\n"), None  # as read_text did
    except TooLarge as exc:
        return None, Problem(str(path), 1, f"{exc}, the most a content file may be")
    except UnicodeDecodeError:
        return None, Problem(str(path), 1, "is not UTF-8 text")
    except OSError as exc:
        return None, Problem(str(path), 1, f"cannot be read: {exc.strerror or exc}")


def kind_of(path: Path, data: Any) -> str | None:
    """What a file is: from its folder (rounds/, tracks/ ...), else from its top-level keys."""
    if path.parent.name in FOLDERS:
        return FOLDERS[path.parent.name]
    if isinstance(data, dict):
        for key, kind in (("questions", "round"), ("steps", "track"), ("themes", "codebook"),
                          ("milestones", "mentorship"), ("topics", "mentorship")):
            if key in data:
                return kind
    return None


def load_file(path: Path, kind: str | None = None) -> tuple[Loaded | None, list[Problem]]:
    """Read and validate one file; its kind comes from its folder or its keys when not given."""
    text, problem = read_content_file(path)
    if text is None:
        return None, [problem] if problem else []
    if kind is None:
        doc, problems = read_yaml(str(path), text)
        if doc is None:
            return None, problems
        kind = kind_of(path, doc.data)
        if kind is None:
            return None, [Problem(str(path), 1, "cannot tell what this file is: put it in "
                                               "rounds/, tracks/, codebooks/ or mentorship/, or "
                                               "give it questions, steps, themes or milestones")]
    return parse(kind, str(path), text)


# ---- folders ---------------------------------------------------------------------------------


def _is_yaml(name: str) -> bool:
    return name.endswith((".yaml", ".yml")) and not name.startswith(".")


def _folder_files(folder: Path) -> tuple[list[tuple[str, Path]], list[Problem]]:
    """(kind, file) for every YAML file in a content folder; stray YAML is a problem."""
    files: list[tuple[str, Path]] = []
    problems: list[Problem] = []
    for entry in sorted(folder.iterdir()):
        if entry.is_dir() and entry.name in FOLDERS:
            files += [(FOLDERS[entry.name], f) for f in sorted(entry.iterdir())
                      if f.is_file() and _is_yaml(f.name)]
        elif entry.is_file() and _is_yaml(entry.name):
            problems.append(Problem(str(entry), 1, "not read: content files go in rounds/, "
                                                   "tracks/, codebooks/ or mentorship/"))
        elif entry.is_dir() and any(_is_yaml(f.name) for f in entry.iterdir()):
            problems.append(Problem(str(entry), 1, f"folder {entry.name}/ is not read: content "
                                                   "folders are rounds/, tracks/, codebooks/ "
                                                   "and mentorship/"))
    return files, problems


def _no_duplicates(items: Sequence[Loaded]) -> list[Problem]:
    first: dict[tuple[str, str], Loaded] = {}
    problems = []
    for item in items:
        key = (item.kind, item.id)
        if key in first:
            other = first[key]
            problems.append(Problem(item.source, item.line,
                                    f"{item.kind} id '{item.id}' is also used by "
                                    f"{other.source}:{other.line}"))
        first.setdefault(key, item)
    return problems


def _bundled() -> list[Loaded]:
    out: list[Loaded] = []
    problems: list[Problem] = []
    root = resources.files("prompts")
    for folder, kind in FOLDERS.items():
        entries = root.joinpath(folder)
        if not entries.is_dir():
            continue
        for entry in sorted(entries.iterdir(), key=lambda e: e.name):
            if _is_yaml(entry.name):
                item, found = parse(kind, f"prompts/{folder}/{entry.name}",
                                    entry.read_text("utf-8"))
                problems += found
                if item is not None:
                    out.append(item)
    problems += _no_duplicates(out)
    if problems:
        raise ContentError(problems)
    return out


def _assemble(layers: Iterable[tuple[str, Sequence[Loaded]]]) -> Content:
    tables: dict[str, dict[str, Any]] = {kind: {} for kind in FOLDERS.values()}
    origins: dict[tuple[str, str], str] = {}
    for origin, items in layers:
        for item in items:
            tables[item.kind][item.id] = item.value
            origins[(item.kind, item.id)] = origin if origin == BUNDLED else item.source
    return Content(rounds=tables["round"], tracks=tables["track"],
                   codebooks=tables["codebook"], mentorship=tables["mentorship"],
                   origins=origins)


def load_content(content_dir: str | Path | None = None, setting: str = SETTING) -> Content:
    """The bundled content, with the organisation's folder (if any) adding to it and replacing
    items by id. Raises :class:`ContentError` listing every problem, naming `setting`."""
    bundled = _bundled()
    if not content_dir:
        return _assemble([(BUNDLED, bundled)])
    folder = Path(content_dir)
    if not folder.is_dir():
        raise ContentError([Problem(str(folder), 1, "is not a directory")], setting)
    files, problems = _folder_files(folder)
    own, found = _load_all(files)
    problems += found
    if problems:
        raise ContentError(problems, setting)
    return _assemble([(BUNDLED, bundled), (str(folder), own)])


# ---- the CLI's `rounds validate` and `rounds list` -------------------------------------------


def _expand(paths: Sequence[str | Path]) -> tuple[list[tuple[str | None, Path]], list[Problem]]:
    files: list[tuple[str | None, Path]] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir() and path.name in FOLDERS:  # e.g. my-content/rounds
            files += [(FOLDERS[path.name], f) for f in sorted(path.iterdir())
                      if f.is_file() and _is_yaml(f.name)]
        elif path.is_dir():
            found, stray = _folder_files(path)
            files += found
            problems += stray
            if not found and not stray:
                problems.append(Problem(str(path), 1, "has no rounds/, tracks/, codebooks/ or "
                                                      "mentorship/ YAML files"))
        else:
            files.append((None, path))
    return files, problems


def _validate(paths: Sequence[str | Path]) -> tuple[list[Loaded], list[Problem]]:
    files, problems = _expand(paths)
    valid, found = _load_all(files)
    return valid, problems + found


def _load_all(files: Sequence[tuple[str | None, Path]]) -> tuple[list[Loaded], list[Problem]]:
    """Every file loaded and checked, then checked together for ids given twice."""
    loaded: list[Loaded] = []
    problems: list[Problem] = []
    for kind, path in files:
        item, found = load_file(path, kind)
        problems += found
        if item is not None:
            loaded.append(item)
    return loaded, problems + _no_duplicates(loaded)


def validate_files(paths: Sequence[str | Path]) -> list[Problem]:
    """Every problem in these files (or content folders), by the rules start-up applies."""
    return _validate(paths)[1]


def _summary(item: Loaded) -> str:
    v = item.value
    def count(n: int, what: str) -> str:
        return f"{n} {what}{'' if n == 1 else 's'}"

    if item.kind == "round":
        return (f"round '{item.id}', {count(len(v.questions), 'question')}, "
                f"languages {', '.join(v.languages)}")
    if item.kind == "track":
        return (f"track '{item.id}', {count(len(v.steps), 'step')}, "
                f"languages {', '.join(v.languages)}")
    if item.kind == "codebook":
        return f"codebook '{item.id}', {count(len(v.themes), 'theme')}"
    return f"mentorship programme '{item.id}', {count(len(v['milestones']), 'milestone')}"


def validation_report(paths: Sequence[str | Path]) -> tuple[int, list[str]]:
    """(exit status, lines): one ``FILE:LINE: message`` per problem and status 1, or one
    "FILE: OK (...)" line per file and status 0."""
    valid, problems = _validate(paths)
    if problems:
        return 1, [str(p) for p in problems]
    return 0, [f"{item.source}: OK ({_summary(item)})" for item in valid]


def round_listing(content: Content) -> list[str]:
    """The rounds that can be started: id, questions, languages, where from, title."""
    rows = [("ID", "QUESTIONS", "LANGUAGES", "FROM", "TITLE")]
    for rid in sorted(content.rounds):
        tpl = content.rounds[rid]
        rows.append((rid, str(len(tpl.questions)), ",".join(tpl.languages),
                     content.origin("round", rid), tpl.title["en"]))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return ["  ".join(c.ljust(w) for c, w in zip(r[:4], widths, strict=True)) + "  " + r[4]
            for r in rows]


# ---- building what the core uses -------------------------------------------------------------


def _d(texts: Mapping[Any, str]) -> dict[str, str]:
    return {str(k): v for k, v in texts.items()}


def _round(spec: RoundSpec, source: str) -> RoundTemplate:
    questions = tuple(
        Question(
            id=q.id, kind=q.kind, text=_d(q.text),
            choices=tuple(Choice(c.value, _d(c.label)) for c in q.choices or ()),
            scale_labels={loc: (pair[0], pair[1]) for loc, pair in (q.scale or {}).items()},
            follow_up=_d(q.follow_up) if q.follow_up else None,
        )
        for q in spec.questions
    )
    sched = spec.schedule
    schedule = Schedule() if sched is None else Schedule(
        every_days=sched.every_days, weekdays=tuple(sched.weekdays),
        send_window=sched.send_window, response_days=sched.response_days,
        reminders=sched.reminders, reminder_every_days=sched.reminder_every_days)
    return RoundTemplate(id=spec.id, title=_d(spec.title), owner=_d(spec.owner),
                         questions=questions, audience=_d(spec.audience or {}),
                         schedule=schedule, source=source, languages=tuple(spec.languages))


def _track(spec: TrackSpec, source: str) -> Track:
    steps = tuple(TrackStep(id=s.id, text=_d(s.text),
                            activity=_d(s.activity) if s.activity else None,
                            reflection=_d(s.reflection) if s.reflection else None,
                            link=s.link or "") for s in spec.steps)
    return Track(id=spec.id, title=_d(spec.title), summary=_d(spec.summary or spec.title),
                 cadence_days=spec.cadence_days, steps=steps, source=source,
                 languages=tuple(spec.languages))


def _codebook(spec: CodebookSpecFile, source: str) -> CodebookSpec:
    return CodebookSpec(
        id=Path(source).stem, name=spec.name, source=source,
        themes=tuple(CodebookEntry(code=t.code, name=t.name["en"],
                                   keywords=tuple(" ".join(k.lower().split()) for k in t.keywords),
                                   description=t.description or "",
                                   names=tuple(sorted(t.name.items()))) for t in spec.themes))


def mentorship_dict(spec: MentorshipSpec) -> dict[str, Any]:
    """The definition a cohort snapshots: plain JSON data, texts as {locale: text}."""
    return spec.model_dump(mode="json", exclude_none=True)


def read_codebook(path: str | Path) -> CodebookSpec:
    """A codebook file validated like every content file (storage's theming converts it to its
    own type); raises :class:`ContentError` with ``FILE:LINE: message`` problems."""
    item, problems = load_file(Path(path), "codebook")
    if item is None:
        raise ContentError(problems)
    value: CodebookSpec = item.value
    return value


def mentorship_definition(name: str = "default", content: Content | None = None
                          ) -> dict[str, Any]:
    """The mentorship programme `name` (from `content`, or the bundled files) as the JSON data a
    new cohort snapshots: cadence, priority, milestones and topics, validated."""
    table = (content or load_content()).mentorship
    if name not in table:
        raise ContentError([Problem(f"mentorship/{name}.yaml", 1,
                                    f"there is no mentorship programme '{name}' (known: "
                                    f"{', '.join(sorted(table)) or '-'})")])
    return dict(table[name])
