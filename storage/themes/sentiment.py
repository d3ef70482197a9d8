"""Per-comment sentiment a chair can trust: positive, neutral or negative.

English comments are scored with TextBlob's bundled Pattern lexicon (``textblob.en.sentiment``,
read as data: no NLTK corpora, no TextBlob tokenizer), the way Pattern does it (average of the
polarity of the sentiment words, "not"/"never" flip and halve, intensifiers scale), and then
corrected where that lexicon is blind to workplace feedback:

* absence and shortage: "no coverage", "not enough staff", "too few pages", "lack of";
* negated actions: "not paid", "never heard back", "can't take breaks", "nobody listens";
* complaint words ("understaffed", "burnout", "unsafe", "ignored") and requests ("we need",
  "I wish", "should", "please add"), which in staff feedback point at a problem;
* thanks and praise phrases the lexicon misses ("thank you", "appreciate", "proud of").

Spanish comments (detected cheaply by function words) are scored with the curated lexicon of
``lexicon_es.py`` and Spanish cue phrases ("no hay", "falta de", "necesitamos"), untranslated.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache

from storage.themes.lexicon_es import LEXICON as ES_LEXICON
from storage.themes.lexicon_es import NEGATORS as ES_NEGATORS
from storage.themes.model import SENTIMENTS, Sentiment
from storage.themes.text import textblob_data

THRESHOLD = 0.1  # |score| above this is positive / negative, else neutral

_TOKEN = re.compile(r"[a-záéíóúñü]+(?:['’][a-z]+)?|[!?]", re.IGNORECASE)
_NEGATORS = frozenset(
    "not no never n't cannot cant can't don't dont didn't didnt doesn't doesnt isn't isnt "
    "wasn't wasnt aren't arent weren't werent won't wont wouldn't wouldnt couldn't couldnt "
    "shouldn't shouldnt haven't havent hasn't hasnt hadn't hadnt nobody nothing none neither "
    "nor hardly barely without".split()
)
_EN_FUNCTION = frozenset(
    "the a an and is are was were to of in on for with at this that it we i you they our my "
    "be have has not no but so very".split()
)
_ES_FUNCTION = frozenset(
    "el la los las de del que y en un una es son por para con no se nos muy pero hay más "
    "mas al lo le les su sus como esta este está están estan tenemos también tambien".split()
)

# A comparative right after a request asks for what is missing ("we need more staff", "want
# better training"): not the praise the lexicon reads in "more" (+0.5) or "better" (+0.5).
_REQUESTS = frozenset(
    "need needs needed want wants wanted wish should must require requires deserve deserves"
    .split()
)
_COMPARATIVES = frozenset(
    "more better bigger faster clearer easier greater higher stronger longer fairer".split()
)
_NEGATED = re.compile(
    r"\b(?:not|never|no|nobody|no one|hardly|without|n't|cannot|nunca|nadie|sin)\b[^.!?]*$|n't\b"
    r"[^.!?]*$"
)
# complaint words: the one negative cue that a negation turns round ("no problems")
_COMPLAINTS = (
    r"\b(?:ignored|unfair|unsafe|unclear|confusing|broken|delayed|frozen|cut|cuts|"
    r"stressful|stressed|worried|afraid|frustrat\w*|struggl\w*|problems?|"
    r"complain\w*|turnover|quit|quitting|harass\w*|waiting)\b"
)
# (pattern, weight): cue phrases of workplace feedback, matched on the lower-cased comment.
_EN_CUES: tuple[tuple[re.Pattern[str], float], ...] = tuple(
    (re.compile(p), w)
    for p, w in (
        # absence, shortage, "no X" (but not "no problem(s)/issues/complaints")
        (r"\b(?:no|zero)\s+(?!problems?\b|issues?\b|complaints?\b|concerns?\b|doubt\b|"
         r"worries\b|complaint\b)[a-z]", -0.35),
        (r"\bnot\s+(?:enough|sufficient|adequate|any)\b|\binsufficient\b|\binadequate\b", -0.45),
        (r"\b(?:lack|lacks|lacking|shortage|shortages)\b", -0.45),
        (r"\btoo\s+(?!good\b|great\b|nice\b|kind\b|cute\b|funny\b)[a-z]", -0.4),
        (r"\b(?:under-?staffed|short[- ]staffed|short[- ]handed|over-?worked|under-?paid|"
         r"unpaid|burn(?:ed|t)?[- ]?out|exhausted|exhausting|overwhelmed|overloaded|"
         r"stretched\s+thin|understaffing)\b", -0.5),
        # negated actions: "not paid", "never heard back", "can't take breaks"
        (r"\b(?:not|never|n't|cannot|cant|can't)\s+(?:\w+\s+)?(?:paid|heard|listened|"
         r"trained|allowed|supported|included|informed|told|consulted|recognized|recognised|"
         r"valued|respected|replaced|fixed|covered|answered|addressed|reimbursed|enough)\b",
         -0.45),
        (r"\b(?:can't|cannot|can not|unable to|couldn't|impossible to)\b", -0.3),
        (r"\b(?:nobody|no one|no-one)\b", -0.35),
        # anything else negated ("has not kept up", "never approved") leans to a complaint
        (r"\b(?:not|never)\s+(?!bad\b|too\b|only\b|just\b)[a-z]|n't\s+(?!bad\b)[a-z]", -0.15),
        (_COMPLAINTS, -0.3),
        # requests and wishes
        (r"\b(?:we|i|staff|they|you|everyone)\s+(?:really\s+)?(?:need|needs|wish|want)\b|"
         r"^(?:need|needs|please)\b", -0.3),
        (r"\b(?:should|must|have to|has to|ought to|would like|would be nice|hope|hoping|"
         r"wish)\b", -0.2),
        (r"\bmore\s+(?:staff|people|time|support|training|help|pay|hours|coverage|"
         r"communication|security|resources|breaks)\b", -0.25),
        # thanks and praise the lexicon misses
        (r"\b(?:thank you|thanks|grateful|appreciate[ds]?|appreciation|proud|enjoy\w*|"
         r"helpful|supportive|welcoming|well done|kudos|love|listens?|backs? us up|"
         r"supports? us)\b", 0.35),
        (r"\b(?:reach\w*|serv\w*|connect\w*|help\w*)\s+(?:families|patrons|kids|children|"
         r"seniors|teens|readers|residents|the community|our community)\b", 0.2),
    )
)
_ES_CUES: tuple[tuple[re.Pattern[str], float], ...] = tuple(
    (re.compile(p), w)
    for p, w in (
        (r"\bno\s+(?:hay|tenemos|tienen|nos|se|me|les|recibimos|pagan|escuchan)\b", -0.45),
        (r"\b(?:falta|faltan|carecemos|escasez)\s+(?:de\s+)?", -0.35),
        (r"\b(?:poco|pocos|poca|pocas|demasiad[oa]s?)\s+\w+", -0.3),
        (r"\bsin\s+\w+", -0.3),
        (r"\b(?:necesitamos|necesito|deberían|deberian|debería|deberia|ojalá|ojala|"
         r"por favor)\b", -0.25),
        (r"\b(?:gracias|agradezco|agradecemos|agradecid[oa]s?|orgullos[oa]s?)\b", 0.35),
    )
)


# all cues in one pattern (a cue that starts inside another's match is not counted twice)
_EN_ANY = re.compile("|".join(f"(?P<c{j}>{p.pattern})" for j, (p, _) in enumerate(_EN_CUES)))
_ES_ANY = re.compile("|".join(f"(?P<c{j}>{p.pattern})" for j, (p, _) in enumerate(_ES_CUES)))
# Every cue starts at a word (\b), at the comment's start (^) or at "n't": tried only there,
# the same matches as a scan of every character at a fifth of the cost (cues were two thirds
# of the sentiment of 10,000 comments).
_CUE_STARTS = re.compile(r"\b(?=\w)|n't")


def _cue_matches(combined: re.Pattern[str], lower: str) -> Iterator[re.Match[str]]:
    """``combined.finditer(lower)``, trying only where a cue can start."""
    end = 0
    for start in _CUE_STARTS.finditer(lower):
        at = start.start()
        if at < end:
            continue
        match = combined.match(lower, at)
        if match is not None:
            end = max(match.end(), at + 1)
            yield match


@lru_cache(maxsize=1)
def _lexicon() -> tuple[dict[str, float], dict[str, float]]:
    """(word polarity, intensifier strength) from TextBlob's Pattern lexicon, read as TextBlob
    reads it (every sense averaged) but without importing TextBlob, which pulls in NLTK."""
    from xml.etree import ElementTree

    path = textblob_data("en-sentiment.xml")
    if path is None:
        return {}, {}
    senses: dict[str, list[tuple[float, float]]] = {}
    for node in ElementTree.parse(path).getroot().iter("word"):
        form = node.attrib.get("form")
        if not form or " " in form:
            continue
        senses.setdefault(form.lower(), []).append(
            (float(node.attrib.get("polarity", 0.0)), float(node.attrib.get("intensity", 1.0)))
        )
    polarity: dict[str, float] = {}
    intensity: dict[str, float] = {}
    for word, values in senses.items():
        polarity[word] = sum(p for p, _ in values) / len(values)
        strength = sum(i for _, i in values) / len(values)
        if strength != 1.0:
            intensity[word] = strength
    for word, valence in _vader_words().items():
        polarity.setdefault(word, valence)  # TextBlob's value wins where it has one
    return polarity, intensity


def _vader_words() -> dict[str, float]:
    """Words of the VADER lexicon (MIT, shipped by the vaderSentiment package as a text file;
    read as data, the package is not imported), valence -4..4 scaled to -1..1. It fills the
    gaps of TextBlob's adjective-centred lexicon: "waste", "disappointed", "recommend"."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("vaderSentiment")
    if spec is None or not spec.submodule_search_locations:
        return {}
    path = Path(next(iter(spec.submodule_search_locations))) / "vader_lexicon.txt"
    out: dict[str, float] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return {}
    for line in lines:
        parts = line.split("\t")
        if len(parts) < 2 or not parts[0].isalpha():
            continue
        try:
            out[parts[0].lower()] = max(-1.0, min(1.0, float(parts[1]) / 4.0))
        except ValueError:
            continue
    return out


