"""Interface texts per locale, with plurals and dates formatted by Babel (CLDR rules).

Texts in ``prompts/i18n/*.yaml`` use ``{name}`` placeholders plus two ICU-like forms:

* ``{count, plural, one {# answer} other {# answers}}``: the branch for the number's CLDR
  plural category in the reader's language (``=0 {...}`` matches an exact number; ``#`` is the
  number, formatted for the locale; ``other`` is required and is used for anything that is not
  a number, such as "fewer than 5").
* ``{until, date}`` (or ``{until, date, medium}``): a date in the reader's language, e.g.
  "December 9, 2026" / "9 de diciembre de 2026". The value may be a ``date``, a ``datetime`` or
  an ISO string ("2026-12-09"); anything else is shown as it is.
* ``{opens, datetime}``: a date and time of day, "December 1, 2026, 9:00 AM" /
  "1 de diciembre de 2026, 9:00", in the value's own time zone (pass an aware datetime already
  in the reader's zone); a plain date is shown as ``{x, date}`` would.

There is no ICU apostrophe quoting: an apostrophe is just an apostrophe.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import resources
from typing import Any

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time
from babel.numbers import format_decimal

from prompts.model import LOCALES
from prompts.problems import ContentError, Problem, line_of, read_yaml

DATE_STYLES = ("short", "medium", "long", "full")


@dataclass(frozen=True)
class _Arg:
    name: str
    kind: str = ""  # "" | "plural" | "date" | "number"
    style: str = ""
    branches: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)


class _Hash:
    """`#` inside a plural branch: the number."""


Node = str | _Arg | _Hash


class TemplateError(ValueError):
    """A text whose placeholders cannot be read."""


def parse_template(text: str) -> tuple[Node, ...]:
    """Parse a text into literal strings and arguments; raises TemplateError."""
    nodes, pos = _parse(text, 0, in_plural=False)
    if pos != len(text):
        raise TemplateError(f"unexpected '}}' at character {pos + 1}")
    return nodes


def _parse(text: str, pos: int, in_plural: bool) -> tuple[tuple[Node, ...], int]:
    out: list[Node] = []
    buf: list[str] = []
    while pos < len(text):
        ch = text[pos]
        if ch == "{":
            if buf:
                out.append("".join(buf))
                buf = []
            arg, pos = _argument(text, pos + 1)
            out.append(arg)
            continue
        if ch == "}":
            break
        if ch == "#" and in_plural:
            if buf:
                out.append("".join(buf))
                buf = []
            out.append(_Hash())
        else:
            buf.append(ch)
        pos += 1
    if buf:
        out.append("".join(buf))
    return tuple(out), pos


def _argument(text: str, pos: int) -> tuple[_Arg, int]:
    end = _find(text, pos, ",}")
    name = text[pos:end].strip()
    if not name.isidentifier():
        raise TemplateError(f"placeholder {{{text[pos:end]}}} is not a name")
    if text[end] == "}":
        return _Arg(name), end + 1
    type_end = _find(text, end + 1, ",}")
    kind = text[end + 1:type_end].strip()
    if kind in ("date", "number", "datetime"):
        style = ""
        if text[type_end] == ",":
            close = _find(text, type_end + 1, "}")
            style = text[type_end + 1:close].strip()
            type_end = close
        if kind == "date" and style and style not in DATE_STYLES:
            raise TemplateError(f"{{{name}, date, {style}}}: the style is one of "
                                f"{', '.join(DATE_STYLES)}")
        if kind == "datetime" and style:
            raise TemplateError(f"{{{name}, datetime}} takes no style")
        return _Arg(name, kind, style or ("long" if kind == "date" else "")), type_end + 1
    if kind != "plural" or text[type_end] != ",":
        raise TemplateError(f"{{{name}, {kind}...}}: the forms are plural, date, datetime and "
                            "number")
    branches: dict[str, tuple[Node, ...]] = {}
    pos = type_end + 1
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            raise TemplateError(f"{{{name}, plural...}} is not closed")
        if text[pos] == "}":
            break
        open_at = _find(text, pos, "{}")
        selector = text[pos:open_at].strip()
        if text[open_at] != "{" or not selector:
            raise TemplateError(f"{{{name}, plural...}}: each form is KEYWORD {{text}}")
        body, pos = _parse(text, open_at + 1, in_plural=True)
        if pos >= len(text):
            raise TemplateError(f"{{{name}, plural...}}: form {selector!r} is not closed")
        branches[selector] = body
        pos += 1
    if "other" not in branches:
        raise TemplateError(f"{{{name}, plural...}} needs an 'other' form")
    return _Arg(name, "plural", "", branches), pos + 1


def _find(text: str, pos: int, chars: str) -> int:
    while pos < len(text) and text[pos] not in chars:
        pos += 1
    if pos >= len(text):
        raise TemplateError("a '{' is not closed")
    return pos


def placeholders(nodes: tuple[Node, ...]) -> set[tuple[str, str]]:
    """(name, form) of every placeholder, plural branches included."""
    out: set[tuple[str, str]] = set()
    for node in nodes:
        if isinstance(node, _Arg):
            out.add((node.name, node.kind))
            for body in node.branches.values():
                out |= placeholders(body)
    return out


def _plural_keywords(nodes: tuple[Node, ...]) -> set[str]:
    out: set[str] = set()
    for node in nodes:
        if isinstance(node, _Arg):
            out |= {k for k in node.branches if not k.startswith("=")}
            for body in node.branches.values():
                out |= _plural_keywords(body)
    return out


def as_date(value: object) -> date | None:
    """A date from a date, a datetime or an ISO string; None for anything else."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip()).date()
        except ValueError:
            return None
    return None


