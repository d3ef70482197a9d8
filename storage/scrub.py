"""Scrub personal data out of free-text answers before they are stored.

The anonymity model (DESIGN.md) promises that free text never keeps emails, phone numbers,
URLs, Slack/Teams mentions, long numbers, or the names of anyone on the roster. Everything found
is replaced by a typed placeholder: ``[NAME]``, ``[EMAIL]``, ``[PHONE]``, ``[NUMBER]``, ``[URL]``,
``[MENTION]`` or ``[CHANNEL]``.

Detection combines:

* chat markup (Slack ``<@U123>``, ``<!here>``, ``<#C123|name>``, Teams ``<at>Name</at>``) and
  plain ``@handles``, by regular expression;
* Presidio's pattern recognizers (email, phone, credit card, IBAN, US SSN, IP, URL) running on an
  NLP engine that needs no model;
* the roster: every first and last name of everyone on it, matched as whole words by dictionary
  look-up per token (fast for any roster size). Names that are also common English words
  ("Grace", "Will", "Hope", "Brown" ...) only count when capitalised, and not at the start of a
  sentence when the next word shows the ordinary use ("Will you help", "Hope this helps");
* optionally spaCy NER ``PERSON`` through Presidio's ``SpacyNlpEngine``, when a model is named.

Construct one :class:`Scrubber` per roster and reuse it: construction loads Presidio, a call to
:meth:`Scrubber.scrub` on a sentence takes about a millisecond.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["Scrubber"]

NAME = "[NAME]"
EMAIL = "[EMAIL]"
PHONE = "[PHONE]"
NUMBER = "[NUMBER]"
URL = "[URL]"
MENTION = "[MENTION]"
CHANNEL = "[CHANNEL]"

# Presidio entity -> placeholder.
_PRESIDIO_PLACEHOLDERS: dict[str, str] = {
    "EMAIL_ADDRESS": EMAIL,
    "PHONE_NUMBER": PHONE,
    "CREDIT_CARD": NUMBER,
    "IBAN_CODE": NUMBER,
    "US_SSN": NUMBER,
    "IP_ADDRESS": NUMBER,
    "URL": URL,
    "PERSON": NAME,
}

# Span priorities: when two candidate spans have the same length, the lower number wins.
_P_MARKUP = 0
_P_PRESIDIO = 1
_P_PHONE_RE = 2
_P_NAME = 3
_P_NUMBER = 4

# Chat markup, checked first. Slack escapes user text so a literal "<" never starts markup.
_MARKUP: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"<@[UWB][A-Z0-9]+(?:\|[^<>]*)?>"), MENTION),
    (re.compile(r"<!(?:here|channel|everyone)(?:\|[^<>]*)?>"), MENTION),
    (re.compile(r"<!subteam\^[A-Z0-9]+(?:\|[^<>]*)?>"), MENTION),
    (re.compile(r"<#C[A-Z0-9]+(?:\|[^<>]*)?>"), CHANNEL),
    (re.compile(r"<mailto:[^<>|]+(?:\|[^<>]*)?>", re.IGNORECASE), EMAIL),
    (re.compile(r"<tel:[^<>|]+(?:\|[^<>]*)?>", re.IGNORECASE), PHONE),
    (re.compile(r"<(?:https?|ftp)://[^<>|\s]+(?:\|[^<>]*)?>", re.IGNORECASE), URL),
    (re.compile(r"<at(?:\s[^<>]*)?>.*?</at>", re.IGNORECASE | re.DOTALL), MENTION),
    # Plain handles: "@maria.lopez", "@support-team" (not the middle of an email address).
    (re.compile(r"(?<![\w@.+\-])@[A-Za-z0-9][\w.\-]*\w|(?<![\w@.+\-])@[A-Za-z0-9]"), MENTION),
    # Any address-shaped email, also with a top-level domain Presidio does not know.
    (re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+"), EMAIL),
    # Scheme URLs Presidio's TLD list would miss (intranet hosts, IP hosts, rare TLDs).
    (re.compile(r"\b(?:https?|ftp)://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]", re.IGNORECASE), URL),
)

# Phone shapes python-phonenumbers misses (no area code, unusual grouping): 2 to 5 groups of
# 2-4 digits with 7-15 digits in all, optionally "+cc" and "(area)". Dates and year ranges excluded.
_PHONE_RE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[\s.\-]?)?(?:\(\d{1,4}\)[\s.\-]?)?\d{2,4}(?:[\s.\-]\d{2,4}){1,4}(?!\w)"
)
_NOT_PHONE = re.compile(r"\d{1,4}([./\-])\d{1,2}\1\d{1,4}|(?:19|20)\d\d\s?[\-–]\s?(?:19|20)?\d\d")
# Digit runs of 6 or more (ids, card-like numbers), single spaces or hyphens allowed inside.
_NUMBER_RE = re.compile(r"\d(?:[ \-]?\d){5,}")

_WORD_RE = re.compile(r"[^\W\d_]+")

# Merge what several name tokens leave behind: "[NAME] [NAME]", "[NAME]-[NAME]",
# "[NAME] J. [NAME]", "O'[NAME]".
_MERGE_NAMES = re.compile(
    r"(?:\b[A-Za-z]['’])?\[NAME\](?:(?:\s*[-'’]\s*|\s+)(?:[A-Z]\.?\s+|[A-Za-z]['’])?\[NAME\])+"
    r"|\b[A-Za-z]['’]\[NAME\]"
)

_HONORIFICS = frozenset(
    "mr mrs ms miss mx dr prof sir dame rev fr jr sr ii iii iv phd md dds dvm esq".split()
)
# Surname particles: part of a full name, never replaced on their own.
_PARTICLES = frozenset(
    "al bin ibn da das de del della der den di dos du el la le lo st ter ten van von y e".split()
)
# Words so frequent that a name spelled like them ("An", "So") is only replaced mid-sentence and
# capitalised. Modal verbs are not here: "Will" and "May" follow the common-word rule.
_FUNCTION_WORDS = frozenset(
    """a an the and or but nor so yet if then than as at by for from in into of off on onto
    out over to up upon with within without about after before i me my we us our you your he
    him his she her it its they them their this that these those there here who what which
    when where why how is am are was were be been being do does did have has had
    not no yes all any some each every both either
    neither one just only also too very more most much many few lot please thanks thank""".split()
)
# First or last names that are also ordinary English words. A roster name on this list is only
# replaced when it is written capitalised.
_COMMON_WORD_NAMES = frozenset(
    """abbey amber angel april art august autumn bay bell bill birch bishop black blake bliss
    bloom blossom bond booker bowman brady brook brooke brooks brown bud buck bunny burns bush
    butcher butler cannon carpenter carter cash chance chase cherry chip christian clay cliff
    cole cook cooper coral crane crystal dale dash dawn day dean dell destiny diamond dixie dock
    don drew duke dusty earl early east ebony echo eden ever faith fate fern field fields fisher
    fletcher flint ford forest fortune fox frank free friend gale garden gardener gay gem gene
    gift glen glenn gold golden good grace grant gray green grey guy hale hall hardy harmony
    hawk hazel heath heather hill hills holly honey hope hunter husband iris ivory ivy jack jade
    jay jewel jolly joy judge june justice king knight lake lamb lance lane law lee legend letter
    light lily long love lucky mac major march mark marsh mason may meadow mercy merry miles
    mill miller millie mint misty moon moore morning moss nash neat new north oak ocean olive
    page palmer park parker patience pearl penny pepper pierce pike pine piper pool pope porter
    power powers price prince queen rain ray read reed rich rider river robin rock rose ruby
    rush rusty sage sailor saint sandy savage scout sea shepherd short silver sky skye slate
    small smart snow sparks spring star sterling stone storm street summer sunny swan sweet
    taylor temple terry thorn trinity true tucker turner vale valentine walker ward warren wash
    waters weaver west white wilde will winter wise wolf wood woods worth wren young""".split()
)
# After a sentence-initial "Will", "Hope", "Mark", "Rose" ... these show the ordinary use:
# "Will you help", "Hope this helps", "Mark the date", "Rose to the occasion".
_ORDINARY_FOLLOWERS = frozenset(
    """a an the this that these those my your our their his her its some any every each all no
    i me you we us they them he him she it there to not for up on in out off with""".split()
)
_SENTENCE_END = frozenset('.!?:;\n•*-–—"“”(')


def _fold(word: str) -> str:
    """Case-fold and strip accents, so "Szöllösy" and "szollosy" compare equal."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class Scrubber:
    """Replace personal data in free text with typed placeholders.

    ``roster_names`` are the full or display names of everyone on the roster; each is split into
    its first, middle and last names. ``spacy_model`` (for example ``"en_core_web_lg"``) adds
    spaCy's PERSON entities through Presidio; the model must already be installed.

    Build once per roster and reuse: construction is the slow part.
    """

    def __init__(self, roster_names: Iterable[str] = (), *, spacy_model: str | None = None) -> None:
        self._common: set[str] = set()
        self._names: set[str] = set()
        for full in roster_names:
            self._add_roster_name(full)
        self._analyzer: Any = self._build_analyzer(spacy_model)
        self._use_ner = spacy_model is not None
        self._entities: list[str] = [
            e for e in _PRESIDIO_PLACEHOLDERS if e != "PERSON" or self._use_ner
        ]

    # -- construction -----------------------------------------------------------------------

    def _add_roster_name(self, full: str) -> None:
        for raw in _WORD_RE.findall(full or ""):
            key = _fold(raw)
            if len(key) < 2 or key in _HONORIFICS or key in _PARTICLES:
                continue
            if key in _FUNCTION_WORDS or key in _COMMON_WORD_NAMES:
                self._common.add(key)
            else:
                self._names.add(key)

    @staticmethod
    def _build_analyzer(spacy_model: str | None) -> Any:
        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
        from presidio_analyzer.predefined_recognizers import (
            CreditCardRecognizer,
            EmailRecognizer,
            IbanRecognizer,
            IpRecognizer,
            PhoneRecognizer,
            UrlRecognizer,
            UsSsnRecognizer,
        )

        email = EmailRecognizer()
        setattr(email, "validate_result", _offline_email_validator())  # noqa: B010
        recognizers: list[Any] = [
            email,
            PhoneRecognizer(),
            CreditCardRecognizer(),
            IbanRecognizer(),
            UsSsnRecognizer(),
            IpRecognizer(),
            UrlRecognizer(),
        ]
        if spacy_model is None:
            nlp_engine = _no_model_nlp_engine()
        else:
            nlp_engine = _spacy_nlp_engine(spacy_model)
            from presidio_analyzer.predefined_recognizers import SpacyRecognizer

            recognizers.append(SpacyRecognizer(supported_entities=["PERSON"]))
        registry = RecognizerRegistry(recognizers=recognizers, supported_languages=["en"])
        return AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["en"])

    # -- scrubbing --------------------------------------------------------------------------

    def scrub(self, text: str) -> str:
        """Return ``text`` with personal data replaced by typed placeholders."""
        if not text:
            return text
        spans: list[tuple[int, int, int, str]] = []  # (start, end, priority, placeholder)
        for pattern, placeholder in _MARKUP:
            for m in pattern.finditer(text):
                spans.append((m.start(), m.end(), _P_MARKUP, placeholder))
        # Every Presidio pattern needs a digit, "@" or "."; skip the call when none is there.
        if self._use_ner or "@" in text or "." in text or any(ch.isdigit() for ch in text):
            for res in self._analyzer.analyze(text=text, language="en", entities=self._entities):
                found = _PRESIDIO_PLACEHOLDERS.get(res.entity_type)
                if found is not None:
                    spans.append((res.start, res.end, _P_PRESIDIO, found))
        spans.extend(_phone_spans(text))
        spans.extend((m.start(), m.end(), _P_NUMBER, NUMBER) for m in _NUMBER_RE.finditer(text))
        if self._names or self._common:
            spans.extend(self._name_spans(text))
        if not spans:
            return text
        return _MERGE_NAMES.sub(NAME, _apply(text, spans))

    def _name_spans(self, text: str) -> list[tuple[int, int, int, str]]:
        out: list[tuple[int, int, int, str]] = []
        tokens = list(_WORD_RE.finditer(text))
        for i, m in enumerate(tokens):
            word = m.group()
            key = _fold(word)
            if key in self._names:
                out.append((m.start(), m.end(), _P_NAME, NAME))
            elif key in self._common and self._is_name_use(text, tokens, i):
                out.append((m.start(), m.end(), _P_NAME, NAME))
        return out

    def _is_name_use(self, text: str, tokens: list[re.Match[str]], i: int) -> bool:
        """Decide whether a roster name that is also a common word is used as a name here."""
        word = tokens[i].group()
        if not word[0].isupper() or (len(word) > 1 and word.isupper()):
            return False  # lower case, or shouting in capitals
        key = _fold(word)
        nxt = _fold(tokens[i + 1].group()) if i + 1 < len(tokens) else ""
        nxt_is_name = nxt in self._names or (
            nxt in self._common and tokens[i + 1].group()[:1].isupper()
        )
        before = text[: tokens[i].start()].rstrip()
        if before and before[-1] not in _SENTENCE_END:
            # Mid-sentence and capitalised: a name, unless it is a function word.
            return key not in _FUNCTION_WORDS or nxt_is_name
        # Sentence start: capitalised anyway, so look at what follows.
        if key in _FUNCTION_WORDS:
            return nxt_is_name
        following = text[tokens[i].end() :]
        if nxt_is_name or following[:1] in ("'", "’", ":", ","):
            return True  # "Grace Young", possessive "Grace's", "Heather: ...", "Will, can you"
        if nxt in ("and", "or") and i + 2 < len(tokens) and tokens[i + 2].group()[0].isupper():
            return True  # "Park and Lee were ..."
        return nxt not in _ORDINARY_FOLLOWERS


