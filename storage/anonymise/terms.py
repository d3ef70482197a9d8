"""Words the name guesses must leave alone: holidays and observances, languages, and the names
communities use for themselves. The NER pipeline and the unknown-capitalised-word rule take
them for people ("Juneteenth should be a paid holiday", "Martin Luther King Jr. Day closure",
"Oromo and Tigrinya materials are missing", "Latinx patrons feel unwelcome"), though no person
is meant. An equity listening tour hears them often, and a committee reading "[NAME] and
[NAME] materials are missing", or a theme that lost the words, can't act on it.

The list (data/not_names.csv: term, kind, language) holds US federal and state holidays, the
federally recognised heritage and history months, awareness days equity offices mark, major
religious and cultural observances (English and Spanish), the languages US public services
most often provide interpreting and translation for (the Census Bureau's languages spoken at
home, and the Pacific, Central American and Indigenous languages of county language-access
plans), and community terms. It is kept by hand on purpose: a full list of the world's
languages would hold common surnames (Luo, Yao, Zhuang) and given names. No single-word entry
is a given name the nickname tables know ("Karen" is listed only as "Karen people";
tests/test_scrub_names.py checks it).

Only the scrubber's *guesses* are dropped inside one of these terms (unlisted.py's spans): a
name on the roster is always replaced, a guess that reaches past the term ("Juneteenth Okafor")
stays whole, and so does one that context names as a person at the term's start ("ask Eid")."""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Collection, Iterable
from pathlib import Path

from storage.anonymise.patterns import NAME, Span

__all__ = ["keep_terms", "not_names", "term_spans"]

_DATA = Path(__file__).with_name("data") / "not_names.csv"
# an accented letter also matches its plain form, as people type either ("Dia de los Muertos")
_ACCENTS = {"á": "[áa]", "é": "[ée]", "í": "[íi]", "ó": "[óo]", "ú": "[úu]", "ñ": "[ñn]"}


@functools.cache
def not_names() -> tuple[tuple[str, str], ...]:
    """(term, kind) of every entry: kind is "observance", "language" or "community"."""
    with _DATA.open(encoding="utf-8", newline="") as f:
        return tuple((row["term"].strip(), row["kind"].strip())
                     for row in csv.DictReader(f) if row["term"].strip())


def _pattern(term: str) -> str:
    out = []
    for ch in term.casefold():
        if ch in _ACCENTS:
            out.append(_ACCENTS[ch])
        elif ch in "'’":
            out.append("['’]?")  # "Presidents Day", "Women’s History Month", "Kiche"
        elif ch == ".":
            out.append(r"\.?")  # "Jr" or "Jr."
        elif ch in " -":
            out.append(r"[\s-]+")  # "Eid al Fitr", "Eid al-Fitr", "Two Spirit", a line break
        else:
            out.append(re.escape(ch))
    return "".join(out)


@functools.cache
def _regex() -> re.Pattern[str]:
    terms = sorted({t for t, _ in not_names()}, key=len, reverse=True)  # longest first
    return re.compile(r"(?<!\w)(?:" + "|".join(_pattern(t) for t in terms) + r")(?!\w)",
                      re.IGNORECASE)


def term_spans(view: str) -> list[tuple[int, int]]:
    """Where the listed terms occur in ``view``: (start, end) pairs."""
    return [m.span() for m in _regex().finditer(view)]


def keep_terms(view: str, spans: Iterable[Span], cued: Collection[int] = ()) -> list[Span]:
    """``spans`` without the name guesses that lie inside a listed term, except one that
    starts the term at an offset in ``cued`` (context says a person: "ask Eid", "Dr. Holi";
    not "Jr. Day", which follows a name)."""
    spans = list(spans)
    if not spans:
        return spans
    inside = term_spans(view)
    if not inside:
        return spans
    return [s for s in spans if s[3] != NAME or not any(
        start <= s[0] and s[1] <= end and not (s[0] == start and s[0] in cued)
        for start, end in inside)]
