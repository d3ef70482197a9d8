"""Theming of scrubbed free-text comments.

Pipeline of the default engine (:class:`TfidfThemer`, scikit-learn only, no model files):

1. TF-IDF over word 1-2 grams, English stop words, sublinear tf.
2. Term smoothing: every comment also gets the terms that co-occur like its own terms
   (positive PMI of term co-occurrence, reduced by SVD, 20 nearest terms). Short comments that say
   the same thing in different words ("vacation" / "PTO") move closer together.
3. LSA (truncated SVD) to 100 dimensions, then each comment is averaged with its 10 nearest
   neighbours, which removes noise before clustering.
4. The number of themes is chosen from the data: k-means over a grid of k scaled to the number of
   comments, scored by cosine silhouette; the knee of that curve (or its peak) wins.
5. One refinement round: terms are re-weighted by how concentrated they are in the first
   clusters, then the comments are clustered again at the same k.
6. Inputs over 10,500 comments are fitted on a deterministic sample of 6,000; every comment is
   then assigned to its nearest theme centroid.

Themes are labelled with their most distinctive key phrases, optionally mapped onto a codebook
(YAML in ``prompts/codebooks``), and counted for sentiment with TextBlob's bundled lexicon.
Everything is deterministic for a given ``random_state``.

:class:`EmbeddingThemer` is the semantic engine: the same clustering over sentence embeddings
from a local model2vec or sentence-transformers model directory.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

__all__ = [
    "Codebook",
    "CodebookTheme",
    "EmbeddingThemer",
    "TfidfThemer",
    "Theme",
    "ThemeResult",
    "Themer",
    "load_codebook",
    "quotes",
]

OTHER_CODE = "other"
OTHER_LABEL = "Other"

_PLACEHOLDER = re.compile(r"\[(?:NAME|EMAIL|PHONE|NUMBER|URL|MENTION|CHANNEL)\]")
# Words of 2+ characters with at least one letter ("w2", "401k" yes, "2024" no).
_TOKEN_PATTERN = r"(?u)\b(?=\w*[^\W\d_])\w\w+\b"
_WORD = re.compile(r"[^\W_]+")

_MIN_TEXTS_TO_CLUSTER = 10
_FIT_ALL_UP_TO = 10_500  # inputs up to this size are fitted whole
_FIT_SAMPLE = 6_000  # larger inputs are fitted on a sample this size
_SILHOUETTE_SAMPLE = 2_000
_LSA_DIMS = 100
_SMOOTH_NEIGHBOURS = 10
_TERM_NEIGHBOURS = 20
_MAX_SIM_TERMS = 20_000


# --------------------------------------------------------------------------------------------
# Public data types


@dataclass(frozen=True)
class Theme:
    """One theme: its label, key phrases, codebook code, members and sentiment counts."""

    id: int
    label: str
    key_phrases: tuple[str, ...]
    code: str | None
    members: tuple[int, ...]
    sentiment: tuple[int, int, int]


@dataclass(frozen=True)
class ThemeResult:
    """All themes of one run and the theme id of every input text, in input order."""

    themes: tuple[Theme, ...]
    assignments: tuple[int, ...]


@dataclass(frozen=True)
class CodebookTheme:
    """A theme of an organisation's codebook: stable code, display name, keywords."""

    code: str
    name: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Codebook:
    """A named set of codebook themes (see ``prompts/codebooks/*.yaml``)."""

    name: str
    themes: tuple[CodebookTheme, ...]


class Themer(Protocol):
    """Anything that groups comments into themes."""

    def theme(self, texts: Sequence[str], codebook: Codebook | None = None) -> ThemeResult: ...


# --------------------------------------------------------------------------------------------
# Codebooks


