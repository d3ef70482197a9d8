"""Key phrases and labels: candidate noun phrases from the comments, ranked by how distinctive
they are of a theme, chosen by maximal marginal relevance (MMR) so they do not repeat each other.

A candidate is a run of one to three topical words inside a clause whose last word can be a noun
(per the Brill lexicon TextBlob ships) and whose words are adjectives, nouns or gerunds: "desk
coverage", "training time", "parking". Stop words, filler ("just", "better") and contraction
fragments ("didn", "don") are never part of a candidate. A phrase only one person wrote (even in
several of their answers) never labels a theme: it would be that person's words, not a topic.

Phrases are found in lower case; labels and key phrases are then written the way the round's
comments most often write each word when that is not lower case ("ATM", "PTO policy", "Slow
HR"), so casing never changes which phrases or themes are found. A word they only ever write at
the start of a sentence is written as English writes it: "Juneteenth", "Somali", but "burnout";
in Spanish comments in lower case ("falta").
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from functools import lru_cache

import numpy as np

from storage.themes.text import (
    CLAUSE,
    SPANISH_STOP_WORDS,
    STOP_WORDS,
    WORD,
    clean,
    english_words,
    is_topical,
    pos_lexicon,
    proper_forms,
    stem,
    words,
)

Key = tuple[str, ...]  # stems of a phrase: "staff meetings" and "staff meeting" are one key

_NOUN = ("NN", "NNS", "NNP", "NNPS", "VBG", "FW")
_INNER = _NOUN + ("JJ", "JJR", "JJS", "VBN", "CD")
_MAX_WORDS = 3


def _tag(word: str, lexicon: dict[str, str]) -> str:
    return lexicon.get(word, "NN")  # unknown words are usually names of things


# Nouns too generic to name a topic ("made equity part of the plan"), though a topic's
# comments may share them: kept as features of the TF-IDF engine, never as key phrases.
_GENERIC = frozenset({"part", "parts"})


@lru_cache(maxsize=200_000)
def _kind(word: str) -> tuple[bool, bool, str]:
    """(may be inside a phrase, may end one, stem) of a lower-case word."""
    if not is_topical(word) or word in _GENERIC:
        return False, False, ""
    tag = _tag(word, pos_lexicon())
    if not tag.startswith(_INNER) or tag.startswith("CD"):
        return False, False, ""
    return True, tag.startswith(_NOUN), stem(word)


# Words after which the next one is a verb, whatever the lexicon's most frequent tag for it
# says: subject pronouns ("it matters", "nobody explains"), modals ("nothing will change") and
# "please" ("please act on this"). "IT" in capitals is the department, not a pronoun.
_VERB_AFTER = frozenset(
    """i you he she it we they nobody somebody someone everyone everybody anyone anybody noone
    who can cannot could will would shall should may might must please""".split()
)
# Auxiliaries: a gerund or participle right after one is a verb form ("workload keeps
# growing", "I have seen retaliation", "policies are decided"), not a topic.
_AUXILIARIES = frozenset(
    """am is are was were be been being keep keeps kept keeping has have had having get gets
    got getting 's 're 've""".split()
)
# After "to", a base-form word is an infinitive ("too thin to step away"), unless it reads
# as a noun ("goes to training", "report to management") or is an acronym ("to HR").
_NOUN_ENDINGS = ("ing", "ion", "ions", "ment", "ments", "ness", "ity", "ance", "ence", "age",
                 "ship", "ure", "ism", "ist", "ists", "er", "ers", "or", "ors")
_CUES = _VERB_AFTER | _AUXILIARIES | {"to"}  # the words after which a verb is looked for


def _verb_here(before: str, before_written: str, word: str, written: str) -> bool:
    """True when ``word`` (lower case; ``written`` as in the comment) is used as a verb after
    ``before`` (lower case; ``before_written`` as in the comment; empty at a clause start)."""
    if not before:
        return False
    if before in _VERB_AFTER:
        return before_written != "IT"
    tag = _tag(word, pos_lexicon())
    if before in _AUXILIARIES:
        return tag.startswith(("VBG", "VBN", "VBD"))
    if before == "to":
        return (len(word) > 2 and tag in ("NN", "VB", "VBP")
                and not word.endswith(_NOUN_ENDINGS) and not written.isupper())
    return False


def _runs(text: str) -> list[tuple[list[str], list[str]]]:
    """The comment split at punctuation into runs of words: (lower case, as written)."""
    out = []
    for part in CLAUSE.split(clean(text).replace("’", "'")):
        written = WORD.findall(part)
        if written:  # one lower() a run; words hold no spaces, so the split stays aligned
            out.append((" ".join(written).lower().split(" "), written))
    return out