def _date_time(value: object, locale: Locale) -> str:
    """"December 1, 2026, 9:00 AM": the long date and the short time, joined the locale's way
    (CLDR's medium date-time pattern); a date alone is the long date."""
    if not isinstance(value, datetime):
        day = as_date(value)
        return str(value) if day is None else babel_format_date(day, "long", locale=locale)
    pattern = str(locale.datetime_formats.get("medium", "{1}, {0}"))
    # CLDR puts a narrow no-break space before "AM"; some chat fonts lack it: a plain space
    clock = babel_format_time(value, "short", tzinfo=value.tzinfo, locale=locale)
    return pattern.replace("{1}", babel_format_date(value.date(), "long", locale=locale)).replace(
        "{0}", clock.replace("\u202f", " "))


def _is_number(value: object) -> bool:
    # a tuple, not `int | float`: the union is built anew at each call, and this runs for every
    # number of every message the worker renders
    return type(value) in (int, float) or (
        isinstance(value, (int, float)) and not isinstance(value, bool))


@dataclass(frozen=True)
class Catalog:
    """Interface texts per locale, with English as the fallback."""

    texts: Mapping[str, Mapping[str, str]]
    _parsed: dict[tuple[str, str], tuple[Node, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False)
    _locales: dict[str, Locale] = field(default_factory=dict, init=False, repr=False,
                                        compare=False)
    # formatted numbers and dates by (locale, value, style): Babel's formatting is most of the
    # cost of a text, and a survey round formats the same few thousands of times
    _formatted: dict[tuple[int, object, str], str] = field(
        default_factory=dict, init=False, repr=False, compare=False)
    # plural categories by (locale, number): Babel evaluates the CLDR rule in Python each time,
    # and the delivery worker asks the same few numbers for thousands of messages
    _forms: dict[tuple[int, type, int | float], str] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    def _format(self, locale: Locale, value: object, style: str = "") -> str:
        key = (id(locale), value, style)  # (see _form on the id)
        found = self._formatted.get(key)
        if found is None:
            if len(self._formatted) >= 10_000:
                self._formatted.clear()
            found = self._formatted[key] = (
                babel_format_date(value, format=style, locale=locale)  # type: ignore[arg-type]
                if style else format_decimal(value, locale=locale))  # type: ignore[arg-type]
        return found

    def _form(self, locale: Locale, number: int | float) -> str:
        """The CLDR plural category of `number` ("one", "few", "other"...) in `locale`."""
        # by the Locale's id: the catalog's locales come from `_locale` and live as long as it
        # does, and str(locale) would cost Babel more than the cache saves. 1 and 1.0 may
        # differ ("1 item", "1.0 items"), so the type is part of the key.
        key = (id(locale), type(number), number)
        found = self._forms.get(key)
        if found is None:
            if len(self._forms) >= 10_000:
                self._forms.clear()
            found = self._forms[key] = locale.plural_form(abs(number))
        return found

    def _locale(self, locale: str) -> Locale:
        found = self._locales.get(locale)
        if found is None:
            found = self._locales[locale] = Locale.parse(locale if locale in LOCALES else "en")
        return found

    def _template(self, locale: str, key: str) -> tuple[str, tuple[Node, ...]]:
        loc = locale if locale in self.texts and key in self.texts[locale] else "en"
        parsed = self._parsed.get((loc, key))
        if parsed is None:
            parsed = self._parsed[(loc, key)] = parse_template(self.texts[loc][key])
        return loc, parsed

    def text(self, locale: str, key: str, **values: object) -> str:
        """The text `key` in `locale` (else English) with `values` filled in."""
        loc, nodes = self._template(locale, key)
        if not values and any(not isinstance(n, str) for n in nodes):
            return self.texts[loc][key]
        return self._render(nodes, self._locale(loc), values, None)

    def date(self, locale: str, value: object, style: str = "long") -> str:
        """A date in the reader's language ("December 9, 2026"); non-dates as they are."""
        day = as_date(value)
        if day is None:
            return str(value)
        return babel_format_date(day, format=style, locale=self._locale(locale))

    def datetime(self, locale: str, value: object) -> str:
        """A date and time of day in the reader's language, in the value's own time zone."""
        return _date_time(value, self._locale(locale))

    def number(self, locale: str, value: float, decimals: int | None = None) -> str:
        """A number in the reader's language ("3.5" / "3,5"); `decimals`: exactly that many."""
        pattern = None if decimals is None else "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(value, format=pattern, locale=self._locale(locale))

    def _render(self, nodes: tuple[Node, ...], locale: Locale, values: Mapping[str, object],
                hash_text: str | None) -> str:
        out: list[str] = []
        for node in nodes:
            if isinstance(node, str):
                out.append(node)
            elif isinstance(node, _Hash):
                out.append(hash_text if hash_text is not None else "#")
            elif node.kind == "":
                out.append(str(values[node.name]))
            elif node.kind == "date":
                value = values[node.name]
                day = as_date(value)
                out.append(str(value) if day is None else self._format(locale, day, node.style))
            elif node.kind == "datetime":
                out.append(_date_time(values[node.name], locale))
            elif node.kind == "number":
                value = values[node.name]
                out.append(self._format(locale, value) if _is_number(value) else str(value))
            else:
                out.append(self._plural(node, locale, values))
        return "".join(out)

    def _plural(self, node: _Arg, locale: Locale, values: Mapping[str, object]) -> str:
        value = values[node.name]
        if not _is_number(value):
            return self._render(node.branches["other"], locale, values, str(value))
        number = value if isinstance(value, float) else int(value)  # type: ignore[call-overload]
        exact = node.branches.get(f"={number:g}")
        branch = exact if exact is not None else (
            node.branches.get(self._form(locale, number)) or node.branches["other"])
        return self._render(branch, locale, values, self._format(locale, number))


def check_texts(texts: Mapping[str, Mapping[str, str]], lines: Mapping[tuple[str, str], int]
                ) -> list[Problem]:
    """Every text parses, uses plural keywords its language has, and every key has the same
    placeholders in every language as in English."""
    problems: list[Problem] = []
    shapes: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for loc, table in texts.items():
        source = f"prompts/i18n/{loc}.yaml"
        known = set(Locale.parse(loc).plural_form.tags) | {"other"}
        for key, text in table.items():
            line = lines.get((loc, key), 1)
            try:
                nodes = parse_template(text)
            except TemplateError as exc:
                problems.append(Problem(source, line, f"{key}: {exc}"))
                continue
            shapes[(loc, key)] = placeholders(nodes)
            unknown = _plural_keywords(nodes) - known
            if unknown:
                problems.append(Problem(source, line, f"{key}: plural form(s) "
                                        f"{', '.join(sorted(unknown))} do not exist in {loc} "
                                        f"(it has {', '.join(sorted(known))})"))
    for loc, table in texts.items():
        if loc == "en":
            continue
        source = f"prompts/i18n/{loc}.yaml"
        for key in sorted(set(texts["en"]) - set(table)):
            problems.append(Problem(source, 1, f"{key}: missing (English has it)"))
        for key in sorted(set(table) - set(texts["en"])):
            problems.append(Problem(source, lines.get((loc, key), 1),
                                    f"{key}: not in the English texts"))
        for key in sorted(set(table) & set(texts["en"])):
            mine, english = shapes.get((loc, key)), shapes.get(("en", key))
            if mine is not None and english is not None and mine != english:
                def show(s: set[tuple[str, str]]) -> str:
                    return ", ".join(f"{{{n}{', ' + k if k else ''}}}" for n, k in sorted(s))
                problems.append(Problem(source, lines.get((loc, key), 1),
                                        f"{key}: placeholders {show(mine) or 'none'} differ "
                                        f"from English {show(english) or 'none'}"))
    return problems


def load_catalog() -> Catalog:
    """The interface texts in prompts/i18n/*.yaml, checked: every locale has every English key
    with the same placeholders, and every plural and date form reads."""
    texts: dict[str, dict[str, str]] = {}
    lines: dict[tuple[str, str], int] = {}
    problems: list[Problem] = []
    folder = resources.files("prompts").joinpath("i18n")
    for loc in LOCALES:
        source = f"prompts/i18n/{loc}.yaml"
        doc, found = read_yaml(source, folder.joinpath(f"{loc}.yaml").read_text("utf-8"))
        problems += found
        if doc is None:
            continue
        if not isinstance(doc.data, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in doc.data.items()):
            problems.append(Problem(source, 1, "must map message keys to texts"))
            continue
        texts[loc] = {k: v.rstrip("\n") for k, v in doc.data.items()}
        for key in texts[loc]:
            lines[(loc, key)] = line_of(doc.node, (key,), key=True)
    if not problems:
        problems = check_texts(texts, lines)
    if problems:
        raise ContentError(problems)
    return Catalog(texts)
