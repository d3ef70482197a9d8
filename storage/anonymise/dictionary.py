"""Dictionary words, to tell "Okonkwo" (no word: likely a name) from "Discipline" (a word).

English: WordNet's index of base forms (nouns, verbs, adjectives, adverbs) as the English spaCy
pipeline ships it in its lemmatizer tables, so no extra download is needed. WordNet lists some
given names as nouns too ("dana", "fatima"): callers check the given-name lexicon first.
Spanish: the Spanish pipeline's lemmatizer index (AnCora lemmas) and its inflection rules, so
that "Necesito" is known for a form of "necesitar".

WordNet predates much of the vocabulary of equity work, and an unknown capitalised word reads
as a name ("Microaggressions happen daily", "Misgendering is constant", "Allyship means more
than a pin"). English words built from a known word with a productive prefix or suffix count
as known: "micro" + "aggressions", "mis" + "gendering", "token" + "ism", "ally" + "ship". The
known part must be long enough and no given name, so that surnames built the same way stay
unknown ("Prescott", "Underwood", "Overstreet").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

__all__ = ["Dictionary"]

# Chat and workplace words, contractions typed without the apostrophe, and modal verbs that
# are no WordNet entries but never names.
_EXTRA = frozenset(
    """lol omg btw fyi imo imho tbh idk thx pls plz haha hahaha yay ugh hmm wow okay ok
    asap eta tldr irl afaik could would should might must shall ought admin admins
    dont cant wont didnt doesnt isnt wasnt werent havent hasnt hadnt wouldnt couldnt
    shouldnt aint gonna wanna gotta im ive youre theyre thats whats ppl tho""".split()
)
# Prefixes of words WordNet is too old for: the rest must be a known word of 4+ letters and
# no given name ("nonbinary", "antiracism", "microaggressions", "neurodivergent").
_PREFIXES = ("micro", "mis", "non", "anti", "neuro", "trans")
# Particles as prefixes: only before an inflected form of 5+ letters ("understaffing",
# "upskilling", "onboarding"), never before a bare word ("Overstreet", "Upchurch").
_PARTICLE_PREFIXES = ("under", "over", "up", "on", "out")
_INFLECTED = ("ing", "ed", "s")
# Suffixes after a known word of 4+ letters ("tokenism", "allyship", "transphobia"); "al"
# only inside another ("intersection" + "al" + "ity"), as it ends surnames ("Randal").
_SUFFIXES = ("isms", "ism", "ists", "ist", "ships", "ship", "phobia", "phobic", "ities", "ity",
             "ness")
# Inflection endings tried when a form is not a base form: "teams", "requesting", "staffed".
_ENDINGS = (("ies", "y"), ("es", ""), ("s", ""), ("ing", ""), ("ing", "e"), ("ed", ""),
            ("ed", "e"), ("ly", ""), ("er", ""), ("est", ""))


class Dictionary:
    """Word classes per lower-case, accent-free word."""

    def __init__(self, index: Mapping[str, Iterable[str]] | None = None,
                 endings: Iterable[tuple[str, str]] = _ENDINGS, *,
                 names: frozenset[str] = frozenset(), derived: bool = False) -> None:
        """``derived``: also know English derivations (see the module docstring) whose known
        part is not in ``names`` (the given-name lexicon)."""
        index = index or {}
        self._names = names
        self._derived = derived
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
        """A dictionary word or a regular inflection of one ("teams", "requesting"), or for
        English a derivation of one ("misgendering", "allyship")."""
        return (self.word(folded) or self._inflected(folded, self._words)
                or (self._derived and self._derivation(folded)))

    def _derivation(self, folded: str, inner: bool = False) -> bool:
        for prefix in _PREFIXES + _PARTICLE_PREFIXES:
            rest = folded[len(prefix):]
            if (folded.startswith(prefix) and len(rest) >= 4 and rest not in self._names
                    and (prefix in _PREFIXES or (len(rest) >= 5 and rest.endswith(_INFLECTED)))
                    and self._base(rest, inner)):
                return True
        for suffix in _SUFFIXES + (("al",) if inner else ()):
            stem = folded[: -len(suffix)]
            if folded.endswith(suffix) and len(stem) >= 4 and self._base(stem, inner):
                return True
        return False

    def _base(self, part: str, inner: bool) -> bool:
        """The known part of a derivation: a dictionary word or an inflection of one; or, once,
        a derivation itself ("intersectional" of "intersectionality")."""
        return (self.word(part) or self._inflected(part, self._words)
                or (not inner and self._derivation(part, True)))

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
