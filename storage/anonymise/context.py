"""What the words around a capitalised word say: a person, or a place, a unit, a thing.

Rules for unlisted.py over the pipeline's tokens, for words the name lexicons cannot decide
because they are names and words or places at once ("Jordan", "Dakota", "Kenya", "Malta"):

* ``member``: "Jordan from HR", "Dakota from circulation", "Kenya from payroll": a proper noun
  followed by "from" and a unit (an acronym or a lower-case noun) is a person. The tagger tells
  the proper noun from "Communication from management" or "Feedback from circulation";
* ``speaker``: "Malta said", "Kenya wants the day off": a proper noun that the pipeline marks
  as an entity or that is a given name or a country, right before "said", "wants" ...;
* ``describes``: "complaints from Black patrons", "ask Muslim staff", "from June to August":
  after a cue such as "from" or "ask", a word for a group of people before the noun it
  describes, or the start of a span of dates, is no name;
* ``beside_place``: "India and Pakistan holidays": a country that is a given name too, listed
  with a country that is not, is a country;
* ``origin``: "families from Jordan", "refugees from Syria", "moved from Chad": after
  "from", a country is where people come from when a plural noun, a word for people or a
  verb of moving comes before "from"; after anything else ("a message from Jordan", "I heard
  from Chad") it may be a person and the cue rules treat it as one;
* ``doer``: "Abril dijo que no", "Mayo nunca contesta", "keiko never answers", "NGUYEN yelled
  at me": a month that is a given name too (capitalised), or a word in no dictionary written
  in lower case or in capitals, before a verb of what people do and months, places and
  systems do not (words.py ``ACTS``; not "Abril fue lluvioso", "FMLA says").
"""

from __future__ import annotations

import functools
from typing import Any

from storage.anonymise.dictionary import Dictionary
from storage.anonymise.ner import Analysis
from storage.anonymise.nicknames import births, lower_case_names
from storage.anonymise.normalise import fold, latin
from storage.anonymise.terms import listed_places, place_words
from storage.anonymise.words import (
    ACTS,
    AFTER_NAME,
    COLLEAGUES,
    COMMON_WORD_NAMES,
    FUNCTION_WORDS,
    LOUD_ACTS,
    MESSAGE_WORDS,
    NOT_PERSON_WORDS,
    ORIGIN_WORDS,
    PARTICLES,
    SENTENCE_END,
    SHORT_NAMES,
    VERB_SKIPS,
    WORK_VERBS,
)

__all__ = [
    "MONTHS",
    "NAME_MONTHS",
    "acts",
    "beside_place",
    "brand",
    "colleague",
    "describes",
    "doer",
    "lower_pair",
    "member",
    "origin",
    "plural",
    "sentence_start",
    "speaker",
    "stop_word",
    "title",
]

PLACES = frozenset({"GPE", "LOC", "FAC"})
_PERSON = frozenset({"PERSON", "PER"})
_WHEN = frozenset({"DATE", "TIME"})
# US births above which a first name before "from <unit>" is a person whatever the tagger says.
_SURE_BIRTHS = 20000
_FROM = {"en": frozenset({"from"}), "es": frozenset({"de", "del"})}
_AND = frozenset({"and", "or", "y", "o", ",", "&", "/"})
_DETERMINERS = frozenset(
    "a an the this that these those my your our their his her its every each some any no "
    "el la los las un una mi tu su nuestro nuestra".split())


def title(word: str) -> bool:
    """Capitalised, not all capitals ("Jordan", not "HR")."""
    return bool(word) and word[0].isupper() and not (len(word) > 1 and word.isupper())


def sentence_start(tokens: list[Any], i: int) -> bool:
    k = i - 1
    while k >= 0 and tokens[k].is_space:
        k -= 1
    if k < 0 or k < i - 1:
        return True
    prev = tokens[k]
    return prev.text[-1:] in SENTENCE_END or "\n" in prev.whitespace_


def plural(key: str, lexicon: frozenset[str], words: Dictionary) -> bool:
    """A plural of a dictionary word that is no given name: "Friends" (but not "Rogers")."""
    return key.endswith("s") and words.word(key[:-1]) and key[:-1] not in lexicon


def _plural_noun(key: str, words: Dictionary) -> bool:
    """A regular plural of a noun that is no verb: "families", "refugees", "patrons" (not
    "hears", "calls")."""
    return (key.endswith("s") and not key.endswith("ss") and not words.word(key)
            and words.known(key) and not words.ordinary(key))


def place(tok: Any) -> bool:
    """A place name: a GPE or LOC entity, or a country's one-word name."""
    return tok.ent_type_ in PLACES or fold(tok.text) in place_words()


