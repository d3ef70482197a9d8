"""Problems in content files, each reported as ``FILE:LINE: message``.

YAML is composed into nodes first (PyYAML's compose API keeps each node's start mark), so a
problem found by the schema — a missing field, a wrong type, a duplicate id — can name the line
of the offending node, or of the mapping that lacks a field.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

Loc = tuple[int | str, ...]

# Collections whose items are named by one of their fields in messages ("question 'q1'").
ITEMS: dict[str, tuple[str, str]] = {
    "questions": ("question", "id"),
    "choices": ("choice", "value"),
    "steps": ("step", "id"),
    "milestones": ("milestone", "id"),
    "topics": ("topic", "value"),
    "themes": ("theme", "code"),
}
TEXT_FIELDS = frozenset({"title", "owner", "text", "label", "follow_up", "summary", "activity",
                         "reflection", "prepare", "review"})


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a content file."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class ContentError(ValueError):
    """Content that cannot be used. ``problems`` holds every problem found; ``str()`` is one
    ``FILE:LINE: message`` line each, after a line naming the setting when there is one."""

    def __init__(self, problems: Sequence[Problem] | str, setting: str = "") -> None:
        if isinstance(problems, str):
            problems = [Problem("content", 1, problems)]
        self.problems = list(problems)
        self.setting = setting
        lines = [str(p) for p in self.problems]
        if setting:
            n = len(lines)
            lines.insert(0, f"{setting}: {n} problem{'s' if n != 1 else ''} in the content files:")
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class YamlDoc:
    """A parsed YAML document with its node tree, for line numbers."""

    source: str
    data: Any
    node: yaml.Node | None


MAX_DEPTH = 50  # levels of nesting a content file may have (they use fewer than ten)
MAX_ALIASED = 100_000  # values aliases (*name) may add to a file once expanded


class _Unreadable(Exception):
    """A document PyYAML can parse but nobody should expand: `args[0]` says why."""


class _Marked:
    """A constructor that names the node a value could not be built from: PyYAML raises a
    bare ValueError for `2026-02-30` (read as a date) or `!!int 0xZZ`, with no line."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)  # type: ignore[misc]
        except (ValueError, OverflowError) as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"{node.value!r} cannot be read ({exc}); put it in quotes if it "
                "is meant as text", node.start_mark) from None


_LOADERS = tuple(type(f"Marked{base.__name__}", (_Marked, base), {}) for base in (
    # libyaml's parser when PyYAML was built with it (the wheels are): the same nodes and
    # marks, about ten times faster on the message catalog read at every start-up
    *([yaml.CSafeLoader] if hasattr(yaml, "CSafeLoader") else []), yaml.SafeLoader))


def read_yaml(source: str, text: str) -> tuple[YamlDoc | None, list[Problem]]:
    """Parse `text`; a syntax error or a key given twice is a problem with its line, and so is
    a file nested too deeply or whose aliases expand too far ("billion laughs")."""
    # libyaml's error marks can point past the line at fault (an unclosed `[` at the end of
    # the text), so a file with an error is parsed again by the Python parser to name the line.
    *fast, slow = _LOADERS
    try:
        for loader in fast:
            try:
                return _parse(source, text, loader)
            except yaml.YAMLError:
                pass
        return _parse(source, text, slow)
    except _Unreadable as exc:
        return None, [Problem(source, 1, str(exc.args[0]))]
    except RecursionError:  # deeper than libyaml's own limit: the Python parser recurses
        return None, [Problem(source, 1, f"is nested more than {MAX_DEPTH} levels deep")]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        detail = " ".join(str(exc.problem or exc).split())
        if "'\\t'" in detail:  # PyYAML: "found character '\t' that cannot start any token"
            detail = ("a tab character; YAML indents with spaces only, so replace the tab "
                      "with spaces (line up the field with the ones above it)")
        return None, [Problem(source, line, f"not valid YAML: {detail}")]
    except yaml.YAMLError as exc:
        return None, [Problem(source, 1, f"not valid YAML: {' '.join(str(exc).split())}")]


def _parse(source: str, text: str, loader_class: Any) -> tuple[YamlDoc, list[Problem]]:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        _check_size(node, len(text))
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return YamlDoc(source, data, node), list(_duplicate_keys(source, node))


