"""Contacts, links, numbers and chat markup: regular expressions and Presidio's pattern recognizers.

Also the span arithmetic every detector shares: a span is ``(start, end, priority, placeholder)``
and :func:`apply` replaces the longest non-overlapping spans with their placeholders.
"""

from __future__ import annotations

import functools
import re
from typing import Any

__all__ = [
    "CHANNEL",
    "EMAIL",
    "MENTION",
    "NAME",
    "NUMBER",
    "PHONE",
    "URL",
    "Span",
    "apply",
    "contact_spans",
]

NAME = "[NAME]"
EMAIL = "[EMAIL]"
PHONE = "[PHONE]"
NUMBER = "[NUMBER]"
URL = "[URL]"
MENTION = "[MENTION]"
CHANNEL = "[CHANNEL]"

Span = tuple[int, int, int, str]  # (start, end, priority, placeholder)

# Span priorities: when two candidate spans have the same length, the lower number wins.
P_MARKUP = 0
P_PRESIDIO = 1
P_PHONE_RE = 2
P_NAME = 3
P_NUMBER = 4

# Presidio entity -> placeholder.
_PRESIDIO_PLACEHOLDERS: dict[str, str] = {
    "EMAIL_ADDRESS": EMAIL,
    "PHONE_NUMBER": PHONE,
    "CREDIT_CARD": NUMBER,
    "IBAN_CODE": NUMBER,
    "US_SSN": NUMBER,
    "IP_ADDRESS": NUMBER,
    "URL": URL,
}

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
    # Addresses spelled out against harvesters: "jdoe at kingcounty dot gov", "ana [at]
    # condado [punto] gov" (a spelled-out dot before the top-level domain at least).
    (re.compile(r"[\w.+\-]+ ?(?:\[at\]|\(at\)|@| at | arroba ) ?[\w\-]+"
                r"(?: ?(?:\[dot\]|\(dot\)| dot | punto |\[punto\]|\.) ?[\w\-]+)*"
                r" ?(?:\[dot\]|\(dot\)| dot | punto |\[punto\]) ?"
                r"(?:com|gov|org|net|edu|us|mx|es|info|io|co)\b", re.IGNORECASE), EMAIL),
    # Scheme URLs Presidio's TLD list would miss (intranet hosts, IP hosts, rare TLDs).
    (re.compile(r"\b(?:https?|ftp)://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]", re.IGNORECASE), URL),
)

# A desk extension names one desk: "ext. 4412", "extensión 22".
_EXTENSION_RE = re.compile(r"\b(?:ext|extn|extension|extensi[oó]n)\.?\s*#?\s*\d{2,6}(?!\w|[\-.]\d)",
                           re.IGNORECASE)
# Phone shapes python-phonenumbers misses (no area code, unusual grouping): 2 to 5 groups of
# 2-4 digits with 7-15 digits in all, optionally "+cc" and "(area)". Dates and year ranges excluded.
_PHONE_RE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[\s.\-]?)?(?:\(\d{1,4}\)[\s.\-]?)?\d{2,4}(?:[\s.\-]\d{2,4}){1,4}(?!\w)"
)
_NOT_PHONE = re.compile(r"\d{1,4}([./\-])\d{1,2}\1\d{1,4}|(?:19|20)\d\d\s?[\-–]\s?(?:19|20)?\d\d")
# Digit runs of 6 or more (ids, card-like numbers), single spaces or hyphens allowed inside,
# with a letter prefix glued on ("E104523").
_NUMBER_RE = re.compile(r"(?:(?<![^\W\d_])[A-Za-z]{1,3}-?)?\d(?:[ \-]?\d){5,}")
# Shorter staff and badge numbers after what names them: "Employee #48213", "my staff ID is
# E1045", "número de empleado: 5521".
_YEAR = re.compile(r"(?:19|20)\d\d")
_ID_RE = re.compile(
    r"\b(?:id|employee|employees|staff|badge|personnel|payroll|empleado|empleada|credencial)"
    r"(?:\s+(?:id|number|no\.?|num|n[uú]mero))?(?:\s+(?:is|es|was|era))?\s*[:#]?\s*#?\s*"
    r"([A-Za-z]{0,3}-?\d{3,5})\b",
    re.IGNORECASE,
)
# Labels that name an identifier and nothing dated: a year-like number after one of these is an
# id ("ID 2024", "badge 1987"; not "the staff 2024 retreat").
_ID_WORDS = frozenset({"id", "badge", "credencial"})

