"""Text clean-up before matching: invisible characters out, look-alike letters mapped to Latin.

Two strings come out of :func:`prepare`, always of the same length, so that a span found in one is
the same span in the other:

* the *clean* text: the answer with Unicode format characters (category ``Cf``: zero-width space,
  zero-width joiner between letters, soft hyphen, word joiner, bidi marks, BOM ...) removed. This
  is what gets stored: a format character hidden inside a name ("Da\u200bna") is never written
  back. Nothing else in the person's wording is changed.
* the *view* used for matching: every character of the clean text replaced by its NFKC form when
  that is a single character (full-width "Ｍａｒｉａ", mathematical "𝐌𝐚𝐫𝐢𝐚" become "Maria"), then
  Cyrillic and Greek letters that look like Latin ones mapped to those ("Маriа" with a Cyrillic
  М and а becomes "Maria"). The look-alike table comes from Unicode's confusables data (UTS #39)
  as shipped by the ``confusable-homoglyphs`` package.

:func:`fold` compares words ignoring case and accents ("Szöllösy" == "szollosy").
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["WORD_RE", "fold", "latin", "latin_view", "prepare", "strip_format"]

WORD_RE = re.compile(r"[^\W\d_]+")  # a run of letters

_ZWJ = "\u200d"
# Cyrillic, Cyrillic Supplement and Greek blocks: the scripts whose letters pass for Latin ones.
_LOOKALIKE_BLOCKS = ((0x0370, 0x03FF), (0x0400, 0x052F))


def strip_format(text: str) -> str:
    """Remove Unicode format characters (category Cf).

    A zero-width joiner between two pictographs is kept, so emoji sequences such as
    "👩‍💻" stay one emoji; between letters it is removed like every other format character."""
    if text.isascii():
        return text
    out: list[str] = []
    n = len(text)
    for i, ch in enumerate(text):
        if unicodedata.category(ch) != "Cf":
            out.append(ch)
        elif ch == _ZWJ and 0 < i < n - 1 and _pictograph(text[i - 1]) and _pictograph(text[i + 1]):
            out.append(ch)
    return "".join(out)


def _pictograph(ch: str) -> bool:
    return unicodedata.category(ch) in ("So", "Sk") or ch == "\ufe0f"


@functools.cache
def _lookalikes() -> dict[int, str]:
    """Cyrillic/Greek letter -> the Latin letter Unicode lists it as confusable with."""
    from confusable_homoglyphs import confusables

    table: dict[int, str] = {}
    for low, high in _LOOKALIKE_BLOCKS:
        for code in range(low, high + 1):
            ch = chr(code)
            if not ch.isalpha():
                continue
            found = confusables.is_confusable(ch, greedy=True, preferred_aliases=["latin"]) or []
            for hit in found:
                for glyph in hit.get("homoglyphs", []):
                    latin = glyph.get("c", "")
                    if len(latin) == 1 and latin.isascii() and latin.isalpha():
                        # UTS #39 maps capital I look-alikes to "l"; a capital stays a capital.
                        if latin == "l" and ch.isupper():
                            latin = "I"
                        table[code] = latin
                        break
                if code in table:
                    break
    return table


def latin_view(clean: str) -> str:
    """Per-character NFKC of ``clean``, and look-alike letters mapped to Latin in words that
    mix them with Latin letters ("Маrіа") or are made only of look-alikes; words in Cyrillic or
    Greek proper ("Спасибо") stay as they are. Same length as ``clean``."""
    if clean.isascii():
        return clean
    compat = "".join(
        c if c.isascii() or len(n := unicodedata.normalize("NFKC", c)) != 1 else n for c in clean
    )
    table = _lookalikes()
    return _WORD_ANY.sub(lambda m: _unmask(m.group(), table), compat)


_WORD_ANY = re.compile(r"[^\W\d_]+")


def _unmask(word: str, table: dict[int, str]) -> str:
    if word.isascii():
        return word
    mapped = "".join(table.get(ord(c), c) for c in word)
    if all(latin(c) for c in mapped) or any(c.isascii() for c in word):
        return mapped
    return word


def latin(text: str) -> bool:
    """Whether every letter of ``text`` is Latin script (ASCII, Latin-1, Latin Extended)."""
    return all(ord(c) < 0x0250 or not c.isalpha() for c in text)


def prepare(text: str) -> tuple[str, str]:
    """``(clean, view)``: the text to store and the same-length text to match on."""
    clean = strip_format(text)
    return clean, latin_view(clean)


def fold(word: str) -> str:
    """Case-fold and strip accents, so "Szöllösy" and "szollosy" compare equal."""
    if word.isascii():
        return word.casefold()
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