def is_spanish(text: str, tokens: Sequence[str] | None = None) -> bool:
    """Cheap language guess: more Spanish than English function words (at least two).
    ``tokens``: the lower-case tokens of ``text`` when the caller has them already."""
    if tokens is None:
        tokens = [t.lower() for t in _TOKEN.findall(text)]
    es = sum(1 for t in tokens if t in _ES_FUNCTION)
    en = sum(1 for t in tokens if t in _EN_FUNCTION)
    accented = any(c in text for c in "ñáéíóú¿¡")
    return (es >= 2 and es > en) or (accented and es >= 1 and es >= en)


def _inflected(token: str, polarity: dict[str, float]) -> float | None:
    """Polarity of a regular inflection of a lexicon word ("recommended", "flaws")."""
    for suffix, repl in (("s", ""), ("es", ""), ("ed", ""), ("ed", "e"), ("d", ""),
                         ("ing", ""), ("ing", "e"), ("ly", ""), ("ness", "")):
        if token.endswith(suffix) and len(token) - len(suffix) >= 3:
            found = polarity.get(token[: -len(suffix)] + repl)
            if found is not None:
                return found
    return None


@lru_cache(maxsize=100_000)
def _english_inflected(token: str) -> float | None:
    return _inflected(token, _lexicon()[0])