def _phone_spans(text: str) -> list[tuple[int, int, int, str]]:
    out: list[tuple[int, int, int, str]] = []
    for m in _PHONE_RE.finditer(text):
        digits = sum(ch.isdigit() for ch in m.group())
        if 7 <= digits <= 15 and not _NOT_PHONE.fullmatch(m.group()):
            out.append((m.start(), m.end(), _P_PHONE_RE, PHONE))
    return out


def _apply(text: str, spans: list[tuple[int, int, int, str]]) -> str:
    """Replace non-overlapping spans, preferring the longest, then the higher priority."""
    spans.sort(key=lambda s: (-(s[1] - s[0]), s[2], s[0]))
    taken: list[tuple[int, int, str]] = []
    for start, end, _prio, placeholder in spans:
        if end <= start:
            continue
        if any(start < t_end and t_start < end for t_start, t_end, _ in taken):
            continue
        taken.append((start, end, placeholder))
    taken.sort()
    parts: list[str] = []
    pos = 0
    for start, end, placeholder in taken:
        parts.append(text[pos:start])
        parts.append(placeholder)
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def _offline_email_validator() -> Any:
    """Presidio validates an email's domain with tldextract, whose default extractor fetches the
    Public Suffix List over the network on first use. Use the list bundled with tldextract."""
    import tldextract

    extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)

    def validate(pattern_text: str) -> bool:
        return bool(extract(pattern_text).fqdn)

    return validate


