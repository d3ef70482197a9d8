"""Dictionary words, to tell "Okonkwo" (no word: likely a name) from "Discipline" (a word).

English: WordNet's index of base forms (nouns, verbs, adjectives, adverbs) as the English spaCy
pipeline ships it in its lemmatizer tables, so no extra download is needed. WordNet lists some
given names as nouns too ("dana", "fatima"): callers check the given-name lexicon first.
Spanish: the Spanish pipeline's lemmatizer index (AnCora lemmas) and its inflection rules, so
that "Necesito" is known for a form of "necesitar".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

__all__ = ["Dictionary"]

# Chat words and modal verbs that are no WordNet entries but never names.
_EXTRA = frozenset(
    """lol omg btw fyi imo imho tbh idk thx pls plz haha hahaha yay ugh hmm wow okay ok
    asap eta tldr irl afaik could would should might must shall ought""".split()
)
# Inflection endings tried when a form is not a base form: "teams", "requesting", "staffed".
_ENDINGS = (("ies", "y"), ("es", ""), ("s", ""), ("ing", ""), ("ing", "e"), ("ed", ""),
            ("ed", "e"), ("ly", ""), ("er", ""), ("est", ""))


class Dictionary:
    """Word classes per lower-case, accent-free word."""

    def __init__(self, index: Mapping[str, Iterable[str]] | None = None,
                 endings: Iterable[tuple[str, str]] = _ENDINGS) -> None:
        index = index or {}
        # Longest endings first; pairs (inflected ending, base ending).
        self._endings = tuple(sorted(set(endings), key=lambda e: -len(e[0])))
        self._adjectives = frozenset(w for w in index.get("adj", ()) if w.isalpha())
        ordinary: set[str] = set(self._adjectives)
        for pos in ("verb", "adv"):
            ordinary.update(w for w in index.get(pos, ()) if w.isalpha())
        self._ordinary = frozenset(ordinary)
        self._words = frozenset(ordinary | {w for w in index.get("noun", ()) if w.isalpha()})

    def __bool__(self) -> bool:
        return bool(self._words)

    def word(self, folded: str) -> bool:
        """A base form in the dictionary ("discipline", "van", "jean"), or a chat word."""
        return folded in self._words or folded in _EXTRA

    def known(self, folded: str) -> bool:
        """A dictionary word or a regular inflection of one ("teams", "requesting")."""
        return self.word(folded) or self._inflected(folded, self._words)

    def ordinary(self, folded: str) -> bool:
        """A verb, adjective or adverb, or an inflection of one ("discipline", "reading",
        "white"): words that are seldom names. WordNet's nouns include many surnames
        ("johnson", "murphy"), so a noun alone does not count."""
        return (folded in self._ordinary or folded in _EXTRA
                or self._inflected(folded, self._ordinary))

    def _inflected(self, folded: str, base_forms: frozenset[str]) -> bool:
        for ending, base in self._endings:
            if folded.endswith(ending) and len(folded) - len(ending) >= 3:
                stem = folded[: -len(ending)] + base
                if stem in base_forms:
                    return True
                if ending in ("ing", "ed") and len(stem) > 3 and stem[-1] == stem[-2]:
                    if stem[:-1] in base_forms:  # "stopping", "planned"
                        return True
        return False

    def adjective(self, folded: str) -> bool:
        """An adjective ("young", "brown", "rose"), whatever else it may be."""
        return folded in self._adjectives