def _lexicon_score(tokens: list[str], polarity: dict[str, float], intensity: dict[str, float],
                   negators: frozenset[str]) -> tuple[float, int]:
    """Pattern-style score: mean polarity of the sentiment words (negation flips and halves
    within three words; an intensifier scales the next word). Returns (mean, how many)."""
    values: list[float] = []
    weights: list[float] = []
    # "but" / "pero": what follows it is what the writer means (VADER's rule)
    turn = max((i for i, t in enumerate(tokens) if t in ("but", "pero", "however")), default=-1)
    english = polarity is not ES_LEXICON
    asked = -9  # where the last comparative of a request was ("need more ...")
    for i, token in enumerate(tokens):
        if english and token in _COMPARATIVES and any(
                t in _REQUESTS for t in tokens[max(0, i - 3) : i]):
            asked = i  # "we need more staff", "need more and better training"
            continue
        p = polarity.get(token)
        if p is None and english:
            p = _english_inflected(token)
        if p is None or p == 0.0 or token in intensity:
            continue
        if p > 0 and 0 < i - asked <= 2:
            continue  # what is asked for is missing: "need more support", "more staff help"
        if i and tokens[i - 1] in intensity:
            p = max(-1.0, min(1.0, p * intensity[tokens[i - 1]]))
        if any(t in negators or t.endswith("n't") for t in tokens[max(0, i - 3) : i]):
            p = -0.5 * p
        values.append(p)
        weights.append(1.0 if turn < 0 else 0.5 if i < turn else 1.5)
    if not values:
        return 0.0, 0
    return sum(v * w for v, w in zip(values, weights, strict=True)) / sum(weights), len(values)