# Surname and given-name prefixes written with an inner capital: "McDonald", "DeShawn".
_NAME_PREFIXES = frozenset("mc mac de la le di da van von du o d st".split())


def brand(word: str, lexicon: frozenset[str], words: Dictionary) -> bool:
    """A product written with an inner capital whose last part is a word and no given name, or
    a word after another word: "WhatsApp", "PowerPoint", "LinkedIn", "YouTube", "OneDrive"
    (not "DeShawn", "McDonald", "LaToya", "MaryBeth", "JoAnn")."""
    caps = [k for k in range(1, len(word)) if word[k].isupper() and word[k - 1].islower()]
    if not caps or not word[0].isupper():
        return False
    head, tail = fold(word[:caps[0]]), fold(word[caps[-1]:])
    if head in _NAME_PREFIXES or head in lexicon or not (
            tail in FUNCTION_WORDS or tail in NOT_PERSON_WORDS or words.known(tail)):
        return False  # ("App" is in no dictionary the pipelines ship)
    return tail not in lexicon or (len(head) > 2 and words.known(head))  # "Whats" + "App"


def _candidate(tokens: list[Any], i: int, lexicon: frozenset[str], words: Dictionary) -> bool:
    """Whether token ``i`` could be a name the rules below decide on: a capitalised word that
    is no function word, no word for a place or a group, no inflected or derived form of a
    word and, at a sentence start, no verb or adjective unless a given name."""
    tok = tokens[i]
    word = tok.text
    if not (tok.is_alpha and len(word) > 1 and title(word)):
        return False
    key = fold(word)
    if (key in FUNCTION_WORDS or key in NOT_PERSON_WORDS or brand(word, lexicon, words)
            or (key in PARTICLES and key not in SHORT_NAMES)):  # "Al said no"
        return False
    if key not in lexicon and (plural(key, lexicon, words) or _plural_noun(key, words)
                               or (words.known(key) and not words.word(key))):
        return False  # "Families", "Misgendering", "Transphobia": a word's plural or derivation
    return key in lexicon or not (words.ordinary(key) and sentence_start(tokens, i))


def _proper(analysis: Analysis, i: int, evidence: bool) -> bool:
    """The tagger's word on token ``i``; without a tagger, ``evidence``."""
    found = analysis.proper(i)
    return evidence if found is None else found


def member(tokens: list[Any], i: int, analysis: Analysis, lexicon: frozenset[str],
           words: Dictionary, local: Dictionary | None = None) -> bool:
    """"Jordan from HR", "Dakota from circulation", "Kenia de nóminas": token ``i`` is a
    proper noun followed by "from" ("de" in Spanish) and a unit: an acronym, a lower-case
    noun, or a capitalised dictionary word that is no place ("from Facilities")."""
    if i + 2 >= len(tokens) or fold(tokens[i + 1].text) not in _FROM.get(analysis.language, ()):
        return False
    if not _candidate(tokens, i, lexicon, words):
        return False
    key = fold(tokens[i].text)
    if local is not None and local.known(key):
        return False  # Spanish: "Jornada de puertas abiertas"
    unit = tokens[i + 2]
    text = unit.text
    if not unit.is_alpha or place(unit):
        return False
    ukey = fold(text)
    if key in COMMON_WORD_NAMES and ukey.endswith("s") and words.known(ukey[:-1]):
        return False  # "Joy from kids", "Love from patrons": the word, not a name
    if not ((text.isupper() and 2 <= len(text) <= 5)
            or (text.islower() and ukey not in FUNCTION_WORDS and len(text) > 2)
            or (title(text) and local is None and words.known(ukey) and ukey not in lexicon)):
        return False  # (Spanish "de" before a capitalised word names places: "Villafranca del Cid")
    if births(key) >= _SURE_BIRTHS and key not in COMMON_WORD_NAMES:
        return True  # a common first name the tagger may read as a noun: "Harper from IT"
    tok = tokens[i]
    return _proper(analysis, i, bool(tok.ent_type_) or key in lexicon or not words.known(key))


def speaker(tokens: list[Any], i: int, analysis: Analysis, lexicon: frozenset[str],
            words: Dictionary) -> bool:
    """"Malta said", "Kenya wants the day off": token ``i`` is a proper noun right before one
    of AFTER_NAME, and a given name, a country, a PERSON entity, or capitalised mid-sentence
    and no entity ("Yesterday Emery said"). Not "Payroll said" or "Management wants" (no
    proper nouns), nor "Amazon said" or "Seattle said" (entities of other labels: companies,
    cities and agencies say things too)."""
    if i + 1 >= len(tokens) or fold(tokens[i + 1].text) not in AFTER_NAME:
        return False
    if not _candidate(tokens, i, lexicon, words):
        return False
    tok = tokens[i]
    key = fold(tok.text)
    label = tok.ent_type_
    evidence = (key in lexicon or key in place_words() or label in _PERSON
                or (not label and not sentence_start(tokens, i)
                    and fold(tokens[i - 1].text) not in _DETERMINERS))  # "The Director said"
    return evidence and _proper(analysis, i, evidence)