def load_codebook(path: Path) -> Codebook:
    """Load and validate a YAML codebook; raise ValueError naming the file and the theme."""
    import yaml

    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"{path}: cannot read codebook: {exc}") from exc
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a codebook must be a mapping with 'name' and 'themes'")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"{path}: 'name' must be a non-empty string")
    raw_themes = data.get("themes")
    if not isinstance(raw_themes, list) or not raw_themes:
        raise ValueError(f"{path}: 'themes' must be a non-empty list")
    themes: list[CodebookTheme] = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_themes, start=1):
        where = f"{path}: theme #{i}"
        if not isinstance(raw, dict):
            raise ValueError(f"{where}: must be a mapping with code, name and keywords")
        code = raw.get("code")
        if not isinstance(code, str) or not code.strip():
            raise ValueError(f"{where}: 'code' is missing or not a non-empty string")
        code = code.strip()
        where = f"{path}: theme {code!r}"
        if code == OTHER_CODE:
            raise ValueError(f"{where}: the code {OTHER_CODE!r} is reserved")
        if code in seen:
            raise ValueError(f"{where}: duplicate code")
        seen.add(code)
        tname = raw.get("name")
        if not isinstance(tname, str) or not tname.strip():
            raise ValueError(f"{where}: 'name' is missing or not a non-empty string")
        keywords = raw.get("keywords")
        if not isinstance(keywords, list) or not keywords:
            raise ValueError(f"{where}: 'keywords' must be a non-empty list of strings")
        cleaned: list[str] = []
        for kw in keywords:
            if not isinstance(kw, str) or not kw.strip():
                raise ValueError(f"{where}: keyword {kw!r} is not a non-empty string")
            cleaned.append(" ".join(kw.lower().split()))
        extra = set(raw) - {"code", "name", "keywords", "description"}
        if extra:
            raise ValueError(f"{where}: unknown field(s) {sorted(extra)}")
        themes.append(CodebookTheme(code=code, name=tname.strip(), keywords=tuple(cleaned)))
    return Codebook(name=name.strip(), themes=tuple(themes))


_SUFFIXES = ("ments", "ment", "ings", "ing", "ies", "ied", "ers", "es", "ed", "er", "ly", "s")


def _stem(word: str) -> str:
    """Crude, lemma-free suffix stripping: "staffing", "staffed", "staff" -> "staff"."""
    w = word.lower()
    for suffix in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            if suffix in ("ies", "ied"):
                w += "y"
            break
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "aeiouls":
        w = w[:-1]  # "planning" -> "plann" -> "plan"
    return w


def _stem_line(text: str) -> str:
    return " " + " ".join(_stem(w) for w in _WORD.findall(text.lower())) + " "


# --------------------------------------------------------------------------------------------
# Sentiment and quotes


def _polarities(texts: Sequence[str]) -> list[float]:
    """TextBlob polarity per text (the PatternAnalyzer TextBlob uses by default)."""
    from textblob.en import sentiment

    cache: dict[str, float] = {}
    out: list[float] = []
    for text in texts:
        value = cache.get(text)
        if value is None:
            value = float(sentiment(text)[0]) if text.strip() else 0.0
            cache[text] = value
        out.append(value)
    return out


def _sentiment_counts(polarities: Sequence[float], members: Sequence[int]) -> tuple[int, int, int]:
    pos = sum(1 for i in members if polarities[i] > 0.1)
    neg = sum(1 for i in members if polarities[i] < -0.1)
    return (pos, len(members) - pos - neg, neg)


