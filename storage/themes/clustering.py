"""Clustering of unit-length comment vectors: k-means (scikit-learn's KMeans with k-means++
seeding) for k themes, the number of themes chosen by scikit-learn's silhouette_score (cosine),
small clusters folded into their nearest neighbour, sub-themes inside each theme.

Deterministic for a given seed.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

MIN_THEMES = 3
MAX_THEMES = 12
_SILHOUETTE_SAMPLE = 1_000
_FIT_SAMPLE = 5_000  # k-means is fitted on at most this many comments, then all are assigned
_PROBE_SAMPLE = 2_000  # the number of themes is chosen on at most this many
_SMOOTH_UP_TO = 3_000  # smaller sets are smoothed over their nearest neighbours first
_K_TOLERANCE = 0.7  # small sets: the fewest themes at a silhouette peak within 70% of the best
_K_STEP = 0.02  # one more theme that raises the silhouette by less than this is no better


def normalize_rows(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.asarray(x / norms, dtype=np.float32)


def centre_sums(z: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Sum of the rows of each cluster (a sparse one-hot product: np.add.at is slow)."""
    import scipy.sparse as sp

    n = z.shape[0]
    onehot = sp.csr_matrix(
        (np.ones(n, dtype=np.float32), (labels, np.arange(n))), shape=(k, n), dtype=np.float32
    )
    return np.asarray(onehot @ z, dtype=np.float32)


