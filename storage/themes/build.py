"""From clusters to a :class:`ThemeResult`: codebook mapping, labels, codes, sub-themes,
representatives, term profiles and sentiment counts. Shared by every engine."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

import numpy as np

from storage.themes import clustering, labels, sentiment
from storage.themes.codebook import map_onto, stem_line
from storage.themes.model import OTHER_CODE, OTHER_LABEL, Codebook, Sentiment, Theme, ThemeResult
from storage.themes.text import analyze

WHOLE_CODEBOOK_SCORE = 0.51  # a codebook name for a theme of every comment: more than half
WHOLE_PHRASES = 3  # a theme of every comment with no codebook name: its 3 top phrases

_PROFILE_TERMS = 25


@dataclass(frozen=True)
class Options:
    """Knobs shared by the engines (see :class:`storage.themes.TfidfThemer`)."""

    min_theme_size: int | None = None
    max_themes: int = clustering.MAX_THEMES
    min_codebook_score: float = 0.3
    random_state: int = 0
    subthemes: bool = True

    def min_size(self, n: int) -> int:
        if self.min_theme_size is not None:
            return max(1, self.min_theme_size)
        return max(3, n // 30)


class Context:
    """What the builder needs to know about the comments besides their clusters."""

    def __init__(
        self,
        texts: Sequence[str],
        z: np.ndarray,
        phrase_vectors: Callable[[Sequence[tuple[labels.Key, str]]], Sequence[np.ndarray | None]],
        labels_of_sentiment: Sequence[Sentiment] | None = None,
        method: str = "kmeans",
        groups: Sequence[Hashable] | None = None,
    ) -> None:
        self.texts = list(texts)
        self.z = z
        self.method = method  # how the engine clusters (clustering.METHODS): sub-themes too
        self.phrase_vectors = phrase_vectors
        # who wrote each comment: labels only use phrases two people or more wrote
        self.phrases = labels.PhraseIndex(self.texts, groups=groups)
        self.sentiments = list(labels_of_sentiment or sentiment.sentiments(self.texts))
        self._stems: dict[int, frozenset[str]] = {}
        self._df: Counter[str] | None = None
        self._background = 0

    def stems(self, i: int) -> frozenset[str]:
        """Stems of comment ``i`` (cached)."""
        found = self._stems.get(i)
        if found is None:
            found = self._stems[i] = frozenset(analyze(self.texts[i]))
        return found

    def line(self, i: int) -> str:
        """:func:`storage.themes.codebook.stem_line` of comment ``i`` (word order kept, for
        multi-word keywords such as "short staffed")."""
        return stem_line(self.texts[i])

    def profile(self, members: Sequence[int]) -> tuple[tuple[str, float], ...]:
        """The theme's most distinctive stems, weighted by share x lift (both on samples)."""
        if self._df is None:
            step = max(1, len(self.texts) // 1_000)
            sample = range(0, len(self.texts), step)
            self._df = Counter(t for i in sample for t in self.stems(i))
            self._background = max(len(sample), 1)
        chosen = list(members)[:: max(1, len(members) // 300)]
        local: Counter[str] = Counter(t for i in chosen for t in self.stems(i))
        weights = {
            t: (c / len(chosen)) * math.log1p(
                (c / len(chosen)) / (max(self._df[t], 1) / self._background)
            )
            for t, c in local.items()
        }
        top = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:_PROFILE_TERMS]
        return tuple((t, round(w, 4)) for t, w in top)


class _Lines:
    """Stem lines of the comments, computed only for the comments a codebook test reads."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def __getitem__(self, i: int) -> str:
        return self.ctx.line(i)

    def __len__(self) -> int:
        return len(self.ctx.texts)


def _slug(label: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:40]
    return slug or "theme"


def _unique(value: str, used: set[str], alternatives: Sequence[str]) -> str:
    for candidate in (value, *alternatives):
        if candidate not in used:
            used.add(candidate)
            return candidate
    i = 2
    while f"{value} {i}" in used:
        i += 1
    used.add(f"{value} {i}")
    return f"{value} {i}"


def _phrases(ctx: Context, members: np.ndarray, within: np.ndarray | None = None
             ) -> tuple[str, ...]:
    return _ranked_phrases(ctx, members, within)[0]


def _ranked_phrases(
    ctx: Context, members: np.ndarray, within: np.ndarray | None = None
) -> tuple[tuple[str, ...], list[str]]:
    """(key phrases by MMR, every candidate by relevance)."""
    ranked = ctx.phrases.ranked(
        members.tolist(), within=None if within is None else within.tolist()
    )
    return labels.mmr(ranked, ctx.phrase_vectors), [r[1] for r in ranked]


def _written(ctx: Context, members: np.ndarray, phrases: Sequence[str]) -> tuple[str, ...]:
    """Labels or key phrases with their words as the comments write them ("PTO policy").
    Labels are compared and made unique before this, so casing never changes which."""
    index = members.tolist()
    return tuple(ctx.phrases.written(index, p) for p in phrases)


def _subthemes(
    ctx: Context, members: np.ndarray, parts: list[np.ndarray] | None, options: Options,
    parent_label: str,
) -> tuple[Theme, ...]:
    if parts is None:
        if not options.subthemes or len(members) < 4:
            return ()
        sub_min = max(2, min(options.min_size(len(ctx.texts)), len(members) // 6))
        sub = clustering.subclusters(ctx.z[members], options.random_state, sub_min,
                                     method=ctx.method)
        if sub is None:
            return ()
        parts = [members[sub == j] for j in range(int(sub.max()) + 1)]
    parts = sorted((p for p in parts if len(p)), key=lambda p: (-len(p), int(p.min())))
    if len(parts) < 2:
        return ()
    # name every part; a part with no name of its own joins the sibling whose name it shares
    # (or, when its only name is the parent's, the largest part)
    named: list[tuple[str, tuple[str, ...], np.ndarray]] = []
    leftover: list[tuple[list[str], np.ndarray]] = []
    used: set[str] = {parent_label}
    for part in parts:
        phrases, more = _ranked_phrases(ctx, part, within=members)
        candidates = [labels.label_of(p) for p in labels.namable([*phrases, *more])]
        label = next((c for c in candidates if c not in used), None)
        if label is None:  # nothing distinctive against the parent: against everyone, then
            candidates += [labels.label_of(r[1]) for r in ctx.phrases.ranked(part.tolist())]
            label = next((c for c in candidates if c not in used), None)
        if label is None:
            leftover.append((candidates, part))
            continue
        used.add(label)
        named.append((label, phrases, part))
    if not named:
        return ()
    for candidates, part in leftover:
        into = next((j for j, (lab, _, _) in enumerate(named)
                     if candidates and lab == candidates[0]), 0)
        lab, phr, mem = named[into]
        named[into] = (lab, phr, np.sort(np.concatenate([mem, part])))
    if len(named) < 2:
        return ()
    out: list[Theme] = []
    for j, (label, phrases, part) in enumerate(named):
        reps = clustering.order_by_closeness(ctx.z, part)
        out.append(
            Theme(
                id=j,
                label=_written(ctx, part, [label])[0],
                key_phrases=_written(ctx, part, phrases),
                code=_slug(label),
                members=tuple(int(i) for i in np.sort(part)),
                sentiment=sentiment.counts(ctx.sentiments, part.tolist()),
                representatives=tuple(int(i) for i in reps),
            )
        )
    return tuple(out)


def build(
    ctx: Context, cluster_labels: np.ndarray, codebook: Codebook | None, options: Options,
    engine: str,
) -> ThemeResult:
    """Assemble the result. ``cluster_labels[i]`` is comment i's cluster, -1 for "other"."""
    n = len(ctx.texts)
    top = int(cluster_labels.max()) if n else -1
    groups = [g for c in range(top + 1) if len(g := np.flatnonzero(cluster_labels == c))]
    other = np.flatnonzero(cluster_labels < 0)
    # One group holding every comment (a handful of them, or a summary whose k_comments leaves
    # room for one theme only): its name is read as what all of them say, so it must be true
    # of most of them. A codebook name needs a majority of the comments, not 30%, and a name
    # of its own lists what they mention most ("Interpreters, desk, Kronos").
    whole = len(groups) == 1 and not len(other)
    min_score = max(options.min_codebook_score, WHOLE_CODEBOOK_SCORE) if whole else \
        options.min_codebook_score
    # codebook: groups that map onto the same code become one theme, the groups its sub-themes
    coded: dict[str, list[np.ndarray]] = {}
    plain: list[np.ndarray] = []
    if codebook is not None and groups:
        lines = _Lines(ctx)
        for g, (code, _) in zip(
            groups, map_onto(lines, [g.tolist() for g in groups], codebook, min_score),
            strict=True,
        ):
            if code is None:
                plain.append(g)
            else:
                coded.setdefault(code, []).append(g)
    else:
        plain = groups
    names = {t.code: t.name for t in codebook.themes} if codebook is not None else {}
    entries: list[tuple[np.ndarray, str | None, list[np.ndarray] | None]] = [
        (np.sort(np.concatenate(parts)), code, parts if len(parts) > 1 else None)
        for code, parts in coded.items()
    ] + [(g, None, None) for g in plain]
    entries.sort(key=lambda e: (-len(e[0]), int(e[0].min())))
    used_labels: set[str] = {OTHER_LABEL}
    used_codes: set[str] = {OTHER_CODE, *names}
    themes: list[Theme] = []
    assignments = [-1] * n
    for tid, (members, code, parts) in enumerate(entries):
        phrases = _phrases(ctx, members)
        names_from = labels.namable(phrases)
        written: tuple[str, ...] | None = None
        if code is not None:
            label = _unique(names[code], used_labels, ())
        elif whole and len(phrases) > 1:
            written = _written(ctx, members, names_from[:WHOLE_PHRASES])
            label = _unique(labels.label_of(", ".join(written)), used_labels, ())
            code = _unique(_slug(labels.label_of(names_from[0])), used_codes, ())
        else:
            label = _unique(
                labels.label_of(names_from[0]) if names_from else "Comments",
                used_labels,
                [labels.label_of(p) for p in names_from[1:]],
            )
            code = _unique(_slug(label), used_codes, ())
        reps = clustering.order_by_closeness(ctx.z, members)
        # as the comments write it, unless a codebook name or written already
        shown = label if code in names or written else _written(ctx, members, [label])[0]
        themes.append(
            Theme(
                id=tid,
                label=shown,
                key_phrases=_written(ctx, members, phrases),
                code=code,
                members=tuple(int(i) for i in members),
                sentiment=sentiment.counts(ctx.sentiments, members.tolist()),
                representatives=tuple(int(i) for i in reps),
                subthemes=_subthemes(ctx, members, parts, options, label),
                coded=code in names,
                profile=ctx.profile(members.tolist()),
            )
        )
        for i in members:
            assignments[int(i)] = tid
    if len(other):
        tid = len(themes)
        themes.append(
            Theme(
                id=tid,
                label=OTHER_LABEL,
                key_phrases=_written(ctx, other, _phrases(ctx, other)),
                code=OTHER_CODE,
                members=tuple(int(i) for i in other),
                sentiment=sentiment.counts(ctx.sentiments, other.tolist()),
                representatives=tuple(int(i) for i in other),
            )
        )
        for i in other:
            assignments[int(i)] = tid
    return ThemeResult(
        themes=tuple(themes),
        assignments=tuple(assignments),
        sentiments=tuple(ctx.sentiments),
        engine=engine,
    )