def score(text: str) -> float:
    """Polarity in [-1, 1]: lexicon score plus workplace cues (see the module docstring)."""
    if not text or not text.strip():
        return 0.0
    lower = text.lower().replace("’", "'")
    tokens = _TOKEN.findall(lower)
    if is_spanish(text, tokens):
        base, _ = _lexicon_score(tokens, ES_LEXICON, {}, ES_NEGATORS)
        cues = _ES_CUES
    else:
        polarity, intensity = _lexicon()
        base, _ = _lexicon_score(tokens, polarity, intensity, _NEGATORS)
        cues = _EN_CUES
    adjust = 0.0
    combined = _ES_ANY if cues is _ES_CUES else _EN_ANY
    first: dict[int, int] = {}  # cue -> where it first matches, in one pass over the comment
    for match in _cue_matches(combined, lower):
        first.setdefault(int((match.lastgroup or "c0")[1:]), match.start())
    for j in sorted(first):
        pattern, weight = cues[j]
        start = first[j]
        negatable = weight > 0 or pattern.pattern == _COMPLAINTS
        if negatable and _NEGATED.search(lower[max(0, start - 30) : start]):
            weight = -weight  # "nobody listens", "not helpful", "no problems", "sin apoyo"
        adjust += weight
    # cues refine a strong lexicon verdict less than they decide a neutral one
    total = base + adjust * (0.5 if abs(base) >= 0.4 else 1.0)
    if "!" in tokens and total:
        total *= 1.15
    return max(-1.0, min(1.0, total))


def label(value: float) -> Sentiment:
    """"positive" above +THRESHOLD, "negative" below -THRESHOLD, else "neutral"."""
    if value > THRESHOLD:
        return "positive"
    if value < -THRESHOLD:
        return "negative"
    return "neutral"


def scores(texts: Sequence[str]) -> list[float]:
    """:func:`score` of every comment (repeated comments scored once)."""
    cache: dict[str, float] = {}
    out: list[float] = []
    for text in texts:
        value = cache.get(text)
        if value is None:
            value = score(text)
            if len(cache) < 100_000:
                cache[text] = value
        out.append(value)
    return out


def sentiments(texts: Sequence[str]) -> list[Sentiment]:
    """One label per comment, aligned with ``texts``."""
    return [label(v) for v in scores(texts)]


def counts(labels: Sequence[Sentiment], members: Sequence[int]) -> tuple[int, int, int]:
    """(positive, neutral, negative) among ``members``."""
    tally = dict.fromkeys(SENTIMENTS, 0)
    for i in members:
        tally[labels[i]] += 1
    return (tally["positive"], tally["neutral"], tally["negative"])
