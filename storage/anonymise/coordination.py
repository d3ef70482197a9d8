"""Names joined by "and", "or", "y", "o" as the subject of a verb: "Harper and Jordan covered the
desk", "June and April covered the desk", "Grace and I think ...", "Julio y Mayo no vinieron".

Staff write two colleagues as one subject more than any other way of naming them, and the
single-name rules in unlisted.py miss one of the two when it is also a word, a month or a name
the pipeline reads as a noun. A group of capitalised words (or "I", "me", "yo") joined by
"and", "or", "&", "y", "o" or commas is a group of people when

* the word after it, past adverbs ("never", "both", "no") and Spanish clitics ("se"), is a
  finite verb (the tagger's word: "VBD", "VBZ", "VBP", "MD"; Spanish "VERB", "AUX"): the group
  is a subject, not words describing a noun ("India and Pakistan holidays", "Oromo and
  Tigrinya materials", "Black and Latino patrons", "Summer and Fall programs", "Faith and Hope
  Street branch");
* no member is a place that is no given name, a listed term (a language, a holiday), a group
  (NORP), an adjective or verb that is no given name ("Black", "Marketing"), a plural, or a
  month that is no given name ("June and July are busy");
* one member is a given name, a PERSON entity, a word in no dictionary or a pronoun; when the
  only evidence is given names that are also words or months ("June and April", "Hope and
  Faith"), the verb must be no linking verb ("June and May are busy", "Hope and Faith are
  values" are kept).

Members that are dictionary nouns and no given name ("Payroll and Harper messed up") are
neither evidence nor a veto: they are left as they are, and the names beside them replaced.

``beside_person``: once the other rules have read one member of such a group as a person
("Jordan" in "Jordan and Kenya were rude to us", "Julio" in "El equipo de Julio y Abril"), the
members that are given names too are people as well, even when they are places ("Kenya") or
months that are given names ("Abril", "Mayo"); whatever comes after the group. Not when the
group names a noun after it ("Dallas and Austin libraries"), a place after "in" or where
people come from ("families from Jordan and Kenya"); and a month needs a person that is no
month (or the Spanish pipeline's PER), or a verb of what people do after the group ("Julio y
Mayo no contestan").
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from storage.anonymise.context import (
    MONTHS,
    NAME_MONTHS,
    PLACES,
    acts,
    brand,
    origin,
    plural,
    title,
)
from storage.anonymise.dictionary import Dictionary
from storage.anonymise.ner import Analysis
from storage.anonymise.normalise import fold
from storage.anonymise.terms import listed_places, place_words
from storage.anonymise.words import (
    COMMON_WORD_NAMES,
    FUNCTION_WORDS,
    NOT_PERSON_WORDS,
    SPANISH_ACTS,
)

__all__ = ["beside_person", "coordinated", "names_alone"]
_LISTED = frozenset({"and", "or", "y", "o", ",", "&", "/"})

_JOINS = frozenset({"and", "or", "&", "y", "o", "e", "u"})
_PRONOUNS = frozenset({"i", "me", "yo"})
_PERSON = frozenset({"PERSON", "PER"})
_GROUPS = frozenset({"NORP", "LANGUAGE", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"})
# Months that are given names too (English); the others say a date ("June and July").
_NAME_MONTHS = frozenset("april may june august".split())
_FINITE = frozenset({"VBD", "VBZ", "VBP", "MD", "VERB", "AUX"})
# Between the group and its verb: "never", "both", "always", Spanish "no", "se", "nos".
_SKIP_TAGS = frozenset({"RB", "ADV", "PRON", "DT"})
_SKIP_WORDS = frozenset("both all also never always just still no nunca siempre ya tambien "
                        "ambos ambas se nos me te les le lo la".split())
# Linking verbs: a month or a season is busy, slow, hard; only people cover, help, quit.
_LINKING = frozenset(
    """is are was were be been being am 's 're seem seems seemed feel feels felt look looks
    looked get gets got become becomes became remain remains remained stay stays stayed bring
    brings brought mean means meant see sees saw have has had tend tends tended will would can
    could should might must may
    es son era eran fue fueron sera seran esta estan estaba estaban estuvo estuvieron tiene
    tienen tenia tenian parece parecen traen trae hizo hicieron hace hacen tuvo tuvieron dio
    dieron trajo trajeron paso pasaron empezo empezaron termino terminaron""".split())
# Before a group of places: "in Jordan and Kenya", "en Jordania y Kenia".
_IN = frozenset("in at near into en desde hacia".split())
# Before a group: a preposition or determiner makes it an object or a name of a thing.
_BEFORE = frozenset("""the a an this that these those in at on of for from by with to into
    during between near about el la los las un una en de del con para por entre""".split())


def coordinated(tokens: list[Any], analysis: Analysis, lexicon: frozenset[str],
                words: Dictionary, local: Dictionary | None = None,
                terms: frozenset[int] | set[int] = frozenset()) -> set[int]:
    """Indices of the tokens that are people named together as the subject of a verb (see
    the module docstring). ``terms``: character offsets where a listed term starts."""
    out: set[int] = set()
    for group in _groups(tokens):
        # a Spanish verb of what people do ("llegan tarde", "no vinieron"): the English
        # pipeline alone tags its Spanish words NNP and names it does not know GPE
        doing = acts(tokens, group[-1] + 1, SPANISH_ACTS)
        names = _names(tokens, group, analysis, lexicon, words, local, terms, doing)
        if names is None or not names[0]:
            continue
        found, strong = names
        if group[0] > 0 and fold(tokens[group[0] - 1].text) in _BEFORE:
            continue
        verb = _verb(tokens, group[-1] + 1, analysis) or (
            tokens[group[-1] + 1].text if doing else None)
        if verb is None or (not strong and fold(verb) in _LINKING):
            continue
        if not strong and not acts(tokens, group[-1] + 1) and all(
                fold(tokens[k].text) in place_words() for k in found):
            continue  # "Israel and Egypt signed a treaty" (not "Jordan and Kenya yelled")
        out.update(found)
    return out


def _member(tok: Any) -> bool:
    text = tok.text
    return (tok.is_alpha and len(text) > 1 and title(text)) or fold(text) in _PRONOUNS


def _groups(tokens: list[Any]) -> Iterator[list[int]]:
    """Each list of two members or more in ``tokens``, left to right (see `_group`)."""
    i = 0
    while i < len(tokens):
        group = _group(tokens, i)
        if len(group) < 2:
            i += 1
            continue
        yield group
        i = group[-1] + 1


def _group(tokens: list[Any], i: int) -> list[int]:
    """Token indices of the members of a list starting at ``i`` ("Harper, Sam and Jordan"),
    joined by a conjunction at least once; [] when none starts there."""
    if not _member(tokens[i]):
        return []
    members = [i]
    joined = False
    k = i + 1
    while k + 1 < len(tokens):
        sep = tokens[k].text.lower()
        if sep == "," and k + 2 < len(tokens) and fold(tokens[k + 1].text) in _JOINS:
            k += 1  # the serial comma: "Harper, Sam, and Jordan"
            sep = tokens[k].text.lower()
        if fold(sep) not in _JOINS and sep != ",":
            break
        if not _member(tokens[k + 1]):
            break
        joined = joined or fold(sep) in _JOINS
        members.append(k + 1)
        k += 2
    return members if joined else []


def _names(tokens: list[Any], group: list[int], analysis: Analysis, lexicon: frozenset[str],
           words: Dictionary, local: Dictionary | None,
           terms: frozenset[int] | set[int],
           doing: bool = False) -> tuple[list[int], bool] | None:
    """The members that are names and whether the evidence is strong (a pronoun, a PERSON
    entity, an unknown word, a given name that is no word); None when a member is a place, a
    term, a group, a date or a word that is no name. ``doing``: a Spanish verb of what
    people do follows, so the pipeline's place label is no veto ("Milagros y Consuelo
    siempre llegan tarde"; countries still are)."""
    found: list[int] = []
    strong = False
    months = MONTHS if analysis.language != "en" else _NAME_MONTHS
    for k in group:
        tok = tokens[k]
        key = fold(tok.text)
        if key in _PRONOUNS:
            strong = strong or tok.text in ("I", "me", "yo", "Yo", "Me")
            continue
        label = tok.ent_type_
        named = (key in lexicon or key in COMMON_WORD_NAMES or key in months
                 or (key in place_words() and key not in listed_places()))  # "Kenya"
        if (tok.idx in terms or label in _GROUPS or key in NOT_PERSON_WORDS
                or key in FUNCTION_WORDS or key in listed_places()
                or (key in MONTHS and not named)
                or (key in place_words() and not named)
                or brand(tok.text, lexicon, words)):
            return None
        if not named and (words.ordinary(key) or plural(key, lexicon, words)
                          or (label in PLACES and not doing
                              and (analysis.language == "en" or words.known(key)))):
            return None  # "Black", "Marketing", "Families", "Seattle"
        known = words.known(key) or (local is not None and local.known(key))
        if label in _PERSON and key not in COMMON_WORD_NAMES:
            found.append(k)
            strong = True
        elif named:
            found.append(k)
            weak = (key in COMMON_WORD_NAMES or key in MONTHS or words.ordinary(key)
                    or label in PLACES or label in ("DATE", "TIME"))
            strong = strong or not weak
        elif not known:
            found.append(k)
            strong = True
    return found, strong