Forms = dict[str, str]  # lower-case word -> how one comment writes it ("atm" -> "ATM")
_NO_FORMS: Forms = {}  # shared (never written to): most comments write no word in capitals


def phrases_of(text: str) -> dict[Key, str]:
    """Candidate phrases of one comment: stem key -> the words as written (lower case)."""
    return read(text)[0]


def read(text: str) -> tuple[dict[Key, str], Forms]:
    """:func:`phrases_of` of one comment, and the words of its phrases it writes with
    capitals: by the first occurrence of each that tells, so not a capital that may only start
    a clause ("Desk is never covered" says nothing about "desk"; "ATM" anywhere does). Words it
    writes in lower case are left out (the forms of most comments are empty: one object fewer
    per comment for the garbage collector, which cost a 10,000-comment theming a fifth)."""
    out: dict[Key, str] = {}
    forms: Forms = {}
    kind, cues = _kind, _CUES
    for lower, cased in _runs(text):
        run: list[tuple[str, bool, str]] = []
        before = before_written = ""
        lower.append("")
        for n, word in enumerate(lower):
            written = cased[n] if word else ""
            inner, noun, root = kind(word) if word else (False, False, "")
            if inner and before in cues and _verb_here(before, before_written, word, written):
                inner = False
            before, before_written = word, written
            if inner:
                run.append((word, noun, root))
                if word not in forms and (n or written == word or written[1:] != word[1:]):
                    forms[word] = word if written == word else written
                continue
            for end in range(len(run)):
                if not run[end][1]:
                    continue
                for start in range(max(0, end - _MAX_WORDS + 1), end + 1):
                    span = run[start : end + 1]
                    key = tuple(r for _, _, r in span)
                    if len(set(key)) == len(key):
                        out.setdefault(key, " ".join(w for w, _, _ in span))
            run = []
    capitals = {w: f for w, f in forms.items() if f != w}
    return out, capitals or _NO_FORMS