def _check_size(root: yaml.Node | None, chars: int) -> None:
    """Raise _Unreadable for a tree nested deeper than MAX_DEPTH, or whose aliases expand it
    by more than MAX_ALIASED values: a node reused through an alias is one object in the tree,
    so the walk counts it each time and stops as soon as the count is too high (without
    aliases a tree cannot have more nodes than its text has characters)."""
    limit = chars + MAX_ALIASED
    count = 0
    stack: list[tuple[yaml.Node, int]] = [(root, 1)] if root is not None else []
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > limit:
            raise _Unreadable(f"its YAML aliases (*name) expand it by more than "
                              f"{MAX_ALIASED:,} values: write the repeated part out instead")
        if depth > MAX_DEPTH:
            raise _Unreadable(f"is nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend((part, depth + 1) for pair in node.value for part in pair)


def _duplicate_keys(source: str, node: yaml.Node | None) -> Iterable[Problem]:
    """PyYAML keeps the last of two equal keys silently; an editor's typo deserves a line."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key, value in node.value:
            name = getattr(key, "value", None)
            if isinstance(name, str):
                line = key.start_mark.line + 1
                if name in seen:
                    yield Problem(source, line, f"'{name}' is given twice (first on line "
                                                f"{seen[name]}); only the last one would count")
                seen.setdefault(name, line)
            yield from _duplicate_keys(source, value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _duplicate_keys(source, item)


def line_of(root: yaml.Node | None, loc: Loc, key: bool = False) -> int:
    """1-based line of the node at `loc` (or of its deepest existing ancestor). With `key`,
    the line of the last part's key rather than its value."""
    if root is None:
        return 1
    node: yaml.Node = root
    line = node.start_mark.line + 1
    for i, part in enumerate(loc):
        if isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value if getattr(k, "value", None) == part
                         or (isinstance(part, int) and getattr(k, "value", None) == str(part))),
                        None)
            if pair is None:
                return line
            if key and i == len(loc) - 1:
                return pair[0].start_mark.line + 1
            node = pair[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if not 0 <= part < len(node.value):
                return line
            node = node.value[part]
        else:
            return line
        line = node.start_mark.line + 1
    return line


def where(loc: Loc, data: Any) -> str:
    """A reader's name for the place at `loc`: "question 'q1': choice #2: label"."""
    parts: list[str] = []
    here: Any = data
    i = 0
    while i < len(loc):
        part = loc[i]
        nxt = loc[i + 1] if i + 1 < len(loc) else None
        child = here.get(part) if isinstance(here, dict) else None
        if isinstance(part, str) and part in ITEMS and isinstance(nxt, int):
            noun, id_field = ITEMS[part]
            item = child[nxt] if isinstance(child, list) and 0 <= nxt < len(child) else None
            ident = item.get(id_field) if isinstance(item, dict) else None
            parts.append(f"{noun} '{ident}'" if isinstance(ident, str) and ident
                         else f"{noun} #{nxt + 1}")
            here = item
            i += 2
            continue
        parts.append(str(part))
        here = child if isinstance(part, str) else (
            here[part] if isinstance(here, list) and isinstance(part, int)
            and 0 <= part < len(here) else None)
        i += 1
    return ": ".join(parts)


def _got(value: Any) -> str:
    if isinstance(value, dict | list):
        return ""
    shown = repr(value)
    return f" (got {shown[:60]}{'…' if len(shown) > 60 else ''})"


def describe(error: Any, data: Any, known_fields: Iterable[str] = ()) -> tuple[Loc, bool, str]:
    """(location, point-at-key, message) for one pydantic error, in plain words."""
    loc: Loc = tuple(p for p in error["loc"] if p != "[key]")
    kind = error["type"]
    msg = str(error["msg"])
    value = error.get("input")
    if "[key]" in error["loc"]:
        place = where(loc[:-1], data)
        return loc, True, (f"{place + ': ' if place else ''}unknown language {loc[-1]!r} "
                           "(known: en, es)")
    if kind == "missing":
        place = where(loc[:-1], data)
        return loc[:-1], False, f"{place + ': ' if place else ''}'{loc[-1]}' is missing"
    if kind == "extra_forbidden":
        place = where(loc[:-1], data)
        close = difflib.get_close_matches(str(loc[-1]), sorted(known_fields), n=1, cutoff=0.75)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return loc, True, f"{place + ': ' if place else ''}unknown field '{loc[-1]}'{hint}"
    place = where(loc, data)
    ctx = error.get("ctx") or {}
    if kind == "string_pattern_mismatch" and "a-z0-9" in str(ctx.get("pattern", "")):
        msg = "must be lowercase letters, digits, - or _ (for example listening-tour)"
    elif kind == "string_pattern_mismatch" and "https?" in str(ctx.get("pattern", "")):
        msg = "must be an http(s) link"
    elif kind == "string_too_short":
        return loc, False, f"{place}: is empty" if place else "is empty"
    elif kind == "too_short":
        n = ctx.get("min_length", 1)
        msg = f"must have at least {n} item{'s' if n != 1 else ''}"
    elif kind == "too_long" and "max_length" in ctx:
        msg = f"must have at most {ctx['max_length']} items"
    elif kind == "dict_type" and str(loc[-1] if loc else "") in TEXT_FIELDS:
        msg = "must be a text, or a mapping of language to text (en: ..., es: ...)"
    elif kind == "dict_type" and str(loc[-1] if loc else "") == "scale":
        msg = ("must be [label for 1, label for 5], or that pair per language "
               "(en: [...], es: [...])")
    elif kind == "dict_type":
        msg = "must be a mapping"
    elif kind == "list_type":
        msg = "must be a list"
    elif kind == "int_type" and str(loc[-1] if loc else "").endswith("_days"):
        msg = "must be a whole number of days, such as 7 for weekly or 14 for every two weeks"
    elif kind == "int_type":
        msg = "must be a whole number"
    elif kind == "greater_than_equal" and "ge" in ctx:
        msg = f"must be at least {ctx['ge']}"
    elif kind == "less_than_equal" and "le" in ctx:
        msg = f"must be at most {ctx['le']}"
    if kind == "value_error":
        msg = msg.removeprefix("Value error, ")
        return loc, False, f"{place}: {msg}" if place else msg
    msg = msg.replace("Input should be", "must be").replace("input should be", "must be")
    hint = ""
    if isinstance(value, bool) and kind != "bool_type":
        hint = " (YAML reads yes/no/on/off as true/false: put the word in quotes)"
    elif value is None and kind.endswith("_type"):
        hint = " (it is empty)"
    text = f"{msg}{'' if hint or value is None else _got(value)}{hint}"
    return loc, False, f"{place}: {text}" if place else text
