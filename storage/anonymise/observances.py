"""Holidays, heritage months and observances: names the NER pipeline and the unknown-word rules
take for people ("Juneteenth should be a paid holiday", "Martin Luther King Jr. Day closure",
"Diwali decorations", "Women's History Month"), though no person is meant. An equity listening
tour hears about them often, and a committee reading "[NAME] should be a paid holiday", or a
theme that lost the word, can't act on it.

The list (data/observances.csv, English and Spanish) holds US federal and state holidays, the
federally recognised heritage and history months, awareness days equity offices mark, and
major religious and cultural observances. Only the scrubber's *guesses* are dropped inside one
of them (unlisted.py's spans); a name on the roster is always replaced, and a guess that reaches
past the observance ("Juneteenth Okafor") stays whole. No single-word entry is a given name the
nickname tables know (tests/test_scrub_names.py checks it)."""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Collection, Iterable
from pathlib import Path

from storage.anonymise.patterns import NAME, Span

__all__ = ["keep_observances", "observance_spans", "observances"]

_DATA = Path(__file__).with_name("data") / "observances.csv"
# an accented letter also matches its plain form, as people type either ("Dia de los Muertos")
_ACCENTS = {"á": "[áa]", "é": "[ée]", "í": "[íi]", "ó": "[óo]", "ú": "[úu]", "ñ": "[ñn]"}


@functools.cache
def observances() -> tuple[str, ...]:
    """The observances' names, as listed."""
    with _DATA.open(encoding="utf-8", newline="") as f:
        return tuple(row["observance"].strip() for row in csv.DictReader(f)
                     if row["observance"].strip())


def _pattern(name: str) -> str:
    out = []
    for ch in name.casefold():
        if ch in _ACCENTS:
            out.append(_ACCENTS[ch])
        elif ch in "'’":
            out.append("['’]?")  # "Presidents Day", "Women’s History Month"
        elif ch == ".":
            out.append(r"\.?")  # "Jr" or "Jr."
        elif ch in " -":
            out.append(r"[\s-]+")  # "Eid al Fitr", "Eid al-Fitr", a line break
        else:
            out.append(re.escape(ch))
    return "".join(out)


@functools.cache
def _regex() -> re.Pattern[str]:
    names = sorted(observances(), key=len, reverse=True)  # the longest phrase first
    return re.compile(r"(?<!\w)(?:" + "|".join(_pattern(n) for n in names) + r")(?!\w)",
                      re.IGNORECASE)


def observance_spans(view: str) -> list[tuple[int, int]]:
    """Where observances are named in ``view``: (start, end) pairs."""
    return [m.span() for m in _regex().finditer(view)]


def keep_observances(view: str, spans: Iterable[Span], cued: Collection[int] = ()
                     ) -> list[Span]:
    """``spans`` without the name guesses that lie inside an observance's name, except one
    that starts the observance at an offset in ``cued`` (context says a person: "ask Eid",
    "Dr. Holi"; not "Jr. Day", which follows a name)."""
    spans = list(spans)
    if not spans:
        return spans
    inside = observance_spans(view)
    if not inside:
        return spans
    return [s for s in spans if s[3] != NAME or not any(
        start <= s[0] and s[1] <= end and not (s[0] == start and s[0] in cued)
        for start, end in inside)]