class PhraseIndex:
    """Candidate phrases of the comments, found on demand (cached), with document frequencies
    estimated on a deterministic sample of at most ``background`` comments. ``groups[i]`` is
    who wrote comment ``i`` (a submission id; by default every comment is its own)."""

    def __init__(self, texts: Sequence[str], background: int = 1_500, per_theme: int = 300,
                 groups: Sequence[Hashable] | None = None) -> None:
        self.texts = list(texts)
        self.per_theme = per_theme
        # who wrote each comment (a submission: one person), so a phrase counts its people
        self.groups: Sequence[Hashable] = range(len(self.texts)) if groups is None else groups
        self._found: dict[int, dict[Key, str]] = {}
        self._by_text: dict[str, dict[Key, str]] = {}
        self._capitals: dict[str, Forms] = {}  # by text, only comments that write capitals
        self._within: dict[tuple[int, ...], tuple[Counter[Key], int]] = {}
        n = len(self.texts)
        step = max(1, math.ceil(n / background))
        self.df: Counter[Key] = Counter()
        sample = range(0, n, step)
        for i in sample:
            self.df.update(self.of(i).keys())
        self.n = max(len(sample), 1)
        self._background = sample
        self._forms: dict[str, Counter[str]] | None = None
        self._unvoted: dict[str, str] = {}  # by the round's sample: how a word with no vote reads

    def of(self, i: int) -> dict[Key, str]:
        """Candidate phrases of comment ``i``."""
        found = self._found.get(i)
        if found is None:
            text = self.texts[i]
            found = self._by_text.get(text)
            if found is None:
                found, capitals = read(text)
                self._by_text[text] = found
                if capitals:
                    self._capitals[text] = capitals
            self._found[i] = found
        return found

    def _votes(self, i: int) -> dict[str, str]:
        """How comment ``i`` writes each word of its phrases, where it tells: with capitals
        that say something, or in lower case somewhere. A word it only writes at the start of
        a clause gets no vote ("Kronos scheduling broke" says nothing about "kronos")."""
        text = self.texts[i]
        capitals = self._capitals.get(text, _NO_FORMS)
        words = {w for surface in self.of(i).values() for w in surface.split(" ")}
        votes = {}
        for w in words:
            form = capitals.get(w)
            if form is not None:
                votes[w] = form
            elif _lower_here(text, w):
                votes[w] = w
        return votes

    def _sample(self, members: Sequence[int]) -> list[int]:
        step = max(1, math.ceil(len(members) / self.per_theme))  # large themes: a sample
        return list(members)[::step]

    def written(self, members: Sequence[int], phrase: str) -> str:
        """``phrase`` (a label or key phrase) with each word as the round's comments most
        often write it where that is not plain lower case ("Pto policy" -> "PTO policy");
        other words are left as they are ("Desk coverage"). The round's comments are the
        sample the document frequencies come from, so a word is written the same way in every
        theme; a word that sample lacks is written as the theme's comments (``members``)
        write it. A word they only ever write at the start of a clause is written as English
        writes it (:func:`unvoted`). Only capitals change, so labels that differ stay
        different."""
        if self._forms is None:  # once a round, from comments already read
            self._forms = {}
            for i in self._background:
                for lower, form in self._votes(i).items():
                    self._forms.setdefault(lower, Counter())[form] += 1
        out = []
        for word in phrase.split(" "):
            lower = word.lower()
            votes = self._forms.get(lower) or Counter(
                f for i in self._sample(members) if (f := self._votes(i).get(lower)))
            best = min(votes.items(), key=lambda kv: (-kv[1], kv[0] != lower, kv[0]),
                       default=(lower, 0))[0] if votes else self._without_votes(lower, members)
            out.append(word if best == lower else best)
        return " ".join(out)

    def _without_votes(self, word: str, members: Sequence[int]) -> str:
        """:func:`unvoted` over the round's comments that have ``word`` (the theme's, when
        the round's sample has none): one answer per round for a word the sample has."""
        if word in self._unvoted:
            return self._unvoted[word]
        if not word.isalpha():
            return word  # "part-time", "covid-19": capitals only from how comments write them
        pattern = _any_case(word)
        texts = [t for i in self._background if pattern.search(t := self.texts[i])]
        if not texts:
            return unvoted(word, [t for i in self._sample(members)
                                  if pattern.search(t := self.texts[i])])
        self._unvoted[word] = found = unvoted(word, texts)
        return found

    def ranked(
        self, members: Sequence[int], limit: int = 40, within: Sequence[int] | None = None
    ) -> list[tuple[Key, str, float]]:
        """Distinctive candidates of ``members``: (key, surface, relevance), best first.
        Distinctive against all comments, or against the comments ``within`` (a sub-theme
        against its parent theme). Only phrases that two people or more wrote (by ``groups``,
        one submission each) are candidates: a label or key phrase is never one person's
        words, even when they wrote it in two answers."""
        if not len(members):
            return []
        df, total = self.df, self.n
        if within is not None:
            marker = (len(within), within[0], within[-1], within[len(within) // 2])
            cached = self._within.get(marker)
            if cached is None:
                step = max(1, math.ceil(len(within) / self.per_theme))
                back = list(within)[::step]
                cached = (Counter(k for i in back for k in self.of(i)), max(len(back), 1))
                self._within[marker] = cached
            df, total = cached
        sample = self._sample(members)
        local: Counter[Key] = Counter()
        surfaces: dict[Key, str] = {}  # the first wording met stands for the phrase
        first: dict[Key, Hashable] = {}  # the first person met who wrote it
        shared: set[Key] = set()  # phrases written by two people or more
        groups = self.groups
        for i in sample:
            found = self.of(i)
            local.update(found.keys())
            group = groups[i]
            for key, surface in found.items():
                surfaces.setdefault(key, surface)
                if first.setdefault(key, group) != group:
                    shared.add(key)
        m = len(sample)
        scored: list[tuple[Key, str, float]] = []
        for key, count in local.items():
            if key not in shared:  # one person's words never name a theme
                continue
            inside = count / m
            overall = max(df[key], 1) / total
            lift = math.log1p(inside / overall)
            weight = 1.0 + 0.25 * (len(key) - 1) if inside >= 0.05 else 1.0
            scored.append((key, surfaces[key], inside * lift * weight))
        scored.sort(key=lambda item: (-item[2], item[1]))
        return scored[:limit]


def mmr(
    ranked: Sequence[tuple[Key, str, float]],
    vectors: Callable[[Sequence[tuple[Key, str]]], Sequence[np.ndarray | None]],
    n: int = 5,
    diversity: float = 0.35,
) -> tuple[str, ...]:
    """Up to ``n`` phrases by maximal marginal relevance: relevance minus ``diversity`` times
    the highest similarity to a phrase already chosen (cosine of phrase vectors from
    ``vectors``, called once with every (key, surface) candidate, or overlap of stems where a
    vector is None). A phrase contained in a chosen one is skipped."""
    if not ranked:
        return ()
    ranked = ranked[:20]  # the best few are where key phrases come from
    top = max(r for _, _, r in ranked) or 1.0
    found = vectors([(key, surface) for key, surface, _ in ranked])
    vecs = {key: v for (key, _, _), v in zip(ranked, found, strict=True)}
    chosen: list[tuple[Key, str]] = []
    pool = list(ranked)
    while pool and len(chosen) < n:
        best: tuple[float, int] | None = None
        for j, (key, _, rel) in enumerate(pool):
            redundancy = 0.0
            for ckey, _ in chosen:
                redundancy = max(redundancy, _similarity(key, ckey, vecs[key], vecs[ckey]))
            value = rel / top - diversity * redundancy
            if best is None or value > best[0]:
                best = (value, j)
        assert best is not None
        key, surface, _ = pool.pop(best[1])
        if any(set(key) <= set(ckey) or set(ckey) <= set(key) for ckey, _ in chosen):
            continue
        chosen.append((key, surface))
    return tuple(surface for _, surface in chosen)


def _similarity(a: Key, b: Key, va: np.ndarray | None, vb: np.ndarray | None) -> float:
    overlap = len(set(a) & set(b)) / len(set(a) | set(b))
    if va is None or vb is None:
        return overlap
    return max(overlap, float(np.clip(va @ vb, 0.0, 1.0)))


# Words that name no topic on their own, though many comments share them ("History Month",
# "Heritage Month", "Pride Month" share "month"; in a staff survey, "staff"): a label never is
# one of them alone.
_NO_NAME = frozenset({"month", "months", "week", "weeks", "year", "years", "day", "days",
                      "time", "times", "thing", "things", "lot", "way", "people", "staff"})


def namable(phrases: Sequence[str]) -> list[str]:
    """``phrases`` (best first) that can name a theme: not one of the words above alone (all
    of them when every one is)."""
    good = [p for p in phrases if p.lower() not in _NO_NAME]
    return good or list(phrases)


@lru_cache(maxsize=4096)
def _as_word(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![^\W\d_]){re.escape(word)}(?![^\W\d_])")


def _lower_here(text: str, word: str) -> bool:
    """Whether ``text`` writes ``word`` (lower case) as a whole word somewhere."""
    return word in text and _as_word(word).search(text) is not None


@lru_cache(maxsize=4096)
def _any_case(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![^\W\d_]){re.escape(word)}(?![^\W\d_])", re.IGNORECASE)


# Letters only Spanish writes (of the two languages themed): a comment with them leans Spanish.
_SPANISH_LETTERS = frozenset("ñáéíóú¿¡")
_ONLY_SPANISH = SPANISH_STOP_WORDS - STOP_WORDS  # "de", "la", "que" (not "a", "no", "me")
_ONLY_ENGLISH = STOP_WORDS - SPANISH_STOP_WORDS
# Endings of English words derived from a common one ("onboarding", "microaggressions",
# "upskilling"): an unknown word with one is a common word the lexicon is too old to have.
_COMMON_ENDINGS = ("ing", "ings", "ion", "ions", "ment", "ments", "ness", "ity", "ities",
                   "ism", "isms", "ize", "ized", "ise", "ised", "ship", "ful", "less", "able",
                   "ly", "ed", "er", "ers")


def _english(text: str, word: str) -> bool | None:
    """Whether ``text`` reads as English (True) or Spanish (False), by the function words only
    one of them uses and Spanish letters, else by how many of its other words the English
    lexicon writes in lower case; None when it does not tell ("Juneteenth." alone)."""
    tokens = words(text)
    es = sum(t in _ONLY_SPANISH for t in tokens) + any(c in _SPANISH_LETTERS for c in text)
    en = sum(t in _ONLY_ENGLISH for t in tokens)
    if es != en:
        return en > es
    others = [t for t in tokens if t != word and t not in STOP_WORDS
              and t not in SPANISH_STOP_WORDS]
    if not others:
        return None
    known = sum(t in english_words() for t in others) / len(others)
    return True if known >= 2 / 3 else False if known <= 1 / 3 else None


def unvoted(word: str, texts: Sequence[str]) -> str:
    """How to write ``word`` (lower case), which ``texts`` (the comments that have it) only
    write at the start of a clause, where a capital says nothing about it. In English comments
    (more of them read as English than as Spanish): as the English lexicon writes it ("Muslim",
    "Somali"; "burnout" in lower case), and a word it does not know that is not derived from a
    common one with a capital ("Juneteenth", "Diwali", "Kronos"). Otherwise in lower case: the
    words of Spanish comments ("falta", "agotamiento") are not names to English's lexicon."""
    read = [_english(t, word) for t in texts]
    if read.count(True) <= read.count(False):
        return word
    form = proper_forms().get(word)
    if form is not None:
        return form
    if word.endswith("s") and (form := proper_forms().get(word[:-1])) is not None:
        return form + "s"  # "Diwalis" is not in the lexicon; a plural of what is: "Kurds"
    known = english_words()
    if word in known or word.endswith(_COMMON_ENDINGS) or (
            word.endswith("s") and word[:-1] in known):
        return word
    return word[:1].upper() + word[1:]


def label_of(phrase: str) -> str:
    """A key phrase as a label: first letter upper case ("desk coverage" -> "Desk coverage")."""
    phrase = phrase.strip()
    return phrase[:1].upper() + phrase[1:] if phrase else "Comments"