def origin(tokens: list[Any], i: int, words: Dictionary) -> bool:
    """Whether token ``i``, after "from", is a place people come from: "families from
    Jordan", "refugees from Syria", "moved from Chad", "is from Kenya"; not "a message from
    Jordan" or "I heard from Chad"."""
    if i < 2 or fold(tokens[i - 1].text) != "from" or not place(tokens[i]):
        return False
    before = fold(tokens[i - 2].text)
    if before in MESSAGE_WORDS:
        return False
    return before in ORIGIN_WORDS or _plural_noun(before, words)


def beside_place(tokens: list[Any], i: int) -> bool:
    """Whether token ``i`` is listed with a country that is no given name: "India and
    Pakistan", "Pakistan, India", "Jordania y Siria" (not "Jordan and Chad": two names)."""
    for k, between in ((i + 2, i + 1), (i - 2, i - 1)):
        if (0 <= k < len(tokens) and tokens[between].text.lower() in _AND
                and fold(tokens[k].text) in listed_places()):
            return True
    return False


# The months in English and Spanish (several are given names too: "June", "April", "Abril"),
# and the words that join two months into a span of dates (not "and": "June and April covered
# the desk").
MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre "
    "diciembre".split())
_SPAN = frozenset({"to", "until", "till", "through", "thru", "-", "–", "hasta", "a"})


def describes(tokens: list[Any], i: int, lexicon: frozenset[str], words: Dictionary) -> bool:
    """Whether token ``i`` describes the lower-case noun after it or starts a span of dates:
    a group (NORP: "Muslim staff", "Trans staff") or an adjective or verb ("Black patrons",
    "Senior management", "Deaf patrons"); "June to August" (one DATE entity). Given names are
    not ("a message from Grace about it"), but for a span of dates ("from May through
    September"); nor is a word before "about", "yesterday" ... ("a message from Pesach
    about the shift")."""
    tok = tokens[i]
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if tok.ent_type_ == "DATE" and nxt is not None and nxt.ent_iob_ == "I":
        return True
    if (fold(tok.text) in MONTHS and nxt is not None and fold(nxt.text) in _SPAN
            and i + 2 < len(tokens) and fold(tokens[i + 2].text) in MONTHS):
        return True  # "From June to August", whatever the tagger made of it
    key = fold(tok.text)
    if key in lexicon or nxt is None:
        return False
    return ((tok.ent_type_ == "NORP" or words.ordinary(key))
            and nxt.is_alpha and nxt.text.islower()
            and nxt.ent_type_ not in _WHEN  # "a message from Young yesterday"
            and fold(nxt.text) not in FUNCTION_WORDS and words.known(fold(nxt.text)))


# Months that are given names too ("April", "June", "Abril", "Julio"): a person only when
# context says so (a verb of ACTS after it, a person listed with it: coordination.py).
NAME_MONTHS = frozenset("april may june august abril mayo julio".split())
# What a product, a law or a website says or wants as well as a person: "google says",
# "wikipedia says". Not enough after a lower-case unknown word.
_PRESENT = frozenset("says wants thinks dice quiere piensa".split())
# Tags of words that are no names (English fine-grained, Spanish coarse): pronouns,
# determiners, conjunctions, numbers (not adverbs: the English tagger calls "nguyen" one).
_CLOSED = frozenset("PRON DET ADP CCONJ SCONJ NUM PRP PRP$ DT PDT WP WP$ WDT IN CC CD EX"
                    .split())


def acts(tokens: list[Any], k: int, verbs: frozenset[str] = ACTS) -> bool:
    """Whether token ``k``, past adverbs and clitics ("never", "nunca", "se"), is one of
    ``verbs`` (folded)."""
    for j in range(k, min(k + 3, len(tokens))):
        key = fold(tokens[j].text)
        if key in verbs:
            return True
        if key not in VERB_SKIPS:
            return False
    return False


