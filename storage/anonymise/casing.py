"""Comments written in capitals ("EID SAID NO", "TELL JORDAN THE VAN IS LATE").

Case is the rules' main evidence for a name (unlisted.py): in a comment typed all in capitals
every word looks like an acronym ("NEVER", "TELL") or none looks like a name. The name rules
read such a comment in ordinary sentence case instead, with the same length so that every span
found is the same span in the stored text:

* the first word of each sentence is capitalised ("Eid said no");
* given names that are no dictionary words ("Priya") and unknown words of four letters or more
  ("Okonkwo") are capitalised (in a Spanish comment, words in neither the English nor the
  Spanish dictionary: "EL HORARIO" is "El horario");
* other words of four letters or more are written lower case ("NEVER" -> "never");
* words of up to three letters stay as they are: in capitals they are as often acronyms
  ("PTO", "ILS", "ADA") as names, and the roster still finds its own names in any case.

Only the name rules read this view; what is stored is the person's text, with the spans found
replaced.
"""

from __future__ import annotations

from collections.abc import Callable

from storage.anonymise.dictionary import Dictionary
from storage.anonymise.nicknames import given_names
from storage.anonymise.normalise import WORD_RE, fold
from storage.anonymise.words import SENTENCE_END

__all__ = ["shouted", "sentence_case"]


def shouted(view: str) -> bool:
    """Whether ``view`` is written in capitals: three or more words of two letters or more, and
    nine in ten of its cased letters upper case (a comment with acronyms is not)."""
    lower = sum(map(str.islower, view))
    if lower * 10 > len(view):
        return False  # (most comments: decided without splitting words)
    upper = sum(map(str.isupper, view))
    if upper < 0.9 * (upper + lower):
        return False
    return sum(len(w) > 1 and w.isupper() for w in WORD_RE.findall(view)) >= 3


def sentence_case(view: str, words: Dictionary, local: Dictionary | None = None) -> str:
    """``view`` in sentence case as the module docstring says; the same length. ``local``: the
    dictionary of the comment's language when it is not English."""
    lexicon = given_names()
    out: list[str] = []
    pos = 0
    for m in WORD_RE.finditer(view):
        gap = view[pos : m.start()]
        out.append(gap)
        word = m.group()
        start = pos == 0 or any(c in SENTENCE_END for c in gap)
        key = fold(word)
        known = words.known(key) or (local is not None and local.known(key))
        if start or (len(word) > 3 and (not known
                                        or (key in lexicon and not words.word(key)))):
            out.append(_same_length(word[0], str.upper) + _lower(word[1:]))
        elif len(word) > 3:
            out.append(_lower(word))
        else:
            out.append(word)
        pos = m.end()
    out.append(view[pos:])
    return "".join(out)


def _lower(text: str) -> str:
    return "".join(_same_length(c, str.lower) for c in text)


def _same_length(c: str, case: Callable[[str], str]) -> str:
    changed = case(c)  # "ß".upper() is "SS": such letters stay as they are
    return changed if len(changed) == 1 else c
