"""Words of a comment: tokens, stop words, filler, contraction fragments, crude stems, and a
word -> part-of-speech lookup (no NLTK corpora, no model files).

The part-of-speech lookup reads the Brill tagger lexicon that TextBlob ships as a plain data file
(``textblob/en/en-lexicon.txt``); TextBlob's tokenizers and noun-phrase extractors, which need
NLTK corpora, are not used.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

PLACEHOLDER = re.compile(r"\[(?:NAME|EMAIL|PHONE|NUMBER|URL|MENTION|CHANNEL)\]")
# Words with at least one letter, apostrophes kept inside ("don't"), hyphens inside ("part-time").
WORD = re.compile(r"[^\W\d_](?:[\w]|['’-](?=\w))*", re.UNICODE)
# Phrase boundaries: punctuation that ends a clause, the one-character ellipsis chat apps
# type for "...", Spanish opening marks, and emoji (Teams sends them as characters; Slack as
# ":name:", which the colons split): each can end a sentence, so no phrase runs across it.
CLAUSE = re.compile(
    r"[.,;:!?()\[\]\"“”/|\n\r\t…¿¡\u2600-\u27bf\U0001f000-\U0001faff]+|\s[-–—]+\s")

STOP_WORDS = frozenset(
    """a about above across after afterwards again against all almost alone along already also
    although always am among amongst an and another any anyhow anyone anything anyway anywhere
    are around as at back be became because become becomes becoming been before beforehand
    behind being below beside besides between beyond both but by can cannot could did do does
    doing done down due during each either else elsewhere enough etc even ever every everyone
    everything everywhere except few for former formerly from further get gets getting give
    given go goes going gone got had has have having he hence her here hereafter hereby herein
    hereupon hers herself him himself his how however i ie if in indeed into is it its itself
    just last latter latterly least less let lets like made make makes many may me meanwhile
    might mine more moreover most mostly much must my myself namely neither never nevertheless
    next no nobody none noone nor not nothing now nowhere of off often on once one only onto or
    other others otherwise our ours ourselves out over own per perhaps please put rather re
    really same say says see seem seemed seeming seems several she should since so some
    somehow someone something sometime sometimes somewhere still such than that the their
    theirs them themselves then thence there thereafter thereby therefore therein thereupon
    these they thing things this those though through throughout thru thus to together too
    toward towards under until up upon us very via was way we well were what whatever when
    whence whenever where whereafter whereas whereby wherein whereupon wherever whether which
    while whither who whoever whole whom whose why will with within without would yet you your
    yours yourself yourselves""".split()
)
# Words that carry no topic: intensifiers, hedges, generic evaluations and verbs of saying.
FILLER = frozenset(
    """actually absolutely basically better best bit certainly clearly definitely especially
    exactly extremely fairly good great honestly hopefully huge kind lately literally lot lots
    maybe nice okay ok overall pretty probably quite real seriously simply sort super sure
    surely thank thanks totally truly whatsoever yeah yes ya bad worse worst awful terrible
    want wants wanted need needs needed think thinks thought feel feels felt know knows knew
    like liked likes love loved loves hate hated use used using try tried trying able unable
    ask asked asking tell told tells way ways time times day days week weeks year years today
    new old big small little long right wrong different same whole hard easy high low many
    sure stuff things people person everybody somebody anybody lol im ive id dont cant wont
    didnt doesnt isnt wasnt arent werent couldnt shouldnt wouldnt havent hasnt hadnt thats
    theres whats youre theyre weve youve ill amp gonna wanna gotta saying said cents
    etc anything everything something nothing work""".split()
)
# What is left of a contraction when a tokenizer splits at the apostrophe.
FRAGMENTS = frozenset(
    "don didn doesn isn wasn aren weren couldn shouldn wouldn haven hasn hadn won ain mustn "
    "needn shan ll ve re nt".split()
)
# Spanish function words: kept out of key phrases of Spanish comments.
SPANISH_STOP_WORDS = frozenset(
    """a al algo algunos ante antes aquí así aun aunque cada como con contra cual cuando de
    del desde donde dos el ella ellas ellos en entre era es esa ese eso esta estaba estamos
    están este esto estos fue ha hace hacen hay hasta la las le les lo los más me mi mis mucho
    muy nada ni no nos nosotros nuestra nuestro nuestros o otra otro para pero poco por porque
    que qué se sea ser si sí sin sobre solo son su sus también tan tanto te tenemos tiene
    tienen todo todos tu un una uno unos usted ya y yo""".split()
)
NOT_TOPICAL = STOP_WORDS | FILLER | FRAGMENTS | SPANISH_STOP_WORDS

_SUFFIXES = ("ments", "ment", "ings", "ing", "ies", "ied", "ers", "es", "ed", "er", "ly", "s")


def clean(text: str) -> str:
    """The comment without scrubber placeholders ("[NAME]")."""
    return PLACEHOLDER.sub(" ", text or "")


def words(text: str) -> list[str]:
    """Lower-case words of ``text``; curly apostrophes straightened."""
    return [w.replace("’", "'") for w in WORD.findall(clean(text).lower())]


def is_topical(word: str) -> bool:
    """True for a word that can name a topic: not a stop word, filler or fragment, 3+ letters
    (2 for acronyms such as "hr", "it" is a stop word anyway)."""
    if "'" in word or word in NOT_TOPICAL or len(word) < 2:
        return False
    return not word.replace("-", "").isdigit()


@lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """Crude, lemma-free suffix stripping: "staffing", "staffed", "staff" -> "staff"."""
    w = word.lower()
    for suffix in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            if suffix == "s" and w.endswith(("ss", "us", "is")):
                break
            w = w[: -len(suffix)]
            if suffix in ("ies", "ied"):
                w += "y"
            break
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "aeiouls":
        w = w[:-1]  # "planning" -> "plann" -> "plan"
    return w


def analyze(text: str) -> list[str]:
    """Stemmed topical words of a comment: the features of the TF-IDF engine."""
    return [stem(w) for w in words(text) if is_topical(w)]


def textblob_data(name: str) -> Path | None:
    """A data file TextBlob ships in ``textblob/en`` (found without importing TextBlob, which
    imports NLTK), or None when TextBlob is not installed."""
    import importlib.util

    spec = importlib.util.find_spec("textblob")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "en" / name
    return path if path.exists() else None


@lru_cache(maxsize=1)
def pos_lexicon() -> dict[str, str]:
    """Most frequent part-of-speech tag per word, from the Brill lexicon TextBlob ships
    (empty when the file is missing: every word is then treated as a possible noun)."""
    return _brill()[0]


# Tags under which a word the lexicon only ever writes capitalised is a name ("Muslim NNP",
# "Somalis NNPS", "Somali JJ"); one it files under NN only capitalised is a sentence start in
# its corpus ("Snacking NN", "Bead NN"), not a name.
_NAME_TAGS = frozenset({"NNP", "NNPS", "JJ"})


@lru_cache(maxsize=1)
def proper_forms() -> dict[str, str]:
    """Words English writes capitalised, by the Brill lexicon (which is case-sensitive): lower
    case -> the lexicon's form ("muslim" -> "Muslim", "somali" -> "Somali", "nasa" -> "NASA";
    a form in capitals only where the lexicon has no other: "Christmas", not "CHRISTMAS").
    Only words it never lists in lower case, tagged as names or adjectives of names; a word it
    also lists in lower case ("burnout", "desk", "month") is a common word and not here."""
    return _brill()[1]


def english_words() -> frozenset[str]:
    """Words the Brill lexicon lists in lower case: common English words ("burnout")."""
    return _brill()[2]


@lru_cache(maxsize=1)
def _brill() -> tuple[dict[str, str], dict[str, str], frozenset[str]]:
    """(tag per lower-case word, name forms, lower-case words) of en-lexicon.txt, read once."""
    path = textblob_data("en-lexicon.txt")
    try:
        lines = path.read_text(encoding="utf-8").splitlines() if path else []
    except OSError:
        return {}, {}, frozenset()
    out: dict[str, str] = {}
    names: dict[str, str] = {}
    lower_case: set[str] = set()
    for line in lines:
        if not line or line.startswith(";"):
            continue
        word, _, tag = line.partition(" ")
        lower = word.lower()
        first = tag.split()[0] if tag else "NN"
        if lower not in out or word == lower:
            out[lower] = first
        if word == lower:
            lower_case.add(lower)
        elif first in _NAME_TAGS and (lower not in names or names[lower].isupper()):
            names[lower] = word  # the first form listed, but "Christmas" over "CHRISTMAS"
    return out, {w: f for w, f in names.items() if w not in lower_case}, frozenset(lower_case)