def quotes(texts: Sequence[str], theme: Theme, n: int = 2, seed: int | None = None) -> list[str]:
    """Up to ``n`` representative comments of ``theme`` (closest to its TF-IDF centroid),
    returned in shuffled order so the first quote says nothing about rank."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    members = [i for i in theme.members if texts[i].strip()]
    if n <= 0 or not members:
        return []
    docs = [_clean(texts[i]) for i in members]
    try:
        vec = TfidfVectorizer(
            ngram_range=(1, 2),
            stop_words="english",
            sublinear_tf=True,
            token_pattern=_TOKEN_PATTERN,
        )
        matrix = vec.fit_transform(docs)
        centroid = np.asarray(matrix.mean(axis=0)).ravel()
        scores = matrix @ centroid
    except ValueError:  # nothing but stop words
        scores = np.zeros(len(docs))
    order = sorted(range(len(members)), key=lambda j: (-float(scores[j]), members[j]))
    chosen: list[str] = []
    seen: set[str] = set()
    for j in order:
        text = texts[members[j]].strip()
        key = text.lower()
        if key in seen:
            continue
        seen.add(key)
        chosen.append(text)
        if len(chosen) == n:
            break
    random.Random(seed).shuffle(chosen)
    return chosen


# --------------------------------------------------------------------------------------------
# Shared clustering machinery


def _clean(text: str) -> str:
    return _PLACEHOLDER.sub(" ", text or "")


def _vectorizer(n: int) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        ngram_range=(1, 2),
        stop_words="english",
        sublinear_tf=True,
        min_df=2 if n >= 20 else 1,
        max_df=0.5 if n >= 50 else 1.0,
        max_features=200_000,
        token_pattern=_TOKEN_PATTERN,
        dtype=np.float32,
    )


def _normalize_rows(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.asarray(x / norms, dtype=np.float32)


def _kmeans(x: np.ndarray, k: int, random_state: int, n_init: int = 2, **kwargs: Any) -> Any:
    """KMeans fit; a warning about duplicate points (fewer distinct clusters) is expected."""
    import warnings

    from sklearn.cluster import KMeans
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return KMeans(n_clusters=k, n_init=n_init, random_state=random_state, **kwargs).fit(x)


def _neighbours(n: int) -> int:
    """Neighbours to smooth over: 10, fewer for small inputs (none below 16 comments)."""
    return _SMOOTH_NEIGHBOURS if n > 4 * _SMOOTH_NEIGHBOURS else 0


def _smooth(z: np.ndarray, neighbours: int) -> np.ndarray:
    """Average every row with its nearest neighbours (cosine), then re-normalise."""
    n = z.shape[0]
    m = min(neighbours, n - 1)
    if m < 2:
        return z
    out = np.empty_like(z)
    for start in range(0, n, 2048):
        block = z[start : start + 2048] @ z.T
        idx = np.argpartition(-block, m, axis=1)[:, : m + 1]
        out[start : start + 2048] = z[idx].mean(axis=1)
    return _normalize_rows(out)


def _grid(k_max: int) -> list[int]:
    if k_max <= 2:
        return [2]
    values = np.unique(np.round(np.geomspace(2, k_max, num=min(10, k_max - 1))).astype(int))
    return [int(v) for v in values]


def _choose_k(
    z_fit: np.ndarray, z_score: np.ndarray, k_max: int, random_state: int
) -> tuple[int, dict[int, float]]:
    """Pick k by cosine silhouette over a grid: the peak if the curve has an interior peak,
    otherwise the knee (largest gain over the straight line from the first to the last k, on
    log k), or the largest k when the curve is still rising steeply there."""
    from sklearn.metrics import silhouette_score

    n = z_fit.shape[0]
    rng = np.random.RandomState(random_state)
    sample = np.sort(rng.choice(n, size=min(n, _SILHOUETTE_SAMPLE), replace=False))
    z_fit, z_score = z_fit[sample], z_score[sample]
    scores: dict[int, float] = {}
    for k in _grid(min(k_max, len(sample) // 3)):
        if k >= len(sample):
            break
        labels = _kmeans(z_fit, k, random_state, n_init=1, max_iter=50, tol=1e-3).labels_
        if len(np.unique(labels)) < 2:
            continue
        scores[k] = float(silhouette_score(z_score, labels, metric="cosine"))
    if not scores:
        return 1, scores
    ks = sorted(scores)
    values = np.array([scores[k] for k in ks])
    best = int(np.argmax(values))
    if len(ks) < 3 or best < len(ks) - 1:
        return ks[best], scores
    # Rising curve: the knee, measured on log k.
    x = np.log(np.array(ks, dtype=float))
    x = (x - x[0]) / (x[-1] - x[0])
    y = (values - values[0]) / max(values[-1] - values[0], 1e-9)
    gain = y - x
    if float(gain.max()) < 0.05:  # no knee: still rising steeply at the largest k
        return ks[-1], scores
    return ks[int(np.argmax(gain))], scores


def _term_similarity(t: Any) -> Any:
    """Sparse term x term similarity: each term's nearest terms by co-occurrence (PPMI + SVD)."""
    import scipy.sparse as sp
    from sklearn.decomposition import TruncatedSVD

    n_docs, n_terms = t.shape
    binary = (t > 0).astype(np.float32).tocsc()
    df = np.asarray(binary.sum(axis=0)).ravel()
    keep = np.argsort(-df, kind="stable")[: min(_MAX_SIM_TERMS, n_terms)]
    keep = keep[df[keep] > 0]
    if len(keep) < 4:
        return sp.identity(n_terms, dtype=np.float32, format="csr")
    b = binary[:, keep]
    co = (b.T @ b).tocoo()
    dfk = df[keep]
    pmi = np.log(co.data * n_docs / (dfk[co.row] * dfk[co.col]))
    mask = (pmi > 0) & (co.row != co.col)
    ppmi = sp.csr_matrix(
        (pmi[mask], (co.row[mask], co.col[mask])), shape=(len(keep), len(keep)), dtype=np.float32
    )
    dims = min(_LSA_DIMS, len(keep) - 1)
    vectors = _normalize_rows(TruncatedSVD(dims, random_state=0).fit_transform(ppmi))
    m = min(_TERM_NEIGHBOURS, len(keep) - 1)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    for start in range(0, len(keep), 2048):
        block = vectors[start : start + 2048] @ vectors.T
        idx = np.argpartition(-block, m, axis=1)[:, : m + 1]
        sims = np.clip(np.take_along_axis(block, idx, axis=1), 0.0, None)
        rows.append(np.repeat(keep[start : start + 2048], m + 1))
        cols.append(keep[idx.ravel()])
        vals.append(sims.ravel())
    sim = sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(n_terms, n_terms),
        dtype=np.float32,
    )
    # Terms outside the similarity vocabulary keep themselves.
    outside = np.setdiff1d(np.arange(n_terms), keep)
    if len(outside):
        sim = sim + sp.csr_matrix(
            (np.ones(len(outside), dtype=np.float32), (outside, outside)), shape=(n_terms, n_terms)
        )
    return sim


