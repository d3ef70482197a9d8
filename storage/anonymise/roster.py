"""The roster's names, found however they are written.

Every first, middle and last name of everyone on the roster is looked up per word (fast for any
roster size), on the normalised view of the text (see normalise.py), ignoring case and accents.
Also found:

* nicknames and formal forms of roster first names (Tom for Thomas, Lupe for Guadalupe);
* possessives without an apostrophe ("fatimas idea");
* names run together ("DanaWhitfield", "danawhitfield");
* lower-case names that are also ordinary words, but only in a name position ("from grace:",
  "ask hope about it", "will said so").

Names that are also common words ("Grace", "Will", "Hope", "Esperanza" ...) and all nicknames
only count when capitalised in a name use, or in one of those name positions; at the start of a
sentence the next word decides ("Will you help" and "Hope this helps" keep their words).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol

from storage.anonymise.nicknames import variants
from storage.anonymise.normalise import WORD_RE, fold
from storage.anonymise.patterns import NAME, P_NAME, Span
from storage.anonymise.words import (
    AFTER_NAME,
    BEFORE_NAME,
    COMMON_WORD_NAMES,
    FUNCTION_WORDS,
    HONORIFICS,
    ORDINARY_FOLLOWERS,
    PARTICLES,
    SENTENCE_END,
    TALK_VERBS,
)

__all__ = ["RosterNames", "Words"]

# After a sentence-initial common-word name these show it is the subject: "Grace said no".
_SUBJECT_VERBS = frozenset(
    """is was has had will would can could should did does told asked said says thinks
    wants needs helped covered runs ran left came went""".split()
)


class Words(Protocol):
    """Dictionary look-ups (storage.anonymise.dictionary.Dictionary)."""

    def word(self, folded: str) -> bool: ...

    def adjective(self, folded: str) -> bool: ...

# Split "DanaWhitfield" / "McDonaldSmith" at a lower-to-upper change.
_CAMEL = re.compile(r"(?<=[a-zà-ÿ])(?=[A-ZÀ-Þ])")


class RosterNames:
    """Everyone's names on the roster, as whole-word keys, and the spans they cover in a text."""

    def __init__(self, roster_names: Iterable[str] = ()) -> None:
        self._names: set[str] = set()  # replaced wherever they appear as a word
        self._common: set[str] = set()  # replaced only in a name use
        self._joined: set[str] = set()  # "danawhitfield"
        first_names: set[str] = set()
        for full in roster_names:
            parts = [fold(p) for p in WORD_RE.findall(full or "")]
            parts = [p for p in parts if len(p) >= 2 and p not in HONORIFICS]
            for key in parts:
                if key in PARTICLES:
                    continue
                if key in FUNCTION_WORDS or key in COMMON_WORD_NAMES:
                    self._common.add(key)
                else:
                    self._names.add(key)
            named = [p for p in parts if p not in PARTICLES]
            if named:
                first_names.add(named[0])
                if len(named) > 1:
                    first_names.add(f"{named[0]} {named[1]}")  # "maria jose" -> "majo"
            for a, b in zip(named, named[1:], strict=False):
                self._joined.add(a + b)
        # Nicknames only in a name use: "Tom said", "ask tom", never a bare lower-case "tom".
        self._common.update(v for v in variants(first_names) if len(v) >= 2)
        self._common -= self._names

    def __bool__(self) -> bool:
        return bool(self._names or self._common or self._joined)

    def spans(self, view: str, words: Words | None = None) -> list[Span]:
        """Spans of roster names in ``view`` (the normalised text). ``words`` tells English
        dictionary words, so that "mars" is not taken for a possessive of Mar and "Young
        patrons" keeps its adjective; without it every roster name + "s" counts as a
        possessive."""
        if not self:
            return []
        out: list[Span] = []
        tokens = list(WORD_RE.finditer(view))
        for i, m in enumerate(tokens):
            if self._is_name(view, tokens, i, words):
                out.append((m.start(), m.end(), P_NAME, NAME))
        return out

    # -- decisions per word -----------------------------------------------------------------

    def _is_name(self, text: str, tokens: list[re.Match[str]], i: int,
                 words: Words | None) -> bool:
        word = tokens[i].group()
        key = fold(word)
        if key in self._names or key in self._joined:
            return True
        if key in self._common:
            return self._is_name_use(text, tokens, i, words)
        # Possessive without an apostrophe: "fatimas idea" ("Hopes" stays a common word).
        if len(key) > 3 and key.endswith("s") and key[:-1] in self._names:
            return words is None or not words.word(key)
        # Run together: "DanaWhitfield", "GraceOneil", or a roster name with a stray suffix.
        parts = _CAMEL.split(word)
        if len(parts) > 1:
            keys = [fold(p) for p in parts]
            if any(k in self._names for k in keys) or all(
                k in self._names or k in self._common for k in keys
            ):
                return True
        return False

    def _is_name_use(self, text: str, tokens: list[re.Match[str]], i: int,
                     words: Words | None) -> bool:
        """Decide whether a roster name that is also a common word is used as a name here."""
        word = tokens[i].group()
        if len(word) > 1 and word.isupper():
            return False  # shouting in capitals
        if not word[0].isupper():
            return self._in_name_position(text, tokens, i)
        key = fold(word)
        nxt = fold(tokens[i + 1].group()) if i + 1 < len(tokens) else ""
        nxt_is_name = nxt in self._names or (
            nxt in self._common and tokens[i + 1].group()[:1].isupper()
        )
        before = text[: tokens[i].start()].rstrip()
        if before and before[-1] not in SENTENCE_END:
            # Mid-sentence and capitalised: a name, unless it is a function word.
            return key not in FUNCTION_WORDS or nxt_is_name
        # Sentence start: capitalised anyway, so look at what follows.
        if key in FUNCTION_WORDS:
            return nxt_is_name
        following = text[tokens[i].end() :]
        if nxt_is_name or following[:1] in ("'", "’", ":", ","):
            return True  # "Grace Young", possessive "Grace's", "Heather: ...", "Will, can you"
        if nxt in ("and", "or", "y") and i + 2 < len(tokens) and tokens[i + 2].group()[0].isupper():
            return True  # "Park and Lee were ..."
        if nxt in _SUBJECT_VERBS or nxt in AFTER_NAME:
            return True  # "Grace said no", "Hope was right"
        if words is not None and words.adjective(key) and nxt and tokens[i + 1].group().islower():
            return False  # "Young patrons love ...", "Brown bags are ..."
        return nxt not in ORDINARY_FOLLOWERS

    def _in_name_position(self, text: str, tokens: list[re.Match[str]], i: int) -> bool:
        """A lower-case common-word name is a name right after "ask", "from", "thanks" ..., or
        right before "said", ":" or "," at the start of a clause: "from grace:", "ask dana
        about it", "grace: can you cover?"."""
        prev = fold(tokens[i - 1].group()) if i > 0 else ""
        gap_before = text[tokens[i - 1].end() : tokens[i].start()] if i > 0 else ""
        following = text[tokens[i].end() :].lstrip(" ")
        nxt = fold(tokens[i + 1].group()) if i + 1 < len(tokens) else ""
        gap_after = text[tokens[i].end() : tokens[i + 1].start()] if i + 1 < len(tokens) else ""
        if prev in BEFORE_NAME and gap_before.strip(" ") == "":
            # "ask grace about it" but not "with grace and ...": the cue must take a person.
            return nxt not in ("and", "y") or following[:1] in (":", ",")
        talk = fold(tokens[i - 2].group()) if i > 1 else ""
        if prev in ("to", "a", "with", "con") and talk in TALK_VERBS:
            return True  # "talk to hope", "spoke with will", "pregúntale a esperanza"
        starts_clause = i == 0 or gap_before.strip(" ")[-1:] in SENTENCE_END
        if starts_clause and following[:1] in (":", ","):
            return True  # "grace: can you", "hope, thanks"
        return starts_clause and nxt in AFTER_NAME and gap_after.strip(" ") == ""