# Merge what several name tokens leave behind: "[NAME] [NAME]", "[NAME]-[NAME]",
# "[NAME] J. [NAME]", "O'[NAME]".
_MERGE_NAMES = re.compile(
    r"(?:\b[A-Za-z]['’])?\[NAME\](?:(?:\s*[-'’]\s*|\s+)(?:[A-Z]\.?\s+|[A-Za-z]['’])?\[NAME\])+"
    r"|\b[A-Za-z]['’]\[NAME\]"
)


def contact_spans(text: str) -> list[Span]:
    """Chat markup, emails, phones, links and long numbers in ``text``."""
    spans: list[Span] = []
    for pattern, placeholder in _MARKUP:
        spans.extend((m.start(), m.end(), P_MARKUP, placeholder) for m in pattern.finditer(text))
    # Every Presidio pattern needs a digit, "@" or "."; skip the call when none is there.
    if "@" in text or "." in text or any(ch.isdigit() for ch in text):
        for res in _pattern_analyzer().analyze(
            text=text, language="en", entities=list(_PRESIDIO_PLACEHOLDERS)
        ):
            found = _PRESIDIO_PLACEHOLDERS.get(res.entity_type)
            if found is not None:
                spans.append((res.start, res.end, P_PRESIDIO, found))
    for m in _PHONE_RE.finditer(text):
        digits = sum(ch.isdigit() for ch in m.group())
        if 7 <= digits <= 15 and not _NOT_PHONE.fullmatch(m.group()):
            spans.append((m.start(), m.end(), P_PHONE_RE, PHONE))
    spans.extend((m.start(), m.end(), P_NUMBER, NUMBER) for m in _NUMBER_RE.finditer(text))
    spans.extend((m.start(), m.end(), P_PHONE_RE, PHONE) for m in _EXTENSION_RE.finditer(text))
    spans.extend((m.start(1), m.end(1), P_NUMBER, NUMBER) for m in _ID_RE.finditer(text)
                 if not _YEAR.fullmatch(m.group(1)) or m.group(1) != m.group()[-4:]
                 or not m.group()[:-4].rstrip().isalpha()  # "the staff 2024 retreat"
                 or m.group()[:-4].rstrip().lower() in _ID_WORDS)  # "ID 2024", "badge 1987"
    return spans


def apply(text: str, spans: list[Span]) -> str:
    """Replace non-overlapping spans, preferring the longest, then the higher priority; then
    merge adjacent name placeholders into one."""
    if not spans:
        return text
    spans = sorted(spans, key=lambda s: (-(s[1] - s[0]), s[2], s[0]))
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
    return _MERGE_NAMES.sub(NAME, "".join(parts))


@functools.cache
def _pattern_analyzer() -> Any:
    """Presidio with only its pattern recognizers, on an NLP engine that loads no model.

    Stateless, so one per process serves every scrubber (built on first use)."""
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NoOpNlpEngine
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
    engine = NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "none"}])
    engine.load()
    registry = RecognizerRegistry(recognizers=recognizers, supported_languages=["en"])
    return AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=["en"])


def _offline_email_validator() -> Any:
    """Presidio validates an email's domain with tldextract, whose default extractor fetches the
    Public Suffix List over the network on first use. Use the list bundled with tldextract."""
    import tldextract

    extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)

    def validate(pattern_text: str) -> bool:
        return bool(extract(pattern_text).fqdn)

    return validate
