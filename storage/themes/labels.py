"""Key phrases and labels: candidate noun phrases from the comments, ranked by how distinctive
they are of a theme, chosen by maximal marginal relevance (MMR) so they do not repeat each other.

A candidate is a run of one to three topical words inside a clause whose last word can be a noun
(per the Brill lexicon TextBlob ships) and whose words are adjectives, nouns or gerunds: "desk
coverage", "training time", "parking". Stop words, filler ("just", "better") and contraction
fragments ("didn", "don") are never part of a candidate.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np

from storage.themes.text import clauses, is_topical, pos_lexicon, stem

Key = tuple[str, ...]  # stems of a phrase: "staff meetings" and "staff meeting" are one key

_NOUN = ("NN", "NNS", "NNP", "NNPS", "VBG", "FW")
_INNER = _NOUN + ("JJ", "JJR", "JJS", "VBN", "CD")
_MAX_WORDS = 3


def _tag(word: str, lexicon: dict[str, str]) -> str:
    return lexicon.get(word, "NN")  # unknown words are usually names of things


def phrases_of(text: str) -> dict[Key, str]:
    """Candidate phrases of one comment: stem key -> the words as written (lower case)."""
    lexicon = pos_lexicon()
    out: dict[Key, str] = {}
    for clause in clauses(text):
        run: list[str] = []
        for word in [*clause, ""]:
            if word and is_topical(word) and _tag(word, lexicon).startswith(_INNER):
                run.append(word)
                continue
            for end in range(len(run)):
                if not _tag(run[end], lexicon).startswith(_NOUN):
                    continue
                for start in range(max(0, end - _MAX_WORDS + 1), end + 1):
                    span = run[start : end + 1]
                    if _tag(span[0], lexicon).startswith("CD"):
                        continue
                    key = tuple(stem(w) for w in span)
                    if len(set(key)) == len(key):
                        out.setdefault(key, " ".join(span))
            run = []
    return out


class PhraseIndex:
    """Candidate phrases of the comments, found on demand (cached), with document frequencies
    estimated on a deterministic sample of at most ``background`` comments."""

    def __init__(self, texts: Sequence[str], background: int = 2_000, per_theme: int = 500
                 ) -> None:
        self.texts = list(texts)
        self.per_theme = per_theme
        self._found: dict[int, dict[Key, str]] = {}
        self._by_text: dict[str, dict[Key, str]] = {}
        n = len(self.texts)
        step = max(1, math.ceil(n / background))
        self.df: Counter[Key] = Counter()
        sample = range(0, n, step)
        for i in sample:
            self.df.update(self.of(i).keys())
        self.n = max(len(sample), 1)

    def of(self, i: int) -> dict[Key, str]:
        """Candidate phrases of comment ``i``."""
        found = self._found.get(i)
        if found is None:
            text = self.texts[i]
            found = self._by_text.get(text)
            if found is None:
                found = phrases_of(text)
                self._by_text[text] = found
            self._found[i] = found
        return found

    def ranked(
        self, members: Sequence[int], limit: int = 40, within: Sequence[int] | None = None
    ) -> list[tuple[Key, str, float]]:
        """Distinctive candidates of ``members``: (key, surface, relevance), best first.
        Distinctive against all comments, or against the comments ``within`` (a sub-theme
        against its parent theme)."""
        if not len(members):
            return []
        df, total = self.df, self.n
        if within is not None:
            step = max(1, math.ceil(len(within) / self.per_theme))
            back = list(within)[::step]
            df = Counter(k for i in back for k in self.of(i))
            total = max(len(back), 1)
        step = max(1, math.ceil(len(members) / self.per_theme))  # large themes: a sample
        sample = list(members)[::step]
        local: Counter[Key] = Counter()
        surfaces: dict[Key, Counter[str]] = {}
        for i in sample:
            for key, surface in self.of(i).items():
                local[key] += 1
                surfaces.setdefault(key, Counter())[surface] += 1
        m = len(sample)
        floor = 2 if m >= 6 else 1
        scored: list[tuple[Key, str, float]] = []
        for key, count in local.items():
            if count < floor:
                continue
            inside = count / m
            overall = max(df[key], 1) / total
            lift = math.log1p(inside / overall)
            weight = 1.0 + 0.25 * (len(key) - 1) if inside >= 0.05 else 1.0
            scored.append((key, surfaces[key].most_common(1)[0][0], inside * lift * weight))
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


def label_of(phrase: str) -> str:
    """A key phrase as a label: first letter upper case ("desk coverage" -> "Desk coverage")."""
    phrase = phrase.strip()
    return phrase[:1].upper() + phrase[1:] if phrase else "Comments"