def _verb(tokens: list[Any], k: int, analysis: Analysis) -> str | None:
    """The finite verb at or just after token ``k`` (past adverbs and clitics), or None."""
    tags = analysis.tags()
    if tags is None:
        return None
    for j in range(k, min(k + 3, len(tokens))):
        tag = tags[j]
        if tag in _FINITE:
            return str(tokens[j].text)
        if not (tag in _SKIP_TAGS or fold(tokens[j].text) in _SKIP_WORDS):
            return None
    return None


def beside_person(tokens: list[Any], people: set[int], language: str, lexicon: frozenset[str],
                  words: Dictionary, terms: frozenset[int] | set[int] = frozenset()) -> set[int]:
    """Indices of the members of a group joined by "and", "y" ... listed with a member in
    ``people`` (tokens other rules read as a person) that are people too (see the module
    docstring). ``language``: the pipeline's (the English one reads many a Spanish month as
    a PERSON: no evidence). ``terms``: character offsets where a listed term starts."""
    out: set[int] = set()
    for group in _groups(tokens):
        found = [k for k in group if k in people]
        if not found or len(found) == len(group) or _before_noun(tokens, group[-1] + 1, words):
            continue
        before = fold(tokens[group[0] - 1].text) if group[0] > 0 else ""
        if before in _IN or origin(tokens, group[0], words):
            continue  # "in Jordan and Kenya", "families from Jordan and Kenya"
        person = any(fold(tokens[k].text) not in MONTHS
                     or (tokens[k].ent_type_ in _PERSON and language != "en")
                     for k in found) or acts(tokens, group[-1] + 1)
        for k in group:
            tok = tokens[k]
            key = fold(tok.text)
            if (k in people or key in _PRONOUNS or tok.idx in terms or tok.ent_type_ in _GROUPS
                    or key in NOT_PERSON_WORDS or key in FUNCTION_WORDS
                    or key in listed_places() or brand(tok.text, lexicon, words)):
                continue
            if key in NAME_MONTHS:
                if person:
                    out.add(k)
            elif key in lexicon or key in place_words():
                out.add(k)  # "Kenya", "Jordan": places that are given names too
    return out


