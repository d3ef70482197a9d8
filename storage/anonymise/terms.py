"""Words the name guesses must leave alone: holidays and observances, languages, the names
communities use for themselves, and countries. The NER pipeline and the rules in unlisted.py
take them for people ("Juneteenth should be a paid holiday", "Martin Luther King Jr. Day
closure", "Oromo and Tigrinya materials are missing", "Latinx patrons", "families from
Afghanistan": "from" usually comes before a name), though no person is meant. An equity
listening tour hears them often, and a committee reading "[NAME] and [NAME] materials are
missing", or a theme that lost the words, can't act on it.

Two sources:

* data/not_names.csv (term, kind, language), kept by hand: US federal and state holidays, the
  federally recognised heritage and history months, awareness days equity offices mark, major
  religious and cultural observances (English and Spanish), the languages US public services
  most often interpret and translate for (the Census Bureau's languages spoken at home, and the
  Pacific, Central American and Indigenous languages of county language-access plans),
  community terms, Covid's names, and the staff systems and library services comments name
  ("Kronos", "Kanopy", "Workday"), and workplace and equity words newer than the dictionary
  the pipeline ships ("Burnout", "Pushback", "Cisgender", "Deadnaming"). By hand on purpose:
  a full list of the world's languages would hold common surnames (Luo, Yao, Zhuang) and
  given names;
* the countries and territories in English and Spanish from CLDR, through Babel, without the
  ones that are also given names ("Jordan", "Chad", "Georgia", "Guadalupe") or read as a
  person's full name ("Diego Garcia", "San Martín").

No single-word entry is a given name the lexicon knows ("Karen" is listed only as
"Karen people"; tests/test_scrub_names.py checks it), nor a holiday that is as often a
person's name ("Eid", "Ramadan", "Mawlid", "Ashura", "Pesach", "Pascua"; "Eid al-Fitr" is
listed) or reads as one's possessive ("Lincoln's Birthday": "my son Lincoln's birthday
party"). Terms are matched word by word,
ignoring case, accents and apostrophes ("Dia de los Muertos", "Eid al Fitr", "Womens History
Month"), but never across a comma, a sentence end or a line ("Apart from Karen, people were
helpful", "Over Christmas, Eve covered the desk").

Only the scrubber's *guesses* are dropped inside one of these terms (unlisted.py's spans): a
name on the roster is always replaced, a guess that reaches past the term ("Juneteenth Okafor")
stays whole unless all it adds is an acronym ("Polaris ILS"), and so does one that context
names as a person at the term's start ("ask Holi", "Diwali said", "Holi wants the day off";
but not "Kronos says my PTO is zero": systems and products say things too)."""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Collection, Iterable
from pathlib import Path

from storage.anonymise.nicknames import given_names
from storage.anonymise.normalise import fold
from storage.anonymise.patterns import NAME, Span

__all__ = ["keep_terms", "listed_places", "not_names", "place_words", "term_spans"]

_DATA = Path(__file__).with_name("data") / "not_names.csv"
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]*)*")  # letters, apostrophes inside or after
_INLINE = re.compile(r"[ \t\u00a0]*(?:[-‐‑&][ \t\u00a0]*)?")  # between a term's words
_ACRONYM = re.compile(r"[ \t\u00a0]+[A-Z]{2,5}")  # "ILS" in "Polaris ILS"
# Countries and territories that are given names too (beyond the nickname tables) or read as a
# person's full name; and CLDR's test entries. Folded words, space-separated.
PERSON_LIKE_PLACES = frozenset({
    "jordan", "chad", "israel", "kenya", "kenia", "jamaica", "dominica", "mali", "niger",
    "oman", "argentina", "bolivia", "francia", "grecia", "italia", "martinica", "pitcairn",
    "norfolk", "jersey", "samoa", "france", "montenegro", "granada", "grenada", "libia",
    "macedonia", "armenia", "egypt", "egipto", "china", "asia", "syria", "siria",
    "martinique", "guernsey", "clipperton", "colombia", "america", "mauricio", "cuba",
    "argelia", "irlanda", "mundo", "sark",  # Spanish given names; "Mundo" for Raymundo
    "pseudoacentos", "pseudobidi", "diego garcia", "san martin",
    "st martin", "santa elena",
    "st helena", "santa lucia", "st lucia", "san cristobal y nieves", "st vincent grenadines",
    "san vicente y las granadinas", "svalbard jan mayen", "svalbard y jan mayen",
    "tristan da cunha", "tristan de acuna", "san bartolome", "st barthelemy",
    "st helena ascension tristan da cunha", "pseudo accents", "pseudo bidi",
})


def words(text: str) -> tuple[str, ...]:
    """The folded words of ``text`` (case, accents, apostrophes and other punctuation
    ignored: "Women's" and "Womens" are one word)."""
    return tuple(_key(w) for w in _WORD.findall(text))


def _key(word: str) -> str:
    return fold(word.replace("'", "").replace("’", ""))