def assign(z: np.ndarray, centroids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nearest centroid (cosine) per row, and the similarity to it."""
    labels = np.empty(z.shape[0], dtype=np.int64)
    sims = np.empty(z.shape[0], dtype=np.float32)
    for start in range(0, z.shape[0], 16_384):
        block = z[start : start + 16_384] @ centroids.T
        best = np.argmax(block, axis=1)
        labels[start : start + 16_384] = best
        sims[start : start + 16_384] = block[np.arange(block.shape[0]), best]
    return labels, sims


def kmeans(
    z: np.ndarray, k: int, seed: int, n_init: int = 3, max_iter: int = 60
) -> tuple[np.ndarray, np.ndarray, float]:
    """k-means of unit rows (scikit-learn's KMeans, k-means++ seeding; on unit vectors the
    Euclidean objective is the cosine one): (labels, unit centroids, mean similarity to the own
    centroid)."""
    from sklearn.cluster import KMeans
    from sklearn.exceptions import ConvergenceWarning

    k = max(1, min(k, z.shape[0]))
    with warnings.catch_warnings():  # near-duplicate comments: fewer distinct clusters than k
        warnings.simplefilter("ignore", ConvergenceWarning)
        fit = KMeans(n_clusters=k, init="k-means++", n_init=n_init, max_iter=max_iter,
                     tol=1e-4, random_state=seed).fit(z)
    centroids = normalize_rows(fit.cluster_centers_)
    labels, sims = assign(z, centroids)
    return labels, centroids, float(sims.mean())


def silhouette_sample(n: int, seed: int, sample: int = _SILHOUETTE_SAMPLE) -> np.ndarray:
    """The rows a silhouette is measured on: all of them, or a deterministic sample."""
    idx = np.arange(n)
    if n > sample:
        idx = np.sort(np.random.RandomState(seed).choice(n, sample, replace=False))
    return idx


def cosine_distances(z: np.ndarray) -> np.ndarray:
    """Pairwise cosine distances of unit rows (computed once for the many silhouettes of one
    set of rows, then passed to scikit-learn as precomputed)."""
    d = 1.0 - z @ z.T
    np.clip(d, 0.0, 2.0, out=d)
    np.fill_diagonal(d, 0.0)
    return np.asarray(d, dtype=np.float64)


def silhouette(z: np.ndarray, labels: np.ndarray, seed: int, sample: int = _SILHOUETTE_SAMPLE,
               distances: tuple[np.ndarray, np.ndarray] | None = None) -> float:
    """Mean cosine silhouette (scikit-learn's silhouette_score) on a deterministic sample of
    at most `sample` rows (-1 when it is undefined). `distances`: (sample rows, their
    `cosine_distances`), when one set of rows is scored for several clusterings."""
    from sklearn.metrics import silhouette_score

    if distances is None:
        idx = silhouette_sample(z.shape[0], seed, sample)
        d = cosine_distances(z[idx])
    else:
        idx, d = distances
    lab = labels[idx]
    distinct = len(np.unique(lab))
    if distinct < 2 or distinct >= len(idx):
        return -1.0
    return float(silhouette_score(d, lab, metric="precomputed"))


def fold_small(
    z: np.ndarray, labels: np.ndarray, centroids: np.ndarray, min_size: int
) -> tuple[np.ndarray, np.ndarray]:
    """Dissolve clusters under ``min_size`` (smallest first) into their nearest neighbours."""
    labels = labels.copy()
    alive = list(range(centroids.shape[0]))
    while len(alive) > 1:
        sizes = {c: int((labels == c).sum()) for c in alive}
        smallest = min(alive, key=lambda c: (sizes[c], c))
        if sizes[smallest] >= min_size:
            break
        alive.remove(smallest)
        rows = np.flatnonzero(labels == smallest)
        if len(rows):
            sub, _ = assign(z[rows], centroids[alive])
            labels[rows] = np.asarray(alive)[sub]
    remap = {c: i for i, c in enumerate(alive)}
    out = np.array([remap[int(c)] for c in labels], dtype=np.int64)
    return out, normalize_rows(centre_sums(z, out, len(alive)))


def smooth(z: np.ndarray, neighbours: int) -> np.ndarray:
    """Every row averaged with its nearest neighbours (cosine), re-normalised: removes noise
    before clustering a small set."""
    n = z.shape[0]
    m = min(neighbours, n - 1)
    if m < 2:
        return z
    out = np.empty_like(z)
    for start in range(0, n, 1024):
        block = z[start : start + 1024] @ z.T
        idx = np.argpartition(-block, m, axis=1)[:, : m + 1]
        out[start : start + 1024] = z[idx].mean(axis=1)
    return normalize_rows(out)


def cluster(
    z: np.ndarray,
    seed: int,
    min_size: int,
    k_min: int = MIN_THEMES,
    k_max: int = MAX_THEMES,
) -> tuple[np.ndarray, np.ndarray]:
    """Top-level themes of unit rows ``z``: k in [k_min, k_max] (fewer when there are too few
    comments for ``min_size`` each) chosen by silhouette. A small set (up to 3,000 comments) is
    smoothed over its nearest neighbours first and gets the fewest themes at which one more
    theme stops separating the comments better, among those within 70% of the best silhouette
    (silhouette alone splits near-duplicates apart in small sets); a large set gets the best k.
    Returns (labels, centroids)."""
    n = z.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros((0, z.shape[1]), dtype=np.float32)
    k_max = max(1, min(k_max, n // max(min_size, 1)))
    k_min = max(1, min(k_min, k_max))
    distinct = len(np.unique(np.round(z[: min(n, 5_000)], 3), axis=0))
    k_max = max(1, min(k_max, distinct))
    k_min = min(k_min, k_max)
    rng = np.random.RandomState(seed)
    small = n <= _SMOOTH_UP_TO
    if small:
        z = smooth(z, max(2, min(10, n // 12)))
    probe = z if n <= _PROBE_SAMPLE else z[np.sort(rng.choice(n, _PROBE_SAMPLE, replace=False))]
    idx = silhouette_sample(probe.shape[0], seed)
    distances = (idx, cosine_distances(probe[idx]))
    scores: dict[int, float] = {}
    for k in range(k_min, k_max + 1):
        # a large set takes the best k, so its curve must be steady: two starts per k
        labels, _, _ = kmeans(probe, k, seed, n_init=1 if small else 2, max_iter=25)
        scores[k] = silhouette(probe, labels, seed, distances=distances) if k > 1 else 0.0
    top = max(scores.values())
    # the fewest themes that separate the comments nearly as well as the best number does
    tolerance = _K_TOLERANCE if small else 1.0
    near = [k for k, v in scores.items() if v >= tolerance * top]
    # where one more theme stops separating better (near-duplicates keep raising the score at
    # large k in a small set, so the first peak, not the highest)
    peaks = [k for k in near if k == max(scores) or scores[k] >= scores[k + 1] - _K_STEP]
    chosen = (min(peaks or near)) if top > 0 else k_min
    best = (scores[chosen], chosen)
    fit = z if n <= _FIT_SAMPLE else z[np.sort(rng.choice(n, _FIT_SAMPLE, replace=False))]
    _, centroids, _ = kmeans(fit, best[1], seed, n_init=2, max_iter=40)
    labels, _ = assign(z, centroids)
    return fold_small(z, labels, normalize_rows(centre_sums(z, labels, best[1])), min_size)


def subclusters(z: np.ndarray, seed: int, min_size: int, max_k: int = 4) -> np.ndarray | None:
    """Sub-theme labels for the rows of one theme, or None when it does not split well."""
    n = z.shape[0]
    k_max = min(max_k, n // max(min_size, 2))
    if k_max < 2:
        return None
    fit = z if n <= _SILHOUETTE_SAMPLE else z[np.sort(np.random.RandomState(seed).choice(
        n, _SILHOUETTE_SAMPLE, replace=False))]
    best: tuple[float, np.ndarray] | None = None
    idx = silhouette_sample(n, seed, 500)
    distances = (idx, cosine_distances(z[idx]))
    for k in range(2, k_max + 1):
        _, centroids, _ = kmeans(fit, k, seed, n_init=1, max_iter=20)
        labels, _ = assign(z, centroids)
        labels, centroids = fold_small(z, labels, centroids, min_size)
        if centroids.shape[0] < 2:
            continue
        score = silhouette(z, labels, seed, distances=distances) + 0.01 * math.log(
            centroids.shape[0])
        if best is None or score > best[0]:
            best = (score, labels)
    return None if best is None else best[1]


def order_by_closeness(z: np.ndarray, members: np.ndarray) -> np.ndarray:
    """``members`` ordered by cosine to their own (mean) centre, closest first; ties by index."""
    if len(members) == 0:
        return members
    rows = z[members]
    centre = rows.sum(axis=0)
    norm = float(np.linalg.norm(centre))
    if norm == 0:
        return np.sort(members)
    sims = rows @ (centre / norm)
    return members[np.lexsort((members, -np.round(sims, 6)))]