def doer(tokens: list[Any], i: int, analysis: Analysis, lexicon: frozenset[str],
         words: Dictionary, local: Dictionary | None = None) -> bool:
    """Whether token ``i`` is a person by what follows it (see the module docstring): a
    capitalised month that is a given name, or a word of the comment's language in no
    dictionary and no pronoun (the tagger's word) in lower case (3+ letters) or in capitals
    (4+: shorter ones are acronyms, "PTO", "ADA"), before a verb of ACTS. In capitals an
    unknown word needs one of LOUD_ACTS (acronyms say, want and answer too: "FMLA says",
    "DSHS never answers"), a given name any."""
    tok = tokens[i]
    text = tok.text
    if not tok.is_alpha or len(text) < 3 or not latin(text):
        return False
    key = fold(text)
    if title(text):
        if key in NAME_MONTHS:
            return acts(tokens, i + 1) or _does(tokens, i + 1)
        # "Lee never answers", "Bill yelled at a patron", "Rose is rude to the pages": a given
        # name that is also a word, opening a sentence, before what people do or are
        return ((key in lexicon or key in COMMON_WORD_NAMES) and sentence_start(tokens, i)
                and key not in MONTHS and (acts(tokens, i + 1) or _behaves(tokens, i + 1)))
    if (key in FUNCTION_WORDS or key in NOT_PERSON_WORDS or key in PARTICLES
            or key in VERB_SKIPS or stop_word(key)
            or words.known(key) or (local is not None and local.known(key))
            or (i > 0 and fold(tokens[i - 1].text) in _DETERMINERS)):
        return False
    if text.islower():
        verbs = ACTS - _PRESENT
    elif len(text) > 3 and text.isupper():
        # a surname or a rare first name read aloud ("KEIKO said no") against an acronym
        # spelled out ("FMLA", "DSHS"); agencies still say and want ("HIPAA says")
        verbs = (ACTS if key in lexicon
                 else LOUD_ACTS | (ACTS - _PRESENT) if _spoken(key) else LOUD_ACTS)
    else:
        return False
    if not acts(tokens, i + 1, verbs):
        return False
    tags = analysis.tags()  # (the tagger runs only now: a pronoun the lists miss is no name)
    return tags is None or tags[i] not in _CLOSED


# Forms of "hacer", which months do with the weather ("Mayo hizo calor", "Julio hizo mucho
# frío") and people with anything else ("Julio hizo un desastre").
_MAKE = frozenset("hizo hace hicieron hacen".split())
_WEATHER = frozenset("""calor frio fresco sol viento tiempo bueno buen mal malo lluvia nieve
    humedad bochorno temperatura temperaturas clima""".split())
_VOWELS = frozenset("aeiouy")
_FINITE = frozenset({"VBD", "VBZ", "VBP", "MD", "VERB", "AUX"})


# What people are and months, values and things are not ("Rose is rude to the pages", "Mark
# is always late"; not "Change is hard", "Love is kind"), after "is", "was", "es" ...
_BE = frozenset("is was es fue era esta 's ’s".split())
_TRAITS = frozenset("""rude mean lazy late condescending dismissive disrespectful racist sexist
    homophobic transphobic ableist hostile aggressive abusive unprofessional unhelpful
    pregnant retiring quitting grosero grosera maleducado maleducada racista""".split())
_DEGREE = frozenset("so really very super extremely too always never often".split())


def _behaves(tokens: list[Any], k: int) -> bool:
    """Whether token ``k`` is "is" or "was" followed (past "so", "always" ...) by one of
    _TRAITS."""
    if k >= len(tokens) or fold(tokens[k].text) not in _BE:
        return False
    k += 1
    while k < len(tokens) and fold(tokens[k].text) in _DEGREE:
        k += 1
    return k < len(tokens) and fold(tokens[k].text) in _TRAITS


def _does(tokens: list[Any], k: int) -> bool:
    """Whether token ``k`` (past adverbs and clitics) is "hizo", "hace" ... and none of the
    three words after it speaks of the weather."""
    while k < len(tokens) and fold(tokens[k].text) in VERB_SKIPS:
        k += 1
    if k >= len(tokens) or fold(tokens[k].text) not in _MAKE:
        return False
    after = tokens[k + 1 : k + 4]
    return bool(after) and not any(fold(t.text) in _WEATHER for t in after)


def _spoken(key: str) -> bool:
    """A word of five letters or more read as a word, not spelled out letter by letter: two
    vowels or more and no three consonants in a row ("keiko", "okafor"; not "afscme")."""
    if len(key) < 5 or not key.isalpha() or sum(c in _VOWELS for c in key) < 2:
        return False
    run = 0
    for c in key:
        run = 0 if c in _VOWELS else run + 1
        if run >= 3:
            return False
    return True


