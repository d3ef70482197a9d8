"""Names nobody listed: a patron, a new hire, a family member. Rules over the NER pipeline's output.

The small spaCy pipelines miss many names on their own (``en_core_web_sm`` finds about 6 in 10
person names in presidio-research's synthetic sentences, and labels many of the rest ORG), so
its PERSON entities are combined with:

* entities of other labels that hold a known given name and no organisation word
  ("Zoe Young" tagged ORG), or that are made only of unknown words and initials
  ("Nikolaj N Møller" tagged ORG);
* capitalised known given names ("Marguerite"), except in a place entity after "in", "at" ...;
  the given-name lexicon is the nicknames tables (several thousand English and Spanish first
  names and nicknames) and the SSA's US baby names (about 20,000; see nicknames.py);
* capitalised words in no English dictionary ("Okonkwo", "Usamov"): in a privacy filter an
  unknown capitalised word is more likely a name than not (English comments);
* context: honorifics ("Dr. Wells", "Sra. Pérez"), "my name is", "me llamo", and a name right
  after "ask", "tell", "thanks", "gracias a" ... ("Ask Rosalind at the desk", "tell terrence");
* lower-case known first names that are no dictionary word ("ask terrence");
* in Spanish comments, capitalised words mid-sentence in neither dictionary ("Mi compañera
  Dayana");
* the context rules of context.py for words that are names and places or words at once:
  "Jordan from HR", "Malta said", but "families from Jordan", "from Black patrons"; and for
  months that are given names and names not written capitalised, before what people do:
  "Abril dijo que no", "keiko never answers", "NGUYEN yelled at me";
* names joined as a subject (coordination.py), and given names listed with a person the
  rules found: "Jordan and Kenya were rude to us", "El equipo de Julio y Abril".

PERSON entities made only of dictionary words that are no known given name are dropped
("Wisdom and Discipline are values", "Summer Reading"), unless a context rule names them; so
are lower-case ones without a known given name. A capitalised word followed by a word such as
"branch", "library" or "event" is a place or a thing ("the Kirkland branch").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from storage.anonymise.context import (
    MONTHS,
    NAME_MONTHS,
    PLACES,
    acts,
    beside_place,
    brand,
    colleague,
    describes,
    doer,
    lower_pair,
    member,
    origin,
    plural,
    sentence_start,
    speaker,
    stop_word,
    title,
)
from storage.anonymise.coordination import beside_person, coordinated, names_alone
from storage.anonymise.dictionary import Dictionary
from storage.anonymise.ner import Analysis
from storage.anonymise.nicknames import births, given_names, lower_case_names
from storage.anonymise.normalise import WORD_RE, fold, latin
from storage.anonymise.patterns import NAME, P_NAME, Span
from storage.anonymise.terms import keep_terms, place_words, term_spans
from storage.anonymise.words import (
    ACTS,
    AFTER_NAME,
    BEFORE_NAME,
    COLLEAGUES,
    COMMON_WORD_NAMES,
    FUNCTION_WORDS,
    HONORIFICS,
    NOT_PERSON_WORDS,
    PARTICLES,
    SENTENCE_END,
    SHORT_NAMES,
    TALK_VERBS,
    UNITS,
    VERB_SKIPS,
)

__all__ = ["could_hold_name", "person_spans"]

_PLACES = PLACES  # GPE, LOC, FAC
_PERSON = frozenset({"PERSON", "PER"})
# Entity labels where names that are words are no evidence of a person: "June to August".
_WHEN = frozenset({"DATE", "TIME"})
_LOCATIVE = frozenset("in at near to from into en desde cerca hacia".split())
_PREPOSITIONS = _LOCATIVE | frozenset(
    "a al ante bajo con contra de del entre hasta para por segun sin sobre tras".split())
_LIST_WORDS = frozenset({"and", "or", "y", "o", ",", "&", "/"})
_JOINS = frozenset({"and", "or", "y", "o", "&"})
_PLACE_CUES = frozenset({"from", "per"})  # name cues (BEFORE_NAME) that come before places too
# "Tell Martin", "Per Munis": a cue the pipeline's PERSON or a rule took in; not "Ping" or "Ty",
# which are given names too.
_LEAD_CUES = (BEFORE_NAME | TALK_VERBS) - {"ping", "ty"}
_NAME_CUES = (r"\bmy name is|\bname is|\bname\s*:|\bnamed|\bcalls me|\bcall me|\bname\?|"
              r"\bme llamo|\bse llama|\bmi nombre es|\bnombre\s*:")
_NAME_CUE = re.compile(f"(?:{_NAME_CUES})\\s*$", re.IGNORECASE)
_ANY_CUE = re.compile(_NAME_CUES, re.IGNORECASE)
_DETERMINERS = frozenset("a an the my your our their his her its this that mi tu su".split())
_ASK = frozenset({"ask", "asked", "asking"})
_POSSESSIVE = re.compile(r"['’]s?$")
_NEXT_WORD = re.compile(r"[ \t]+([^\W\d_]+)")


def could_hold_name(view: str, words: Dictionary) -> bool:
    """Cheap check before running the pipeline: is any word of ``view`` one the rules or the
    NER could keep as a name? Comments whose only capitalised word opens a sentence with a
    dictionary word ("The training was useful.") skip the pipeline, unless "said", "from" ...
    follows it ("Ramadan said", "Dakota from circulation")."""
    lexicon = given_names()
    if _ANY_CUE.search(view):
        return True
    prev_end = 0
    prev_key = ""
    prev_title = False
    prev_lower = ""  # the word before, when in lower case
    before_lower = ""  # ... and the word before that
    actor = ""  # the last word before adverbs such as "never": "keiko never answers"
    for m in WORD_RE.finditer(view):
        word = m.group()
        key = fold(word)
        if prev_title and (key in AFTER_NAME or key == "from" or key in _JOINS):
            return True  # "Ramadan said", "Dakota from circulation", "Hope and I"
        if key in ACTS and actor and (actor in NAME_MONTHS or actor in COMMON_WORD_NAMES or (
                not words.known(actor) and not stop_word(actor))):
            return True  # "keiko never answers", "NGUYEN yelled at me", "Hope refused"
        if key not in VERB_SKIPS:
            actor = "" if key in FUNCTION_WORDS or (
                title(word) and key not in NAME_MONTHS and key not in COMMON_WORD_NAMES) else key
        prev_title = title(word) and latin(word)
        if key in FUNCTION_WORDS or not latin(word):
            pass
        elif word[0].isupper():
            gap = view[prev_end : m.start()]
            start = prev_end == 0 or any(c in SENTENCE_END for c in gap) or "\n" in gap
            if not start or key in lexicon or not words.known(key) or prev_key in BEFORE_NAME:
                return True
        elif key in lower_case_names() and not words.word(key):
            return True
        elif (prev_lower in lower_case_names() and not stop_word(prev_lower)
              and before_lower not in _DETERMINERS
              and len(key) > 3 and not stop_word(key) and (
                  not words.known(key) or (prev_end == len(prev_lower)
                                           and prev_lower not in COMMON_WORD_NAMES))):
            return True  # "maria lopez covered", "tom hanks visited" (not "my charles schwab")
        elif prev_key in COLLEAGUES and key in lexicon and not stop_word(key):
            return True  # "our branch manager tom"
        elif (prev_key in BEFORE_NAME or prev_key in HONORIFICS) and not words.known(key):
            return True
        elif key in SHORT_NAMES and key not in PARTICLES and (prev_key in BEFORE_NAME or (
                prev_key == "for" and before_lower in _ASK) or (
                prev_key in ("to", "with") and before_lower in TALK_VERBS)):
            return True  # "ask for mo at the desk"
        elif prev_key in HONORIFICS and key in lexicon and not words.ordinary(key):
            return True  # "mr. smith"
        before_lower = prev_key
        prev_end, prev_key = m.end(), key
        prev_lower = key if word.islower() else ""
    return False


def person_spans(view: str, analysis: Analysis, words: Dictionary,
                 local: Dictionary | None = None) -> list[Span]:
    """Name spans in ``view`` from the pipeline's entities and the rules above. ``words`` is
    the English dictionary; ``local`` the dictionary of a comment in another language."""
    tokens = list(analysis.doc)
    lexicon = given_names()

    def word_of(key: str) -> bool:  # a word of the comment's language
        return words.known(key) or (local is not None and local.known(key))

    def plain_word(key: str) -> bool:  # ... and no given name, unless a verb ("left", "fall")
        return word_of(key) and (key not in lexicon or words.ordinary(key))

    def verbal(key: str) -> bool:  # a verb, adjective or adverb and no given name ("keeps")
        return words.ordinary(key) and key not in lexicon

    cued = _cued(view, tokens, words, lexicon, local)
    out: list[Span] = []
    starts_term = {start for start, _, _ in term_spans(view)}
    joined = coordinated(tokens, analysis, lexicon, words, local, starts_term)
    by_rule: set[int] = set()  # "Malta from HR": a person even if a listed term

    for start, end in analysis.persons:
        first = _token_at(tokens, start)
        if first is None or first not in cued:
            keys = [fold(w) for w in WORD_RE.findall(view[start:end])]
            named = [k for k in keys if k in lexicon and k not in COMMON_WORD_NAMES]
            if (local is not None and len(keys) == 1 and not named and local.known(keys[0])
                    and keys[0] not in COMMON_WORD_NAMES and sentence_start(tokens, first or 0)):
                continue  # Spanish "Necesito ayuda": a verb opening the sentence
            if not named and all(words.ordinary(k) or k in FUNCTION_WORDS
                                 or k in NOT_PERSON_WORDS for k in keys):
                continue  # "Wisdom and Discipline", "Summer Reading", "Could I", "Library"
            if all(brand(w, lexicon, words) for w in WORD_RE.findall(view[start:end])):
                continue  # "WhatsApp", "PowerPoint"
            if view[start:end].islower() and not named and all(words.known(k) for k in keys):
                continue  # "requesting pto"
            if first is not None and _dates_listed(tokens, first):
                continue  # "Las vacaciones de Julio y Agosto"
        out.append(_name_span(view, start, end, plain_word, verbal))

    i = 0
    while i < len(tokens):
        found = i in cued or i in joined or _starts_name(tokens, i, analysis, lexicon, words,
                                                         local)
        if not found and (member(tokens, i, analysis, lexicon, words, local)
                          or colleague(tokens, i, analysis, lexicon, words)):
            found = True
            by_rule.add(tokens[i].idx)
        elif not found:
            found = ((speaker(tokens, i, analysis, lexicon, words) and not origin(tokens, i, words))
                     or doer(tokens, i, analysis, lexicon, words, local))
        pair = not found and lower_pair(tokens, i, analysis, words)
        if found or pair:
            j = max(_extend(tokens, i, words, starts_term, local), i + 2 if pair else 0)
            first = i - 1 if _first_name_before(tokens, i) else i
            out.append(_name_span(view, tokens[first].idx,
                                  tokens[j - 1].idx + len(tokens[j - 1])))
            i = j
        else:
            i += 1
    for k in names_alone(tokens, lexicon):  # "Milagros y Consuelo", the whole comment
        out.append(_name_span(view, tokens[k].idx, tokens[k].idx + len(tokens[k])))
        by_rule.add(tokens[k].idx)
    # "Jordan and Kenya were rude to us": a given name listed with a person is a person too
    people = {k for k, tok in enumerate(tokens) if any(s <= tok.idx < e for s, e, _, _ in out)}
    for k in sorted(beside_person(tokens, people, analysis.language, lexicon, words,
                                   starts_term)):
        out.append(_name_span(view, tokens[k].idx, tokens[k].idx + len(tokens[k])))
    # "Juneteenth", "Martin Luther King Jr. Day", "Tigrinya", "Latinx", "from Afghanistan": no
    # person, unless context names one ("ask Holi", "Diwali said", "Holi wants the day off";
    # "from" and "per" come before places too)
    by_context = {tokens[i].idx for i in cued
                  if i == 0 or fold(tokens[i - 1].text) not in _PLACE_CUES} | by_rule
    out = [_with_surname(view, s, word_of, lexicon) for s in out]
    spoken = {s[0] for s in out if _word_after(view, s[1]) in AFTER_NAME}
    return keep_terms(view, out, by_context, spoken)


def _with_surname(view: str, span: Span, word_of: Callable[[str], bool],
                  lexicon: frozenset[str]) -> Span:
    """``span`` with the lower-case word after it when the span ends with a given name and
    the word is in no dictionary and no stop word: a surname typed in haste ("Maria lopez
    covered", "I asked Maria lopez"; not "Samsung flipphones" or "Netflix doesn't")."""
    start, end, priority, placeholder = span
    names = WORD_RE.findall(view, start, end)
    m = _NEXT_WORD.match(view, end)
    if (placeholder != NAME or not names or not m or not title(names[-1])
            or fold(names[-1]) not in lexicon or view[m.end(1):m.end(1) + 1] in ("'", "’")):
        return span
    word = m.group(1)
    key = fold(word)
    if (word.islower() and len(word) > 2 and key not in FUNCTION_WORDS and key not in PARTICLES
            and not stop_word(key) and not word_of(key)):
        return (start, m.end(1), priority, placeholder)
    return span



def _word_after(view: str, end: int) -> str:
    """The folded word right after ``end`` across spaces only ("Eid said" -> "said")."""
    m = _NEXT_WORD.match(view, end)
    return fold(m.group(1)) if m else ""


def _cued(view: str, tokens: list[Any], words: Dictionary, lexicon: frozenset[str],
          local: Dictionary | None = None) -> set[int]:
    """Tokens that context marks as a name: after an honorific, "my name is", "ask", "gracias
    a" ...; after "from" or "per" a lower-case word only if a given name ("from terrence", not
    "Pushback from admin"), and not a place people come from ("families from Jordan"), a
    word that describes a group ("from Black patrons") or a span of dates ("from June to
    August"); a lower-case word of the comment's language is no name ("habla español")."""
    cued: set[int] = set()
    for i, tok in enumerate(tokens):
        if not tok.is_alpha or len(tok.text) < 2:
            continue
        key = fold(tok.text)
        prev = fold(tokens[i - 1].text.rstrip(".")) if i > 0 else ""
        prev2 = fold(tokens[i - 2].text) if i > 1 else ""
        if prev == "for" and prev2 in _ASK and (key in SHORT_NAMES or key in lexicon
                                                 or not words.known(key)):
            prev = prev2  # "ask for mo at the desk", "ask for Keisha" (not "ask for Help")
        after_cue = (prev in BEFORE_NAME and prev not in _PLACE_CUES) or (
            prev in ("to", "with") and prev2 in TALK_VERBS)
        if after_cue and key in SHORT_NAMES and not (tok.text.islower() and (
                key in PARTICLES or stop_word(key))):
            cued.add(i)  # "ask mo", "thanks jo", "tell Ed", "thanks to jo"
            continue
        # "dr. ruiz", "mr. smith": in lower case the pipeline splits the honorific's dot off
        honoured = prev in HONORIFICS or (prev == "" and i > 1 and prev2 in HONORIFICS)
        if key in FUNCTION_WORDS or (tok.text.islower() and len(key) < 3) or (
                tok.text.islower() and (words.known(key) or (local is not None
                                                             and local.known(key)))
                and not (honoured and key in lexicon and not words.ordinary(key))):
            continue
        if (title(tok.text) or tok.text.islower()) and honoured:
            cued.add(i)
        elif (title(tok.text) or tok.text.islower()) and (
            prev in BEFORE_NAME or (prev in ("to", "a", "with", "con") and prev2 in TALK_VERBS)
        ):
            if prev in _PLACE_CUES and (origin(tokens, i, words) if title(tok.text)
                                        else key not in lexicon):
                continue
            if title(tok.text) and key in UNITS:
                continue  # "Updates from Facilities", "ask Payroll"
            if title(tok.text) and describes(tokens, i, lexicon, words):
                continue  # "from Black patrons", "ask Muslim staff", "from June to August"
            if tok.text.islower() or not sentence_start(tokens, i):
                cued.add(i)
        elif _NAME_CUE.search(view[max(0, tok.idx - 24) : tok.idx]):
            cued.add(i)
    return cued


def _starts_name(tokens: list[Any], i: int, analysis: Analysis, lexicon: frozenset[str],
                 words: Dictionary, local: Dictionary | None = None) -> bool:
    tok = tokens[i]
    word = tok.text
    if not tok.is_alpha or len(word) < 2 or tok.ent_type_ in _PERSON or not latin(word):
        return False
    key = fold(word)
    if (key in FUNCTION_WORDS or key in NOT_PERSON_WORDS or key in PARTICLES
            or brand(word, lexicon, words)):
        return False  # ... or a product: "WhatsApp", "PowerPoint"
    nxt = fold(tokens[i + 1].text) if i + 1 < len(tokens) else ""
    if nxt in NOT_PERSON_WORDS or _listed_before_noun(tokens, i, words):
        return False  # "the Kirkland branch", "the Juneteenth event", "Summer and Fall programs"
    label = tok.ent_type_
    if label and title(word) and label not in _PLACES and _entity_looks_personal(
        tokens, i, analysis.language, given_names(), words
    ):
        return True  # "Zoe Young" or "Muslija and Brown" tagged ORG
    if key in COMMON_WORD_NAMES:
        return False
    if word.islower():  # "they had: terrence, caleb", "maría josé no vino"
        if len(word) < 3 or key not in lower_case_names():
            return False
        if (not stop_word(key) and i + 1 < len(tokens) and _surname(tokens[i + 1], words, local)
                and not _noun_at(tokens, i + 2, words)):
            return True  # "maria lopez covered"; not "my charles schwab account" (a firm)
        return not words.word(key) and (analysis.language == "en" or (
            local is not None and not local.known(key) and not stop_word(key)))
    if not title(word):
        return False
    at_start = sentence_start(tokens, i)
    if key in lexicon:
        if label in _PLACES and _after_locative(tokens, i):
            return False  # "in Florence", "families from Georgia and Jordan"
        if label in _PLACES and beside_place(tokens, i):
            return False  # "India and Pakistan holidays"
        if label and _entity_has(tokens, i, NOT_PERSON_WORDS):
            return False
        return not at_start or not words.known(key) or bool(label)
    if len(word) < 3:
        return False
    if analysis.language != "en":
        # "Mi compañera Dayana traduce": capitalised mid-sentence, in neither dictionary, no
        # place, no entity of another label (Spanish capitalises no languages or months), not
        # after a preposition ("para Tacoma") and no brand's inner capital ("WhatsApp")
        return (local is not None and not at_start and not label and word[1:].islower()
                and not local.known(key) and not words.known(key) and key not in place_words()
                and fold(tokens[i - 1].text) not in _PREPOSITIONS)
    if words.word(key) or (at_start and words.known(key)) or plural(key, lexicon, words):
        return False
    # An unknown capitalised word: "Okonkwo". In an entity, only when the entity is made of
    # unknown words, given names and initials ("Nikolaj N Møller", not "Microsoft Teams").
    return not label or _entity_looks_personal(tokens, i, analysis.language, lexicon, words)


def _surname(tok: Any, words: Dictionary, local: Dictionary | None) -> bool:
    """Whether ``tok`` reads as a surname typed in lower case after a first name: four
    letters or more, in no dictionary and no stop word ("lopez", "desrosiers")."""
    key = fold(tok.text)
    return (tok.is_alpha and tok.text.islower() and len(key) > 3 and not words.known(key)
            and not (local is not None and local.known(key)) and not stop_word(key)
            and key not in FUNCTION_WORDS and key not in ACTS)


def _noun_at(tokens: list[Any], k: int, words: Dictionary) -> bool:
    """Whether token ``k`` is a lower-case noun that is no verb, adjective or stop word."""
    if k >= len(tokens) or not tokens[k].is_alpha or not tokens[k].text.islower():
        return False
    key = fold(tokens[k].text)
    return words.known(key) and not words.ordinary(key) and not stop_word(key)


def _first_name_before(tokens: list[Any], i: int) -> bool:
    """Whether a lower-case name at token ``i`` follows a lower-case given name that is also
    a word ("maría josé no vino": "maria" is an English and a Spanish word)."""
    if i == 0 or not tokens[i].text.islower() or tokens[i - 1].whitespace_ != " ":
        return False
    prev = tokens[i - 1]
    key = fold(prev.text)
    return (prev.is_alpha and prev.text.islower() and len(key) > 2
            and key in lower_case_names() and key not in FUNCTION_WORDS
            and key not in PARTICLES and not stop_word(key))


def _listed_before_noun(tokens: list[Any], i: int, words: Dictionary) -> bool:
    """Whether token ``i`` is in a list of capitalised words joined by "and", "y" ... that
    comes before a lower-case noun of NOT_PERSON_WORDS or its plural, and is a dictionary
    word hardly given as a first name ("Summer and Fall programs") or, before a word for a
    place, a place ("Austin and Dallas libraries"). Not "Dana trusts me" (no list), "Harper
    and Jordan programs the robots" or "Maria and Jordan teams" (common first names)."""
    key = fold(tokens[i].text)
    rare = births(key) < _RARE_BIRTHS and words.known(key)
    if not (rare or tokens[i].ent_type_ in _PLACES):
        return False
    first = end = i
    while (first >= 2 and tokens[first - 1].text.lower() in _LIST_WORDS
           and title(tokens[first - 2].text) and tokens[first - 2].is_alpha):
        first -= 2
    while (end + 2 < len(tokens) and tokens[end + 1].text.lower() in _LIST_WORDS
           and title(tokens[end + 2].text) and tokens[end + 2].is_alpha):
        end += 2
    if first == end or end + 1 >= len(tokens) or not tokens[end + 1].text.islower():
        return False
    key = fold(tokens[end + 1].text)
    singular = key[:-3] + "y" if key.endswith("ies") else key[:-1] if key.endswith("s") else ""
    if rare:
        return singular in NOT_PERSON_WORDS or key in NOT_PERSON_WORDS
    return key in _PLACE_NOUNS


def _dates_listed(tokens: list[Any], i: int) -> bool:
    """Whether token ``i`` is a month in a list of months after a preposition, one of them no
    given name, and no verb of what people do after the list: "Las vacaciones de Julio y
    Agosto", "between June and July" (not "El equipo de Julio y Abril")."""
    if fold(tokens[i].text) not in MONTHS:
        return False
    first = end = i
    while first >= 2 and tokens[first - 1].text.lower() in _LIST_WORDS:
        first -= 2
    while end + 2 < len(tokens) and tokens[end + 1].text.lower() in _LIST_WORDS:
        end += 2
    keys = [fold(tokens[k].text) for k in range(first, end + 1, 2)]
    return (first > 0 and first < end and all(k in MONTHS for k in keys)
            and any(k not in NAME_MONTHS for k in keys)
            and fold(tokens[first - 1].text) in _PREPOSITIONS and not acts(tokens, end + 1))


# US births under which a dictionary word is hardly a first name ("Fall": none; "Austin",
# "Maria": hundreds of thousands).
_RARE_BIRTHS = 1000
_PLACE_NOUNS = frozenset("""library libraries branch branches county counties city cities
    office offices campus campuses location locations site sites""".split())


def _extend(tokens: list[Any], i: int, words: Dictionary,
            starts_term: set[int] | frozenset[int] = frozenset(),
            local: Dictionary | None = None) -> int:
    """End (exclusive) of the name starting at token ``i``: following capitalised words that
    are no dictionary words, are given names or names that are also words ("Pascua Reyes",
    "Jamal Brown"; not one that starts a listed term or comes before "road", "county" ...),
    initials ("Ravil G Yefimov", "Sari J. Paavolainen") and particles ("Luz de la Cruz"); a
    lower-case name takes a following unknown lower-case word ("patricia desrosiers")."""
    lower = tokens[i].text.islower()
    lexicon = given_names()
    j = i + 1
    while j < len(tokens):
        tok = tokens[j]
        text = tok.text
        if "\n" in tokens[j - 1].whitespace_ or tok.is_space:
            break
        key = fold(text)
        if lower:
            if (tok.is_alpha and text.islower() and not words.known(key)
                    and not (local is not None and local.known(key)) and not stop_word(key)
                    and key not in FUNCTION_WORDS and key not in ACTS):  # "keiko dijo"
                j += 1
                continue
            break
        if (len(text) == 1 and text.isupper()) or (
            len(text) == 2 and text[1] == "." and text[0].isupper()
        ):
            j += 1  # an initial
            if j < len(tokens) and tokens[j].text == "." and not tokens[j - 1].whitespace_:
                j += 1
            continue
        if key in PARTICLES:
            k = j
            while k < len(tokens) and fold(tokens[k].text) in PARTICLES:
                k += 1
            if k < len(tokens) and title(tokens[k].text) and not words.ordinary(
                fold(tokens[k].text)
            ):
                j = k + 1
                continue
            break
        if (title(text) and tok.is_alpha and key not in NOT_PERSON_WORDS
                and key not in FUNCTION_WORDS
                and (not words.word(key) or key in lexicon or tok.ent_type_ in _PERSON
                     or (key in COMMON_WORD_NAMES and tok.idx not in starts_term
                         and not _before_place_word(tokens, j))
                     or (fold(tokens[j - 1].text) in lexicon and not words.ordinary(key)
                         and tok.idx not in starts_term and not _capitalised(tokens, j + 1)))):
            j += 1  # ... and a noun after a given name ending the name ("Luz María Ortega")
            continue
        break
    return j


def _capitalised(tokens: list[Any], k: int) -> bool:
    return k < len(tokens) and title(tokens[k].text)


def _after_locative(tokens: list[Any], i: int) -> bool:
    """Whether token ``i`` follows "in", "from" ..., alone or after other places listed with
    it ("in Florence", "families from Georgia and Jordan")."""
    k = i - 1
    while k >= 2 and tokens[k].text.lower() in _LIST_WORDS and tokens[k - 1].ent_type_ in _PLACES:
        k -= 2
    return k >= 0 and fold(tokens[k].text) in _LOCATIVE


def _before_place_word(tokens: list[Any], j: int) -> bool:
    """Whether a word such as "road", "county" or "park" follows token ``j`` ("Forrest Hill
    Road", "King County")."""
    return j + 1 < len(tokens) and fold(tokens[j + 1].text) in NOT_PERSON_WORDS


def _entity_bounds(tokens: list[Any], i: int) -> tuple[int, int]:
    start = i
    while start > 0 and tokens[start].ent_iob_ == "I":
        start -= 1
    end = i + 1
    while end < len(tokens) and tokens[end].ent_iob_ == "I":
        end += 1
    return start, end


def _entity_has(tokens: list[Any], i: int, found: frozenset[str]) -> bool:
    """Whether the entity around token ``i`` contains one of ``found``."""
    if not tokens[i].ent_type_:
        return False
    start, end = _entity_bounds(tokens, i)
    return any(fold(t.text) in found for t in tokens[start:end])


def _entity_looks_personal(tokens: list[Any], i: int, language: str, lexicon: frozenset[str],
                           words: Dictionary) -> bool:
    """An entity of another label that reads as a person's name: its capitalised words are
    unknown words, given names, names that are also words ("Brown") or nouns, and one at
    least is an unknown word or a given name ("Muslija and Brown", not "Microsoft Teams"; in a
    date, a given name that is also a word does not count: "June to August")."""
    start, end = _entity_bounds(tokens, i)
    dates = tokens[i].ent_type_ in _WHEN
    strong = False
    for tok in tokens[start:end]:
        key = fold(tok.text)
        if not tok.is_alpha or len(key) == 1 or key in PARTICLES or key in FUNCTION_WORDS:
            continue
        if key in NOT_PERSON_WORDS:
            return False
        if ((key in lexicon and not (dates and key in COMMON_WORD_NAMES))
                or (language == "en" and not words.known(key))):
            strong = True  # (the dictionary is English: a Spanish word is no evidence)
        elif key not in COMMON_WORD_NAMES and words.ordinary(key):
            return False
    return strong


def _token_at(tokens: list[Any], char: int) -> int | None:
    for k, tok in enumerate(tokens):
        if tok.idx == char:
            return k
    return None


def _name_span(view: str, start: int, end: int,
               word_of: Callable[[str], bool] | None = None,
               verbal: Callable[[str], bool] | None = None) -> Span:
    """A name span without a trailing possessive ("Maite Lemmens's" -> "Maite Lemmens") and
    without function words the pipeline glued to either end ("Maria at" -> "Maria"), a
    lower-case dictionary word after a capitalised name (``word_of``: "Workday están" ->
    "Workday") or a cue before it ("Tell Martin" -> "Martin")."""
    # Whole words only: a pipeline token can end inside a word ("Got|ta").
    while start > 0 and view[start - 1].isalpha() and view[start].isalpha():
        start -= 1
    while end < len(view) and view[end].isalpha() and view[end - 1].isalpha():
        end += 1
    m = _POSSESSIVE.search(view[start:end])
    if m and end - start - len(m.group()) > 1:
        end -= len(m.group())
    words = list(WORD_RE.finditer(view, start, end))
    while len(words) > 1 and (fold(words[-1].group()) in FUNCTION_WORDS or (
            word_of is not None and words[-1].group().islower()
            and not words[0].group().islower() and word_of(fold(words[-1].group())))
            or (verbal is not None and words[0].group().islower()
                and verbal(fold(words[-1].group())))):
        words.pop()  # "Maria at", "Workday están", "dana keeps" (not "Maria lopez")
        end = words[-1].end()
    while len(words) > 1 and (fold(words[0].group()) in FUNCTION_WORDS
                              or fold(words[0].group()) in _LEAD_CUES):
        words.pop(0)  # "Tell Martin" -> "Martin"
        start = words[0].start()
    return (start, end, P_NAME, NAME)