def _expand(t: Any, sim: Any, weights: np.ndarray | None = None) -> Any:
    from sklearn.preprocessing import normalize

    base = normalize(t)
    out = normalize(base + normalize(base @ sim))
    if weights is not None:
        import scipy.sparse as sp

        out = normalize(out @ sp.diags(weights.astype(np.float32)))
    return out


def _concentration_weights(t: Any, labels: np.ndarray, k: int) -> np.ndarray:
    """1 + 2 x (1 - normalised entropy of each term over the clusters)."""
    import scipy.sparse as sp

    n = t.shape[0]
    binary = (t > 0).astype(np.float32)
    onehot = sp.csr_matrix((np.ones(n, dtype=np.float32), (np.arange(n), labels)), shape=(n, k))
    counts = np.asarray((binary.T @ onehot).todense()) + 0.1
    p = counts / counts.sum(axis=1, keepdims=True)
    entropy = -(p * np.log(p)).sum(axis=1) / math.log(max(k, 2))
    return np.asarray(1.0 + 2.0 * (1.0 - entropy), dtype=np.float32)


def _nearest_centroid(z: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    c = _normalize_rows(centroids)
    out = np.empty(z.shape[0], dtype=np.int64)
    for start in range(0, z.shape[0], 8192):
        out[start : start + 8192] = np.argmax(z[start : start + 8192] @ c.T, axis=1)
    return out


def _k_max(n: int, max_themes: int | None, min_theme_size: int) -> int:
    k = int(round(1.2 * math.sqrt(n)))
    k = min(k, max(2, n // max(min_theme_size, 2)))
    if max_themes is not None:
        k = min(k, max_themes)
    return max(2, k)


def _cluster_dense(
    z: np.ndarray, max_themes: int | None, min_theme_size: int, random_state: int
) -> tuple[np.ndarray, int]:
    """k chosen from the data, then k-means; z holds L2-normalised rows. Inputs larger than
    the fit sample are fitted on a deterministic sample and assigned to the nearest centroid."""

    n = z.shape[0]
    fit_idx = np.arange(n)
    if n > _FIT_ALL_UP_TO:
        rng = np.random.RandomState(random_state)
        fit_idx = np.sort(rng.choice(n, size=_FIT_SAMPLE, replace=False))
    z_fit = z[fit_idx]
    m = len(fit_idx)
    zs = _smooth(z_fit, _neighbours(m))
    distinct = len(np.unique(np.round(zs, 4), axis=0))
    k_max = min(_k_max(n, max_themes, min_theme_size), distinct)
    k, _ = _choose_k(zs, z_fit, k_max, random_state) if distinct >= 2 else (1, {})
    if k <= 1:
        return np.zeros(n, dtype=np.int64), 1
    km = _kmeans(zs, k, random_state)
    if m == n:
        return km.labels_.astype(np.int64), k
    labels = _nearest_centroid(z, km.cluster_centers_)
    labels[fit_idx] = km.labels_
    return labels, k


# --------------------------------------------------------------------------------------------
# Building the result (labels, codebook mapping, "other", sentiment)


def _key_phrases(
    t: Any, terms: np.ndarray, members: np.ndarray, overall: np.ndarray, n: int = 5
) -> tuple[str, ...]:
    """Most distinctive terms of the members: mean TF-IDF minus half the corpus mean, two-word
    phrases preferred, overlapping phrases dropped. ``overall``: row 0 the corpus mean TF-IDF,
    row 1 the per-term phrase weights."""
    if len(members) == 0 or t.shape[1] == 0:
        return ()
    centroid = np.asarray(t[members].mean(axis=0)).ravel()
    score = (centroid - 0.5 * overall[0]) * overall[1]
    order = np.argsort(-score, kind="stable")
    chosen: list[str] = []
    for j in order[: 6 * n]:
        if centroid[j] <= 0:
            break
        phrase = str(terms[j])
        # Skip a phrase already covered by a chosen one ("parking" vs "parking lot").
        if any(phrase in c.split() or c in phrase.split() or phrase == c for c in chosen):
            continue
        if any(set(phrase.split()) <= set(c.split()) for c in chosen):
            continue
        chosen.append(phrase)
        if len(chosen) == n:
            break
    return tuple(chosen)


def _phrase_weights(terms: np.ndarray) -> np.ndarray:
    """Prefer two-word phrases ("health insurance") over their single words."""
    if not len(terms):
        return np.ones(0)
    return np.where(np.char.find(terms.astype(str), " ") >= 0, 1.3, 1.0)


def _label(key_phrases: Sequence[str]) -> str:
    return " / ".join(key_phrases[:3]) if key_phrases else "Comments"


def _map_codebook(
    texts: Sequence[str],
    groups: list[list[int]],
    phrases: list[tuple[str, ...]],
    codebook: Codebook,
    min_score: float,
) -> list[str | None]:
    """Codebook code per group, or None when no theme scores at least ``min_score``."""
    keyword_lines = [[_stem_line(kw) for kw in cb.keywords] for cb in codebook.themes]
    out: list[str | None] = []
    for members, kps in zip(groups, phrases, strict=True):
        sample = members if len(members) <= 400 else members[:: math.ceil(len(members) / 400)]
        lines = [_stem_line(texts[i]) for i in sample]
        kp_lines = [_stem_line(p) for p in kps]
        best_code: str | None = None
        best = 0.0
        for cb, kws in zip(codebook.themes, keyword_lines, strict=True):
            hit = sum(1 for line in lines if any(kw in line for kw in kws)) / max(len(lines), 1)
            kp_hit = (
                sum(1 for line in kp_lines if any(kw in line for kw in kws)) / len(kp_lines)
                if kp_lines
                else 0.0
            )
            score = 0.7 * hit + 0.3 * kp_hit
            if score > best:
                best, best_code = score, cb.code
        out.append(best_code if best >= min_score else None)
    return out


def _build_result(
    texts: Sequence[str],
    labels: np.ndarray,
    t: Any,
    terms: np.ndarray,
    codebook: Codebook | None,
    min_theme_size: int,
    min_score: float,
) -> ThemeResult:
    """labels: cluster per text, -1 for comments that fit no theme."""
    n = len(texts)
    polarities = _polarities(texts)
    overall = np.stack(
        [np.asarray(t.mean(axis=0)).ravel() if t.shape[0] else np.zeros(0), _phrase_weights(terms)]
    )
    clusters: dict[int, list[int]] = {}
    other: list[int] = []
    for i, lab in enumerate(labels.tolist()):
        if lab < 0:
            other.append(i)
        else:
            clusters.setdefault(int(lab), []).append(i)
    groups: list[list[int]] = []
    for members in clusters.values():
        if len(members) < min_theme_size and n >= min_theme_size * 2:
            other.extend(members)
        else:
            groups.append(members)
    phrases = [_key_phrases(t, terms, np.array(g), overall) for g in groups]
    codes: list[str | None] = [None] * len(groups)
    names: dict[str, str] = {}
    if codebook is not None and groups:
        codes = _map_codebook(texts, groups, phrases, codebook, min_score)
        names = {cb.code: cb.name for cb in codebook.themes}
        merged: dict[str, list[int]] = {}
        rest: list[tuple[list[int], tuple[str, ...]]] = []
        for g, kp, code in zip(groups, phrases, codes, strict=True):
            if code is None:
                rest.append((g, kp))
            else:
                merged.setdefault(code, []).extend(g)
        groups = [sorted(g) for g in merged.values()] + [g for g, _ in rest]
        codes = list(merged.keys()) + [None] * len(rest)
        phrases = [_key_phrases(t, terms, np.array(g), overall) for g in groups[: len(merged)]] + [
            kp for _, kp in rest
        ]
    order = sorted(range(len(groups)), key=lambda j: (-len(groups[j]), min(groups[j])))
    themes: list[Theme] = []
    assignments = [-1] * n
    for new_id, j in enumerate(order):
        theme_members = tuple(sorted(groups[j]))
        code = codes[j]
        label = names[code] if code is not None else _label(phrases[j])
        themes.append(
            Theme(
                id=new_id,
                label=label,
                key_phrases=phrases[j],
                code=code,
                members=theme_members,
                sentiment=_sentiment_counts(polarities, theme_members),
            )
        )
        for i in theme_members:
            assignments[i] = new_id
    if other:
        other_members = tuple(sorted(other))
        other_id = len(themes)
        themes.append(
            Theme(
                id=other_id,
                label=OTHER_LABEL,
                key_phrases=_key_phrases(t, terms, np.array(other_members), overall),
                code=OTHER_CODE,
                members=other_members,
                sentiment=_sentiment_counts(polarities, other_members),
            )
        )
        for i in other_members:
            assignments[i] = other_id
    return ThemeResult(themes=tuple(themes), assignments=tuple(assignments))


def _single_theme(texts: Sequence[str], codebook: Codebook | None, min_score: float) -> ThemeResult:
    """Too few comments to cluster: one theme (or nothing for no input)."""
    if not texts:
        return ThemeResult(themes=(), assignments=())
    t, terms = _safe_tfidf(texts)
    labels = np.zeros(len(texts), dtype=np.int64)
    return _build_result(texts, labels, t, terms, codebook, 1, min_score)


def _safe_tfidf(texts: Sequence[str]) -> tuple[Any, np.ndarray]:
    import scipy.sparse as sp

    vec = _vectorizer(len(texts))
    try:
        t = vec.fit_transform([_clean(x) for x in texts])
        return t.tocsr(), np.asarray(vec.get_feature_names_out())
    except ValueError:  # empty vocabulary: only stop words, numbers or placeholders
        return sp.csr_matrix((len(texts), 0), dtype=np.float32), np.array([], dtype=object)


# --------------------------------------------------------------------------------------------
# Engines


@dataclass
class TfidfThemer:
    """Default theming engine: TF-IDF, term smoothing, LSA and k-means, k chosen from the data.

    ``max_themes`` caps the number of themes (default: about 1.2 x sqrt(n), at most n divided by
    ``min_theme_size``); clusters smaller than ``min_theme_size`` go to "other". A cluster maps
    onto a codebook theme when its score (share of comments with a keyword, and key phrases
    matching keywords) reaches ``min_codebook_score``.
    """

    max_themes: int | None = None
    min_theme_size: int = 5
    min_codebook_score: float = 0.25
    random_state: int = 0
    last_k: int = field(default=0, init=False, compare=False)

    def theme(self, texts: Sequence[str], codebook: Codebook | None = None) -> ThemeResult:
        """Group ``texts`` into themes; see the module docstring for the pipeline."""
        texts = list(texts)
        n = len(texts)
        t, terms = _safe_tfidf(texts)
        nonempty = np.flatnonzero(np.diff(t.indptr) > 0) if t.shape[1] else np.array([], int)
        if n < _MIN_TEXTS_TO_CLUSTER or len(nonempty) < _MIN_TEXTS_TO_CLUSTER:
            self.last_k = 1 if n else 0
            if n >= _MIN_TEXTS_TO_CLUSTER:  # enough comments, but no words to group them by
                labels = np.where(np.diff(t.indptr) > 0, 0, -1) if t.shape[1] else np.full(n, -1)
                return _build_result(texts, labels, t, terms, codebook, 1, self.min_codebook_score)
            return _single_theme(texts, codebook, self.min_codebook_score)
        labels = np.full(n, -1, dtype=np.int64)
        labels[nonempty] = self._cluster(t[nonempty])
        return _build_result(
            texts, labels, t, terms, codebook, self.min_theme_size, self.min_codebook_score
        )

    def _cluster(self, t: Any) -> np.ndarray:
        from sklearn.decomposition import TruncatedSVD

        n = t.shape[0]
        rng = np.random.RandomState(self.random_state)
        fit_idx = (
            np.arange(n)
            if n <= _FIT_ALL_UP_TO
            else np.sort(rng.choice(n, size=_FIT_SAMPLE, replace=False))
        )
        t_fit = t[fit_idx]
        sim = _term_similarity(t_fit)
        x_fit = _expand(t_fit, sim)
        dims = max(1, min(_LSA_DIMS, x_fit.shape[1] - 1, len(fit_idx) - 1))
        svd = TruncatedSVD(dims, random_state=self.random_state)
        z = _normalize_rows(svd.fit_transform(x_fit))
        first, k = _cluster_dense(z, self.max_themes, self.min_theme_size, self.random_state)
        self.last_k = k
        if k <= 1:
            return np.zeros(n, dtype=np.int64)
        # Refinement: weight terms by how concentrated they are in the first clusters.
        weights = _concentration_weights(t_fit, first, k)
        x2 = _expand(t_fit, sim, weights)
        svd2 = TruncatedSVD(dims, random_state=self.random_state)
        z2 = _normalize_rows(svd2.fit_transform(x2))
        zs2 = _smooth(z2, _neighbours(len(fit_idx)))
        km = _kmeans(zs2, k, self.random_state)
        if n == len(fit_idx):
            return km.labels_.astype(np.int64)
        labels = np.empty(n, dtype=np.int64)
        for start in range(0, n, 20_000):
            block = _expand(t[start : start + 20_000], sim, weights)
            zb = _normalize_rows(svd2.transform(block))
            labels[start : start + 20_000] = _nearest_centroid(zb, km.cluster_centers_)
        labels[fit_idx] = km.labels_
        return labels


class EmbeddingThemer:
    """Semantic theming engine over a local sentence-embedding model.

    ``model_path`` is a directory holding a model2vec ``StaticModel`` or a sentence-transformers
    model. Nothing is downloaded. Comments are embedded, clustered with k chosen from the data
    (as in :class:`TfidfThemer`), and each theme is labelled with TF-IDF key phrases.
    """

    def __init__(
        self,
        model_path: str,
        *,
        max_themes: int | None = None,
        min_theme_size: int = 5,
        min_codebook_score: float = 0.25,
        random_state: int = 0,
        batch_size: int = 64,
    ) -> None:
        path = Path(model_path)
        if not path.is_dir():
            raise FileNotFoundError(f"embedding model directory not found: {model_path}")
        self.max_themes = max_themes
        self.min_theme_size = min_theme_size
        self.min_codebook_score = min_codebook_score
        self.random_state = random_state
        self.batch_size = batch_size
        self.last_k = 0
        self._encode = self._load(path)

    def _load(self, path: Path) -> Any:
        st_files = ("modules.json", "config_sentence_transformers.json")
        if any((path / name).exists() for name in st_files):
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:
                raise ImportError(
                    f"{path} is a sentence-transformers model but the package "
                    "'sentence-transformers' is not installed"
                ) from exc
            st_model = SentenceTransformer(str(path), device="cpu")

            def encode_st(texts: list[str]) -> np.ndarray:
                return np.asarray(
                    st_model.encode(texts, batch_size=self.batch_size, show_progress_bar=False),
                    dtype=np.float32,
                )

            return encode_st
        try:
            from model2vec import StaticModel
        except ImportError as exc:
            raise ImportError(
                f"{path} is not a sentence-transformers model and the package 'model2vec' "
                "is not installed to load it as a static model"
            ) from exc
        static = StaticModel.from_pretrained(str(path))

        def encode_static(texts: list[str]) -> np.ndarray:
            return np.asarray(static.encode(texts), dtype=np.float32)

        return encode_static

    def theme(self, texts: Sequence[str], codebook: Codebook | None = None) -> ThemeResult:
        """Group ``texts`` into themes by their embeddings."""
        texts = list(texts)
        n = len(texts)
        if n < _MIN_TEXTS_TO_CLUSTER:
            self.last_k = 1 if n else 0
            return _single_theme(texts, codebook, self.min_codebook_score)
        t, terms = _safe_tfidf(texts)
        cleaned = [_clean(x) for x in texts]
        nonempty = np.array([i for i, x in enumerate(cleaned) if x.strip()], dtype=np.int64)
        labels = np.full(n, -1, dtype=np.int64)
        if len(nonempty) >= _MIN_TEXTS_TO_CLUSTER:
            z = _normalize_rows(self._encode([cleaned[i] for i in nonempty]))
            lab, k = _cluster_dense(z, self.max_themes, self.min_theme_size, self.random_state)
            self.last_k = k
            labels[nonempty] = lab
        else:
            labels[nonempty] = 0
            self.last_k = 1
        return _build_result(
            texts, labels, t, terms, codebook, self.min_theme_size, self.min_codebook_score
        )