@functools.cache
def not_names() -> tuple[tuple[str, str], ...]:
    """(term, kind) of every entry: "observance", "language", "community", "health",
    "product", "workplace" or "place"."""
    with _DATA.open(encoding="utf-8", newline="") as f:
        listed = [(row["term"].strip(), row["kind"].strip())
                  for row in csv.DictReader(f) if row["term"].strip()]
    return tuple(listed) + tuple((name, "place") for name in _places())


def _places() -> list[str]:
    names = given_names()
    out = []
    for part in _territories():
        key = words(part)
        if key and " ".join(key) not in PERSON_LIKE_PLACES and not (
                len(key) == 1 and key[0] in names):  # "Georgia", "Guadalupe"
            out.append(part)
    return out


def _territories() -> list[str]:
    """CLDR's country and territory names in English and Spanish ("Myanmar (Burma)" and
    "Congo - Kinshasa" as two names each)."""
    from babel import Locale

    out: list[str] = []
    for locale in ("en", "es"):
        for name in Locale.parse(locale).territories.values():
            out.extend(part.strip()
                       for part in name.replace("(", " - ").replace(")", "").split(" - "))
    return out


@functools.cache
def place_words() -> frozenset[str]:
    """The one-word country and territory names (folded), the ones that are given names too
    included ("jordan", "chad", "georgia"): for telling "families from Jordan" (a place) from
    "Jordan from HR" (a person) by context."""
    found = {key[0] for part in _territories() if len(key := words(part)) == 1}
    return frozenset(found | {p for p in PERSON_LIKE_PLACES if " " not in p})


@functools.cache
def listed_places() -> frozenset[str]:
    """The one-word country and territory names the guesses leave alone (folded): no given
    names ("pakistan", "somalia"; not "jordan" or "georgia")."""
    return frozenset(key[0] for part in _places() if len(key := words(part)) == 1)


@functools.cache
def _index() -> dict[str, tuple[tuple[tuple[str, ...], str], ...]]:
    """First word -> the terms starting with it, as (word tuple, kind), the longest first (a
    term listed as a product and as something else counts as a product)."""
    kinds: dict[tuple[str, ...], str] = {}
    for term, kind in not_names():
        key = words(term)
        if key and kinds.get(key) != "product":
            kinds[key] = kind
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for key, kind in kinds.items():
        index.setdefault(key[0], []).append((key, kind))
    return {w: tuple(sorted(ts, key=lambda t: len(t[0]), reverse=True))
            for w, ts in index.items()}


def term_spans(view: str) -> list[tuple[int, int, str]]:
    """Where the listed terms occur in ``view``: (start, end, kind), the longest at each
    word."""
    found = [(m.start(), m.end(), _key(m.group())) for m in _WORD.finditer(view)]
    index = _index()
    out = []
    for i, (start, _, word) in enumerate(found):
        for term, kind in index.get(word, ()):
            last = i + len(term) - 1
            if tuple(w for _, _, w in found[i:last + 1]) == term and all(
                    _joins(view[found[k][1]:found[k + 1][0]], found[k][2], found[k + 1][2])
                    for k in range(i, last)):
                out.append((start, found[last][1], kind))
                break
    return out


def _joins(gap: str, before: str, after: str) -> bool:
    """Whether ``gap`` (the text between two words) keeps them in one term: spaces, a hyphen
    or "&" ("Eid al-Fitr", "Bosnia & Herzegovina"), the period of a short abbreviation ("Jr.
    Day", "St. Kitts") or the comma before "Jr."; not a comma, a sentence end or a line break
    ("Apart from Karen, people were helpful", "Over Christmas, Eve covered the desk")."""
    if _INLINE.fullmatch(gap):
        return True
    rest = gap.lstrip()
    if rest.startswith(".") and len(before) <= 2:
        return bool(_INLINE.fullmatch(rest[1:]))
    return rest.startswith(",") and after in ("jr", "sr") and bool(_INLINE.fullmatch(rest[1:]))


def keep_terms(view: str, spans: Iterable[Span], cued: Collection[int] = (),
               spoken: Collection[int] = ()) -> list[Span]:
    """``spans`` without the name guesses that lie inside a listed term, or that add only an
    acronym to one ("Polaris ILS"), except one that starts the term at an offset in ``cued``
    (context before says a person: "ask Holi", "Dr. Holi"; not "Jr. Day", which follows a
    name) or, unless the term is a product, in ``spoken`` (a verb after says one: "Holi wants
    the day off", not "Kronos says my PTO is zero")."""
    spans = list(spans)
    if not spans:
        return spans
    inside = term_spans(view)
    if not inside:
        return spans

    def shielded(s: Span, start: int, end: int, kind: str) -> bool:
        if not (start <= s[0] and (s[1] <= end or _ACRONYM.fullmatch(view, end, s[1]))):
            return False
        return s[0] != start or not (s[0] in cued or (s[0] in spoken and kind != "product"))

    return [s for s in spans if s[3] != NAME
            or not any(shielded(s, start, end, kind) for start, end, kind in inside)]