def colleague(tokens: list[Any], i: int, analysis: Analysis, lexicon: frozenset[str],
              words: Dictionary) -> bool:
    """"the new supervisor Dana", "our branch manager tom", "Our new hire, Autumn,", "working
    with Sunny": token ``i`` right after a job title or a word for a colleague written in lower
    case (past a comma), or after "work with", and a name: capitalised, a given name (also one
    that is a word: "Rain", "Autumn") or a word in no dictionary; in lower case, a given name
    that is no stop word and no verb or adjective ("tom", not "will" or "said"), unless the
    tagger reads it as a name or a noun before a verb ("my mentor bob helped me")."""
    tok = tokens[i]
    text = tok.text
    if not (tok.is_alpha and len(text) > 1 and latin(text)) or i == 0:
        return False
    k = i - 1
    if tokens[k].text == "," and k > 0:
        k -= 1
    cue = tokens[k].text
    if not ((cue.islower() and fold(cue) in COLLEAGUES) or (
            fold(cue) in ("with", "con") and k > 0 and fold(tokens[k - 1].text) in WORK_VERBS)):
        return False
    key = fold(text)
    if key in FUNCTION_WORDS or key in NOT_PERSON_WORDS or key in PARTICLES:
        return False
    nxt = tokens[i + 1].text if i + 1 < len(tokens) else ""
    if fold(nxt) in NOT_PERSON_WORDS or (title(nxt) and fold(nxt) not in lexicon
                                         and words.ordinary(fold(nxt))):
        return False  # "the manager Eastside branch", "coordinator Summer Reading"
    if text.islower():
        if (len(text) < 3 or key not in lexicon or key in VERB_SKIPS or key in ACTS
                or stop_word(key)):
            return False
        if not words.ordinary(key) or analysis.proper(i):
            return True  # "manager tom never listens"
        tags = analysis.tags()  # "my mentor bob helped" (NN before a verb), not "rose to"
        return (tags is not None and tags[i] in ("NN", "NOUN") and i + 1 < len(tokens)
                and tags[i + 1] in _FINITE)
    if not title(text) or brand(text, lexicon, words):
        return False
    if key in lexicon or key in COMMON_WORD_NAMES or not words.known(key):
        return True
    # "My coworker Paris is moving", "Our coworker Chevy": capitalised mid-sentence after a
    # word for a colleague, a place or a brand is a person's name too; not a weekday, a month
    # or a group ("the director Friday", "our librarian Spanish storytime")
    return (not sentence_start(tokens, i) and key not in _CALENDAR
            and tok.ent_type_ not in _NOT_NAMED)


# What a capitalised word after a colleague word names when it is no person: a day or month
# ("met the director Friday") or a group, a language, a date.
_CALENDAR = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday lunes martes miercoles jueves "
    "viernes sabado domingo".split()) | (MONTHS - NAME_MONTHS)
_NOT_NAMED = frozenset({"NORP", "LANGUAGE", "DATE", "TIME", "EVENT", "LAW", "ORDINAL",
                        "CARDINAL", "MONEY", "PERCENT", "QUANTITY"})


@functools.cache
def stop_word(key: str) -> bool:
    """spaCy's English and Spanish stop words ("because", "though", "aunque", "nunca")."""
    from spacy.lang.en.stop_words import STOP_WORDS as ENGLISH
    from spacy.lang.es.stop_words import STOP_WORDS as SPANISH

    return key in ENGLISH or key in SPANISH


def lower_pair(tokens: list[Any], i: int, analysis: Analysis, words: Dictionary) -> bool:
    """"tom hanks visited": a lower-case given name opening a sentence that is no verb,
    adjective or word-name ("will", "rose", "mark"), the tagger's proper noun, then a
    lower-case word of 4+ letters and a finite verb: a first name and a surname that is also
    a word."""
    if i + 2 >= len(tokens) or analysis.language != "en" or not sentence_start(tokens, i):
        return False
    tok, nxt = tokens[i], tokens[i + 1]
    key, nkey = fold(tok.text), fold(nxt.text)
    if not (tok.is_alpha and tok.text.islower() and nxt.is_alpha and nxt.text.islower()
            and len(key) > 2 and len(nkey) > 3 and key in lower_case_names()
            and key not in COMMON_WORD_NAMES and not words.ordinary(key) and not stop_word(key)
            and key not in FUNCTION_WORDS and nkey not in FUNCTION_WORDS
            and nkey not in NOT_PERSON_WORDS and not stop_word(nkey)):
        return False
    tags = analysis.tags()
    return (tags is not None and tags[i] == "NNP" and tags[i + 1] in ("NNP", "NNS", "NN")
            and tags[i + 2] in ("VBD", "VBZ"))