def _before_noun(tokens: list[Any], k: int, words: Dictionary) -> bool:
    """Whether token ``k`` is a noun the group before it describes ("Dallas and Austin
    libraries", "Jordan and Kenya families") or another capitalised word of a name ("Harper
    and Summer Reading")."""
    if k >= len(tokens):
        return False
    text = tokens[k].text
    key = fold(text)
    if key in NOT_PERSON_WORDS or (tokens[k].is_alpha and title(text)):
        return True
    return (text.islower() and tokens[k].is_alpha and key not in FUNCTION_WORDS
            and words.known(key) and not words.ordinary(key))


def names_alone(tokens: list[Any], lexicon: frozenset[str]) -> list[int]:
    """The tokens of a comment that is nothing but capitalised given names joined by "and",
    "y", commas ("Milagros y Consuelo", "Hope and Faith."): names, even when each is also a
    word, when one at least is in the given-name lexicon (not "Summer and Fall", "Paz y
    Justicia")."""
    names: list[int] = []
    expect_name = True
    for k, tok in enumerate(tokens):
        if tok.is_space or (tok.is_punct and tok.text not in _LISTED):
            continue
        if expect_name:
            key = fold(tok.text)
            if not (tok.is_alpha and title(tok.text) and key not in MONTHS
                    and (key in lexicon or key in COMMON_WORD_NAMES)):
                return []
            names.append(k)
        elif tok.text.lower() not in _LISTED:
            return []
        expect_name = not expect_name
    if len(names) < 2 or expect_name or not any(fold(tokens[k].text) in lexicon for k in names):
        return []
    return names