def _no_model_nlp_engine() -> Any:
    """An NLP engine that loads no model: Presidio's own no-op engine where it has one."""
    try:
        from presidio_analyzer.nlp_engine import NoOpNlpEngine
    except ImportError:  # older presidio-analyzer releases
        return _fallback_no_op_engine()
    engine = NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "none"}])
    engine.load()
    return engine


def _fallback_no_op_engine() -> Any:
    from collections.abc import Iterator

    from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngine
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    class _NoModelNlpEngine(NlpEngine):  # type: ignore[misc]
        """Returns empty NLP artifacts: pattern recognizers need nothing else."""

        def __init__(self) -> None:
            self._vocab = Vocab()

        def _empty(self, language: str) -> Any:
            return NlpArtifacts(
                entities=[],
                tokens=Doc(self._vocab, words=[]),
                tokens_indices=[],
                lemmas=[],
                nlp_engine=self,
                language=language,
            )

        def load(self) -> None:
            return None

        def is_loaded(self) -> bool:
            return True

        def process_text(self, text: str, language: str) -> Any:
            return self._empty(language)

        def process_batch(
            self,
            texts: Iterable[str],
            language: str,
            batch_size: int = 1,
            n_process: int = 1,
            **kwargs: Any,
        ) -> Iterator[tuple[str, Any]]:
            for text in texts:
                yield text, self._empty(language)

        def is_stopword(self, word: str, language: str) -> bool:
            return False

        def is_punct(self, word: str, language: str) -> bool:
            return False

        def get_supported_entities(self) -> list[str]:
            return []

        def get_supported_languages(self) -> list[str]:
            return ["en"]

    return _NoModelNlpEngine()


def _spacy_nlp_engine(model: str) -> Any:
    """Presidio's spaCy engine for an installed model; never downloads one."""
    try:
        import spacy
    except ImportError as exc:
        raise ValueError(f"spaCy model {model!r} was requested but spaCy is not installed") from exc
    if not (spacy.util.is_package(model) or Path(model).exists()):
        raise ValueError(
            f"spaCy model {model!r} is not installed; install it (for example "
            f"`python -m spacy download {model}`) or construct Scrubber without spacy_model"
        )
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": model}])
    try:
        engine.load()
    except (OSError, ImportError) as exc:
        raise ValueError(f"spaCy model {model!r} could not be loaded: {exc}") from exc
    return engine
